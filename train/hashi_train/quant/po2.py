"""Po2 weights (lib/po2): sign, exponent rounded in the log domain, exponent range from the bit-width.

Two forms of one rule: exact scalars in doubles (the integer reference and the export),
and a float32 tensor quantizer with a straight-through estimator (training).
"""
import math

import torch

SQRT2 = math.sqrt(2.0)  # correctly rounded: the smallest double above sqrt 2, as JS Math.SQRT2
# The smallest float32 above sqrt 2: for a float32 mantissa m, m >= sqrt 2 <=> m >= this.
SQRT2_F32_UP = 1.4142136573791504


def exp_range_from_bits(bits: int, exp_max: int = 0) -> tuple[int, int]:
    """lib/po2/exp-range.ts: b bits = sign + (b-1)-bit magnitude code, code 0 = zero."""
    if not isinstance(bits, int) or bits < 2 or bits > 31:
        raise ValueError(f"Po2 weight bit-width must be an integer in [2, 31], got {bits}")
    return exp_max - 2 ** (bits - 1) + 2, exp_max


def round_log2(a: float) -> int:
    """lib/po2/round-log2.ts: k + 1 iff a >= 2^(k + 0.5) for 2^k <= a < 2^(k+1); exact for every positive double."""
    if not (a > 0) or not math.isfinite(a):
        raise ValueError(f"round_log2: need a finite positive number, got {a}")
    m, e = math.frexp(a)  # a = m 2^e, m in [0.5, 1): exact
    k = e - 1
    return k + 1 if 2.0 * m >= SQRT2 else k


def quantize_po2(w: float, exp_range: tuple[float, float] = (-math.inf, math.inf), underflow: str = "clamp") -> tuple[int, int]:
    """lib/po2/quantize.ts: (sign, exp); (0, 0) is the zero weight."""
    if not math.isfinite(w):
        raise ValueError(f"quantize_po2: weight must be finite, got {w}")
    if w == 0:
        return 0, 0
    exp = round_log2(abs(w))
    lo, hi = exp_range
    if exp > hi:
        exp = int(hi)
    if exp < lo:
        if underflow == "flush":
            return 0, 0
        exp = int(lo)
    return (-1 if w < 0 else 1), exp


def po2_tensor(w: torch.Tensor, exp_range: tuple[int, int]) -> torch.Tensor:
    """The Po2 value of every element of a float32 tensor (clamp underflow), no gradient rule."""
    if w.dtype != torch.float32:
        raise TypeError("po2_tensor: float32 weights expected (the export's dtype)")
    mant, e = torch.frexp(w.abs())
    k = e - 1 + (2.0 * mant >= SQRT2_F32_UP).to(e.dtype)
    k = k.clamp(exp_range[0], exp_range[1])
    return torch.where(w == 0, torch.zeros_like(w), torch.sign(w) * torch.pow(2.0, k.to(torch.float32)))


class _Po2Ste(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w, lo, hi):  # noqa: D102
        return po2_tensor(w, (lo, hi))

    @staticmethod
    def backward(ctx, g):  # noqa: D102
        return g, None, None


def po2_ste(w: torch.Tensor, exp_range: tuple[int, int]) -> torch.Tensor:
    """Po2 in the forward pass, identity gradient (straight-through estimator)."""
    return _Po2Ste.apply(w, exp_range[0], exp_range[1])
