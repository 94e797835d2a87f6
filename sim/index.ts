// Public API of the Verilator harness. Everything else in sim/ is internal.
export { loadSimulator } from './load.ts';
export { Simulator, type BuildInfo, type PortHandle, type VectorRun } from './simulator.ts';
export type { VectorInput, VectorLane } from './vectors.ts';
export type { PortInfo, PortValue, SimulatorOptions, WaveformFormat } from './types.ts';
export { ExpectError, SimBuildError, SimError } from './errors.ts';
export { simulate, type DesignSimulator, type SimulateOptions } from './simulate.ts';
export type { SimIO } from './design-io.ts';
export { toolchain as simToolchain, type Toolchain as SimToolchain } from './toolchain.ts';
