// Splicing insertions into a text in one pass.
import type { Insertion } from './insertion-map.ts';

/** `text` with `insertions` (sorted by pos; equal positions keep their order) applied. */
export function applyInsertions(text: string, insertions: readonly Insertion[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const ins of insertions) {
    if (ins.pos > at) parts.push(text.slice(at, ins.pos));
    parts.push(ins.text);
    at = Math.max(at, ins.pos);
  }
  parts.push(text.slice(at));
  return parts.join('');
}
