/**
 * `Po2Dot`: one hardened dot product (an adder tree) as a module whose
 * parameters are plain strings and numbers, so that identical trees (every
 * interior pixel of one output channel) are elaborated once and instantiated
 * many times. Ports: input `t`, a Vec of one tap per NONZERO weight (in the
 * order of `weights`; no `t` when there are none), output `y` (the sum in accumulator LSBs, exactly as wide
 * as its range). The IO object also carries `adders`, the adders the tree built.
 */
import { IO, Input, Output, SInt, Vec, defineModule, oneOf } from '../../dsl/index.ts';
import { formatWidth, qformat } from '../fixed/format.ts';
import { EXACT, truncating, type AccumulateMode } from '../golden/accumulate.ts';
import { po2, type Po2 } from '../po2/po2.ts';
import { po2AdderTree } from './adder-tree.ts';

/** "+3,-1,+0": nonzero weights only. */
export function encodeWeights(ws: readonly Po2[]): string {
  return ws
    .filter((w) => w.sign !== 0)
    .map((w) => `${w.sign > 0 ? '+' : '-'}${w.exp}`)
    .join(',');
}

export function decodeWeights(s: string): Po2[] {
  if (s === '') return [];
  return s.split(',').map((t) => {
    const m = /^([+-])(-?\d+)$/.exec(t);
    if (!m) throw new RangeError(`bad encoded Po2 weight '${t}'`);
    return po2(m[1] === '+' ? 1 : -1, Number(m[2]));
  });
}

export type ModeName = 'exact' | 'floor-signed' | 'subtract-floored';

export function modeName(m: AccumulateMode): ModeName {
  return m.kind === 'exact' ? 'exact' : (m.negation ?? 'floor-signed');
}

export function modeFromName(name: string, frac: number): AccumulateMode {
  if (name === 'exact') return EXACT;
  if (name === 'floor-signed' || name === 'subtract-floored') return truncating(frac, name);
  throw new RangeError(`unknown accumulation mode '${name}'`);
}

export const Po2Dot = defineModule({
  name: 'Po2Dot',
  params: {
    weights: '',
    actInt: 3,
    actFrac: 5,
    accFrac: 5,
    mode: oneOf(['exact', 'floor-signed', 'subtract-floored']),
    bias: '0',
    pipelineEvery: 0,
    levels: 0,
  },
  body: (p) => {
    const act = qformat(p.actInt, p.actFrac);
    const ws = decodeWeights(p.weights);
    // No taps (every weight pruned): no input port at all, as a Vec cannot be empty.
    const inputs = ws.length > 0 ? IO({ t: Input(Vec(ws.length, SInt(formatWidth(act)))) }) : undefined;
    const tree = po2AdderTree(
      ws.map((w, i) => ({ x: inputs!.t.at(i), w })),
      {
        act,
        accFrac: p.accFrac,
        mode: modeFromName(p.mode, p.accFrac),
        bias: BigInt(p.bias),
        pipelineEvery: p.pipelineEvery,
        ...(p.levels > 0 ? { levels: p.levels } : {}),
      },
    );
    const out = IO({ y: Output(SInt(tree.out.width)) });
    out.y.connect(tree.out);
    // `adders` is plain data: instances see it too (the adders this tree built).
    return { ...inputs, y: out.y, adders: tree.adders };
  },
});
