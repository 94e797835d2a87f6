// The handle tests drive: poke/peek/expect/step over one model instance.
// Pokes and peeks are plain typed-array accesses on the model's own port storage;
// only eval (a peek after pokes), step and runVectors call into C++.
import { sharedCalls, type NativeInstance, type NativeModel } from './addon.ts';
import { ExpectError, SimError } from './errors.ts';
import type { PortInfo, PortValue } from './types.ts';
import { describeRange, layoutPorts, readPort, writePort, type PortLayout } from './values.ts';
import { laneCycles, newOutputLane, toInputLane, type VectorInput, type VectorLane } from './vectors.ts';

export interface VectorRun {
  /** One lane per driven input; inputs without a lane keep their current value. */
  inputs?: Record<string, VectorInput>;
  /** Outputs to sample after every cycle; default all outputs. */
  outputs?: string[];
  /** Cycle count; default the length of the input lanes. */
  cycles?: number;
}

/** A port resolved once, for hot loops that should not look names up. */
export interface PortHandle {
  readonly info: PortInfo;
  poke(value: PortValue): void;
  peek(): PortValue;
  expect(value: PortValue, note?: string): void;
}

/** How the model behind a simulator was obtained. */
export interface BuildInfo {
  /** Cache key of the compiled model. */
  key: string;
  /** False when this load compiled it (a cache miss). */
  cached: boolean;
  addonPath: string;
}

// A class rather than an object of closures: every handle shares one map and
// one set of methods, so hot call sites stay monomorphic across handles.
class Port implements PortHandle {
  readonly info: PortInfo;
  constructor(
    private readonly sim: Simulator,
    private readonly layout: PortLayout,
  ) {
    this.info = layout.info;
  }
  poke(value: PortValue): void {
    this.sim.pokeLayout(this.layout, value);
  }
  peek(): PortValue {
    return this.sim.peekLayout(this.layout);
  }
  expect(value: PortValue, note?: string): void {
    this.sim.expectLayout(this.layout, value, note);
  }
}

const never = (): boolean => false;

const EMPTY_PROTOTYPE: object = Object.freeze(Object.create(null));

const openWithWaveforms = new Set<Simulator>();
let exitHookInstalled = false;

export class Simulator {
  readonly top: string;
  readonly ports: readonly PortInfo[];
  /** Where the waveform is written, if one was asked for. */
  readonly waveformPath: string | undefined;
  readonly buildInfo: BuildInfo;

  private readonly native: NativeInstance;
  // A plain object over an empty null-prototype object: fast-mode properties for
  // V8's keyed-load caches (a Map or Object.create(null) is several times slower
  // here), and no Object.prototype names like 'toString' to find by accident.
  private readonly byName: Record<string, PortLayout | undefined> = Object.create(EMPTY_PROTOTYPE);
  private pokeName = '';
  private pokeTarget: PortLayout | undefined;
  private peekName = '';
  private peekTarget: PortLayout | undefined;
  private readonly layouts: PortLayout[];
  private readonly clock: PortLayout | undefined;
  private readonly resetPort: PortLayout | undefined;
  private dirty = false;
  private closed = false;
  /** Open, in-process and clocked: step() may go straight to the shared stepper. */
  private stepReady: boolean;
  /** The instance for the shared stepper/evaluator; undefined out of process. */
  private readonly handle: object | undefined;
  private readonly stepOne: (handle: object) => boolean;
  private readonly evalOne: (handle: object) => boolean;
  private cycles = 0;
  /** @internal Set by simulate(): the design's source line of each SV assertion line, keyed `file.sv:line`. */
  sourceLines: ReadonlyMap<string, string> | undefined;

