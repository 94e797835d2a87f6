// Guard against accidentally quadratic work (e.g. editing through ts-morph,
// which re-parses on every change): a 20,000-line design must transform in
// seconds. The bound is loose because the machine is shared; `hashi bench
// naming` gives the real figures.
import { describe, expect, it } from 'vitest';
import { generateDesign } from '../../bench/naming.ts';
import { transformNaming } from '../../dsl/naming/transform.ts';

describe('naming transform at scale', () => {
  it('transforms a 20,000-line design in well under 10 s, wrapping every named declaration', () => {
    const src = generateDesign(20_000);
    const t = performance.now();
    const out = transformNaming(src, '/p/big.ts', { runtimeSpecifier: '/rt.ts' });
    const seconds = (performance.now() - t) / 1000;
    expect(seconds).toBeLessThan(10);
    expect(out!.code.split('\n')).toHaveLength(src.split('\n').length);
    const named = src.match(/^\s*(?:export )?(?:const|let) \w+ = (?!\d)|^\s*#?\w+ = (?!\d)/gm)!.length;
    expect(out!.code.match(/__hashi_name\("/g)).toHaveLength(named);
  });
});
