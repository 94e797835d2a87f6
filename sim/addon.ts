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
  /** For the shared stepper/evaluator (in-process models only). */
  handle?: object;
  /** One cycle with every check; throws what the shared stepper caught. */
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
  /**
   * One cycle / one eval of the instance behind `handle`; false when it did not
   * run (closed, broken, or it caught an error: step1Checked()/eval() throw it).
   * Any loaded model's pair drives instances of every model (see SharedCalls).
   */
  stepper?: (handle: object) => boolean;
  evaluator?: (handle: object) => boolean;
}

/**
 * The stepper and evaluator of the first model loaded, used for every instance:
 * a JS call site that sees one function object stays a direct call in optimized
 * code, while one that sees several (an addon or instance each) pays about 20 ns.
 */
export interface SharedCalls {
  step: (handle: object) => boolean;
  eval: (handle: object) => boolean;
}

let shared: SharedCalls | undefined;

export function sharedCalls(model: NativeModel): SharedCalls | undefined {
  if (!shared && model.stepper && model.evaluator) shared = { step: model.stepper, eval: model.evaluator };
  return shared;
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
