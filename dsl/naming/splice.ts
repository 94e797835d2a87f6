// The write half of the naming transform: turn a plan into insertions, apply
// them to the text in one pass and produce a source map back to the original.
// Nothing inserted contains a newline, so every original line keeps its number
// even where the map is ignored.
import { applyInsertions } from './apply-insertions.ts';
import type { NamingPlan } from './collect.ts';
import { insertionMappings } from './insertion-map.ts';
import type { Insertion } from './insertion-map.ts';
import type { RawSourceMap } from './source-map.ts';

export interface SpliceResult {
  code: string;
  map: RawSourceMap;
}

export function splicePlan(text: string, plan: NamingPlan, runtimeSpecifier: string, source: string): SpliceResult {
  const insertions: Insertion[] = [];
  if (plan.addImport) insertions.push({ pos: plan.importAt, text: `import { __hashi_name } from ${JSON.stringify(runtimeSpecifier)}; `, mapped: false });
  // Closing parentheses and openings alternate in position order, since wraps
  // are either nested or disjoint; a closing at the same position as an
  // opening always belongs to an earlier wrap, so it goes first.
  const closes: Insertion[] = [];
  for (const w of plan.wraps) {
    while (closes.length > 0 && closes[closes.length - 1]!.pos <= w.start) insertions.push(closes.pop()!);
    insertions.push({ pos: w.start, text: `__hashi_name(${JSON.stringify(w.name)}, () => ${w.paren ? '(' : ''}`, mapped: true });
    closes.push({ pos: w.end, text: w.paren ? '))' : ')', mapped: false });
  }
  while (closes.length > 0) insertions.push(closes.pop()!);
  const map: RawSourceMap = { version: 3, sources: [source], sourcesContent: [text], names: [], mappings: insertionMappings(text, insertions) };
  return { code: applyInsertions(text, insertions), map };
}
