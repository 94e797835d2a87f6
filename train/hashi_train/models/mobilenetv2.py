"""torchvision's MobileNetV2, truncated to its first `blocks` inverted residual blocks, with hashi's numerics.

State-dict keys are torchvision's (features.0 stem, features.1..N blocks, features.18 head,
classifier.1), so lib/weights' importer reads the safetensors export (with `blocks: N`).
Two modes:
  'float': ordinary FP32 training (batch statistics in BN);
  'qat':   the hardware's numerics with straight-through gradients: BN frozen to its running
           statistics and folded (Po2 scale, Q8.8 bias), Po2 weights, every layer output
           floored and saturated to the activation format, the residual added before that
           one requantization, the average pool floored, the classifier weights in the
           NPU's fixed-point format (no bias: the NPU adds none).
Pruning masks (`mask` buffers, not saved) zero weights in both modes.
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..quant.bn import bn_affine_ste
from ..quant.fixed import Q3_5, QFormat, act_ste
from ..quant.po2 import exp_range_from_bits, po2_ste

SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
HEAD_FEATURE = 18


def make_divisible(v: float, divisor: int = 8) -> int:
    """torchvision's _make_divisible (lib/weights makeDivisible)."""
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


@dataclass(frozen=True)
class NetConfig:
    alpha: float = 0.35
    resolution: int = 32
    blocks: int = 7
    head_channels: int = 1280
    classes: int = 5
    weight_bits: int = 5
    act: QFormat = Q3_5
    classifier_fmt: QFormat = QFormat(1, 15)


class ConvBN(nn.Module):
    """Conv (no bias) + BN, keys '0' (conv) and '1' (bn) as torchvision's Conv2dNormActivation / the project pair."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, groups: int, relu6: bool, prunable: bool, conv_key: str = "0", bn_key: str = "1"):
        super().__init__()
        self.conv_key, self.bn_key = conv_key, bn_key
        self.add_module(conv_key, nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False))
        self.add_module(bn_key, nn.BatchNorm2d(cout))
        self.relu6, self.prunable, self.stride, self.groups = relu6, prunable, stride, groups
        self.register_buffer("mask", torch.ones_like(self.conv.weight), persistent=False)

    @property
    def conv(self) -> nn.Conv2d:
        return getattr(self, self.conv_key)

    @property
    def bn(self) -> nn.BatchNorm2d:
        return getattr(self, self.bn_key)

    def pre_activation(self, x: torch.Tensor, mode: str, weight_range: tuple[int, int]) -> torch.Tensor:
        w = self.conv.weight * self.mask
        if mode == "float":
            return self.bn(self.conv._conv_forward(x, w, None))
        scale, bias = bn_affine_ste(self.bn)
        wq = po2_ste(w, weight_range) * scale.view(-1, 1, 1, 1)
        return F.conv2d(x, wq, bias, self.stride, self.conv.padding, 1, self.groups)


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, t: int):
        super().__init__()
        hidden = int(round(cin * t))
        self.residual = stride == 1 and cin == cout
        layers: list[ConvBN] = []
        if t != 1:
            layers.append(ConvBN(cin, hidden, 1, 1, 1, True, True))
        layers.append(ConvBN(hidden, hidden, 3, stride, hidden, True, False))
        self.layers = layers
        self.conv = nn.Module()
        for i, l in enumerate(layers):
            self.conv.add_module(str(i), l)
        # The project conv and its BN are conv.{m+1} and conv.{m+2} in torchvision: one ConvBN under two keys.
        m = len(layers)
        project = ConvBN(hidden, cout, 1, 1, 1, False, True, conv_key="c", bn_key="b")
        object.__setattr__(self, "project", project)  # not a child: its conv and BN are registered below
        self.conv.add_module(str(m), self.project._modules["c"])
        self.conv.add_module(str(m + 1), self.project._modules["b"])


class MobileNetV2(nn.Module):
    def __init__(self, cfg: NetConfig):
        super().__init__()
        self.cfg = cfg
        self.mode = "float"
        self.weight_range = exp_range_from_bits(cfg.weight_bits)
        a = cfg.alpha
        self.features = nn.Module()
        stem_c = make_divisible(32 * a)
        self.features.add_module("0", ConvBN(3, stem_c, 3, 2, 1, True, False))
        object.__setattr__(self, "stem", self.features._modules["0"])
        self.blocks: list[InvertedResidual] = []
        cin, feature = stem_c, 1
        for t, c, n, s in SETTINGS:
            for i in range(n):
                if feature > cfg.blocks:
                    break
                blk = InvertedResidual(cin, make_divisible(c * a), s if i == 0 else 1, t)
                self.features.add_module(str(feature), blk)
                self.blocks.append(blk)
                cin, feature = make_divisible(c * a), feature + 1
        self.features.add_module(str(HEAD_FEATURE), ConvBN(cin, cfg.head_channels, 1, 1, 1, True, True))
        object.__setattr__(self, "head", self.features._modules[str(HEAD_FEATURE)])
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(cfg.head_channels, cfg.classes, bias=True))
        with torch.no_grad():
            self.classifier[1].bias.zero_()
        self.classifier[1].bias.requires_grad_(False)  # the NPU adds no bias: it stays 0

    def conv_layers(self) -> list[ConvBN]:
        """Stem, each block's layers (expand, depthwise, project), head: the importer's layer order."""
        out = [self.stem]
        for b in self.blocks:
            out += [*b.layers, b.project]
        return out + [self.head]

    def extract(self, x: torch.Tensor) -> torch.Tensor:
        """Pooled features (N x head_channels)."""
        q = self.mode == "qat"
        act = self.cfg.act
        out = (lambda y: act_ste(y, act)) if q else (lambda y: y)
        if q:
            x = act_ste(x, act)

        def layer(l: ConvBN, x: torch.Tensor) -> torch.Tensor:
            y = l.pre_activation(x, self.mode, self.weight_range)
            return out(F.relu6(y) if l.relu6 else y)

        x = layer(self.stem, x)
        for b in self.blocks:
            h = x
            for l in b.layers:
                h = layer(l, h)
            y = b.project.pre_activation(h, self.mode, self.weight_range)
            x = out(y + x) if b.residual else out(y)
        x = layer(self.head, x)
        return out(x.mean(dim=(2, 3)))

    def classify(self, f: torch.Tensor) -> torch.Tensor:
        lin: nn.Linear = self.classifier[1]
        f = self.classifier[0](f)
        if self.mode == "qat":
            return F.linear(f, act_ste(lin.weight, self.cfg.classifier_fmt))
        return F.linear(f, lin.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.extract(x))
