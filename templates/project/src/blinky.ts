// A design: an LED that toggles every `period` cycles while `enable` is high.
// `npx hashi emit src/blinky.ts --param period=4` writes its SystemVerilog.
import { Bool, IO, Input, Output, RegInit, UInt, defineModule, when } from 'hashi';

export const Blinky = defineModule({
  name: 'Blinky',
  params: { period: 3 },
  body: ({ period }) => {
    const width = Math.max(1, Math.ceil(Math.log2(period)));
    const io = IO({ enable: Input(Bool()), led: Output(Bool()) });
    const count = RegInit(UInt(width), 0);
    const lit = RegInit(Bool(), false);
    when(io.enable, () => {
      when(count.eq(period - 1), () => {
        count.connect(0);
        lit.connect(lit.not());
      }).otherwise(() => count.connect(count.addWrap(1)));
    });
    io.led.connect(lit);
    return io;
  },
});

export default Blinky;
