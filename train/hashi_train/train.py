"""Training schedules: FP32, quantization-aware fine-tuning, incremental pruning, transfer to a new task."""
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from . import data
from .integer import IntegerNet, predictions
from .models.mobilenetv2 import MobileNetV2, NetConfig
from .prune import apply_pruning


@dataclass(frozen=True)
class Schedule:
    seed: int = 1
    batch: int = 32
    fp32_epochs: int = 30
    qat_epochs: int = 8
    prune_steps: tuple[float, ...] = (0.2, 0.4, 0.5, 0.6)
    prune_epochs: int = 3
    transfer_epochs: int = 60
    lr: float = 2e-3


def deterministic(seed: int) -> torch.Generator:
    torch.manual_seed(seed)
    torch.set_num_threads(1)  # one reduction order: byte-identical weights run to run
    torch.use_deterministic_algorithms(True)
    return torch.Generator().manual_seed(seed)


def log(msg: str) -> None:
    print(msg, flush=True)


def epochs(model: MobileNetV2, params, x: torch.Tensor, y: torch.Tensor, n: int, lr: float, gen: torch.Generator, what: str, forward=None) -> None:
    """n epochs of Adam with a cosine learning rate, shuffled by `gen`."""
    if n == 0:
        return
    forward = forward or model
    opt = torch.optim.Adam(params, lr=lr)
    steps = n * ((len(y) + 31) // 32)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    t0 = time.time()
    for e in range(n):
        perm = torch.randperm(len(y), generator=gen)
        total = 0.0
        for i in range(0, len(y), 32):
            idx = perm[i : i + 32]
            loss = F.cross_entropy(forward(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        with torch.no_grad():
            for l in model.conv_layers():
                l.conv.weight.mul_(l.mask)
    log(f"  {what}: {n} epochs, last loss {total / len(y):.4f}, {time.time() - t0:.1f} s")


def float_accuracy(model: MobileNetV2, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def set_train(model: MobileNetV2) -> None:
    """Float mode trains BN on batch statistics; QAT mode keeps BN frozen (running statistics folded)."""
    model.train()
    if model.mode == "qat":
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eval()


@dataclass
class TaskResult:
    model: MobileNetV2
    fp32_accuracy: float
    history: list = field(default_factory=list)


def train_fp32(cfg: NetConfig, s: Schedule, gen: torch.Generator, progress=log) -> TaskResult:
    """Task A in FP32 (BN on batch statistics)."""
    x, y = data.tensors("A", False, cfg.resolution)
    xt, yt = data.tensors("A", True, cfg.resolution)
    model = MobileNetV2(cfg)
    model.mode = "float"
    set_train(model)
    epochs(model, model.parameters(), x, y, s.fp32_epochs, s.lr, gen, "FP32 training, task A")
    fp32 = float_accuracy(model, xt, yt)
    progress(f"  FP32 test accuracy, task A: {fp32:.4f}")
    return TaskResult(model, fp32)


def quantize_aware(model: MobileNetV2, s: Schedule, gen: torch.Generator) -> None:
    """Switch to the hardware's numbers (model.cfg's formats) and fine-tune."""
    x, y = data.tensors("A", False, model.cfg.resolution)
    model.mode = "qat"
    set_train(model)
    epochs(model, [p for p in model.parameters() if p.requires_grad], x, y, s.qat_epochs, s.lr / 4, gen, f"QAT (W{model.cfg.weight_bits}, {model.cfg.act})")
    model.eval()


def prune_step(model: MobileNetV2, sparsity: float, s: Schedule, gen: torch.Generator) -> None:
    """Prune to `sparsity` (from the current masks up), then retrain."""
    x, y = data.tensors("A", False, model.cfg.resolution)
    apply_pruning(model, sparsity)
    set_train(model)
    epochs(model, [p for p in model.parameters() if p.requires_grad], x, y, s.prune_epochs, s.lr / 4, gen, f"pruned to {sparsity:.0%}, retrained")
    model.eval()


def train_extractor(cfg: NetConfig, s: Schedule, sparsity: float | None = None, progress=log) -> TaskResult:
    """Task A: FP32, then QAT, then incremental pruning to `sparsity` (default the schedule's last step)."""
    gen = deterministic(s.seed)
    res = train_fp32(cfg, s, gen, progress)
    quantize_aware(res.model, s, gen)
    steps = s.prune_steps if sparsity is None else tuple(t for t in s.prune_steps if t < sparsity) + ((sparsity,) if sparsity > 0 else ())
    for t in steps:
        prune_step(res.model, t, s, gen)
    return res


def transfer(model: MobileNetV2, task: str, s: Schedule, classes: int) -> torch.nn.Linear:
    """Freeze the extractor, train a new classifier on `task` (its quantized pooled features). Returns it."""
    gen = deterministic(s.seed + 1)
    x, y = data.tensors(task, False, model.cfg.resolution)
    model.eval()
    with torch.no_grad():
        feats = model.extract(x)
    head = torch.nn.Linear(model.cfg.head_channels, classes)
    with torch.no_grad():
        head.bias.zero_()
    head.bias.requires_grad_(False)
    from .quant.fixed import act_ste

    def fwd(f):
        w = act_ste(head.weight, model.cfg.classifier_fmt) if model.mode == "qat" else head.weight
        return torch.nn.functional.linear(f, w)

    epochs(model, [head.weight], feats, y, s.transfer_epochs, s.lr * 5, gen, f"transfer: classifier for task {task}", forward=fwd)
    return head


def integer_accuracy(sd, cfg: NetConfig, sparsity: float, task: str, form: str = "npu") -> tuple[float, np.ndarray]:
    """Test accuracy of the integer-exact network (the hardware's numbers) and its predictions."""
    px, y = data.task(task, True)
    net = IntegerNet(sd, cfg, sparsity)
    feats = net.features(data.raw_images(px, cfg.resolution, cfg.act.frac))
    scores = net.npu_scores(feats) if form == "npu" else net.po2_scores(feats)
    pred = predictions(scores)
    return float((pred == y).mean()), pred
