// Errors a generator throws on bad parameters or weights (RangeError, the
// weight importer's WeightImportError) are the user's input, not a hashi bug:
// the CLI prints the message and the design-file line that led there, no stack.
import { relative, sep } from 'node:path';
import { projectDir } from './project.ts';

const INTERNAL = ['dsl', 'lib', 'sim', 'cli', 'node_modules'].map((d) => `${projectDir}${sep}${d}${sep}`);

export function isInputError(err: unknown): err is Error {
  return err instanceof RangeError || (err instanceof Error && err.name === 'WeightImportError');
}

/** The first stack frame in a file of the user's (not hashi's own layers), as path:line:col. */
export function userFrame(err: Error): string | undefined {
  for (const line of (err.stack ?? '').split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) continue;
    const file = m[1]!.replace(/^file:\/\//, '');
    if (INTERNAL.some((d) => file.startsWith(d)) || file.startsWith('node:')) continue;
    const shown = file.startsWith(projectDir + sep) ? relative(projectDir, file) : file;
    return `${shown}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
