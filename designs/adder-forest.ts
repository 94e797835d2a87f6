// A forest of balanced adder trees over constant-shifted inputs: the shape of
// hardened Po2 convolutions, used to measure elaboration speed at scale.
// trees * (termsPerTree - 1) two-input adders.
import { IO, Input, Output, UInt, Vec, defineRawModule } from '../dsl/index.ts';
import type { UInt as UIntValue } from '../dsl/index.ts';

// Purely combinational, so a raw module: no clock or reset ports to leave unused.
export const AdderForest = defineRawModule({
  name: 'AdderForest',
  params: { trees: 4, termsPerTree: 8, inputs: 16, width: 8 },
  body: ({ trees, termsPerTree, inputs, width }) => {
    const sumWidth = width + 4 + Math.ceil(Math.log2(termsPerTree));
    const io = IO({ x: Input(Vec(inputs, UInt(width))), sums: Output(Vec(trees, UInt(sumWidth))) });
    for (let t = 0; t < trees; t++) {
      let level: UIntValue[] = [];
      for (let k = 0; k < termsPerTree; k++) level.push(io.x.at((t * 7 + k * 13) % inputs).shl((t + k) % 5));
      while (level.length > 1) {
        const next: UIntValue[] = [];
        for (let i = 0; i + 1 < level.length; i += 2) next.push(level[i]!.add(level[i + 1]!));
        if (level.length % 2) next.push(level[level.length - 1]!);
        level = next;
      }
      io.sums.at(t).connect(level[0]!.pad(sumWidth));
    }
    return io;
  },
});

export default AdderForest;
