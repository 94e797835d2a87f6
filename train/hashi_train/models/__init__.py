"""Networks trained by hashi_train (torchvision state-dict keys, so lib/weights imports them)."""
