"""Signed fixed point Q(m.n) (lib/fixed): floor to 2^-n, then saturate to [-2^(m-1), 2^(m-1) - 2^-n] ('full')."""
import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class QFormat:
    int: int
    frac: int

    def raw_min(self) -> int:
        return -(2 ** (self.int + self.frac - 1))

    def raw_max(self) -> int:
        return 2 ** (self.int + self.frac - 1) - 1

    def __str__(self) -> str:
        return f"Q{self.int}.{self.frac}"


Q3_5 = QFormat(3, 5)


def quantize_real(x: float, f: QFormat) -> int:
    """lib/fixed/quantize.ts quantizeReal: floor(x 2^n), saturate; exact for doubles (ldexp is exact)."""
    if math.isnan(x):
        raise ValueError("quantize_real: NaN")
    p = math.ldexp(x, f.frac)
    if math.isinf(p):
        return f.raw_max() if p > 0 else f.raw_min()
    return max(f.raw_min(), min(f.raw_max(), math.floor(p)))


def quantize_act(x: torch.Tensor, f: QFormat) -> torch.Tensor:
    """Forward value of Q(m.n) quantization of a float tensor (floor, saturate)."""
    s = 2.0 ** f.frac
    return torch.clamp(torch.floor(x * s), f.raw_min(), f.raw_max()) / s


class _ActSte(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, f):  # noqa: D102
        ctx.save_for_backward(x)
        ctx.f = f
        return quantize_act(x, f)

    @staticmethod
    def backward(ctx, g):  # noqa: D102
        (x,) = ctx.saved_tensors
        f = ctx.f
        inside = (x >= f.raw_min() / 2.0**f.frac) & (x <= (f.raw_max() + 1) / 2.0**f.frac)
        return g * inside.to(g.dtype), None


def act_ste(x: torch.Tensor, f: QFormat) -> torch.Tensor:
    """Q(m.n) in the forward pass; gradient passed inside the range, zero where it saturates."""
    return _ActSte.apply(x, f)
