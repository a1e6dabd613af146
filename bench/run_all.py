"""Run every benchmark in bench/ (each prints its figures and a ratio against a
baseline measured in the same run). Not part of `make test`: timings are
reported, never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).parent
    failed = 0
    for script in sorted(here.glob("*.py")):
        if script.name.startswith(("_", "run_all")):
            continue
        print(f"== {script.name}", flush=True)
        failed += subprocess.call([sys.executable, str(script), *sys.argv[1:]]) != 0  # noqa: S603
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
