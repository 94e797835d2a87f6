"""Export: safetensors (torchvision keys, float32, pruned weights exactly zero) and ONNX (QDQ, Po2 scales)."""
import torch
from safetensors.torch import save_file

from .models.mobilenetv2 import MobileNetV2


def state_dict_for_export(model: MobileNetV2, classifier: torch.nn.Linear | None = None) -> dict[str, torch.Tensor]:
    sd = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    for name, l in _named_layers(model):
        sd[name] = (l.conv.weight * l.mask).detach().contiguous()
    if classifier is not None:
        sd["classifier.1.weight"] = classifier.weight.detach().clone().contiguous()
        sd["classifier.1.bias"] = classifier.bias.detach().clone().contiguous()
    return sd


def _named_layers(model: MobileNetV2):
    ids = {id(l.conv): l for l in model.conv_layers()}
    for name, m in model.named_modules():
        if id(m) in ids:
            yield f"{name}.weight", ids[id(m)]


def save_safetensors(sd: dict[str, torch.Tensor], path: str, metadata: dict[str, str]) -> None:
    save_file(sd, path, metadata=metadata)
