"""Integer-exact forward pass of the exported network (int64), equal to hashi's golden model bit for bit.

Builds the layers from a torchvision-keyed state dict exactly as lib/weights/import.ts
(pruning mask, Po2 weights, BN to Q12.16, Po2 scale, Q8.8 bias, fold) and runs them as
lib's golden model does (lib/weights/forward.ts, lib/nets mobileNetV2Golden): each
layer's exact accumulator, ReLU6, floor to the activation format and saturate; a
residual block adds its input to the exact project accumulator before that one
requantization; the average pool floors; the classifier is the NPU's (lib/npu
npuGolden: Q1.15 weights, no bias, floor to the score format) or the hardened Po2
one (lib/nets hardenedClassifierGolden).
"""
from dataclasses import dataclass

import numpy as np

from .models.mobilenetv2 import NetConfig
from .prune import prune_mask
from .quant.bn import BIAS_FORMAT, bn_affine_exact
from .quant.fixed import QFormat
from .quant.po2 import SQRT2, exp_range_from_bits

import torch


def po2_exact(w: np.ndarray, exp_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(sign, exp) of every element of a float64 array: lib/po2 quantizePo2 (clamp underflow)."""
    m, e = np.frexp(np.abs(w))
    k = np.where(2.0 * m >= SQRT2, e, e - 1).astype(np.int64)
    k = np.clip(k, exp_range[0], exp_range[1])
    return np.sign(w).astype(np.int64), np.where(w == 0, 0, k)


def fixed_exact(w: np.ndarray, f: QFormat) -> np.ndarray:
    """quantizeReal elementwise: floor(w 2^n) (exact: scaling by 2^n), saturate."""
    return np.clip(np.floor(np.ldexp(w, f.frac)), f.raw_min(), f.raw_max()).astype(np.int64)


@dataclass
class IntLayer:
    key: str
    weight: np.ndarray  # int64, torch layout, units of 2^-(frac + n) with n the activation frac... see acc_frac
    bias: np.ndarray  # int64 per output channel, at acc_frac
    acc_frac: int
    stride: int
    groups: int
    relu6: bool


def _layer_specs(cfg: NetConfig):
    """(weight key, bn key, kernel, stride, depthwise, prunable, relu6, residual-from-block-input) in the importer's order."""
    from .models.mobilenetv2 import SETTINGS, make_divisible

    specs, blocks = [("features.0.0.weight", "features.0.1", 2, False, False, True)], []
    cin, feature = make_divisible(32 * cfg.alpha), 1
    for t, c, n, s in SETTINGS:
        for i in range(n):
            if feature > cfg.blocks:
                break
            cout, stride, p = make_divisible(c * cfg.alpha), (s if i == 0 else 1), f"features.{feature}.conv"
            first = len(specs)
            m = 0
            if t != 1:
                specs.append((f"{p}.0.0.weight", f"{p}.0.1", 1, False, True, True))
                m = 1
            specs.append((f"{p}.{m}.0.weight", f"{p}.{m}.1", stride, True, False, True))
            specs.append((f"{p}.{m + 1}.weight", f"{p}.{m + 2}", 1, False, True, False))
            blocks.append((first, len(specs) - 1, stride == 1 and cin == cout))
            cin, feature = cout, feature + 1
    specs.append(("features.18.0.weight", "features.18.1", 1, False, True, True))
    return specs, blocks


def _f64(sd, key) -> np.ndarray:
    t = sd[key]
    return (t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)).astype(np.float64)


