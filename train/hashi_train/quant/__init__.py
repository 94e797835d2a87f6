"""Quantizers, exactly as lib/NUMERICS.md: Po2 weights, Q(m.n) activations, batch-norm fold."""
