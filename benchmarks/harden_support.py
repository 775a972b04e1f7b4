"""What the hardening benchmarks share: a small ledger, a server in a subprocess, and
the memory of a process with its children."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from luoshi.demo import sample_text
from luoshi.ledger import documents, plans, units, users
from luoshi.ledger.db import Database
from luoshi.text.document import Document as SourceText

PLAN = "bench"
LUOSHI = Path(sys.executable).with_name("luoshi")


def small_ledger(url: str) -> None:
    """The demo's sample report as plan ``bench``; a supervisor and a reporter."""
    db = Database.open(url)
    sample = documents.prepare(SourceText.from_text("sample.txt", sample_text()))
    with db.transaction() as s:
        root = users.local_admin(s, "local-admin")
        doc = documents.ingest(s, root, sample).document
        plans.build_plan(s, root, doc, PLAN)
        units.ensure_units(s, root, ["市交通运输委"])
    db.dispose()


def add_user(url: str, username: str, role: str, password: str, unit: str | None = None) -> None:
    db = Database.open(url)
    with db.transaction() as s:
        root = users.local_admin(s, "local-admin")
        users.add_user(s, root, username, role, None, unit, password)
    db.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(url: str, workers: int = 1, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``luoshi serve`` on a free port; (the process, its base URL) once it answers."""
    port = free_port()
    child = subprocess.Popen(
        [
            str(LUOSHI),
            "--database-url",
            url,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield child, base
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def wait_until_up(base: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server at {base} did not answer")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB."""
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total / 1024 / 1024


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    out, queue = [], [pid]
    while queue:
        for c in children.get(queue.pop(), []):
            out.append(c)
            queue.append(c)
    return out
