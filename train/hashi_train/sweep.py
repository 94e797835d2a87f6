"""`npm run train -- --sweep`: the paper's accuracy tables on the digits (Table 5, Fig. 5a, Fig. 6 analogues).

Written to train/results/sweep.json; `npx hashi report accuracy` prints and plots it.
Every quantized accuracy is the integer-exact network's (the hardware's numbers, NPU
classifier), not the float training model's.
"""
import copy
import dataclasses
import json
import time

import torch

from . import data
from .export import state_dict_for_export
from .models.mobilenetv2 import NetConfig
from .quant.fixed import QFormat
from .quant.po2 import exp_range_from_bits
from .train import Schedule, deterministic, integer_accuracy, log, prune_step, quantize_aware, train_fp32, transfer

TABLE5 = [(8, QFormat(3, 5)), (7, QFormat(3, 4)), (7, QFormat(2, 5)), (6, QFormat(3, 3)), (6, QFormat(2, 4)), (5, QFormat(3, 2))]
SPARSITIES = [0.1 * i for i in range(1, 10)]


def with_formats(model, weight_bits: int, act: QFormat):
    m = copy.deepcopy(model)
    m.cfg = dataclasses.replace(m.cfg, weight_bits=weight_bits, act=act)
    m.weight_range = exp_range_from_bits(weight_bits)
    return m


def transfer_accuracy(model, s: Schedule, sparsity: float) -> float:
    """Task B: a new classifier on the frozen extractor; float accuracy in float mode, else the integer network's."""
    head = transfer(model, "B", s, model.cfg.classes)
    if model.mode == "float":
        x, y = data.tensors("B", True, model.cfg.resolution)
        with torch.no_grad():
            return float((torch.nn.functional.linear(model.extract(x), head.weight).argmax(1) == y).float().mean())
    return integer_accuracy(state_dict_for_export(model, head), model.cfg, sparsity, "B")[0]


def sweep(cfg: NetConfig, s: Schedule) -> dict:
    t0 = time.time()
    gen = deterministic(s.seed)
    base = train_fp32(cfg, s, gen)
    fp32 = base.model
    table5 = [{"weights": "FP32", "activations": "FP32", "accuracy": base.fp32_accuracy}]
    for i, (wb, act) in enumerate(TABLE5):
        m = with_formats(fp32, wb, act)
        quantize_aware(m, s, deterministic(s.seed + 10 + i))
        acc = integer_accuracy(state_dict_for_export(m), m.cfg, 0.0, "A")[0]
        log(f"  W{wb}/{act}: integer accuracy, task A {acc:.4f}")
        table5.append({"weights": f"W{wb}", "activations": str(act), "accuracy": acc})

    m = with_formats(fp32, cfg.weight_bits, cfg.act)
    quantize_aware(m, s, deterministic(s.seed + 20))
    dense_q = copy.deepcopy(m)
    curve = [{"sparsity": 0.0, "accuracy": integer_accuracy(state_dict_for_export(m), m.cfg, 0.0, "A")[0]}]
    sparse60 = None
    g = deterministic(s.seed + 21)
    for sp in SPARSITIES:
        sp = round(sp, 2)
        prune_step(m, sp, s, g)
        acc = integer_accuracy(state_dict_for_export(m), m.cfg, sp, "A")[0]
        log(f"  {sp:.0%} sparse: integer accuracy, task A {acc:.4f}")
        curve.append({"sparsity": sp, "accuracy": acc})
        if sp == 0.6:
            sparse60 = copy.deepcopy(m)

    fig6 = [
        {"extractor": "FP32", "accuracy": transfer_accuracy(copy.deepcopy(fp32), s, 0.0)},
        {"extractor": f"W{cfg.weight_bits}/{cfg.act}", "accuracy": transfer_accuracy(dense_q, s, 0.0)},
        {"extractor": f"W{cfg.weight_bits}/{cfg.act}, 60 % sparse", "accuracy": transfer_accuracy(sparse60, s, 0.6)},
    ]
    for r in fig6:
        log(f"  task B, {r['extractor']} extractor: {r['accuracy']:.4f}")
    return {
        "network": {"alpha": cfg.alpha, "resolution": cfg.resolution, "blocks": cfg.blocks, "head_channels": cfg.head_channels, "classes": cfg.classes},
        "data": "scikit-learn digits; test split: image i with i % 4 == 0; task A = 0-4, task B = 5-9",
        "schedule": dataclasses.asdict(s),
        "sparsity_curve_format": f"W{cfg.weight_bits}/{cfg.act}",
        "table5": table5,
        "fig5a": curve,
        "fig6": fig6,
        "seconds": round(time.time() - t0),
    }


def write(path: str, result: dict) -> None:
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
