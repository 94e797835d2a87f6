"""python -m hashi_train.ms_student [--out FILE] [--quick]: the memory-stationary engine's network.

A small residual teacher and a residual-free student of the same depth on the digits
(all ten classes, 8 x 8, one channel). The student learns from the teacher's softened
scores (distillation; LCARD's exact rules are not public, this is plain Hinton-style
distillation plus the labels), then quantization-aware training with a bit-width per
layer (first and last 8 bits), then conversion to the engine's integers
(lib/engines/ms/golden.ts: unsigned features with a zero point, signed symmetric
weights, y = floor((acc*m + 2^(sh-1)) / 2^sh), clamp(y + z)). The integer forward
pass here is written independently of the TypeScript golden model; the JSON it writes
(layers, test pixels, labels, integer scores) is what test/engines/ms/student.test.ts
checks the golden model and the engine against.
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import data

# (cin, cout, k, stride, pad); layer 5 is the classifier: a 4 x 4 conv over the 4 x 4 map.
LAYERS = [(1, 8, 3, 1, 1), (8, 8, 3, 1, 1), (8, 8, 3, 1, 1), (8, 16, 3, 2, 1), (16, 16, 3, 1, 1), (16, 10, 4, 1, 0)]
# Teacher shortcuts: the output of layer a is added to the output of layer b (same shape).
SHORTCUTS = {2: 0, 4: 3}
# Per layer: (weight bits, output feature bits); the input is 8 bits. First and last at 8.
WIDTHS = [(8, 4), (4, 4), (4, 2), (4, 4), (2, 4), (8, 8)]
INPUT_SCALE = 240  # pixel p (0..16) is the float p / 16 and the 8-bit integer 15 p


class Net(nn.Module):
    def __init__(self, residual: bool):
        super().__init__()
        self.residual = residual
        self.convs = nn.ModuleList(nn.Conv2d(ci, co, k, s, p) for ci, co, k, s, p in LAYERS)
        self.act_hi: list[float] | None = None  # quantization-aware: clip range per layer output
        self.fake_quant = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs: list[torch.Tensor] = []
        for i, conv in enumerate(self.convs):
            w = conv.weight
            if self.fake_quant:
                w = fake_quant_weight(w, WIDTHS[i][0])
            y = F.conv2d(x, w, conv.bias, conv.stride, conv.padding)
            if self.residual and i in SHORTCUTS:
                y = y + outs[SHORTCUTS[i]]
            last = i == len(self.convs) - 1
            if not last:
                y = F.relu(y)
                if self.fake_quant:
                    y = fake_quant_act(y, 0.0, self.act_hi[i], WIDTHS[i][1])
            outs.append(y)
            x = y
        return x.flatten(1)


def ste(x: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    return x + (q - x).detach()


def weight_scale(w: torch.Tensor, bits: int) -> torch.Tensor:
    return w.detach().abs().max().clamp_min(1e-8) / (2 ** (bits - 1) - 1)


def fake_quant_weight(w: torch.Tensor, bits: int) -> torch.Tensor:
    s = weight_scale(w, bits)
    lim = 2 ** (bits - 1) - 1
    return ste(w, torch.clamp(torch.round(w / s), -lim, lim) * s)


def fake_quant_act(y: torch.Tensor, lo: float, hi: float, bits: int) -> torch.Tensor:
    d = (hi - lo) / (2**bits - 1)
    return ste(y, torch.clamp(torch.round((y - lo) / d), 0, 2**bits - 1) * d + lo)


def images(test: bool) -> tuple[torch.Tensor, torch.Tensor]:
    px, y = data.split(test)
    return torch.from_numpy(px[:, None, :, :].astype(np.float32) / 16.0), torch.from_numpy(y)


def fit(net: Net, x, y, epochs: int, lr: float, teacher: Net | None = None, temperature: float = 4.0) -> None:
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    g = torch.Generator().manual_seed(1)
    soft = None
    if teacher is not None:
        with torch.no_grad():
            soft = F.softmax(teacher(x) / temperature, dim=1)
    for _ in range(epochs):
        net.train()
        order = torch.randperm(len(y), generator=g)
        for b in range(0, len(y), 32):
            idx = order[b : b + 32]
            out = net(x[idx])
            loss = F.cross_entropy(out, y[idx])
            if soft is not None:
                kd = F.kl_div(F.log_softmax(out / temperature, dim=1), soft[idx], reduction="batchmean") * temperature**2
                loss = 0.5 * loss + 0.5 * kd
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()


def accuracy(net: Net, x, y) -> float:
    net.eval()
    with torch.no_grad():
        return float((net(x).argmax(1) == y).float().mean())


def calibrate(net: Net, x) -> list[float]:
    """Per hidden layer: the 99.9th percentile of its ReLU output (the clip top); last layer: unused."""
    his = []
    h = x
    with torch.no_grad():
        for i, conv in enumerate(net.convs):
            h = F.conv2d(h, conv.weight, conv.bias, conv.stride, conv.padding)
            if i < len(net.convs) - 1:
                h = F.relu(h)
                his.append(max(1e-3, float(torch.quantile(h.flatten()[: 200_000], 0.999))))
            else:
                his.append(0.0)
    return his


def to_integers(net: Net, x_train: torch.Tensor) -> list[dict]:
    """The engine's layers (MsLayer fields) from the quantization-aware student."""
    layers = []
    d_in, z_in = 1.0 / INPUT_SCALE, 0
    in_bits, h, w = 8, 8, 8
    # The last layer's output range from the quantized model's scores on the training set.
    with torch.no_grad():
        scores = net(x_train)
    lo_last, hi_last = float(scores.min()), float(scores.max())
    for i, conv in enumerate(net.convs):
        ci, co, k, s, p = LAYERS[i]
        wb, ob = WIDTHS[i]
        sw = float(weight_scale(conv.weight, wb))
        lim = 2 ** (wb - 1) - 1
        wq = torch.clamp(torch.round(conv.weight.detach() / sw), -lim, lim).to(torch.int64)
        last = i == len(LAYERS) - 1
        lo, hi = (lo_last, hi_last) if last else (0.0, net.act_hi[i])
        d_out = (hi - lo) / (2**ob - 1)
        z_out = int(round(-lo / d_out))
        bias = [int(round(float(b) / (sw * d_in))) for b in conv.bias.detach()]
        scale = sw * d_in / d_out
        shift = min(31, int(math.floor(math.log2((2**16 - 1) / scale))))
        mult = int(round(scale * 2**shift))
        if not (1 <= shift <= 31 and 0 < mult < 2**16):
            raise ValueError(f"layer {i}: scale {scale} does not fit a 16-bit multiplier and a shift of 1..31")
        layers.append(
            {
                "cin": ci, "cout": co, "hIn": h, "wIn": w, "k": k, "stride": s, "pad": p,
                "inBits": in_bits, "outBits": ob, "weightBits": wb,
                "weights": wq.flatten().tolist(), "bias": bias, "multiplier": [mult] * co, "shift": shift,
                "inZero": z_in, "outZero": z_out,
            }
        )
        h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        d_in, z_in, in_bits = d_out, z_out, ob
    return layers


