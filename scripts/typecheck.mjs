// Type-checks a design file (for `hashi emit`): only the design's own files, with
// the project's TypeScript and tsconfig.json when there are, else ts-morph's
// bundled compiler and strict defaults. Plain JS so it runs in a worker thread
// beside elaboration, with no TypeScript loader.
import { createRequire } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { isSourceCheckout, packageEntries, packageRoot } from './paths.mjs';

// hashi's own sources: their errors are hashi's business (its CI checks them).
const hashiOwn = ['dsl', 'sim', 'lib', 'cli', 'dist', 'node_modules'].map((d) => `${packageRoot}${sep}${d}${sep}`);

/** @param {string} file @returns {Promise<typeof import('typescript')>} */
async function compilerFor(file) {
  try {
    return createRequire(file)('typescript');
  } catch {
    return /** @type {typeof import('typescript')} */ (/** @type {unknown} */ ((await import('ts-morph')).ts));
  }
}

/**
 * `hashi` and `hashi/*` as this hashi's sources (checkout) or .d.ts files (installed),
 * as the CLI's loader resolves them at run time.
 * @returns {Record<string, string[]>}
 */
function hashiPaths() {
  return Object.fromEntries(
    [...packageEntries(isSourceCheckout)].map(([name, url]) => [name, [fileURLToPath(url).replace(/\.js$/, '.d.ts')]]),
  );
}

/** @param {typeof import('typescript')} ts @param {string} file @returns {import('typescript').CompilerOptions} */
function options(ts, file) {
  const config = ts.findConfigFile(dirname(file), ts.sys.fileExists);
  if (config) {
    const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (parsed) return { ...parsed.options, noEmit: true, paths: { ...hashiPaths(), ...parsed.options.paths } };
  }
  return {
    paths: hashiPaths(),
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: [],
  };
}

/**
 * The type errors in `designFile` and the files of the user's it imports, as
 * `path:line:col: message` (path relative to `cwd` when inside it).
 * @param {string} designFile @param {string} [cwd] @returns {Promise<string[]>}
 */
export async function typeErrors(designFile, cwd = process.cwd()) {
  const file = resolve(cwd, designFile);
  const ts = await compilerFor(file);
  const program = ts.createProgram([file], options(ts, file));
  const own = program.getSourceFiles().filter((f) => !f.isDeclarationFile && !hashiOwn.some((p) => resolve(f.fileName).startsWith(p)));
  return own
    .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const at = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0) : { line: 0, character: 0 };
      const name = d.file?.fileName ?? file;
      const rel = relative(cwd, name);
      return `${rel.startsWith('..') ? name : rel}:${at.line + 1}:${at.character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n    ')}`;
    });
}

if (!isMainThread && workerData?.hashiTypecheck) {
  const { file, cwd } = workerData.hashiTypecheck;
  typeErrors(file, cwd).then(
    (errors) => parentPort?.postMessage({ errors }),
    (e) => parentPort?.postMessage({ failed: String(e?.message ?? e) }),
  );
}
