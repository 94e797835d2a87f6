// Which files the naming transform applies to: TypeScript sources that import
// hashi. `mightImportHashi` is a cheap string test run before any parsing; the
// parsed import list is checked with `isHashiSpecifier` afterwards, so a false
// positive here (e.g. the word inside a string) costs one parse, never a rewrite.

/** A quoted module specifier that ends in `dsl/index.ts` or `/dsl`, or is `hashi`. */
const quotedHashiSpecifier = /(["'])(?:hashi|[^"'\r\n]*(?:\/dsl|dsl\/index\.ts))\1/;

export function mightImportHashi(code: string): boolean {
  if (!code.includes('import')) return false;
  if (!code.includes('hashi') && !code.includes('dsl')) return false;
  return quotedHashiSpecifier.test(code);
}

export function isHashiSpecifier(specifier: string): boolean {
  return specifier === 'hashi' || specifier.endsWith('/dsl') || specifier.endsWith('dsl/index.ts');
}

/** `.ts` / `.mts` source files, not declaration files; the path may carry a `?query`. */
export function isNamingCandidatePath(path: string): boolean {
  const clean = path.replace(/[?#].*$/, '');
  if (!/\.m?ts$/.test(clean) || /\.d\.m?ts$/.test(clean)) return false;
  return !/[\\/]node_modules[\\/]/.test(clean);
}
