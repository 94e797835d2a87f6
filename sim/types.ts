/** One top-level port of the design, as the simulator sees it (flat, no bundles). */
export interface PortInfo {
  name: string;
  direction: 'input' | 'output';
  width: number;
  signed: boolean;
  kind: 'clock' | 'reset' | 'asyncReset' | 'data';
}

export type WaveformFormat = 'fst' | 'vcd';

export interface SimulatorOptions {
  /** Name of the top module in the SystemVerilog sources. */
  top: string;
  /** SystemVerilog files; their contents are part of the build-cache key. */
  svFiles: string[];
  ports: PortInfo[];
  /** Record a waveform; FST unless 'vcd' is asked for. `true` means FST. */
  waveform?: WaveformFormat | boolean;
  /** Where to write the waveform; default `<cache>/waves/<top>-<pid>-<n>.<ext>`. */
  waveformPath?: string;
  /** Extra Verilator flags (part of the cache key). */
  verilatorFlags?: string[];
  /**
   * Run the model in a child process, so a crash there cannot kill this one.
   * Same API; each call is an IPC round trip, so batch with runVectors.
   */
  outOfProcess?: boolean;
  /** Build-cache directory; default env HASHI_SIM_CACHE or `<project>/.cache/sim`. */
  cacheDir?: string;
}

/** A value on a port: `number` up to 53 bits, `bigint` beyond (either is accepted on input). */
export type PortValue = number | bigint;
