"""Throughput and memory of read + outline + extract, against jieba.lcut on the same text.

usage: python benchmarks/bench_extract.py [--shared ../shared] [--rounds N]

Each contender runs in its own process so that resident memory is measured for
that process alone (jieba's dictionary does not count against Luoshi). Time is
the best of ``--rounds`` passes over the whole corpus, after one warm-up pass;
jieba's dictionary is loaded before timing starts.
Goal (extraction issue): pipeline ≥ 3× jieba's throughput, < 100 MiB resident.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

GOAL_SPEEDUP = 3.0
GOAL_RSS_MIB = 100.0


def _pipeline(paths: list[Path]) -> Callable[[], None]:
    from luoshi.extract.pipeline import extract
    from luoshi.text.sources import load_document

    def run() -> None:
        for p in paths:
            extract(load_document(p))

    return run


def _outline(paths: list[Path]) -> Callable[[], None]:
    from luoshi.text.document import Document
    from luoshi.text.outline import build_outline

    docs = [Document.from_path(p) for p in paths]
    return lambda: [build_outline(d) for d in docs] and None


def _extract_only(paths: list[Path]) -> Callable[[], None]:
    from luoshi.extract.pipeline import extract
    from luoshi.text.document import Document

    docs = [Document.from_path(p) for p in paths]
    return lambda: [extract(d) for d in docs] and None


def _jieba(paths: list[Path]) -> Callable[[], None]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    texts = [p.read_text(encoding="utf-8") for p in paths]
    return lambda: [jieba.lcut(t) for t in texts] and None


def _regex(paths: list[Path]) -> Callable[[], None]:
    pattern = re.compile(r"\d+(?:\.\d+)?")
    texts = [p.read_text(encoding="utf-8") for p in paths]
    return lambda: [pattern.findall(t) for t in texts] and None


CONTENDERS = {
    "pipeline": ("read + outline + extract", _pipeline),
    "outline": ("outline (text in memory)", _outline),
    "extract": ("outline + extract (text in memory)", _extract_only),
    "jieba": ("jieba.lcut (reference)", _jieba),
    "regex": ("one regex pass (reference)", _regex),
}


def worker(name: str, paths: list[Path], rounds: int) -> None:
    run = CONTENDERS[name][1](paths)
    run()  # warm-up: imports, caches, lazy initialisation
    best = min(_timed(run) for _ in range(rounds))
    size = sum(p.stat().st_size for p in paths)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"bytes": size, "seconds": best, "rss_mib": rss_kib / 1024}))


def _timed(run: Callable[[], None]) -> float:
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    paths = sorted((Path(args.shared) / "corpus").glob("*.txt"))
    if not paths:
        print("skipped: no corpus")
        return 0
    if args.worker:
        worker(args.worker, paths, args.rounds)
        return 0
    results = {}
    for name in CONTENDERS:
        cmd = [sys.executable, __file__, "--shared", args.shared, "--rounds", str(args.rounds)]
        out = subprocess.run([*cmd, "--worker", name], capture_output=True, text=True, check=True)
        results[name] = json.loads(out.stdout)
    return report(results, args.json)


def report(results: dict[str, dict[str, float]], as_json: bool) -> int:
    def kbps(r: dict[str, float]) -> float:
        return r["bytes"] / 1024 / r["seconds"]

    speedup = kbps(results["pipeline"]) / kbps(results["jieba"])
    ok = speedup >= GOAL_SPEEDUP and results["pipeline"]["rss_mib"] < GOAL_RSS_MIB
    if as_json:
        print(json.dumps({"results": results, "speedup_vs_jieba": speedup, "goal_met": ok}))
        return 0
    size = results["pipeline"]["bytes"] / 1024
    print(f"corpus: {size:.0f} KB of input, best of the timed rounds\n")
    print(f"{'contender':38s} {'KB/s':>10s} {'max RSS MiB':>12s}")
    for name, (label, _) in CONTENDERS.items():
        r = results[name]
        print(f"{label:38s} {kbps(r):10.0f} {r['rss_mib']:12.1f}")
    print(f"\npipeline / jieba throughput: {speedup:.1f}x (goal ≥ {GOAL_SPEEDUP:.0f}x)")
    print(f"pipeline resident memory: {results['pipeline']['rss_mib']:.1f} MiB (goal < 100)")
    print("goal met" if ok else "GOAL NOT MET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
