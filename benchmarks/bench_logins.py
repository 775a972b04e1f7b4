"""A login flood: 60 clients at once, each trying unknown usernames as fast as they are
answered, against ``luoshi serve`` with argon2's real cost (64 MB a check).

usage: python benchmarks/bench_logins.py [--clients 60] [--seconds 15] [--workers 2]

The failed-login throttles are raised out of the way (as for an attacker with many
addresses), so what bounds the server is the limit on password checks at once
(LUOSHI_LOGIN_MEMORY_MB). Meanwhile a signed-in client asks who it is every 0.2 s.
The flooding clients run in a process of their own at nice 10: an attacker's CPU
is not the server's, and on one small machine they would otherwise take a core.
Bars: the server (all its processes) stays under 1 GB resident, and the signed-in
request answers in under 1 s. Prints the peak memory, the signed-in latencies, and
how the flood was answered (401 checked and wrong, 429 refused at once).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harden_support import add_user, server, small_ledger, tree_rss_mb

PASSWORD = "login-bench-keys-7"
BAR_MB, BAR_SECONDS = 1024.0, 1.0


def _conn(base: str) -> http.client.HTTPConnection:
    host, port = base.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


def login(conn: http.client.HTTPConnection, username: str, password: str) -> tuple[int, bytes]:
    body = json.dumps({"username": username, "password": password})
    conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    r = conn.getresponse()
    return r.status, r.read()


def flood(base: str, stop: threading.Event, answers: Counter[int]) -> None:
    conn = _conn(base)
    while not stop.is_set():
        try:
            status, _ = login(conn, f"nobody-{uuid.uuid4().hex[:8]}", "wrong-password-1")
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = _conn(base)
            status = 0
        answers[status] += 1


def run_flood(base: str, clients: int, seconds: float) -> None:
    """In the flooding process: ``clients`` threads for ``seconds``; prints the answers."""
    os.nice(10)
    stop, answers = threading.Event(), Counter[int]()
    threads = [threading.Thread(target=flood, args=(base, stop, answers)) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    print(json.dumps(answers))


def signed_in(base: str, token: str, stop: threading.Event, latencies: list[float]) -> None:
    conn = _conn(base)
    while not stop.is_set():
        started = time.monotonic()
        conn.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        r = conn.getresponse()
        r.read()
        assert r.status == 200, r.status
        latencies.append(time.monotonic() - started)
        time.sleep(0.2)


def memory(pid: int, stop: threading.Event, peaks: list[float]) -> None:
    while not stop.is_set():
        peaks.append(tree_rss_mb(pid))
        time.sleep(0.1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=60, help="flooding clients at once")
    ap.add_argument("--seconds", type=float, default=15.0, help="how long the flood lasts")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    ap.add_argument("--flood", metavar="BASE", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.flood:
        run_flood(args.flood, args.clients, args.seconds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'logins.db'}"
        small_ledger(url)
        add_user(url, "duban", "supervisor", PASSWORD)
        relaxed = {
            "LUOSHI_LOGIN_ATTEMPTS_PER_ADDRESS": "1000000",
            "LUOSHI_LOGIN_ATTEMPTS_TOTAL": "1000000",
        }
        with server(url, args.workers, **relaxed) as (child, base):
            status, body = login(_conn(base), "duban", PASSWORD)
            assert status == 200, body
            token = json.loads(body)["token"]
            idle = tree_rss_mb(child.pid)
            calm, quiet = threading.Event(), []
            baseline = threading.Thread(target=signed_in, args=(base, token, calm, quiet))
            baseline.start()
            time.sleep(3)
            calm.set()
            baseline.join()
            stop = threading.Event()
            latencies: list[float] = []
            peaks: list[float] = []
            flooder = subprocess.Popen(
                [sys.executable, __file__, "--flood", base, "--clients", str(args.clients),
                 "--seconds", str(args.seconds)],
                stdout=subprocess.PIPE,
            )  # fmt: skip
            threads = [
                threading.Thread(target=signed_in, args=(base, token, stop, latencies)),
                threading.Thread(target=memory, args=(child.pid, stop, peaks)),
            ]
            for t in threads:
                t.start()
            out, _ = flooder.communicate()
            stop.set()
            for t in threads:
                t.join()
            answers = {int(k): v for k, v in json.loads(out).items()}
    peak, slowest = max(peaks), max(latencies)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else slowest
    print(f"{args.clients} flooding clients for {args.seconds:g} s, {args.workers} workers")
    print(f"server memory: idle {idle:.0f} MB, peak {peak:.0f} MB (bar < {BAR_MB:.0f} MB)")
    print(f"signed-in GET /api/v1/me: {len(latencies)} requests, p95 {p95 * 1000:.0f} ms, "
          f"max {slowest * 1000:.0f} ms (bar < {BAR_SECONDS * 1000:.0f} ms)")  # fmt: skip
    print(f"signed-in GET without the flood (this machine now): max {max(quiet) * 1000:.0f} ms")
    print(f"flood answered: {dict(sorted(answers.items()))} (401 checked, 429 refused at once)")
    met = peak < BAR_MB and slowest < BAR_SECONDS
    print(f"bars: {'met' if met else 'missed'}")


if __name__ == "__main__":
    main()
