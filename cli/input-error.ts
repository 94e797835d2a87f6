// Errors a generator throws on bad parameters, weights or models (RangeError, WeightImportError,
// SafetensorsError, OnnxImportError, NpyError, GraphError) are the user's input, not a hashi bug:
// the CLI prints the message and the design-file line that led there, no stack.
import { relative, sep } from 'node:path';
import { projectDir } from './project.ts';

const INTERNAL = ['dsl', 'lib', 'sim', 'cli', 'node_modules'].map((d) => `${projectDir}${sep}${d}${sep}`);

export function isInputError(err: Error): boolean {
  if (err instanceof RangeError) return !/call stack size/.test(err.message);
  return ['WeightImportError', 'SafetensorsError', 'OnnxImportError', 'NpyError', 'GraphError'].includes(err.name);
}

/**
 * The first stack frame in a file of the user's (not hashi's own layers), as
 * path:line:col; with `topOnly`, only if the error was thrown right there.
 */
export function userFrame(err: Error, topOnly = false): string | undefined {
  for (const line of (err.stack ?? '').split('\n').slice(1)) {
    const m = /(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) {
      if (topOnly && /^\s+at /.test(line) && !/\(?node:/.test(line)) return undefined;
      continue;
    }
    const file = m[1]!.replace(/^file:\/\//, '');
    if (file.startsWith('node:')) continue;
    if (INTERNAL.some((d) => file.startsWith(d)) || file.includes(`${sep}node_modules${sep}`)) {
      if (topOnly) return undefined;
      continue;
    }
    const shown = file.startsWith(projectDir + sep) ? relative(projectDir, file) : file;
    return `${shown}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
