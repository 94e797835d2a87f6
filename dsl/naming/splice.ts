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

/** An insertion at `start`, and optionally a closing one at `end`. */
interface Span {
  readonly start: number;
  readonly end: number | undefined;
  readonly open: string;
  readonly close: string;
}

export function splicePlan(text: string, plan: NamingPlan, runtimeSpecifier: string, source: string): SpliceResult {
  const insertions: Insertion[] = [];
  const spec = JSON.stringify(runtimeSpecifier);
  if (plan.addImport) insertions.push({ pos: plan.importAt, text: `import { __hashi_name } from ${spec}; `, mapped: false });
  if (plan.sites.length > 0) {
    // One table of locators per file, made once at load; each site then only
    // points the runtime at its entry (no allocation, no stack walk).
    const table = plan.sites.flatMap((s) => [s.line, s.col]).join(',');
    insertions.push({ pos: plan.importAt, text: `import { __hashi_at, __hashi_locs } from ${spec}; const __hashi_L = __hashi_locs(import.meta.url, [${table}]); `, mapped: false });
  }
  const spans: Span[] = [
    ...plan.wraps.map((w) => ({ start: w.start, end: w.end, open: `__hashi_name(${JSON.stringify(w.name)}, () => ${w.paren ? '(' : ''}`, close: w.paren ? '))' : ')' })),
    ...plan.sites.map((s, i) =>
      s.end === undefined ? { start: s.start, end: undefined, open: `__hashi_at(__hashi_L[${i}]); `, close: '' } : { start: s.start, end: s.end, open: `(__hashi_at(__hashi_L[${i}]), `, close: ')' },
    ),
  ];
  // Outer spans first at equal starts. Closings and openings alternate in
  // position order, since spans are nested or disjoint; a closing at the same
  // position as an opening belongs to an earlier span, so it goes first.
  spans.sort((a, b) => a.start - b.start || (b.end ?? a.start) - (a.end ?? a.start));
  const closes: Insertion[] = [];
  for (const s of spans) {
    while (closes.length > 0 && closes[closes.length - 1]!.pos <= s.start) insertions.push(closes.pop()!);
    insertions.push({ pos: s.start, text: s.open, mapped: true });
    if (s.end !== undefined) closes.push({ pos: s.end, text: s.close, mapped: false });
  }
  while (closes.length > 0) insertions.push(closes.pop()!);
  const map: RawSourceMap = { version: 3, sources: [source], sourcesContent: [text], names: [], mappings: insertionMappings(text, insertions) };
  return { code: applyInsertions(text, insertions), map };
}
