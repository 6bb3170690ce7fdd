"""How long property tests run: short in CI, as long as you like from bench/fuzz.sh."""

from __future__ import annotations

import os


def examples(default: int) -> int:
    """SCHOOLBOT_FUZZ_SCALE=100 runs each property a hundred times longer (the long fuzz run)."""
    scale = float(os.environ.get("SCHOOLBOT_FUZZ_SCALE", "1") or 1)
    return max(1, int(default * scale))
