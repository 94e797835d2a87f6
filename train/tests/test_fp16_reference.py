"""The FP16 reference vectors committed in test/lib/fp16-vectors/ come out of numpy (add,
mul) and Python's fractions (FMA) again: scripts/fp16-reference.py with its seed rewrites
them byte for byte, so the vectors the TypeScript tests check are numpy's."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_committed_fp16_vectors_are_reproduced_by_numpy(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "fp16-reference.py"), "--set", "structured", "--seed", "1", "--out", str(tmp_path)], check=True, capture_output=True)
    for name in ("add", "mul", "fma"):
        assert (tmp_path / f"{name}.bin").read_bytes() == (ROOT / "test" / "lib" / "fp16-vectors" / f"{name}.bin").read_bytes(), name
