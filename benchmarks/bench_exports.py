"""Exports in memory bounded by the page, not the plan: each export as a whole process.

usage: python benchmarks/bench_exports.py [--tasks N ...] [--database-url URL] [--json]

For each size (default 10,000 and 100,000 tasks) builds a plan with bench_scale's
builder (two reports per measure, a target on 40 % of them; a fresh SQLite file, or
an empty PostgreSQL database by URL, emptied again between sizes), brings its kept
figures to today (``luoshi plan refresh``), then runs as whole processes:

    luoshi plan show bench --jsonl        (output read and counted)
    luoshi export json bench OUT.json
    luoshi export csv bench OUT/
    luoshi export xlsx bench OUT.xlsx

and prints each one's seconds, peak RSS (GNU ``/usr/bin/time``'s maximum resident set
size of the process) and output size. Memory is
flat when the peak RSS at 100,000 tasks is about that at 10,000 (goal: under 300 MB
at any size). Informational: the figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import MetaData, insert, select

from bench_ledger import SEED, _targets
from bench_scale import chunks, populate
from luoshi.ledger.db import Database
from luoshi.ledger.models import Target, Task

GOAL_RSS_MB = 300.0
LUOSHI = str(Path(sys.executable).parent / "luoshi")


def build(url: str, n_tasks: int) -> None:
    """bench_scale's plan of ``n_tasks`` with targets, its kept figures for today."""
    db = Database.open(url)
    try:
        populate(db, n_tasks, 2)
        rng = random.Random(SEED)
        with db.transaction() as s:
            measures = s.scalars(select(Task.id).where(Task.kind == "measure"))
            for batch in chunks(iter(_targets(rng, list(measures)))):
                s.execute(insert(Target), batch)
    finally:
        db.dispose()
    subprocess.run([LUOSHI, "--database-url", url, "plan", "refresh", "bench"], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def run(cmd: list[str], out: Path | None, tmp: Path) -> dict[str, Any]:
    """One command as a whole process: seconds, peak RSS (MB), output size (MB).

    The peak is GNU time's (``%M``): ``ru_maxrss`` of a child forked from this process
    would start at this process's own size (Linux keeps it across exec), and this
    process has just built the plan."""
    report = tmp / "time.txt"
    timed = ["/usr/bin/time", "-f", "%e %M", "-o", str(report), *cmd]
    proc = subprocess.Popen(timed, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    size = sum(len(line) for line in proc.stdout)
    err = proc.stderr.read()
    if proc.wait() != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {err.decode(errors='replace')}")
    seconds, kb = report.read_text(encoding="ascii").split()[-2:]
    if out is not None:
        files = [out] if out.is_file() else list(out.iterdir())
        size = sum(f.stat().st_size for f in files)
    return {
        "seconds": round(float(seconds), 1),
        "peak_rss_mb": round(int(kb) / 1024, 1),
        "output_mb": round(size / 1e6, 1),
    }


def measure(url: str, tmp: Path) -> dict[str, dict[str, Any]]:
    base = [LUOSHI, "--database-url", url]
    json_out, csv_out, xlsx_out = tmp / "o.json", tmp / "csv", tmp / "o.xlsx"
    return {
        "plan show --jsonl": run([*base, "plan", "show", "bench", "--jsonl"], None, tmp),
        "export json": run([*base, "export", "json", "bench", str(json_out)], json_out, tmp),
        "export csv": run([*base, "export", "csv", "bench", str(csv_out)], csv_out, tmp),
        "export xlsx": run([*base, "export", "xlsx", "bench", str(xlsx_out)], xlsx_out, tmp),
    }


def empty(url: str) -> None:
    """Drop every table of a PostgreSQL database given by URL (the next size starts clean)."""
    db = Database.open(url)
    try:
        meta = MetaData()
        meta.reflect(db.engine)
        meta.drop_all(db.engine)
    finally:
        db.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    ap.add_argument("--json", action="store_true", help="print only the JSON object")
    args = ap.parse_args()
    out: dict[str, Any] = {"goal_peak_rss_mb": GOAL_RSS_MB, "sizes": {}}
    for n in args.tasks:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            url = args.database_url or f"sqlite:///{tmp / 'exports.db'}"
            t0 = time.perf_counter()
            build(url, n)
            if not args.json:
                print(f"built {n} tasks in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            out["sizes"][str(n)] = measure(url, tmp)
            if args.database_url:
                empty(url)
        if not args.json:
            print(json.dumps({str(n): out["sizes"][str(n)]}, ensure_ascii=False), file=sys.stderr)
    print(json.dumps(out, ensure_ascii=False, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
