"""Hostile workbooks on ``luoshi import xlsx``: each must be refused quickly and in
little memory (bars: under 5 s and under 200 MB for each).

usage: python benchmarks/bench_workbooks.py [--unzipped-mb 400]

  far-away cell   an 11 KB workbook with one cell at XFD1048576
  zip bomb        a workbook of about 420 KB whose sheet unzips to 400 MB

Each import runs as its own ``luoshi`` process; its wall and CPU time and peak
resident memory (getrusage of the child) are printed with whether the bar was met,
and the time the refusal itself takes (``read_ledger`` in this process, after the
imports a command starts with), which does not depend on how fast Python starts.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.fixtures.workbooks import far_away_cell, unzipping_to

from harden_support import LUOSHI, PLAN, small_ledger
from luoshi.errors import ImportErrors
from luoshi.io.ledger_xlsx import read_ledger

BAR_SECONDS, BAR_MB = 5.0, 200.0


def timed_import(url: str, path: Path) -> tuple[float, float, float, int, str]:
    """Wall and CPU seconds, peak MB, exit status and stderr of ``luoshi import xlsx``."""
    started = time.monotonic()
    child = subprocess.Popen(
        [str(LUOSHI), "--database-url", url, "import", "xlsx", PLAN, str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    err = child.stderr.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return time.monotonic() - started, cpu, usage.ru_maxrss / 1024, child.returncode, err


def refusal_seconds(path: Path) -> float:
    started = time.monotonic()
    try:
        read_ledger(path)
    except ImportErrors:
        return time.monotonic() - started
    raise AssertionError(f"{path} was not refused")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--unzipped-mb", type=int, default=400, help="what the zip bomb unzips to")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.db'}"
        small_ledger(url)
        cases = [
            ("far-away cell", far_away_cell(folder / "far.xlsx")),
            ("zip bomb", unzipping_to(folder / "bomb.xlsx", args.unzipped_mb)),
        ]
        met = True
        for name, path in cases:
            refusal = refusal_seconds(path)
            seconds, cpu, mb, code, err = timed_import(url, path)
            ok = code == 2 and "导入失败" in err and seconds < BAR_SECONDS and mb < BAR_MB
            met &= ok
            size = path.stat().st_size / 1024
            print(f"{name:14s} {size:7.0f} KB  refused in {seconds:5.2f} s (CPU {cpu:4.2f} s)"
                  f"  peak {mb:4.0f} MB  {'ok' if ok else 'MISSED'}")  # fmt: skip
            print(f"{'':14s} read_ledger alone refuses it in {refusal:.3f} s")
            print(f"{'':14s} {err.strip().splitlines()[-1] if err.strip() else '(no message)'}")
        print(f"bars (< {BAR_SECONDS:g} s, < {BAR_MB:g} MB): {'met' if met else 'missed'}")


if __name__ == "__main__":
    main()
