#!/usr/bin/env python3
"""Reference vectors for hashi's FP16 units, from an implementation we did not write.

add and mul: numpy's float16 (IEEE binary16, round to nearest even, subnormals).
fma: no numpy equivalent, so a*b + c is computed exactly with Python's fractions and
rounded once (Python's round() of a Fraction is half-to-even); zeros, infinities and
NaN come from float64, where a product of two binary16 values is exact.

Writes little-endian uint16 records: add.bin (a, b, negate, a + (negate ? -b : b)),
mul.bin (a, b, a * b), fma.bin (a, b, c, a * b + c).

  python3 scripts/fp16-reference.py --set structured --out test/lib/fp16-vectors
  python3 scripts/fp16-reference.py --set random --count 1000000 --seed 7 --out /tmp/fp16-big
"""
import argparse
import os
from fractions import Fraction

import numpy as np

SPECIALS = np.array(
    [0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFFFF,  # zeros, infinities, NaNs
     0x0001, 0x8001, 0x03FF, 0x83FF, 0x0400, 0x8400,  # subnormal extremes, smallest normal
     0x7BFF, 0xFBFF, 0x3C00, 0xBC00, 0x3C01, 0x3BFF, 0x0200],  # largest finite, 1, its neighbours
    dtype=np.uint16)


def as_f16(bits):
    return np.asarray(bits, dtype=np.uint16).view(np.float16)


def as_bits(values):
    return np.asarray(values, dtype=np.float16).view(np.uint16)


def compose(sign, exponent, fraction):
    return ((sign << 15) | (exponent << 10) | fraction).astype(np.uint16)


def fraction_for(rng, exponent, n):
    """Random fractions; exponent 31 gets 0 (infinity) or a random NaN payload."""
    f = rng.integers(0, 1024, n)
    return np.where(exponent == 31, np.where(rng.integers(0, 2, n) == 0, 0, rng.integers(1, 1024, n)), f)


def structured_pairs(rng, mantissas):
    """Every exponent pair x every sign pair x `mantissas` random fractions, then every special pair."""
    ea, eb, sa, sb, _ = np.meshgrid(np.arange(32), np.arange(32), [0, 1], [0, 1], np.arange(mantissas), indexing='ij')
    ea, eb, sa, sb = (x.ravel() for x in (ea, eb, sa, sb))
    a = compose(sa, ea, fraction_for(rng, ea, ea.size))
    b = compose(sb, eb, fraction_for(rng, eb, eb.size))
    sa_, sb_ = np.meshgrid(SPECIALS, SPECIALS, indexing='ij')
    return np.concatenate([a, sa_.ravel()]), np.concatenate([b, sb_.ravel()])


def add_vectors(a, b, negate):
    with np.errstate(all='ignore'):
        sum_ = as_bits(as_f16(a) + as_f16(b ^ (negate.astype(np.uint16) << 15)))
    return np.stack([a, b, negate.astype(np.uint16), sum_], axis=1)


def mul_vectors(a, b):
    with np.errstate(all='ignore'):
        return np.stack([a, b, as_bits(as_f16(a) * as_f16(b))], axis=1)


def round_fraction_to_f16(x):
    """The binary16 nearest to the nonzero rational x, ties to even, overflow to infinity."""
    negative = x < 0
    mag = -x if negative else x
    if mag >= 65520:  # halfway between 65504 and 2^16 or beyond
        value = np.float16(np.inf)
    else:
        e = mag.numerator.bit_length() - mag.denominator.bit_length()
        if Fraction(2) ** e > mag:
            e -= 1
        quantum = Fraction(2) ** (max(e, -14) - 10)
        value = np.float16(float(round(mag / quantum) * quantum))  # exact: representable
    return -value if negative else value


def fma_reference(a, b, c):
    fa, fb, fc = (float(as_f16(v)) for v in (a, b, c))
    with np.errstate(all='ignore'):
        in_float64 = np.float64(fa) * np.float64(fb) + np.float64(fc)
    if not all(np.isfinite(v) for v in (fa, fb, fc)):
        return as_bits(np.float16(in_float64))  # NaN or an exact infinity
    exact = Fraction(fa) * Fraction(fb) + Fraction(fc)
    if exact == 0:
        return as_bits(np.float16(in_float64))  # exact zero: float64 gives IEEE's sign of zero
    return as_bits(round_fraction_to_f16(exact))


def fma_vectors(a, b, c):
    y = np.array([fma_reference(x, w, v) for x, w, v in zip(a.tolist(), b.tolist(), c.tolist())], dtype=np.uint16)
    return np.stack([a, b, c, y], axis=1)


def structured(rng):
    a, b = structured_pairs(rng, 2)
    negate = np.concatenate([np.zeros(a.size, np.uint16), np.ones(a.size, np.uint16)])
    adds = add_vectors(np.concatenate([a, a]), np.concatenate([b, b]), negate)
    muls = mul_vectors(a, b)
    # FMA: every exponent triple with random signs and fractions; every special triple
    # over a smaller special set; near-cancellation c = -(a*b rounded) and its neighbours.
    ea, eb, ec = (x.ravel() for x in np.meshgrid(np.arange(32), np.arange(32), np.arange(32), indexing='ij'))
    n = ea.size
    fa = compose(rng.integers(0, 2, n), ea, fraction_for(rng, ea, n))
    fb = compose(rng.integers(0, 2, n), eb, fraction_for(rng, eb, n))
    fc = compose(rng.integers(0, 2, n), ec, fraction_for(rng, ec, n))
    few = SPECIALS[:14]
    sa, sb, sc = (x.ravel() for x in np.meshgrid(few, few, few, indexing='ij'))
    ca, cb = rng.integers(0, 0x7C00, 20000).astype(np.uint16), rng.integers(0, 0x7C00, 20000).astype(np.uint16)
    ca |= (rng.integers(0, 2, 20000) << 15).astype(np.uint16)
    with np.errstate(all='ignore'):
        product = as_bits(as_f16(ca) * as_f16(cb))
    neighbour = (rng.integers(-2, 3, 20000)).astype(np.int32)
    cc = ((product.astype(np.int32) ^ 0x8000) + neighbour) & 0xFFFF
    fmas = fma_vectors(np.concatenate([fa, sa, ca]), np.concatenate([fb, sb, cb]), np.concatenate([fc, sc, cc.astype(np.uint16)]))
    return adds, muls, fmas


def random_set(rng, count):
    a, b, c = (rng.integers(0, 0x10000, count).astype(np.uint16) for _ in range(3))
    negate = rng.integers(0, 2, count).astype(np.uint16)
    return add_vectors(a, b, negate), mul_vectors(a, b), fma_vectors(a, b, c)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--set', choices=['structured', 'random'], required=True)
    parser.add_argument('--count', type=int, default=1_000_000)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    adds, muls, fmas = structured(rng) if args.set == 'structured' else random_set(rng, args.count)
    os.makedirs(args.out, exist_ok=True)
    for name, records in (('add', adds), ('mul', muls), ('fma', fmas)):
        path = os.path.join(args.out, f'{name}.bin')
        records.astype('<u2').tofile(path)
        print(f'{path}: {len(records)} vectors, numpy {np.__version__}')


if __name__ == '__main__':
    main()
