"""python -m hashi_train.bwn [--out FILE] [--quick]: the Hyperdrive engine's binary-weight network.

All ten digits, 8 x 8, one channel (pixel p is the value p / 16, exact in FP16). Four 3x3
convs with binary weights (+1/-1) and a per-output-channel scale alpha = mean |W| (the BWN
rule; straight-through gradients), each followed by batch norm; layers 1-2 form a ResNet
basic block's stem, layers 3-4 a basic block whose input bypasses both convs:
  1: 1 -> 16, stride 1, ReLU        2: 16 -> 16, stride 2, ReLU (8 x 8 -> 4 x 4)
  3: 16 -> 16, ReLU                 4: 16 -> 16, + output of layer 2, ReLU
then, on the host, a global average pool and a float linear classifier 16 -> 10.
Batch norm folds with alpha into the engine's epilogue t = scale * acc + bias.
The JSON (weights/hyperdrive-bwn.json) holds the layers, the classifier, the test pixels
and labels, and the float32 model's test accuracy; test/engines/hyperdrive-bwn.test.ts
runs the test split through the engine in Verilator and the FP16 golden model.
"""
import argparse
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import data

# (cin, cout, stride, relu, residual: add the output of this earlier layer)
LAYERS = [(1, 16, 1, True, None), (16, 16, 2, True, None), (16, 16, 1, True, None), (16, 16, 1, True, 1)]


class BinaryConv(nn.Conv2d):
    """3x3 conv whose weights are alpha_c * sign(W) (sign(0) = +1), straight-through inside |W| <= 1."""

    def binary_weight(self) -> torch.Tensor:
        w = self.weight
        alpha = w.abs().mean(dim=(1, 2, 3), keepdim=True)
        signs = torch.where(w >= 0, 1.0, -1.0)
        straight = w.clamp(-1, 1)
        return alpha * (signs - straight).detach() + alpha * straight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.binary_weight(), None, self.stride, self.padding)


class Bwn(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList(BinaryConv(ci, co, 3, s, 1, bias=False) for ci, co, s, _, _ in LAYERS)
        self.norms = nn.ModuleList(nn.BatchNorm2d(co) for _, co, _, _, _ in LAYERS)
        self.head = nn.Linear(LAYERS[-1][1], 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        outs: list[torch.Tensor] = []
        for (_, _, _, relu, residual), conv, norm in zip(LAYERS, self.convs, self.norms):
            y = norm(conv(x))
            if residual is not None:
                y = y + outs[residual]
            if relu:
                y = F.relu(y)
            outs.append(y)
            x = y
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean(dim=(2, 3)))


def images(test: bool) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    px, y = data.split(test)
    return torch.from_numpy(px[:, None, :, :]).float() / 16.0, torch.from_numpy(y), px


def train(epochs: int) -> Bwn:
    torch.manual_seed(1)
    model = Bwn()
    x, y, _ = images(False)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    g = torch.Generator().manual_seed(1)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(y), generator=g)
        for i in range(0, len(y), 32):
            idx = order[i:i + 32]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
    return model.eval()


def export(model: Bwn) -> dict:
    layers = []
    with torch.no_grad():
        for (ci, co, stride, relu, residual), conv, norm in zip(LAYERS, model.convs, model.norms):
            w = conv.weight
            alpha = w.abs().mean(dim=(1, 2, 3))
            inv = norm.weight / torch.sqrt(norm.running_var + norm.eps)
            layers.append({
                "inChannels": ci, "outChannels": co, "kernel": 3, "stride": stride, "relu": relu,
                # The bypass of a residual layer is the output of layer `residual` (the block's input).
                "residualFrom": residual,
                # [co][ci][ky][kx], 1 = +1, 0 = -1.
                "weights": (w >= 0).int().flatten().tolist(),
                "scale": (inv * alpha).tolist(),
                "bias": (norm.bias - inv * norm.running_mean).tolist(),
            })
        x, y, px = images(True)
        predictions = model(x).argmax(1)
    return {
        "network": "binary-weight CNN for the Hyperdrive engine (hashi_train.bwn)",
        "layers": layers,
        "classifier": {"weights": model.head.weight.tolist(), "bias": model.head.bias.tolist()},
        "test": {"pixels": px.reshape(len(y), -1).tolist(), "labels": y.tolist(), "fp32Predictions": predictions.tolist()},
        "accuracy": {"fp32": float((predictions == y).float().mean())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="weights/hyperdrive-bwn.json")
    parser.add_argument("--quick", action="store_true", help="one epoch (a smoke run)")
    parser.add_argument("--epochs", type=int, default=60)
    args = parser.parse_args()
    torch.set_num_threads(1)
    started = time.time()
    model = train(1 if args.quick else args.epochs)
    result = export(model)
    with open(args.out, "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    print(f"{args.out}: FP32 test accuracy {result['accuracy']['fp32']:.4f} ({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
