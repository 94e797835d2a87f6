"""The integer forward pass against the committed reference outputs (the TypeScript side checks hashi's
golden model against the same file: test/train/golden-reference.test.ts), and against the QAT model."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from hashi_train import data
from hashi_train.__main__ import DEMO
from hashi_train.integer import IntegerNet, predictions
from hashi_train.models.mobilenetv2 import MobileNetV2

WEIGHTS = Path(__file__).resolve().parents[1] / "weights"


@pytest.fixture(scope="module")
def reference():
    return json.loads((WEIGHTS / "digits-reference.json").read_text())


@pytest.mark.parametrize("task", ["A", "B"])
def test_integer_forward_equals_the_committed_reference(reference, task):
    sd = load_file(WEIGHTS / f"digits-task{task}.safetensors")
    cfg = reference["config"]
    net = IntegerNet(sd, DEMO, cfg["sparsity"])
    px, y = data.task(task, True)
    assert px.reshape(len(px), -1).tolist() == reference[task]["pixels"] and y.tolist() == reference[task]["labels"]
    feats = net.features(data.raw_images(px, DEMO.resolution))
    assert feats[:4].tolist() == reference[task]["features_first"]
    assert net.npu_scores(feats).tolist() == reference[task]["npu_scores"]
    assert net.po2_scores(feats).tolist() == reference[task]["po2_scores"]
    # Not degenerate: features vary, and the classes are told apart.
    assert len({tuple(f) for f in feats.tolist()}) > len(y) // 2
    assert reference[task]["npu_accuracy"] > 0.9


def test_qat_model_predicts_as_the_integer_network(reference):
    """The training forward pass (float32, straight-through) models the hardware's numbers closely."""
    sd = load_file(WEIGHTS / "digits-taskA.safetensors")
    model = MobileNetV2(DEMO)
    model.load_state_dict(sd)
    model.mode = "qat"
    model.eval()
    x, _ = data.tensors("A", True, DEMO.resolution)
    with torch.no_grad():
        qat = model(x).argmax(1).numpy()
    agree = float((qat == np.array(reference["A"]["npu_predictions"])).mean())
    assert agree >= 0.97, agree
