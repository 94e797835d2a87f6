// Errors thrown by the simulator; the build error lives with the compiler driver.
import type { PortValue } from './types.ts';
import { formatValue } from './values.ts';

export { SimBuildError } from './compile.ts';

/** Misuse of the simulator API: unknown port, bad value, poking an output, ... */
export class SimError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimError';
  }
}

/** A failed `expect`: says which cycle, port, values and where the waveform is. */
export class ExpectError extends Error {
  constructor(
    readonly cycle: number,
    readonly port: string,
    readonly expected: PortValue,
    readonly actual: PortValue,
    readonly waveformPath: string | undefined,
    note?: string,
  ) {
    super(
      `expect failed at cycle ${cycle}: port '${port}' expected ${formatValue(expected)}, got ${formatValue(actual)}` +
        (note ? ` (${note})` : '') +
        (waveformPath ? `; waveform: ${waveformPath}` : ''),
    );
    this.name = 'ExpectError';
  }
}