def integer_forward(layers: list[dict], q: np.ndarray) -> np.ndarray:
    """N x C x H x W unsigned integers through the engine's arithmetic (int64, exact)."""
    x = q.astype(np.int64)
    for l in layers:
        k, s, p = l["k"], l["stride"], l["pad"]
        wt = np.array(l["weights"], dtype=np.int64).reshape(l["cout"], l["cin"], k, k)
        xp = np.pad(x - l["inZero"], ((0, 0), (0, 0), (p, p), (p, p)))  # padding: a = z_a, so a - z_a = 0
        ho, wo = (l["hIn"] + 2 * p - k) // s + 1, (l["wIn"] + 2 * p - k) // s + 1
        acc = np.zeros((x.shape[0], l["cout"], ho, wo), dtype=np.int64) + np.array(l["bias"], dtype=np.int64)[None, :, None, None]
        for ky in range(k):
            for kx in range(k):
                win = xp[:, :, ky : ky + s * (ho - 1) + 1 : s, kx : kx + s * (wo - 1) + 1 : s]
                acc += np.einsum("nchw,oc->nohw", win, wt[:, :, ky, kx])
        assert np.abs(acc).max() < 2**31, "accumulator overflows int32"
        m = np.array(l["multiplier"], dtype=np.int64)[None, :, None, None]
        sh = l["shift"]
        y = (acc * m + (1 << (sh - 1))) >> sh  # >> on int64 is floor division by 2^sh
        x = np.clip(y + l["outZero"], 0, 2 ** l["outBits"] - 1)
    return x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="weights/ms-student.json")
    ap.add_argument("--quick", action="store_true", help="one epoch per phase")
    a = ap.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(1)
    t0 = time.time()
    e = (lambda n: 1) if a.quick else (lambda n: n)
    xtr, ytr = images(False)
    xte, yte = images(True)
    teacher = Net(residual=True)
    fit(teacher, xtr, ytr, e(30), 3e-3)
    print(f"teacher (residual, float): test accuracy {accuracy(teacher, xte, yte):.4f}  [{time.time() - t0:.0f} s]", flush=True)
    student = Net(residual=False)
    fit(student, xtr, ytr, e(40), 3e-3, teacher=teacher)
    student_float = accuracy(student, xte, yte)
    print(f"student (plain, distilled, float): {student_float:.4f}  [{time.time() - t0:.0f} s]", flush=True)
    student.act_hi = calibrate(student, xtr)
    student.fake_quant = True
    fit(student, xtr, ytr, e(15), 1e-3, teacher=teacher)
    student_qat = accuracy(student, xte, yte)
    print(f"student (quantization-aware, widths {WIDTHS}): {student_qat:.4f}  [{time.time() - t0:.0f} s]", flush=True)
    layers = to_integers(student, xtr)
    px, labels = data.split(True)
    q = px[:, None, :, :].astype(np.int64) * (INPUT_SCALE // 16)
    scores = integer_forward(layers, q).reshape(len(labels), -1)
    pred = scores.argmax(1)  # first maximum on ties, as the TypeScript check
    student_int = float((pred == labels).mean())
    print(f"student (integer, engine arithmetic): {student_int:.4f}", flush=True)
    out = {
        "about": "memory-stationary engine network: residual teacher distilled into a plain student; integers in lib/engines/ms/golden.ts form",
        "widths": [{"weightBits": wb, "outBits": ob} for wb, ob in WIDTHS],
        "accuracy": {"teacherFloat": accuracy(teacher, xte, yte), "studentFloat": student_float, "studentQat": student_qat, "studentInteger": student_int},
        "layers": layers,
        "test": {"pixels": q.reshape(len(labels), -1).tolist(), "labels": labels.tolist(), "scores": scores.tolist(), "predictions": pred.tolist()},
    }
    with open(a.out, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {a.out} [{time.time() - t0:.0f} s]")


if __name__ == "__main__":
    main()
