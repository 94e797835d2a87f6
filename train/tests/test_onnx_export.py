"""The ONNX export: the committed files are what the exporter writes from the committed
safetensors, and the onnx package's own reference evaluator (numpy, written apart from
both this package and hashi) computes the integer reference's scores from them."""
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx.reference import ReferenceEvaluator
from safetensors.torch import load_file

from hashi_train import data
from hashi_train.__main__ import DEMO, SPARSITY
from hashi_train.integer import IntegerNet
from hashi_train.onnx_export import SCORE_FRAC, build_onnx, float32_exact

WEIGHTS = Path(__file__).resolve().parents[1] / "weights"


@pytest.fixture(scope="module")
def reference():
    return json.loads((WEIGHTS / "digits-reference.json").read_text())


@pytest.mark.parametrize("task", ["A", "B"])
def test_committed_onnx_is_the_export_of_the_committed_weights(task):
    net = IntegerNet(load_file(WEIGHTS / f"digits-task{task}.safetensors"), DEMO, SPARSITY)
    built = build_onnx(net, f"digits_task{task}").SerializeToString(deterministic=True)
    assert (WEIGHTS / f"digits-task{task}.onnx").read_bytes() == built


def test_every_sum_fits_float32():
    # Why a float32 runtime gives the exact integers: no layer's largest possible sum needs more than 24 bits.
    net = IntegerNet(load_file(WEIGHTS / "digits-taskA.safetensors"), DEMO, SPARSITY)
    bits = dict(float32_exact(net))
    assert len(bits) == len(net.layers) + 1
    assert max(bits.values()) <= 24, bits


@pytest.mark.parametrize("task", ["A", "B"])
def test_onnx_reference_evaluator_gives_the_reference_scores(reference, task):
    model = onnx.load(WEIGHTS / f"digits-task{task}.onnx")
    onnx.checker.check_model(model, full_check=True)
    ev = ReferenceEvaluator(model)
    px, _ = data.task(task, True)
    images = data.raw_images(px, DEMO.resolution).astype(np.float32) / 32.0
    got = [np.ldexp(ev.run(None, {"image": images[i : i + 1]})[0][0], SCORE_FRAC).astype(np.int64).tolist() for i in range(len(images))]
    assert got == reference[task]["po2_scores"]
    assert len({tuple(s) for s in got}) > len(got) // 2  # the scores depend on the image


def test_test_images_file_is_the_onnx_input(tmp_path, monkeypatch):
    import sys

    from hashi_train.__main__ import main

    path = tmp_path / "b.npy"
    monkeypatch.setattr(sys, "argv", ["hashi_train", "--test-images", "B", str(path)])
    main()
    x = np.load(path)
    px, _ = data.task("B", True)
    assert x.dtype == np.float32 and x.shape == (len(px), 3, DEMO.resolution, DEMO.resolution)
    assert np.array_equal(x * 32.0, data.raw_images(px, DEMO.resolution).astype(np.float32))
