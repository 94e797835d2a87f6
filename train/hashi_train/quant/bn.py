"""Batch-norm with a Po2 scale and fixed-point parameters, as lib/bn and lib/weights/import.ts.

Exact form (the integer reference): gamma, beta, mean, var floor+saturate to the
parameter format (Q12.16); scale = Po2(gamma / sqrt(var + eps)) (unbounded range,
clamp); bias = quantize(beta - gamma * mean / sqrt(var + eps), Q8.8), all in doubles,
left to right. Training form: the same rule on float tensors with straight-through
gradients (the parameter rounding to Q12.16 is left out there: it moves values by 2^-16).
"""
import math

import torch

from .fixed import QFormat, act_ste, quantize_real
from .po2 import po2_ste, quantize_po2

BN_PARAM_FORMAT = QFormat(12, 16)
BIAS_FORMAT = QFormat(8, 8)
BN_EPS = 1e-5
SCALE_RANGE_TRAIN = (-60, 60)  # wide enough never to bind (the importer's scale range is unbounded)


def bn_affine_exact(gamma, beta, mean, var, eps: float = BN_EPS, param_fmt: QFormat = BN_PARAM_FORMAT, bias_fmt: QFormat = BIAS_FORMAT):
    """Per channel: (scale sign, scale exp, bias raw in bias_fmt). Inputs: sequences of floats (float32 values)."""
    out = []
    for g, b, m, v in zip(gamma, beta, mean, var):
        q = [quantize_real(float(x), param_fmt) * 2.0 ** -param_fmt.frac for x in (g, b, m, v)]
        g, b, m, v = q
        denom = math.sqrt(v + eps)
        if not denom > 0:
            raise ValueError("batch-norm: variance + eps must be > 0")
        s_sign, s_exp = quantize_po2(g / denom)
        bias = quantize_real(b - (g * m) / denom, bias_fmt)
        out.append((s_sign, s_exp, bias))
    return out


def bn_affine_ste(bn: torch.nn.BatchNorm2d, bias_fmt: QFormat = BIAS_FORMAT) -> tuple[torch.Tensor, torch.Tensor]:
    """(Po2 scale, fixed-point bias) per channel from the running statistics; gradients reach gamma and beta."""
    denom = torch.sqrt(bn.running_var + bn.eps)
    scale = po2_ste(bn.weight / denom, SCALE_RANGE_TRAIN)
    bias = act_ste(bn.bias - bn.weight * bn.running_mean / denom, bias_fmt)
    return scale, bias
