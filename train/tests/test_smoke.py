"""A few seconds of training on a small network: it learns, and the same seed gives the same bytes."""
from safetensors.torch import save

from hashi_train.export import state_dict_for_export
from hashi_train.integer import IntegerNet
from hashi_train.models.mobilenetv2 import NetConfig
from hashi_train.prune import prune_count
from hashi_train.train import Schedule, integer_accuracy, train_extractor, transfer

SMALL = NetConfig(resolution=16, blocks=2, head_channels=32)
SHORT = Schedule(fp32_epochs=2, qat_epochs=1, prune_steps=(0.3, 0.5), prune_epochs=1, transfer_epochs=3)


def run_once() -> tuple[bytes, float]:
    res = train_extractor(SMALL, SHORT, progress=lambda _: None)
    head = transfer(res.model, "B", SHORT, SMALL.classes)
    sd = state_dict_for_export(res.model, head)
    return save(sd), integer_accuracy(sd, SMALL, 0.5, "B")[0]


def test_training_is_deterministic_and_learns():
    a, acc = run_once()
    b, _ = run_once()
    assert a == b
    assert acc > 0.4  # 5 classes: chance is 0.2


def test_pruned_layers_have_exactly_the_target_zeros():
    res = train_extractor(SMALL, SHORT, progress=lambda _: None)
    sd = state_dict_for_export(res.model)
    for l, name in [(res.model.head, "features.18.0.weight"), (res.model.blocks[1].project, "features.2.conv.2.weight")]:
        w = sd[name]
        assert int((w == 0).sum()) == prune_count(0.5, w.numel())
    assert int((sd["features.0.0.weight"] == 0).sum()) == 0  # the stem stays dense
    IntegerNet(sd, SMALL, 0.5)  # the importer's rule finds exactly these zeros (no exception, int64 fits)
