"""The memory-stationary student's committed integers (weights/ms-student.json): the integer
forward pass reproduces the committed scores, the widths are the engine's, and the
distillation/quantization code runs and learns (one epoch per phase)."""
import json
from pathlib import Path

import numpy as np

from hashi_train import data, ms_student

WEIGHTS = Path(__file__).resolve().parents[1] / "weights"


def test_committed_integers_reproduce_the_committed_scores():
    ref = json.loads((WEIGHTS / "ms-student.json").read_text())
    px, labels = data.split(True)
    q = px[:, None, :, :].astype(np.int64) * 15
    assert q.reshape(len(labels), -1).tolist() == ref["test"]["pixels"]
    scores = ms_student.integer_forward(ref["layers"], q).reshape(len(labels), -1)
    assert scores.tolist() == ref["test"]["scores"]
    assert float((scores.argmax(1) == labels).mean()) == ref["accuracy"]["studentInteger"]
    assert [(l["weightBits"], l["outBits"]) for l in ref["layers"]] == ms_student.WIDTHS


def test_integer_forward_handles_padding_and_stride_as_the_engine():
    # One 3x3 stride-2 layer, all-ones weights, zero point 1: padding contributes 0.
    layer = {"cin": 1, "cout": 1, "hIn": 3, "wIn": 3, "k": 3, "stride": 2, "pad": 1, "inBits": 8, "outBits": 8,
             "weightBits": 2, "weights": [1] * 9, "bias": [0], "multiplier": [2], "shift": 1, "inZero": 1, "outZero": 0}
    x = np.arange(9, dtype=np.int64).reshape(1, 1, 3, 3) + 1  # values 1..9, minus zero point: 0..8
    out = ms_student.integer_forward([layer], x)
    # Top-left output sums (0 + 1 + 3 + 4) = 8; times 2 / 2 rounds to 8.
    assert out.shape == (1, 1, 2, 2) and out[0, 0, 0, 0] == 8 and out[0, 0, 1, 1] == 4 + 5 + 7 + 8
