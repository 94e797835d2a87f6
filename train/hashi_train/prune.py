"""Unstructured magnitude pruning (lib/po2/prune.ts): per tensor exactly round(s N) smallest |w| pruned,
ties broken by the lower flat index first; the stem and depthwise layers stay dense."""
import math

import torch


def prune_count(sparsity: float, n: int) -> int:
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    return math.floor(sparsity * n + 0.5)  # JS Math.round: halves round up


def prune_mask(w: torch.Tensor, sparsity: float) -> torch.Tensor:
    """1 where kept, 0 where pruned; flat order of `w` (torch layout = lib's for the 1x1 layers pruned here)."""
    flat = w.detach().reshape(-1).abs().to(torch.float64)
    k = prune_count(sparsity, flat.numel())
    order = torch.sort(flat, stable=True).indices  # ascending |w|, equal values by index
    keep = torch.ones_like(flat)
    keep[order[:k]] = 0
    return keep.reshape(w.shape).to(w.dtype)


def apply_pruning(model, sparsity: float) -> None:
    """Set every prunable layer's mask from its current (masked) weights and zero the pruned weights."""
    with torch.no_grad():
        for l in model.conv_layers():
            if not l.prunable:
                continue
            l.mask.copy_(prune_mask(l.conv.weight * l.mask, sparsity))
            l.conv.weight.mul_(l.mask)
