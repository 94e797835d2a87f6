// switchOn(x).is(a, ...).is([b, c], ...).otherwise(...): a when/elsewhen chain
// comparing one value against constants, like Chisel's switch/is.
import type { WhenChain } from './when.ts';
import { when } from './when.ts';
import type { Bool, SInt, UInt } from './values.ts';

type Key = UInt | SInt | number | bigint;

/** The chain `switchOn` returns: more `.is(...)` cases, then an optional `.otherwise(...)`. */
export interface SwitchChain {
  is(keys: Key | readonly Key[], body: () => void): SwitchChain;
  otherwise(body: () => void): void;
}

/** Compare one value against constants, first match wins: `switchOn(op).is(0, ...).is([1, 2], ...).otherwise(...)`. */
export function switchOn(value: UInt | SInt): SwitchChain {
  let chain: WhenChain | undefined;
  const matches = (keys: Key | readonly Key[]): Bool => {
    const list = Array.isArray(keys) ? (keys as readonly Key[]) : [keys as Key];
    return list.map((k) => (value as UInt).eq(k as UInt)).reduce((a, b) => a.or(b));
  };
  const self: SwitchChain = {
    is(keys, body) {
      const cond = matches(keys);
      chain = chain ? chain.elsewhen(cond, body) : when(cond, body);
      return self;
    },
    otherwise(body) {
      if (chain) chain.otherwise(body);
      else body();
    },
  };
  return self;
}

