"""Start-up: whole processes, each beside ``python -c pass`` on the same machine.

usage: python benchmarks/bench_startup.py [--runs N]

Goals (issue 15): ``luoshi --version`` < 0.2 s, ``luoshi extract`` on a 1 KB file
< 0.3 s, ``luoshi serve`` answering on the demo database < 2 s. Median of N runs;
also the peak RSS of the extract process. Informational.
"""

from __future__ import annotations

import argparse
import compileall
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SAMPLE = "一、总体目标\n全年地区生产总值增长5%左右，集装箱吞吐量突破2300万标准箱。\n" * 12


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve_start(db: Path) -> float:
    """Seconds from ``luoshi serve`` to its first answered request."""
    port = free_port()
    url = f"sqlite:///{db}"
    t0 = time.perf_counter()
    cmd = [str(BIN / "luoshi"), "--database-url", url, "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - t0 < 60:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/login")
                if c.getresponse().status < 500:
                    return time.perf_counter() - t0
            except (OSError, http.client.HTTPException):
                time.sleep(0.02)
        return float("inf")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def peak_rss_mb(cmd: list[str]) -> float:
    """The peak resident memory of one process running ``cmd``."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_maxrss / 1024


def compile_package() -> None:
    """Measure luoshi as installed: pip writes its bytecode at install time, while an
    editable install under PYTHONDONTWRITEBYTECODE would compile every module's source
    at every start (about 60 ms of ``luoshi extract``, more of a server worker)."""
    import luoshi

    compileall.compile_dir(str(Path(luoshi.__file__).parent), quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "small.txt"
        doc.write_text(SAMPLE[:1024], encoding="utf-8")
        demo = Path(tmp) / "demo.db"
        luoshi = str(BIN / "luoshi")
        subprocess.run([luoshi, "demo", "--database", str(demo), "--no-serve"], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        rows = [
            ("python -c pass", timed([sys.executable, "-c", "pass"], args.runs), None),
            ("luoshi --version", timed([luoshi, "--version"], args.runs), 0.2),
            ("luoshi extract (1 KB)", timed([luoshi, "extract", str(doc)], args.runs), 0.3),
            ("luoshi serve (demo)", statistics.median(serve_start(demo) for _ in range(3)), 2.0),
        ]
        rss_mb = peak_rss_mb([luoshi, "extract", str(doc)])
    for name, seconds, goal in rows:
        verdict = "" if goal is None else ("ok" if seconds < goal else "MISSED")
        aim = "" if goal is None else f"goal < {goal:g} s"
        print(f"{name:24s} {seconds * 1000:7.0f} ms  {aim} {verdict}")
    verdict = "ok" if rss_mb < 40 else "MISSED"
    print(f"{'luoshi extract peak RSS':24s} {rss_mb:7.0f} MB  goal < 40 MB {verdict}")


if __name__ == "__main__":
    main()
