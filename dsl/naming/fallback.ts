// A file the naming transform cannot handle is still loaded, untransformed:
// its hardware keeps generated names, and a warning says why.
import { cachedTransformNaming } from './cache.ts';
import type { SpliceResult } from './splice.ts';

export async function transformOrWarn(code: string, path: string): Promise<SpliceResult | null> {
  try {
    return await cachedTransformNaming(code, path, { locators: true });
  } catch (e) {
    process.emitWarning(`automatic naming skipped for ${path}: ${e instanceof Error ? e.message : String(e)}`, 'HashiNamingWarning');
    return null;
  }
}
