"""What syncing every SQLite commit costs: report POSTs per second under 20 clients
with ``PRAGMA synchronous=NORMAL`` and ``FULL`` (LUOSHI_SQLITE_SYNCHRONOUS).

usage: python benchmarks/bench_durability.py [--seconds 10] [--clients 20] [--rounds 2]

Each mode gets a fresh ledger in the same temporary directory (so on the same disk)
and ``luoshi serve`` with two workers; the modes alternate --rounds times and the
best figure of each is printed. Informational: the default is FULL.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_crash import client, setup, token
from harden_support import server


def throughput(folder: Path, mode: str, seconds: float, clients: int) -> float:
    url = f"sqlite:///{folder / f'{mode.lower()}-{time.monotonic_ns()}.db'}"
    tasks = setup(url)
    acked: list[int] = []
    stop = threading.Event()
    with server(url, 2, LUOSHI_SQLITE_SYNCHRONOUS=mode) as (_child, base):
        bearer = token(base)
        threads = [
            threading.Thread(target=client, args=(base, bearer, tasks, acked, stop))
            for _ in range(clients)
        ]
        for t in threads:
            t.start()
        time.sleep(1)  # warm up: connections, caches
        before, started = len(acked), time.monotonic()
        time.sleep(seconds)
        done, elapsed = len(acked) - before, time.monotonic() - started
        stop.set()
        for t in threads:
            t.join()
    return done / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="measured load per mode")
    ap.add_argument("--clients", type=int, default=20, help="clients posting reports")
    ap.add_argument("--rounds", type=int, default=2, help="times each mode is measured")
    args = ap.parse_args()
    best = {"NORMAL": 0.0, "FULL": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for mode in best:
                rate = throughput(Path(tmp), mode, args.seconds, args.clients)
                best[mode] = max(best[mode], rate)
                print(f"synchronous={mode:6s} {rate:7.1f} reports/s")
    cost = 1 - best["FULL"] / best["NORMAL"] if best["NORMAL"] else 0.0
    print(f"best: NORMAL {best['NORMAL']:.1f}/s, FULL {best['FULL']:.1f}/s "
          f"(FULL costs {cost:.0%} of throughput)")  # fmt: skip


if __name__ == "__main__":
    main()
