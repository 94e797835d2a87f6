import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BFLOAT16,
  FLOAT16,
  SafetensorsError,
  decodeSmallFloat,
  encodeSmallFloat,
  readSafetensors,
  writeSafetensors,
  type Dtype,
  type TensorInput,
} from '../../lib/index.ts';

/** A file image from a header object (or raw header text) and a data buffer, built by hand. */
function fileOf(header: unknown, data: Uint8Array = new Uint8Array(0), pad = 0): Uint8Array {
  const text = (typeof header === 'string' ? header : JSON.stringify(header)) + ' '.repeat(pad);
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function readError(bytes: Uint8Array): string {
  try {
    readSafetensors(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    return (e as Error).message;
  }
  throw new Error('expected the reader to refuse the file');
}

describe('safetensors reader against hand-built files', () => {
  it('reads F32, I64, F16, BF16 and metadata from bytes laid out by hand', () => {
    const data = new Uint8Array(8 + 12 + 4 + 4);
    const dv = new DataView(data.buffer);
    dv.setBigInt64(0, -5n, true); // n: I64 scalar
    dv.setFloat32(8, 1.5, true); // w: F32 [3]
    dv.setFloat32(12, -2, true);
    dv.setFloat32(16, 0.25, true);
    dv.setUint16(20, 0x3c00, true); // h: F16 [2] = 1, -2
    dv.setUint16(22, 0xc000, true);
    dv.setUint16(24, 0x3f80, true); // b: BF16 [2] = 1, 1/3 rounded (0x3eab)
    dv.setUint16(26, 0x3eab, true);
    const file = fileOf(
      {
        __metadata__: { format: 'pt' },
        w: { dtype: 'F32', shape: [3], data_offsets: [8, 20] },
        n: { dtype: 'I64', shape: [], data_offsets: [0, 8] },
        h: { dtype: 'F16', shape: [2, 1], data_offsets: [20, 24] },
        b: { dtype: 'BF16', shape: [1, 2], data_offsets: [24, 28] },
      },
      data,
      5,
    );
    const r = readSafetensors(file);
    expect(r.metadata).toEqual({ format: 'pt' });
    expect([...r.tensors.keys()]).toEqual(['w', 'n', 'h', 'b']);
    expect(r.tensors.get('n')).toEqual({ dtype: 'I64', shape: [], data: new BigInt64Array([-5n]) });
    expect([...(r.tensors.get('w')?.data as Float32Array)]).toEqual([1.5, -2, 0.25]);
    expect(r.tensors.get('w')?.data).toBeInstanceOf(Float32Array);
    expect([...(r.tensors.get('h')?.data as Float32Array)]).toEqual([1, -2]);
    expect(r.tensors.get('h')?.shape).toEqual([2, 1]);
    expect([...(r.tensors.get('b')?.data as Float32Array)]).toEqual([1, 0.333984375]);
  });

  it('reads from a Buffer that is a view into a larger pooled allocation', () => {
    const inner = writeSafetensors({ x: { dtype: 'F64', shape: [2], data: [Math.PI, -1e300] } });
    const big = Buffer.alloc(inner.length + 13);
    big.set(inner, 13);
    const r = readSafetensors(big.subarray(13));
    expect([...(r.tensors.get('x')?.data as Float64Array)]).toEqual([Math.PI, -1e300]);
  });

  it('accepts an empty file (no tensors) and zero-size tensors', () => {
    expect(readSafetensors(fileOf({})).tensors.size).toBe(0);
    const r = readSafetensors(fileOf({ e: { dtype: 'F32', shape: [0, 4], data_offsets: [0, 0] } }));
    expect(r.tensors.get('e')?.data.length).toBe(0);
  });
});

describe('safetensors reader: malformed files', () => {
  const f32 = (n: number): Uint8Array => new Uint8Array(4 * n);

  it('truncated header length and header', () => {
    expect(readError(new Uint8Array(5))).toBe('file is 5 bytes, too short for the 8-byte header length');
    const f = fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1));
    expect(readError(f.subarray(0, 20))).toMatch(/^header length \d+ runs past the end of the file \(20 bytes, so at most 12\)$/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(readError(huge)).toBe('header length 9223372036854775808 is above the 100000000-byte limit');
  });

  it('bad UTF-8, bad JSON, not an object, not starting with {', () => {
    const bad = fileOf('{"a":1}');
    bad[10] = 0xff;
    expect(readError(bad)).toBe('header is not valid UTF-8');
    expect(readError(fileOf('{"a": {'))).toMatch(/^header is not valid JSON: /);
    expect(readError(fileOf(' {}'))).toBe(`header must start with '{', starts with " {}"`);
    expect(readError(fileOf('[1,2]'))).toBe(`header must start with '{', starts with "[1,2]"`);
  });

  it('unknown and unsupported dtypes', () => {
    expect(readError(fileOf({ 'features.0.0.weight': { dtype: 'F31', shape: [1], data_offsets: [0, 4] } }, f32(1)))).toMatch(
      /^tensor 'features.0.0.weight': unknown dtype 'F31' \(known: F64, F32, /,
    );
    expect(readError(fileOf({ q: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)))).toBe(
      `tensor 'q': dtype 'F8_E4M3' is not supported by this reader`,
    );
  });

  it('size mismatch between shape and data_offsets', () => {
    const f = fileOf({ 'features.3.conv.1.weight': { dtype: 'F32', shape: [96, 1, 3, 3], data_offsets: [0, 3452] } }, new Uint8Array(3452));
    expect(readError(f)).toBe("tensor 'features.3.conv.1.weight': shape [96,1,3,3] needs 3456 bytes of F32 but its data_offsets span 3452");
    // A shape whose byte count overflows 2^64 must not wrap around into a match.
    const g = fileOf({ x: { dtype: 'F32', shape: [2 ** 52, 2 ** 12], data_offsets: [0, 0] } });
    expect(readError(g)).toBe("tensor 'x': shape [4503599627370496,4096] needs 73786976294838206464 bytes of F32 but its data_offsets span 0");
  });

  it('out-of-bounds offsets', () => {
    const f = fileOf({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1));
    expect(readError(f)).toBe("tensor 'a': data_offsets [0,8] run past the end of the data buffer (4 bytes)");
  });

  it('overlapping ranges, holes and trailing bytes', () => {
    const over = fileOf(
      { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
      f32(3),
    );
    expect(readError(over)).toBe("tensor 'b': data_offsets [4,12] overlap tensor 'a' at [0,8]");
    const same = fileOf(
      { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } },
      f32(1),
    );
    expect(readError(same)).toBe("tensor 'b': data_offsets [0,4] overlap tensor 'a' at [0,4]");
    const hole = fileOf(
      { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } },
      f32(3),
    );
    expect(readError(hole)).toBe("data buffer bytes [4,8) belong to no tensor (a hole before tensor 'b')");
    const trailing = fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2));
    expect(readError(trailing)).toBe('data buffer has 4 trailing bytes after the last tensor (ranges end at 4 of 8)');
  });

  it('a tensor named twice (JSON.parse alone would keep the last silently)', () => {
    const e = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
    expect(readError(fileOf(`{"a":${e}, "b\\"[{": {"x": ["a", {"a": 1}]}, "a" : ${e}}`, f32(1)))).toBe("tensor 'a' appears twice in the header");
    expect(readError(fileOf('{"__metadata__":{},"__metadata__":{}}'))).toBe('__metadata__ appears twice in the header');
    // Equal keys in nested objects are not top-level duplicates.
    expect(readSafetensors(fileOf(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"dtype":"F32"}}`, f32(1))).tensors.size).toBe(1);
  });

  it('malformed entries and metadata', () => {
    expect(readError(fileOf({ a: [1, 2] }))).toBe("tensor 'a': entry must be an object with dtype, shape and data_offsets, got [1,2]");
    expect(readError(fileOf({ a: { dtype: 'F32', shape: [1] } }))).toBe("tensor 'a': missing field 'data_offsets'");
    expect(readError(fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4], x: 1 } }, f32(1)))).toBe("tensor 'a': unknown field 'x'");
    expect(readError(fileOf({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)))).toBe(
      "tensor 'a': shape [-1] has a dimension that is not a non-negative integer",
    );
    expect(readError(fileOf({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, f32(1)))).toMatch(/not a non-negative integer/);
    expect(readError(fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: [4] } }, f32(1)))).toBe("tensor 'a': data_offsets must be [begin, end], got [4]");
    expect(readError(fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, f32(1)))).toBe("tensor 'a': data_offsets [4,0] end before they begin");
    expect(readError(fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: ['0', 4] } }, f32(1)))).toBe(
      `tensor 'a': data_offsets ["0",4] must be two non-negative integers`,
    );
    expect(readError(fileOf({ __metadata__: { n: 3 } }))).toBe(`__metadata__ 'n' must be a string, got 3`);
    expect(readError(fileOf({ __metadata__: 'x' }))).toBe(`__metadata__ must be an object of strings, got "x"`);
    const b = fileOf({ flag: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, new Uint8Array([1, 2]));
    expect(readError(b)).toBe("tensor 'flag': BOOL element 1 is byte 2, not 0 or 1");
  });
});

describe('safetensors writer', () => {
  it("keeps a tensor or metadata key named '__proto__' (a plain-object assignment would drop it)", () => {
    const tensors = JSON.parse('{"__proto__": {"dtype": "F32", "shape": [1], "data": [2]}}') as Record<string, TensorInput>;
    const metadata = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const r = readSafetensors(writeSafetensors(tensors, metadata));
    expect([...r.tensors.keys()]).toEqual(['__proto__']);
    expect(Object.keys(r.metadata ?? {})).toEqual(['__proto__']);
    expect(r.metadata?.['__proto__']).toBe('x');
  });

  it('pads the header to 8 bytes with spaces and orders tensors by element size then name', () => {
    const f = writeSafetensors({ z: { dtype: 'F16', shape: [1], data: [1] }, b: { dtype: 'F32', shape: [1], data: [2] }, a: { dtype: 'F64', shape: [1], data: [3] } });
    const n = Number(new DataView(f.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(f.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe(
      '{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"z":{"dtype":"F16","shape":[1],"data_offsets":[12,14]}}',
    );
    expect(f.length).toBe(8 + n + 14);
  });

  it('refuses bad input with the tensor named', () => {
    expect(() => writeSafetensors({ a: { dtype: 'F32', shape: [2, 2], data: [1, 2, 3] } })).toThrow("tensor 'a': shape [2,2] has 4 elements but the data has 3");
    expect(() => writeSafetensors({ a: { dtype: 'I8', shape: [1], data: [200] } })).toThrow("tensor 'a': element 0 = 200 is outside I8 [-128, 127]");
    expect(() => writeSafetensors({ a: { dtype: 'I32', shape: [1], data: [0.5] } })).toThrow("tensor 'a': element 0 = 0.5 is not an integer (dtype I32)");
    expect(() => writeSafetensors({ a: { dtype: 'X' as Dtype, shape: [1], data: [0] } })).toThrow("tensor 'a': unknown dtype 'X'");
    expect(() => writeSafetensors({ __metadata__: { dtype: 'F32', shape: [1], data: [0] } })).toThrow('reserved');
  });
});

describe('small floats', () => {
  it('F16 rounding: ties to even, overflow, subnormals', () => {
    expect(encodeSmallFloat(1, FLOAT16)).toBe(0x3c00);
    expect(encodeSmallFloat(65504, FLOAT16)).toBe(0x7bff);
    expect(encodeSmallFloat(65519.99, FLOAT16)).toBe(0x7bff);
    expect(encodeSmallFloat(65520, FLOAT16)).toBe(0x7c00);
    expect(encodeSmallFloat(-Infinity, FLOAT16)).toBe(0xfc00);
    expect(encodeSmallFloat(2 ** -24, FLOAT16)).toBe(1);
    expect(encodeSmallFloat(2 ** -25, FLOAT16)).toBe(0); // tie to even (0)
    expect(encodeSmallFloat(3 * 2 ** -25, FLOAT16)).toBe(2); // tie between 1 and 2 -> 2
    expect(encodeSmallFloat(1 + 2 ** -11, FLOAT16)).toBe(0x3c00); // tie -> even mantissa 0
    expect(encodeSmallFloat(1 + 3 * 2 ** -11, FLOAT16)).toBe(0x3c02);
    expect(encodeSmallFloat(-0, FLOAT16)).toBe(0x8000);
    expect(Number.isNaN(decodeSmallFloat(encodeSmallFloat(NaN, FLOAT16), FLOAT16))).toBe(true);
    expect(decodeSmallFloat(0x0001, FLOAT16)).toBe(2 ** -24);
    expect(decodeSmallFloat(0x7bff, FLOAT16)).toBe(65504);
  });

  it('BF16 rounds the double directly (no double rounding through float32)', () => {
    // 1 + 2^-8 + 2^-30: above the bf16 tie 1 + 2^-8, so it rounds up, although float32 rounding first would give the exact tie (-> down).
    const x = 1 + 2 ** -8 + 2 ** -30;
    expect(Math.fround(x)).toBe(1 + 2 ** -8);
    expect(encodeSmallFloat(x, BFLOAT16)).toBe(0x3f81);
    expect(encodeSmallFloat(1 + 2 ** -8, BFLOAT16)).toBe(0x3f80);
  });

  it('encode(decode(bits)) is the identity on every non-NaN F16 and BF16 pattern', () => {
    for (const fmt of [FLOAT16, BFLOAT16]) {
      for (let bits = 0; bits < 0x10000; bits++) {
        const v = decodeSmallFloat(bits, fmt);
        if (Number.isNaN(v)) continue;
        if (encodeSmallFloat(v, fmt) !== bits) throw new Error(`pattern ${bits.toString(16)} -> ${v} -> ${encodeSmallFloat(v, fmt).toString(16)}`);
      }
    }
  });

  it('F16 rounding picks a nearest neighbour (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -65000, max: 65000, noNaN: true }), (x) => {
        const v = decodeSmallFloat(encodeSmallFloat(x, FLOAT16), FLOAT16);
        const a = Math.abs(x);
        const ulp = a < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(a)) - 10);
        expect(Math.abs(v - x)).toBeLessThanOrEqual(ulp / 2 + 1e-300);
      }),
    );
  });
});

// Round trip: values drawn so that each is exactly representable in its dtype.
const DTYPES: Dtype[] = ['F64', 'F32', 'F16', 'BF16', 'I64', 'U64', 'I32', 'U32', 'I16', 'U16', 'I8', 'U8', 'BOOL'];

function valueArb(d: Dtype): fc.Arbitrary<number | bigint> {
  switch (d) {
    case 'F64':
      return fc.double({ noNaN: true });
    case 'F32':
      return fc.float({ noNaN: true }).map((x) => x);
    case 'F16':
      return fc.integer({ min: 0, max: 0xffff }).filter((b) => (b & 0x7c00) !== 0x7c00 || (b & 0x3ff) === 0).map((b) => decodeSmallFloat(b, FLOAT16));
    case 'BF16':
      return fc.integer({ min: 0, max: 0xffff }).filter((b) => (b & 0x7f80) !== 0x7f80 || (b & 0x7f) === 0).map((b) => decodeSmallFloat(b, BFLOAT16));
    case 'I64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'U64':
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case 'I32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'U32':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 'I16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'U16':
      return fc.integer({ min: 0, max: 65535 });
    case 'I8':
      return fc.integer({ min: -128, max: 127 });
    case 'U8':
      return fc.integer({ min: 0, max: 255 });
    case 'BOOL':
      return fc.integer({ min: 0, max: 1 });
  }
}

const tensorArb: fc.Arbitrary<TensorInput> = fc
  .record({ dtype: fc.constantFrom(...DTYPES), shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }) })
  .chain(({ dtype, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return fc.array(valueArb(dtype), { minLength: n, maxLength: n }).map((data) => ({ dtype, shape, data: data as number[] | bigint[] }));
  });

describe('safetensors round trip (property)', () => {
  it('write then read gives back every tensor, dtype, shape, value (bit for bit, -0 included) and the metadata', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '__metadata__'), tensorArb, { maxKeys: 6 }),
        fc.option(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), { nil: undefined }),
        (tensors, metadata) => {
          const r = readSafetensors(writeSafetensors(tensors, metadata));
          expect(r.metadata).toEqual(metadata);
          expect(new Set(r.tensors.keys())).toEqual(new Set(Object.keys(tensors)));
          for (const [name, t] of Object.entries(tensors)) {
            const got = r.tensors.get(name);
            expect(got?.dtype).toBe(t.dtype);
            expect(got?.shape).toEqual(t.shape);
            const back = Array.from(got?.data as ArrayLike<number | bigint>);
            const want = Array.from(t.data as ArrayLike<number | bigint>).map((v) => (typeof v === 'number' && (t.dtype === 'I64' || t.dtype === 'U64') ? BigInt(v) : v));
            expect(back.length).toBe(want.length);
            back.forEach((v, i) => expect(Object.is(v, want[i])).toBe(true));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
