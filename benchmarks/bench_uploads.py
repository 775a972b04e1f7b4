"""Hostile uploads against ``luoshi serve``: the work stays within its budget, stops when
the client goes away, and never holds the server up.

usage: python benchmarks/bench_uploads.py [--budget 5] [--kb 80]

  slow       80 KB of 学校5所 repeated (one sentence that extraction used to take
             minutes on): answered within the budget (LUOSHI_UPLOAD_SECONDS) plus
             a little, 201 if extracted in time, else 422 naming the file; a
             signed-in request meanwhile answers at once
  abandoned  the same upload, the client gone a second after sending it: the child
             process reading it is stopped within a second or so

Prints the figures and whether each bar was met.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harden_support import add_user, descendants, server, small_ledger

PASSWORD = "upload-bench-keys-7"


def _conn(base: str) -> http.client.HTTPConnection:
    host, port = base.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=120)


def token(base: str) -> str:
    conn = _conn(base)
    body = json.dumps({"username": "duban", "password": PASSWORD})
    conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    r = conn.getresponse()
    value: str = json.loads(r.read())["token"]
    return value


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), boundary


def upload(base: str, bearer: str, name: str, data: bytes) -> tuple[int, str, float]:
    body, boundary = multipart(name, data)
    headers = {
        "Authorization": f"Bearer {bearer}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    conn = _conn(base)
    started = time.monotonic()
    conn.request("POST", "/api/v1/documents", body, headers)
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    return r.status, text, time.monotonic() - started


def watch_me(base: str, bearer: str, stop: threading.Event, latencies: list[float]) -> None:
    conn = _conn(base)
    while not stop.is_set():
        started = time.monotonic()
        conn.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {bearer}"})
        conn.getresponse().read()
        latencies.append(time.monotonic() - started)
        time.sleep(0.2)


def abandon(base: str, bearer: str, name: str, data: bytes, server_pid: int) -> int:
    """Send the whole upload, wait a second, hang up without reading the answer; how
    many readers were at work when the client left."""
    body, boundary = multipart(name, data)
    host, port = base.removeprefix("http://").split(":")
    head = (
        f"POST /api/v1/documents HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {bearer}\r\nContent-Length: {len(body)}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(head + body)
        time.sleep(1)
        return readers(server_pid)


def readers(server_pid: int) -> int:
    """Child processes reading an upload: descendants of the fork server."""
    out = 0
    for pid in descendants(server_pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if b"forkserver" in cmd:
            out += len(descendants(pid))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=5.0, help="LUOSHI_UPLOAD_SECONDS")
    ap.add_argument("--kb", type=int, default=80, help="size of the slow upload")
    args = ap.parse_args()
    data = ("学校5所" * (args.kb * 1024 // len("学校5所".encode()))).encode()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'uploads.db'}"
        small_ledger(url)
        add_user(url, "duban", "supervisor", PASSWORD)
        env = {"LUOSHI_UPLOAD_SECONDS": str(args.budget)}
        with server(url, 1, **env) as (child, base):
            bearer = token(base)
            stop, latencies = threading.Event(), []
            watcher = threading.Thread(target=watch_me, args=(base, bearer, stop, latencies))
            watcher.start()
            status, text, seconds = upload(base, bearer, "slow.txt", data)
            stop.set()
            watcher.join()
            ok = status in (201, 422) and seconds < args.budget + 3
            print(f"slow: {len(data) // 1024} KB answered {status} in {seconds:.1f} s "
                  f"(budget {args.budget:g} s) {'ok' if ok else 'MISSED'}")  # fmt: skip
            if status != 201:
                print(f"      {json.loads(text)['error']['message']}")
            slowest = max(latencies)
            print(f"      signed-in GET meanwhile: max {slowest * 1000:.0f} ms "
                  f"{'ok' if slowest < 1 else 'MISSED'}")  # fmt: skip
            working = abandon(base, bearer, "abandoned.txt", data[:-3] + b"x", child.pid)
            gone_at = time.monotonic()
            while readers(child.pid) and time.monotonic() - gone_at < 30:
                time.sleep(0.05)
            left = readers(child.pid)
            stopped = time.monotonic() - gone_at
            verdict = "ok" if not left and stopped < 3 else "MISSED"
            print(f"abandoned: {working} reader(s) at work when the client left; stopped "
                  f"{stopped:.2f} s after ({left} still running) {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
