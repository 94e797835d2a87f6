// Child process of the out-of-process mode: loads a model addon and serves the
// parent's requests over two FIFOs. Plain JS so it starts without a TS loader.
// argv: addonPath requestFifo responseFifo clockIndex wireLayout [tracePath]
// wireLayout: JSON [offset, bytes] per port, where the parent's packed copy of
// the port values (sent with each request, returned with each reply) holds it.
// Frames both ways: u32 op-or-status, u32 payload bytes, payload (little-endian).
import fs from 'node:fs';
import { constants } from 'node:os';

const [addonPath, requestFifo, responseFifo, clockArg, wireArg, tracePath] = process.argv.slice(2);
const OP = { eval: 1, step: 2, run: 3, flush: 4, finished: 5, close: 6 };

const module = { exports: /** @type {any} */ ({}) };
const requests = fs.openSync(/** @type {string} */ (requestFifo), 'r');
const responses = fs.openSync(/** @type {string} */ (responseFifo), 'w');

/** @param {number} n */
function readExact(n) {
  const buf = Buffer.allocUnsafe(n);
  let got = 0;
  while (got < n) {
    const r = fs.readSync(requests, buf, got, n - got, null);
    if (r === 0) process.exit(0); // parent went away
    got += r;
  }
  return buf;
}

/** @param {number} status @param {Uint8Array[]} parts */
function reply(status, parts) {
  const bytes = parts.reduce((a, p) => a + p.byteLength, 0);
  const header = Buffer.alloc(8);
  header.writeUInt32LE(status, 0);
  header.writeUInt32LE(bytes, 4);
  const all = Buffer.concat([header, ...parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))]);
  let sent = 0;
  while (sent < all.length) sent += fs.writeSync(responses, all, sent, all.length - sent);
}

/** @param {unknown} e */
const fail = (e) => reply(1, [Buffer.from(String(/** @type {Error} */ (e)?.message ?? e), 'utf8')]);

let instance;
try {
  process.dlopen(module, /** @type {string} */ (addonPath), constants.dlopen.RTLD_NOW);
  instance = module.exports.open(Number(clockArg), tracePath || null);
  reply(0, []);
} catch (e) {
  fail(e);
  process.exit(1);
}
/** @type {Array<[number, number]>} */
const wire = JSON.parse(/** @type {string} */ (wireArg));
const clockIndex = Number(clockArg);
const mem = new Uint8Array(instance.mem);
/** @type {number[]} */
const offsets = instance.offsets;
/** @param {number} i */
const offsetOf = (i) => /** @type {number} */ (offsets[i]);
/** @type {boolean[]} */
const driven = module.exports.ports.map((/** @type {{input: boolean}} */ p, /** @type {number} */ i) => p.input && i !== clockIndex);
const io = new Uint8Array(wire.reduce((a, [at, bytes]) => Math.max(a, at + bytes), 1));

/** The parent's packed values into the model (inputs only; outputs are the model's). @param {Uint8Array} bytes */
function fromWire(bytes) {
  wire.forEach(([at, n], i) => {
    if (driven[i]) mem.set(bytes.subarray(at, at + n), offsetOf(i));
  });
}

/** Every port's value, packed for the parent. */
function toWire() {
  wire.forEach(([at, n], i) => io.set(mem.subarray(offsetOf(i), offsetOf(i) + n), at));
  return io;
}

const LANES = [Uint32Array, Int32Array, BigUint64Array, BigInt64Array];

for (;;) {
  const header = readExact(8);
  const op = header.readUInt32LE(0);
  const payload = readExact(header.readUInt32LE(4));
  try {
    if (op === OP.eval || op === OP.step) {
      const cycles = op === OP.step ? payload.readDoubleLE(0) : 0;
      fromWire(payload.subarray(op === OP.step ? 8 : 0));
      if (op === OP.step) instance.step(cycles);
      else instance.eval();
      reply(0, [toWire()]);
    } else if (op === OP.run) {
      // payload: u32 json length, json {cycles, ins:[[index, type, bytes]], outs:[[index, type, length]]}, io, input lanes
      const jsonLength = payload.readUInt32LE(0);
      const spec = JSON.parse(payload.subarray(4, 4 + jsonLength).toString('utf8'));
      let at = 4 + jsonLength;
      fromWire(payload.subarray(at, at + io.byteLength));
      at += io.byteLength;
      /** @type {Array<[number, number, number]>} */
      const inSpec = spec.ins;
      /** @type {Array<[number, number, number]>} */
      const outSpec = spec.outs;
      const ins = inSpec.map(([, type, bytes]) => {
        const copy = new Uint8Array(bytes);
        copy.set(payload.subarray(at, at + bytes));
        at += bytes;
        return new (/** @type {any} */ (LANES[type]))(copy.buffer);
      });
      const outs = outSpec.map(([, type, length]) => new (/** @type {any} */ (LANES[type]))(length));
      instance.run(spec.cycles, inSpec.map((x) => x[0]), ins, outSpec.map((x) => x[0]), outs);
      reply(0, [toWire(), ...outs.map((/** @type {Uint8Array} */ l) => new Uint8Array(l.buffer))]);
    } else if (op === OP.flush) {
      instance.flushTrace();
      reply(0, []);
    } else if (op === OP.finished) {
      reply(0, [Uint8Array.of(instance.gotFinish() ? 1 : 0)]);
    } else if (op === OP.close) {
      instance.close();
      reply(0, []);
      process.exit(0);
    } else {
      throw new Error(`unknown request ${op}`);
    }
  } catch (e) {
    fail(e);
  }
}