class IntegerNet:
    """The quantized network of a state dict; `features(images)` and the two classifier forms."""

    def __init__(self, sd, cfg: NetConfig, sparsity: float, classifier_sparsity: float | None = None):
        """classifier_sparsity: of the hardened Po2 classifier (default `sparsity`, as the importer); the NPU's is dense."""
        self.cfg = cfg
        n = cfg.act.frac
        wr = exp_range_from_bits(cfg.weight_bits)
        specs, self.blocks = _layer_specs(cfg)
        self.layers: list[IntLayer] = []
        for wkey, bnkey, stride, depthwise, prunable, relu6 in specs:
            w = _f64(sd, wkey)
            keep = prune_mask(torch.from_numpy(w), sparsity).numpy() if prunable and sparsity > 0 else np.ones_like(w)
            ws, we = po2_exact(np.where(keep != 0, w, 0.0), wr)
            bn = bn_affine_exact(*(_f64(sd, f"{bnkey}.{k}") for k in ("weight", "bias", "running_mean", "running_var")))
            ss = np.array([b[0] for b in bn], dtype=np.int64).reshape(-1, 1, 1, 1)
            se = np.array([b[1] for b in bn], dtype=np.int64).reshape(-1, 1, 1, 1)
            sign, exp = ws * ss, we + se
            nz = sign != 0
            acc_frac = max(n - int(exp[nz].min()) if nz.any() else 0, BIAS_FORMAT.frac)
            weight = np.where(nz, sign * np.left_shift(np.int64(1), np.where(nz, exp - n + acc_frac, 0)), 0).astype(np.int64)
            bias = np.array([b[2] for b in bn], dtype=np.int64) << (acc_frac - BIAS_FORMAT.frac)
            bound = np.abs(weight).reshape(weight.shape[0], -1).sum(axis=1).max() * 2 ** (cfg.act.int + n) + np.abs(bias).max()
            if bound >= 2**62:
                raise OverflowError(f"{wkey}: accumulator bound {bound} does not fit int64")
            self.layers.append(IntLayer(wkey, weight, bias, acc_frac, stride, w.shape[0] if depthwise else 1, relu6))
        cw = _f64(sd, "classifier.1.weight")
        self.classifier_fixed = fixed_exact(cw, cfg.classifier_fmt)
        ckeep = prune_mask(torch.from_numpy(cw), sparsity if classifier_sparsity is None else classifier_sparsity).numpy()
        self.classifier_po2 = po2_exact(np.where(ckeep != 0, cw, 0.0), wr)
        self.classifier_bias = fixed_exact(_f64(sd, "classifier.1.bias"), BIAS_FORMAT)

    def _requant(self, acc: np.ndarray, frac: int, relu6: bool) -> np.ndarray:
        n, f = self.cfg.act.frac, self.cfg.act
        if relu6:
            acc = np.clip(acc, 0, (6 << frac))
        return np.clip(acc >> (frac - n), f.raw_min(), f.raw_max())

    @staticmethod
    def _conv(x: np.ndarray, l: IntLayer) -> np.ndarray:
        k = l.weight.shape[-1]
        p = k // 2
        if k == 1:
            acc = np.einsum("oc,nchw->nohw", l.weight[:, :, 0, 0], x[:, :, :: l.stride, :: l.stride])
        else:
            xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
            ho = (x.shape[2] - 1) // l.stride + 1
            wo = (x.shape[3] - 1) // l.stride + 1
            acc = 0
            for dy in range(k):
                for dx in range(k):
                    win = xp[:, :, dy : dy + l.stride * (ho - 1) + 1 : l.stride, dx : dx + l.stride * (wo - 1) + 1 : l.stride]
                    if l.groups > 1:
                        acc = acc + win * l.weight[None, :, 0, dy, dx, None, None]
                    else:
                        acc = acc + np.einsum("oc,nchw->nohw", l.weight[:, :, dy, dx], win)
        return acc + l.bias[None, :, None, None]

    def features(self, images: np.ndarray) -> np.ndarray:
        """images: N x 3 x R x R raw Q3.5 (int64) -> N x k_fe raw Q3.5 pooled features."""
        n = self.cfg.act.frac
        x = self._requant(self._conv(images, self.layers[0]), self.layers[0].acc_frac, True)
        for first, last, residual in self.blocks:
            h = x
            for l in self.layers[first:last]:
                h = self._requant(self._conv(h, l), l.acc_frac, True)
            pl = self.layers[last]
            acc = self._conv(h, pl)
            if residual:
                acc = acc + (x << (pl.acc_frac - n))
            x = self._requant(acc, pl.acc_frac, False)
        head = self.layers[-1]
        x = self._requant(self._conv(x, head), head.acc_frac, True)
        pooled = x.sum(axis=(2, 3)) // (x.shape[2] * x.shape[3])
        return np.clip(pooled, self.cfg.act.raw_min(), self.cfg.act.raw_max())

    def npu_scores(self, feats: np.ndarray, score: QFormat = QFormat(8, 8)) -> np.ndarray:
        """lib/npu npuGolden: sum of Q1.15 x Q3.5 products, floored to `score`, saturated."""
        acc = feats @ self.classifier_fixed.T
        shift = self.cfg.classifier_fmt.frac + self.cfg.act.frac - score.frac
        return np.clip(acc >> shift, score.raw_min(), score.raw_max())

    def po2_scores(self, feats: np.ndarray, score: QFormat = QFormat(8, 8)) -> np.ndarray:
        """lib/nets hardenedClassifierGolden: exact Po2 dot + Q8.8 bias, floored to `score`, saturated."""
        sign, exp = self.classifier_po2
        nz = sign != 0
        n = self.cfg.act.frac
        frac = max(n - int(exp[nz].min()) if nz.any() else 0, BIAS_FORMAT.frac, score.frac)
        w = np.where(nz, sign * np.left_shift(np.int64(1), np.where(nz, exp - n + frac, 0)), 0)
        acc = feats @ w.T + (self.classifier_bias << (frac - BIAS_FORMAT.frac))[None, :]
        return np.clip(acc >> (frac - score.frac), score.raw_min(), score.raw_max())


def predictions(scores: np.ndarray) -> np.ndarray:
    """The first class with the highest score (as the demo and the testbench read the NPU)."""
    return np.argmax(scores, axis=1)
