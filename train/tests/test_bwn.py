"""The Hyperdrive BWN's committed export (weights/hyperdrive-bwn.json): its shape is the
engine's (binary weights, one scale and bias per output channel, the residual's source),
the committed float32 accuracy is what the committed float model's predictions give, and
training runs and exports (one epoch)."""
import json
from pathlib import Path

import numpy as np

from hashi_train import bwn, data

WEIGHTS = Path(__file__).resolve().parents[1] / "weights"


def test_committed_export_has_the_engine_shape():
    ref = json.loads((WEIGHTS / "hyperdrive-bwn.json").read_text())
    px, labels = data.split(True)
    assert ref["test"]["pixels"] == px.reshape(len(labels), -1).tolist()
    assert ref["test"]["labels"] == labels.tolist()
    predictions = np.array(ref["test"]["fp32Predictions"])
    assert float((predictions == labels).mean()) == ref["accuracy"]["fp32"]
    for layer, (ci, co, stride, relu, residual) in zip(ref["layers"], bwn.LAYERS):
        assert (layer["inChannels"], layer["outChannels"], layer["stride"], layer["relu"], layer["residualFrom"]) == (ci, co, stride, relu, residual)
        assert len(layer["weights"]) == co * ci * 9 and set(layer["weights"]) <= {0, 1}
        assert len(layer["scale"]) == co and len(layer["bias"]) == co


def test_one_epoch_trains_and_exports(tmp_path):
    model = bwn.train(1)
    result = bwn.export(model)
    assert len(result["layers"]) == 4 and 0.0 <= result["accuracy"]["fp32"] <= 1.0
    # The exported signs and scales reproduce the binary weights the model used.
    conv = model.convs[1]
    w = np.array(result["layers"][1]["weights"]).reshape(conv.weight.shape) * 2 - 1
    scale_free = conv.binary_weight().detach().numpy() / conv.weight.abs().mean(dim=(1, 2, 3), keepdim=True).detach().numpy()
    assert np.allclose(scale_free, w)
