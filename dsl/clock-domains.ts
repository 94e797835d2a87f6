// Clock and reset scopes: registers, memories and instances made inside take
// this clock/reset instead of the module's implicit ones.
import { builder } from './builder.ts';
import { HashiError } from './errors.ts';
import { captureLocator } from './locator.ts';
import { describeType } from './types.ts';
import { Data } from './values.ts';
import type { Clock, Reset } from './values.ts';

function scoped<T>(clock: Clock | undefined, reset: Data | undefined, fn: () => T): T {
  const b = builder('a clock or reset scope');
  if (clock !== undefined && !(clock instanceof Data && clock.type.kind === 'clock')) {
    const got = clock instanceof Data ? describeType(clock.type) : typeof clock;
    throw new HashiError(`withClock needs a Clock, got ${got}`, 'pass a Clock port (Input(Clock())), or turn a 1-bit UInt into one with .asClock()', captureLocator(), 'bad-clock');
  }
  if (reset !== undefined && !(reset instanceof Data)) {
    throw new HashiError(`withReset needs a hardware Bool, Reset or AsyncReset, got ${typeof reset}`, 'pass a 1-bit hardware value', captureLocator(), 'bad-reset');
  }
  if (reset && reset.type.width !== 1) {
    throw new HashiError(`a reset must be 1 bit wide, got ${reset.type.width}`, 'pass a Bool, Reset or AsyncReset', captureLocator(), 'bad-reset');
  }
  const outer = { clock: b.clock, reset: b.reset };
  if (clock) b.clock = clock.ref;
  if (reset) b.reset = reset.ref;
  try {
    return fn();
  } finally {
    b.clock = outer.clock;
    b.reset = outer.reset;
  }
}

/** Registers, memories and instances made in `fn` use `clock` instead of the implicit clock. */
export function withClock<T>(clock: Clock, fn: () => T): T {
  return scoped(clock, undefined, fn);
}

/** `reset` may be a Bool (synchronous) or an AsyncReset. */
export function withReset<T>(reset: Reset | Data, fn: () => T): T {
  return scoped(undefined, reset, fn);
}

/** Registers, memories and instances made in `fn` use this clock and reset (a Bool: synchronous; an AsyncReset: asynchronous). */
export function withClockAndReset<T>(clock: Clock, reset: Reset | Data, fn: () => T): T {
  return scoped(clock, reset, fn);
}
