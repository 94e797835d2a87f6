// Loads a compiled model addon into this process (once per file).
import { constants } from 'node:os';

export interface NativeInstance {
  /**
   * Every port's value, in the model's own storage: port i at byte offsets[i],
   * storageBytes(width) little-endian bytes. Detached once closed.
   */
  mem: ArrayBuffer;
  offsets: number[];
  eval(): void;
  step(cycles?: number): void;
  /**
   * One cycle: the hot path (no arguments to convert). False when it did not
   * step (closed, broken) or caught an error: step1Checked() then throws why.
   */
  step1(): boolean;
  /** One cycle with every check; throws what step1 caught. */
  step1Checked(): boolean;
  run(cycles: number, inputIndices: number[], inputLanes: ArrayBufferView[], outputIndices: number[], outputLanes: ArrayBufferView[]): void;
  flushTrace(): void;
  gotFinish(): boolean;
  close(): void;
}

export interface NativeModel {
  top: string;
  trace: 'none' | 'fst' | 'vcd';
  ports: Array<{ name: string; width: number; input: boolean }>;
  open(clockIndex: number, tracePath: string | null): NativeInstance;
}

const loaded = new Map<string, NativeModel>();

export function loadAddon(file: string): NativeModel {
  let model = loaded.get(file);
  if (!model) {
    const module = { exports: {} as NativeModel };
    try {
      // RTLD_NOW without RTLD_GLOBAL: unresolved symbols fail here, and nothing
      // this addon defines is visible to the next one.
      process.dlopen(module, file, constants.dlopen.RTLD_NOW);
    } catch (e) {
      throw new Error(`hashi sim: cannot load model addon ${file}: ${(e as Error).message}`);
    }
    model = module.exports;
    loaded.set(file, model);
  }
  return model;
}
