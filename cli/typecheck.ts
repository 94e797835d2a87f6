// `hashi emit` type-checks the design (scripts/typecheck.mjs) in a worker thread
// while it loads and elaborates; type errors are reported before anything else.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { HashiError } from '../dsl/index.ts';
import { packageRoot } from '../scripts/paths.mjs';

export type TypecheckResult = { readonly errors: readonly string[] } | { readonly failed: string };

export function startTypecheck(file: string): Promise<TypecheckResult> {
  return new Promise((resolvePromise) => {
    const worker = new Worker(join(packageRoot, 'scripts', 'typecheck.mjs'), { workerData: { hashiTypecheck: { file, cwd: process.cwd() } } });
    worker.once('message', (m: TypecheckResult) => {
      resolvePromise(m);
      void worker.terminate();
    });
    worker.once('error', (e) => resolvePromise({ failed: e.message }));
  });
}

function listing(errors: readonly string[]): string {
  const more = errors.length > 10 ? `\n  ... and ${errors.length - 10} more` : '';
  return `the design does not type-check (${errors.length} error${errors.length === 1 ? '' : 's'}):\n  ${errors.slice(0, 10).join('\n  ')}${more}`;
}

/** Throws a HashiError listing the type errors (first 10), if any; a checker that could not run only warns. */
export function throwTypeErrors(result: TypecheckResult): void {
  if ('failed' in result) {
    process.emitWarning(`type check skipped: ${result.failed}`, 'HashiTypecheckWarning');
    return;
  }
  const { errors } = result;
  if (errors.length === 0) return;
  throw new HashiError(
    listing(errors),
    'correct the types at those lines (hashi would otherwise elaborate wrong or fail later), or pass --no-typecheck to skip this check',
    undefined,
    'type-error',
  );
}

/** For an error that stopped loading or elaboration: the type errors as a note to append ('' when none). */
export function typeErrorNote(result: TypecheckResult): string {
  return 'errors' in result && result.errors.length > 0 ? `\nalso: ${listing(result.errors)}` : '';
}