  /** @internal Use loadSimulator(). */
  constructor(model: NativeModel, ports: readonly PortInfo[], waveformPath: string | undefined, buildInfo: BuildInfo) {
    this.top = model.top;
    this.buildInfo = buildInfo;
    this.ports = ports;
    const clockIndex = ports.findIndex((p) => p.kind === 'clock' && p.direction === 'input');
    this.waveformPath = waveformPath;
    this.native = model.open(clockIndex, waveformPath ?? null);
    this.layouts = layoutPorts(ports, this.native.mem, this.native.offsets);
    for (const p of this.layouts) this.byName[p.info.name] = p;
    this.clock = this.layouts[clockIndex];
    if (this.clock) this.clock.drivable = false;
    const shared = this.native.handle ? sharedCalls(model) : undefined;
    this.handle = shared ? this.native.handle : undefined;
    this.stepOne = shared?.step ?? never;
    this.evalOne = shared?.eval ?? never;
    this.stepReady = this.clock !== undefined && this.handle !== undefined;
    this.resetPort = this.layouts.find((p) => (p.info.kind === 'reset' || p.info.kind === 'asyncReset') && p.info.direction === 'input');
    if (waveformPath) {
      openWithWaveforms.add(this);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        // An unclosed FST is unreadable; finish the files if the test forgot to.
        process.once('exit', () => openWithWaveforms.forEach((s) => s.close()));
      }
    }
  }

  /** Completed clock cycles since load. */
  get cycle(): number {
    return this.cycles;
  }

  /** True once the design executed `$finish`. */
  get finished(): boolean {
    this.ensureOpen();
    return this.native.gotFinish();
  }

  port(name: string): PortHandle {
    return new Port(this, this.lookup(name));
  }

  // poke and peek remember the last port each resolved: a loop driving one port
  // then compares a string instead of probing V8's megamorphic property cache
  // (byName's lookups see every port name, and every design's names).
  poke(port: string, value: PortValue): void {
    if (port !== this.pokeName) this.cachePoke(port);
    this.pokeLayout(this.pokeTarget!, value);
  }

  peek(port: string): PortValue {
    if (port !== this.peekName) this.cachePeek(port);
    return this.peekLayout(this.peekTarget!);
  }

  expect(port: string, value: PortValue, note?: string): void {
    this.expectLayout(this.lookup(port), value, note);
  }

  /** Runs `cycles` clock cycles: falling edge with the poked inputs, then rising edge. */
  step(cycles = 1): void {
    // The hot path of interactive tests: one argument-free native call.
    if (cycles === 1 && this.stepReady) {
      if (this.stepOne(this.handle!) !== true) this.failing(() => this.native.step1Checked()); // throws why it did not step
    } else {
      this.failing(() => this.stepMany(cycles), cycles);
    }
    this.dirty = false;
    this.cycles += cycles;
  }

  /** Holds the reset port high for `cycles` cycles, then releases it. */
  reset(cycles = 1): void {
    if (!this.resetPort) throw new SimError(`reset: ${this.top} has no reset port (no port of kind 'reset' or 'asyncReset')`);
    this.pokeLayout(this.resetPort, 1);
    this.step(cycles);
    this.pokeLayout(this.resetPort, 0);
  }

  /**
   * The fast path: one native call runs every cycle. Cycle i drives each input
   * lane's element i, clocks once, then samples each output into element i,
   * exactly like `poke; step(); peek` per cycle.
   */
  runVectors(run: VectorRun): Record<string, VectorLane> {
    this.ensureOpen();
    if (!this.clock) throw new SimError(`runVectors: ${this.top} has no clock port`);
    const inputs = Object.entries(run.inputs ?? {}).map(([name, lane]) => {
      const p = this.lookup(name);
      this.checkDrivable(p, 'runVectors');
      return { p, lane };
    });
    let cycles = run.cycles;
    for (const { p, lane } of inputs) {
      const n = laneCycles(p, lane);
      cycles ??= n;
      if (n < cycles || !Number.isInteger(n)) {
        throw new SimError(`runVectors: input '${p.info.name}' has ${n} cycles of values, ${cycles} needed`);
      }
    }
    if (cycles === undefined) throw new SimError('runVectors: give `cycles` or at least one input lane');
    if (!Number.isInteger(cycles) || cycles < 0) throw new SimError(`runVectors: cycles must be a non-negative integer, got ${cycles}`);
    const outputs = (run.outputs ?? this.layouts.filter((p) => p.info.direction === 'output').map((p) => p.info.name)).map((name) => {
      const p = this.lookup(name);
      if (p.info.direction !== 'output') throw new SimError(`runVectors: '${name}' is an input; list outputs to sample`);
      return p;
    });
    const inLanes = inputs.map(({ p, lane }) => toInputLane(p, lane));
    const outLanes = outputs.map((p) => newOutputLane(p, cycles));
    try {
      this.native.run(
        cycles,
        inputs.map(({ p }) => p.index),
        inLanes,
        outputs.map((p) => p.index),
        outLanes,
      );
    } catch (e) {
      throw new SimError(`runVectors: ${this.explain((e as Error).message, `within cycles ${this.cycles + 1} to ${this.cycles + cycles}`)}`);
    }
    this.dirty = false;
    this.cycles += cycles;
    return Object.fromEntries(outputs.map((p, i) => [p.info.name, outLanes[i]!]));
  }

  /** Writes buffered waveform data to disk (the file stays open). */
  flushWaveform(): void {
    if (!this.closed) this.native.flushTrace();
  }

  /** Finishes the waveform and frees the model; further calls throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stepReady = false;
    openWithWaveforms.delete(this);
    this.native.close();
  }

  /** @internal The body of poke, for Port. */
  // The hot paths (pokeLayout, peekLayout, step) keep their rare cases in separate
  // methods: V8 inlines by bytecode size, and a test's loop should get all three.
  pokeLayout(p: PortLayout, value: PortValue): void {
    if (this.closed || !p.drivable) this.refusePoke(p);
    if (!writePort(p, value)) this.outOfRange(p, value);
    this.dirty = true;
  }

  /** @internal The body of peek, for Port. */
  peekLayout(p: PortLayout): PortValue {
    if (this.dirty || this.closed) this.settle();
    return readPort(p);
  }

  /** @internal The body of expect, for Port. */
  expectLayout(p: PortLayout, expected: PortValue, note?: string): void {
    const actual = this.peekLayout(p);
    if (actual === expected) return;
    if (typeof expected !== 'number' && typeof expected !== 'bigint') {
      throw new SimError(`expect: expected value for '${p.info.name}' must be a number or bigint`);
    }
    // 5 and 5n are the same port value.
    const comparable = typeof expected === 'bigint' || Number.isSafeInteger(expected);
    if (comparable && typeof expected !== typeof actual && BigInt(actual) === BigInt(expected)) return;
    if (this.waveformPath) this.native.flushTrace();
    throw new ExpectError(this.cycles, p.info.name, expected, actual, this.waveformPath, note);
  }

  /** Runs a step; a failure inside the model (an assert, $fatal, $stop) names the cycle and the design's line. */
  private failing(run: () => void, cycles = 1): void {
    try {
      run();
    } catch (e) {
      if (e instanceof SimError || !(e instanceof Error)) throw e;
      const when = cycles === 1 ? `at cycle ${this.cycles + 1}` : `within cycles ${this.cycles + 1} to ${this.cycles + cycles}`;
      throw new SimError(this.explain(e.message, when));
    }
  }

  private explain(message: string, when: string): string {
    const sv = /([\w.-]+\.sv):(\d+)/.exec(message);
    const from = sv ? this.sourceLines?.get(`${sv[1]}:${sv[2]}`) : undefined;
    return `${from ? `${from}: ` : ''}${message} (${when})`;
  }

  private stepMany(cycles: number): void {
    this.ensureOpen();
    if (!this.clock) throw new SimError(`step: ${this.top} has no clock port (no port of kind 'clock')`);
    if (!Number.isInteger(cycles) || cycles < 0) throw new SimError(`step: cycles must be a non-negative integer, got ${cycles}`);
    this.native.step(cycles);
  }

  /** Evaluates the model so outputs reflect the inputs poked since the last eval. */
  private settle(): void {
    if (this.handle === undefined || this.evalOne(this.handle) !== true) {
      this.ensureOpen();
      this.native.eval(); // out of process, or throws why the evaluator did not run
    }
    this.dirty = false;
  }

  private refusePoke(p: PortLayout): void {
    this.ensureOpen();
    this.checkDrivable(p, 'poke');
  }

  private outOfRange(p: PortLayout, value: PortValue): never {
    throw new SimError(`poke: ${String(value)} does not fit port '${p.info.name}' (${describeRange(p)})`);
  }

  private checkDrivable(p: PortLayout, what: string): void {
    if (p.info.direction !== 'input') throw new SimError(`${what}: '${p.info.name}' is an output; only inputs can be driven`);
    if (p === this.clock) throw new SimError(`${what}: '${p.info.name}' is the clock; use step() to advance it`);
  }

  // An unknown name throws before it is recorded.
  private cachePoke(name: string): void {
    this.pokeTarget = this.byName[name] ?? this.lookup(name);
    this.pokeName = name;
  }

  private cachePeek(name: string): void {
    this.peekTarget = this.byName[name] ?? this.lookup(name);
    this.peekName = name;
  }

  private lookup(name: string): PortLayout {
    const p = this.byName[name];
    if (!p) {
      throw new SimError(`unknown port '${name}' on ${this.top}; ports: ${this.layouts.map((l) => l.info.name).join(', ')}`);
    }
    return p;
  }

  private ensureOpen(): void {
    if (this.closed) throw new SimError(`${this.top}: simulator is closed`);
  }
}
