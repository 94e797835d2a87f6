"""The quantizers against lib/NUMERICS.md's rules (and the cases lib's own tests pin)."""
import math

import numpy as np
import pytest
import torch

from hashi_train.integer import fixed_exact, po2_exact
from hashi_train.prune import prune_count, prune_mask
from hashi_train.quant.fixed import Q3_5, QFormat, act_ste, quantize_act, quantize_real
from hashi_train.quant.po2 import SQRT2_F32_UP, exp_range_from_bits, po2_ste, po2_tensor, quantize_po2, round_log2


def test_exp_range_from_bits():
    assert exp_range_from_bits(2) == (0, 0)
    assert exp_range_from_bits(3) == (-2, 0)
    assert exp_range_from_bits(4) == (-6, 0)
    assert exp_range_from_bits(5) == (-14, 0)
    with pytest.raises(ValueError):
        exp_range_from_bits(1)


def test_round_log2_cuts_in_the_log_domain():
    below = math.nextafter(math.sqrt(2.0), 0)  # the largest double below sqrt 2
    assert round_log2(math.sqrt(2.0)) == 1 and round_log2(below) == 0
    # Where round(log2) is wrong (lib/po2/round-log2.ts): log2 rounds to -59.5 exactly.
    a = below * 2.0**-60
    assert math.log2(a) == -59.5 and round_log2(a) == -60
    assert [round_log2(x) for x in (1.0, 0.75, 0.7, 3.0, 2.8)] == [0, 0, -1, 2, 1]


def test_quantize_po2_clamps_and_signs():
    r = exp_range_from_bits(4)
    assert quantize_po2(0.0, r) == (0, 0)
    assert quantize_po2(-5.0, r) == (-1, 0)  # saturates at expMax
    assert quantize_po2(1e-9, r) == (1, -6)  # clamp (DeepShift)
    assert quantize_po2(1e-9, r, "flush") == (0, 0)
    assert quantize_po2(-0.3, r) == (-1, -2)


def test_float32_tensor_rule_equals_the_exact_rule():
    g = torch.Generator().manual_seed(3)
    w = torch.randn(20000, generator=g) * 0.1
    # Put float32 values right at the cut: the largest below and the smallest above sqrt 2, scaled.
    cut = torch.tensor([SQRT2_F32_UP, np.nextafter(np.float32(SQRT2_F32_UP), np.float32(0))], dtype=torch.float32)
    w = torch.cat([w, cut * 2.0**-3, -cut, torch.zeros(3)])
    r = exp_range_from_bits(5)
    q = po2_tensor(w, r).numpy().astype(np.float64)
    s, e = po2_exact(w.numpy().astype(np.float64), r)
    assert np.array_equal(q, s * np.ldexp(1.0, e))
    for x in w[-7:].tolist():
        qs, qe = quantize_po2(x, r)
        assert po2_tensor(torch.tensor([x]), r).item() == qs * 2.0**qe


def test_po2_ste_passes_the_gradient():
    w = torch.tensor([0.3, -0.01, 0.0], requires_grad=True)
    po2_ste(w, (-6, 0)).sum().backward()
    assert w.grad.tolist() == [1.0, 1.0, 1.0]


def test_fixed_point_floor_and_saturation():
    assert quantize_real(3.99, Q3_5) == 127 and quantize_real(100.0, Q3_5) == 127
    assert quantize_real(-4.5, Q3_5) == -128
    assert quantize_real(-0.01, Q3_5) == -1  # floor, not toward zero
    assert quantize_real(0.03125, Q3_5) == 1
    x = torch.tensor([3.99, -0.01, 0.5, -9.0, 0.04])
    assert (quantize_act(x, Q3_5) * 32).tolist() == [127, -1, 16, -128, 1]
    assert fixed_exact(np.array([0.999999, -1.5, 2.0**-15]), QFormat(1, 15)).tolist() == [32767, -32768, 1]
    y = torch.tensor([0.5, 9.0], requires_grad=True)
    act_ste(y, Q3_5).sum().backward()
    assert y.grad.tolist() == [1.0, 0.0]  # no gradient where it saturates


def test_prune_mask_counts_and_ties():
    assert prune_count(0.5, 5) == 3  # Math.round: halves up
    w = torch.tensor([0.5, -0.1, 0.1, 0.2, 0.1])
    # 2 of 5 pruned: |w| = 0.1 three times; ties go by the lower flat index.
    assert prune_mask(w, 0.4).tolist() == [1, 0, 0, 1, 1]
    assert prune_mask(w, 0.0).tolist() == [1, 1, 1, 1, 1]
    assert prune_mask(w, 1.0).tolist() == [0, 0, 0, 0, 0]
