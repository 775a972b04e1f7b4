"""The web app under load: the ledger API's filtered list and the dashboard with
10,000 tasks and 100,000 reports, 20 concurrent clients on loopback (Apache Bench).

usage: python benchmarks/bench_web.py [--requests N] [--concurrency C] [--workers W]

Data from bench_ledger's generator (fixed seed); ``luoshi serve`` runs in a
subprocess; ``ab`` (Debian's apache2-utils, installed by ``make bench-web``)
drives it and reports the percentiles. Goals: list p95 < 50 ms, dashboard
p95 < 200 ms. Informational: prints the figures and whether each goal was met.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ledger import populate
from luoshi.ledger import users
from luoshi.ledger.db import Database

PASSWORD = "bench-password-1"
GOALS_MS = {"list": 50.0, "dashboard": 200.0}


def targets(plan_id: int) -> list[tuple[str, str, str]]:
    """(name, kind, path): the requests timed, each against its goal."""
    api = f"/api/v1/plans/{plan_id}"
    by_unit = urlencode({"unit": "单位07", "health": "red", "per_page": 50})
    by_text = urlencode({"q": "重点项目", "deadline_from": "2024-06-01", "page": 3})
    return [
        ("ledger list: unit + health", "list", f"{api}/tasks?{by_unit}"),
        ("ledger list: text + deadline", "list", f"{api}/tasks?{by_text}"),
        ("dashboard figures (JSON)", "dashboard", f"{api}/dashboard"),
        ("dashboard page (HTML + SVG)", "dashboard", f"/?plan={plan_id}"),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def prepare(url: str, n_tasks: int, n_reports: int) -> None:
    db = Database.open(url)
    populate(db, n_tasks, n_reports, 10)
    with db.transaction() as s:
        admin = users.get_user(s, "local-admin")
        users.set_password(s, admin, admin, PASSWORD)
    db.dispose()


def serve(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    luoshi = Path(sys.executable).parent / "luoshi"
    env = {**os.environ, "LUOSHI_DATABASE_URL": url}
    cmd = [str(luoshi), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    until = time.monotonic() + 30
    while time.monotonic() < until:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("luoshi serve did not start")


def login(base: str) -> str:
    body = json.dumps({"username": "local-admin", "password": PASSWORD}).encode()
    req = urllib.request.Request(
        f"{base}/api/v1/auth/login", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        token: str = json.load(r)["token"]
        return token


def first_request_ms(base: str, path: str, token: str) -> float:
    """The first request after start: the board is built and cached then."""
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        r.read()
        assert r.status == 200, r.status
    return (time.perf_counter() - t0) * 1000


def ab(base: str, path: str, token: str, n: int, c: int) -> dict[str, float]:
    out = subprocess.run(
        ["ab", "-q", "-n", str(n), "-c", str(c), "-H", f"Authorization: Bearer {token}",
         base + path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if "Non-2xx responses" in out or not re.search(r"Failed requests:\s+0\b", out):
        raise SystemExit(f"ab saw failed or non-2xx responses for {path}:\n{out}")
    pct = {int(k): float(v) for k, v in re.findall(r"^\s+(\d+)%\s+(\d+)", out, re.M)}
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", out)[1])  # type: ignore[index]
    return {"p50": pct[50], "p95": pct[95], "p99": pct[99], "rps": rps}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if shutil.which("ab") is None:
        raise SystemExit("ab not found: make bench-web installs apache2-utils")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        prepare(url, args.tasks, args.reports)
        port = free_port()
        proc = serve(url, port, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            token = login(base)
            report(base, token, args)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def report(base: str, token: str, args: argparse.Namespace) -> None:
    print(
        f"{args.tasks} tasks, {args.reports} reports; {args.requests} requests per URL, "
        f"{args.concurrency} concurrent clients, {args.workers} server worker(s)"
    )
    print(f"{'request':32s} {'first':>8s} {'p50':>6s} {'p95':>6s} {'p99':>6s} {'req/s':>7s}  goal")
    for name, kind, path in targets(1):
        cold = first_request_ms(base, path, token)
        # Every worker process builds its own cached board once: warm them all first.
        ab(base, path, token, 10 * args.concurrency, args.concurrency)
        r = ab(base, path, token, args.requests, args.concurrency)
        goal = GOALS_MS[kind]
        verdict = "ok" if r["p95"] < goal else "MISSED"
        print(
            f"{name:32s} {cold:6.0f}ms {r['p50']:4.0f}ms {r['p95']:4.0f}ms {r['p99']:4.0f}ms "
            f"{r['rps']:7.0f}  p95 < {goal:.0f} ms {verdict}"
        )


if __name__ == "__main__":
    main()
