// An up-counter with an enable and a synchronous reset (the module's implicit
// reset). It wraps around from 2^width - 1 to 0.
import { Bool, IO, Input, Output, RegInit, UInt, defineModule, when } from '../dsl/index.ts';

export const Counter = defineModule({
  name: 'Counter',
  params: { width: 8 },
  body: ({ width }) => {
    const io = IO({
      enable: Input(Bool()),
      count: Output(UInt(width)),
    });
    const value = RegInit(UInt(width), 0).named('value');
    when(io.enable, () => {
      value.connect(value.addWrap(1));
    });
    io.count.connect(value);
    return io;
  },
});

export default Counter;
