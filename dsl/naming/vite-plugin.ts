// Vite / Vitest plugin: the naming transform for `.ts` files that import hashi,
// before Vite's own TypeScript handling (enforce: 'pre'). Vite composes the
// returned source map with its later ones.
import { transformOrWarn } from './fallback.ts';
import { isNamingCandidatePath } from './detect.ts';
import type { RawSourceMap } from './source-map.ts';

export interface NamingVitePlugin {
  name: string;
  enforce: 'pre';
  transform(code: string, id: string): Promise<{ code: string; map: RawSourceMap } | null>;
}

export function hashiNaming(): NamingVitePlugin {
  return {
    name: 'hashi-naming',
    enforce: 'pre',
    async transform(code, id) {
      if (id.startsWith('\0') || !isNamingCandidatePath(id)) return null;
      return transformOrWarn(code, id.replace(/[?#].*$/, ''));
    },
  };
}
