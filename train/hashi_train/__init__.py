"""hashi's training flow: Po2 quantization-aware training, pruning, transfer, export (see train/README.md)."""
