"""scikit-learn's bundled handwritten digits (1,797 8 x 8 images, 0..16), a fixed split, tasks A (0-4) and B (5-9).

Image i goes to the test split iff i % 4 == 0 (no random splitter: the split cannot move
with a library version). Pixels p become the activation value p / 8 - 1 (in [-1, 1],
exact in Q3.5: raw 4 p - 32), upscaled by pixel repetition to the network's resolution,
the same value on the three input channels. lib/designs/trained-demo.ts does the same
from the committed test pixels.
"""
import numpy as np
import torch
from sklearn.datasets import load_digits

TASKS = {"A": (0, 1, 2, 3, 4), "B": (5, 6, 7, 8, 9)}


def digits() -> tuple[np.ndarray, np.ndarray]:
    d = load_digits()
    return d.images.astype(np.int64), d.target.astype(np.int64)


def split(test: bool) -> tuple[np.ndarray, np.ndarray]:
    """8 x 8 pixels (0..16) and labels of the train or test split."""
    x, y = digits()
    keep = (np.arange(len(y)) % 4 == 0) == test
    return x[keep], y[keep]


def task(name: str, test: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pixels and the task's class (label - first digit of the task)."""
    x, y = split(test)
    digits_of = TASKS[name]
    keep = np.isin(y, digits_of)
    return x[keep], y[keep] - digits_of[0]


def raw_images(pixels: np.ndarray, resolution: int, frac: int = 5) -> np.ndarray:
    """Raw values with `frac` fraction bits (default Q3.5: 4 p - 32; fewer bits floor), N x 3 x R x R (NCHW), int64."""
    f = resolution // 8
    if f * 8 != resolution:
        raise ValueError(f"resolution must be a multiple of 8, got {resolution}")
    raw = 4 * pixels - 32
    raw = raw << (frac - 5) if frac >= 5 else raw >> (5 - frac)
    up = raw.repeat(f, axis=1).repeat(f, axis=2)
    return np.repeat(up[:, None, :, :], 3, axis=1).astype(np.int64)


def tensors(name: str, test: bool, resolution: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Float images (exact Q3.5 values) and class labels."""
    px, y = task(name, test)
    return torch.from_numpy(raw_images(px, resolution)).to(torch.float32) / 32.0, torch.from_numpy(y)
