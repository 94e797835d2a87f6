"""python -m hashi_train [--out DIR] [--quick] [--onnx-only]: train task A (QAT, pruned), transfer to task B, export, reference outputs.

`npm run train` runs this in the project's environment (scripts/train-env.mjs).
"""
import argparse
import json
import os
import time

import numpy as np

from . import data
from .export import save_safetensors, state_dict_for_export
from .integer import IntegerNet, predictions
from .models.mobilenetv2 import NetConfig
from .onnx_export import build_onnx, save_onnx
from .train import Schedule, integer_accuracy, log, train_extractor, transfer, float_accuracy

DEMO = NetConfig()  # alpha 0.35, 32 x 32, 7 blocks, 1280 features, 5 classes, W5, Q3.5
SPARSITY = 0.6
QUICK = Schedule(fp32_epochs=1, qat_epochs=1, prune_steps=(0.6,), prune_epochs=1, transfer_epochs=2)


def reference(sd, cfg: NetConfig, task: str, sparsity: float) -> dict:
    px, y = data.task(task, True)
    net = IntegerNet(sd, cfg, sparsity)
    feats = net.features(data.raw_images(px, cfg.resolution))
    npu, po2 = net.npu_scores(feats), net.po2_scores(feats)
    return {
        "labels": y.tolist(),
        "npu_scores": npu.tolist(),
        "npu_predictions": predictions(npu).tolist(),
        "npu_accuracy": float((predictions(npu) == y).mean()),
        "po2_scores": po2.tolist(),
        "po2_predictions": predictions(po2).tolist(),
        "po2_accuracy": float((predictions(po2) == y).mean()),
        "features_first": feats[:4].tolist(),
    }


def write_onnx(out: str, sparsity: float) -> list[str]:
    """digits-task{A,B}.onnx from the safetensors in `out` (the integer network, QDQ; see onnx_export.py)."""
    from safetensors.torch import load_file

    paths = []
    for t in "AB":
        net = IntegerNet(load_file(os.path.join(out, f"digits-task{t}.safetensors")), DEMO, sparsity)
        path = os.path.join(out, f"digits-task{t}.onnx")
        save_onnx(build_onnx(net, f"digits_task{t}"), path)
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(prog="npm run train --")
    ap.add_argument("--out", default="weights", help="folder for the safetensors, ONNX and reference files (default train/weights)")
    ap.add_argument("--quick", action="store_true", help="one epoch per phase (the test's smoke run)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sweep", action="store_true", help="the accuracy tables instead (results/sweep.json; npx hashi report accuracy shows them)")
    ap.add_argument("--onnx-only", action="store_true", help="only rewrite the ONNX files from the safetensors already in --out (no training)")
    ap.add_argument("--test-images", nargs=2, metavar=("TASK", "FILE"), help="only write task A's or B's test images as float32 NCHW .npy (the ONNX models' input, for `hashi infer --inputs`)")
    a = ap.parse_args()
    if a.test_images:
        task, path = a.test_images
        if task not in data.TASKS:
            ap.error(f"--test-images: task must be A or B, got {task!r}")
        px, _ = data.task(task, True)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        np.save(path, data.raw_images(px, DEMO.resolution).astype(np.float32) / 32.0)
        log(f"  wrote {path}: {len(px)} test images of task {task}, float32 {len(px)} x 3 x {DEMO.resolution} x {DEMO.resolution}")
        return
    if a.onnx_only:
        log(f"  wrote {', '.join(write_onnx(a.out, SPARSITY))}")
        return
    s = QUICK if a.quick else Schedule()
    s = Schedule(**{**s.__dict__, "seed": a.seed})
    if a.sweep:
        from .sweep import sweep, write

        out = "results/sweep-quick.json" if a.quick else "results/sweep.json"
        os.makedirs("results", exist_ok=True)
        log(f"hashi train --sweep: Table 5, Fig. 5a and Fig. 6 analogues on the digits -> train/{out}")
        write(out, sweep(DEMO, s))
        log(f"  wrote train/{out}")
        return
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    log(f"hashi train: MobileNetV2 alpha {DEMO.alpha}, {DEMO.resolution} x {DEMO.resolution}, {DEMO.blocks} blocks, {DEMO.head_channels} features; digits, task A = 0-4, task B = 5-9")
    res = train_extractor(DEMO, s)
    model = res.model
    xb, yb = data.tensors("B", True, DEMO.resolution)
    sd_a = state_dict_for_export(model)
    head_b = transfer(model, "B", s, DEMO.classes)
    sd_b = state_dict_for_export(model, head_b)
    config = {"alpha": DEMO.alpha, "resolution": DEMO.resolution, "blocks": DEMO.blocks, "weightBits": DEMO.weight_bits, "sparsity": SPARSITY, "classes": DEMO.classes, "seed": s.seed}
    files = {t: os.path.join(a.out, f"digits-task{t}.safetensors") for t in "AB"}
    # One metadata key: safetensors writes its metadata map in no fixed order, and the files must be byte-reproducible.
    save_safetensors(sd_a, files["A"], {"hashi": json.dumps({**config, "task": "A: digits 0-4"})})
    save_safetensors(sd_b, files["B"], {"hashi": json.dumps({**config, "task": "B: digits 5-9 (task A's extractor, new classifier)"})})
    ref = {"config": config, "fp32_accuracy_a": res.fp32_accuracy, "A": reference(sd_a, DEMO, "A", SPARSITY), "B": reference(sd_b, DEMO, "B", SPARSITY)}
    px_a, _ = data.task("A", True)
    px_b, _ = data.task("B", True)
    ref["A"]["pixels"] = px_a.reshape(len(px_a), -1).tolist()
    ref["B"]["pixels"] = px_b.reshape(len(px_b), -1).tolist()
    with open(os.path.join(a.out, "digits-reference.json"), "w") as f:
        json.dump(ref, f, separators=(",", ":"))
        f.write("\n")
    log(f"  integer reference (NPU classifier): task A {ref['A']['npu_accuracy']:.4f}, task B {ref['B']['npu_accuracy']:.4f}; hardened Po2 classifier, task A {ref['A']['po2_accuracy']:.4f}")
    onnx_files = write_onnx(a.out, SPARSITY)
    log(f"  wrote {files['A']}, {files['B']}, {', '.join(onnx_files)}, {os.path.join(a.out, 'digits-reference.json')} in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
