// Out-of-process mode: the same model addon runs in a child process, so a crash
// in simulation cannot take the test process down. The Simulator API stays
// synchronous: requests go over two FIFOs with blocking reads; each call is one
// round trip (tens of microseconds), so prefer runVectors here.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeInstance, NativeModel } from './addon.ts';
import type { PortInfo } from './types.ts';
import { packedOffsets, storageBytes } from './values.ts';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child.mjs');
const OP = { eval: 1, step: 2, run: 3, flush: 4, finished: 5, close: 6 } as const;
const LANE_TYPES = [Uint32Array, Int32Array, BigUint64Array, BigInt64Array];
const OPEN_TIMEOUT_MS = 30_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// The port values live in a packed copy here (`mem`, laid out by packedOffsets);
// every request carries it to the child and every reply brings it back.
class ChildInstance implements NativeInstance {
  readonly mem: ArrayBuffer;
  readonly offsets: number[];
  private readonly ioBytes: Uint8Array;
  private dead: string | undefined;
  private closed = false;

  constructor(
    private readonly pid: number,
    private readonly requests: number,
    private readonly responses: number,
    private readonly dir: string,
    layout: { offsets: number[]; bytes: number },
  ) {
    this.mem = new ArrayBuffer(Math.max(layout.bytes, 1));
    this.offsets = layout.offsets;
    this.ioBytes = new Uint8Array(this.mem);
    this.receive(); // the child's "opened" (or its load error)
  }

  eval(): void {
    this.ioBytes.set(this.call(OP.eval, [this.ioBytes]).subarray(0, this.ioBytes.length));
  }

  step(cycles = 1): void {
    const n = Buffer.alloc(8);
    n.writeDoubleLE(cycles, 0);
    this.ioBytes.set(this.call(OP.step, [n, this.ioBytes]).subarray(0, this.ioBytes.length));
  }

  step1Checked(): boolean {
    this.step(1);
    return true;
  }

  run(cycles: number, inputIndices: number[], inputLanes: ArrayBufferView[], outputIndices: number[], outputLanes: ArrayBufferView[]): void {
    const laneType = (l: ArrayBufferView) => LANE_TYPES.findIndex((T) => l instanceof T);
    const length = (l: ArrayBufferView) => (l as Uint32Array | BigUint64Array).length;
    const spec = Buffer.from(
      JSON.stringify({
        cycles,
        ins: inputLanes.map((l, i) => [inputIndices[i], laneType(l), l.byteLength]),
        outs: outputLanes.map((l, i) => [outputIndices[i], laneType(l), length(l)]),
      }),
    );
    const specLength = Buffer.alloc(4);
    specLength.writeUInt32LE(spec.length, 0);
    const bytes = (l: ArrayBufferView) => new Uint8Array(l.buffer, l.byteOffset, l.byteLength);
    const result = this.call(OP.run, [specLength, spec, this.ioBytes, ...inputLanes.map(bytes)]);
    this.ioBytes.set(result.subarray(0, this.ioBytes.length));
    let at = this.ioBytes.length;
    for (const lane of outputLanes) {
      bytes(lane).set(result.subarray(at, at + lane.byteLength));
      at += lane.byteLength;
    }
  }

  flushTrace(): void {
    if (!this.dead && !this.closed) this.call(OP.flush, []);
  }

  gotFinish(): boolean {
    return this.call(OP.finished, [])[0] === 1;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.dead) this.call(OP.close, []);
    } catch {
      // already gone: nothing left to close
    }
    fs.closeSync(this.requests);
    fs.closeSync(this.responses);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private call(op: number, parts: Uint8Array[]): Buffer {
    if (this.dead) throw new Error(this.dead);
    const payload = parts.reduce((a, p) => a + p.byteLength, 0);
    const header = Buffer.alloc(8);
    header.writeUInt32LE(op, 0);
    header.writeUInt32LE(payload, 4);
    const frame = Buffer.concat([header, ...parts]);
    let sent = 0;
    while (sent < frame.length) {
      try {
        sent += fs.writeSync(this.requests, frame, sent, frame.length - sent);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') sleep(1); // pipe full: the child is still reading
        else this.die(`write failed (${code})`);
      }
    }
    return this.receive();
  }

  private receive(): Buffer {
    const header = this.readExact(8);
    const payload = this.readExact(header.readUInt32LE(4));
    if (header.readUInt32LE(0) !== 0) throw new Error(payload.toString('utf8'));
    return payload;
  }

  private readExact(n: number): Buffer {
    const buf = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      let r: number;
      try {
        r = fs.readSync(this.responses, buf, got, n - got, null);
      } catch (e) {
        this.die(`read failed (${(e as NodeJS.ErrnoException).code})`);
      }
      if (r === 0) this.die('it exited');
      got += r;
    }
    return buf;
  }

  private die(why: string): never {
    this.dead = `hashi sim: the simulator child process (pid ${this.pid}) is gone: ${why}`;
    throw new Error(this.dead);
  }
}

/** A NativeModel whose instances each run in their own child process. */
export function remoteModel(top: string, addonPath: string, ports: readonly PortInfo[]): NativeModel {
  const layout = packedOffsets(ports.map((p) => p.width));
  // Where the child finds each port in the parent's packed copy: [offset, bytes].
  const wire = JSON.stringify(ports.map((p, i) => [layout.offsets[i], storageBytes(p.width)]));
  return {
    top,
    trace: 'none',
    ports: ports.map((p) => ({ name: p.name, width: p.width, input: p.direction === 'input' })),
    open(clockIndex: number, tracePath: string | null): NativeInstance {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hashi-sim-child-'));
      const requestFifo = path.join(dir, 'requests');
      const responseFifo = path.join(dir, 'responses');
      execFileSync('mkfifo', [requestFifo, responseFifo]);
      const child = spawn(process.execPath, [childScript, addonPath, requestFifo, responseFifo, String(clockIndex), wire, tracePath ?? ''], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.unref(); // an unclosed simulator must not keep the test process alive
      // Non-blocking open succeeds once the child is waiting to read: no hang if it never starts.
      let requests: number | undefined;
      const deadline = Date.now() + OPEN_TIMEOUT_MS;
      while (requests === undefined) {
        try {
          requests = fs.openSync(requestFifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() > deadline) {
            child.kill();
            fs.rmSync(dir, { recursive: true, force: true });
            throw new Error(`hashi sim: the simulator child process did not start: ${(e as Error).message}`);
          }
          sleep(2);
        }
      }
      const responses = fs.openSync(responseFifo, 'r');
      try {
        return new ChildInstance(child.pid!, requests, responses, dir, layout);
      } catch (e) {
        fs.closeSync(requests);
        fs.closeSync(responses);
        fs.rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    },
  };
}
