"""``kill -9`` of the server under report load: is every acknowledged write still there?

usage: python benchmarks/bench_crash.py [--database-url URL] [--runs 3] [--clients 20]
                                        [--seconds 4] [--workers 2]

``luoshi serve`` runs on a fresh ledger (a SQLite file in a temporary directory, or a
fresh schema of the PostgreSQL database given with --database-url); 20 clients
post progress reports as fast as they are answered; after a few seconds the whole
server (its process group) is killed with SIGKILL, mid-write. Then the ledger is
opened and every report the server acknowledged (HTTP 201, with its id) is looked
for, with its audit event, and the audit chain is verified. Repeated --runs times
on the same ledger, restarting the server each time.

Prints, per run and in all: acknowledged, lost (acknowledged but not in the ledger),
without an audit event, and whether the audit chain holds. The goal is 0 lost.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from harden_support import PLAN, add_user, server, small_ledger
from luoshi.ledger import audit_chain, cycle, plans, users
from luoshi.ledger.db import Database
from luoshi.ledger.models import AuditEvent, ProgressReport, Task

PASSWORD = "crash-bench-keys-7"
REFUSED: dict[int, int] = {}  # statuses other than 201, counted (503: busy)


@contextmanager
def fresh_ledger(database_url: str | None) -> Iterator[str]:
    """A URL to an empty ledger: a SQLite file, or a new schema on PostgreSQL."""
    if database_url is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'crash.db'}"
        return
    schema = f"crash_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def setup(url: str) -> list[int]:
    """The sample plan with a round open; the ids of the tasks reports go to."""
    small_ledger(url)
    add_user(url, "duban", "supervisor", PASSWORD)
    db = Database.open(url)
    with db.transaction() as s:
        plan = plans.get_plan(s, PLAN)
        cycle.open_round(s, users.local_admin(s, "local-admin"), plan, "2024-Q1", None)
        parents = set(s.scalars(select(Task.parent_id).where(Task.parent_id.is_not(None))))
        # Leaf tasks with a lead unit: what a report may go to.
        ids = s.scalars(
            select(Task.id).where(Task.plan_id == plan.id, Task.lead_unit_id.is_not(None))
        )
        leaves = [t for t in ids if t not in parents]
    db.dispose()
    return leaves


def token(base: str) -> str:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    body = json.dumps({"username": "duban", "password": PASSWORD})
    conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    r = conn.getresponse()
    assert r.status == 200, r.read()
    value: str = json.loads(r.read())["token"]
    conn.close()
    return value


def client(
    base: str, bearer: str, tasks: list[int], acked: list[int], stop: threading.Event
) -> None:
    """Post reports until the server stops answering; note each acknowledged id."""
    host, port = base.removeprefix("http://").split(":")
    rng = random.Random()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    while not stop.is_set():
        task = rng.choice(tasks)
        body = json.dumps({"percent": rng.randint(0, 99), "narrative": f"crash {uuid.uuid4().hex}"})
        try:
            conn.request("POST", f"/api/v1/tasks/{task}/reports", body, headers)
            r = conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            return  # the server is gone: whatever was in flight was never acknowledged
        if r.status == 201:
            acked.append(json.loads(data)["id"])
        else:
            REFUSED[r.status] = REFUSED.get(r.status, 0) + 1


def one_run(url: str, tasks: list[int], clients: int, seconds: float, workers: int) -> list[int]:
    """Load, kill -9 mid-write; the ids the server acknowledged."""
    acked: list[int] = []
    stop = threading.Event()
    with server(url, workers) as (child, base):
        bearer = token(base)
        threads = [
            threading.Thread(target=client, args=(base, bearer, tasks, acked, stop))
            for _ in range(clients)
        ]
        for t in threads:
            t.start()
        time.sleep(seconds * random.uniform(0.75, 1.25))
        os.killpg(child.pid, signal.SIGKILL)  # the server and its workers, at once
        stop.set()
        for t in threads:
            t.join()
    return acked


def check(url: str, acked: list[int]) -> tuple[int, int, bool]:
    """(lost, without an audit event, chain holds) for the acknowledged ids."""
    db = Database.open(url)
    with db.transaction() as s:
        stored = set(s.scalars(select(ProgressReport.id).where(ProgressReport.id.in_(acked))))
        audited = set(
            s.scalars(
                select(AuditEvent.entity_id).where(
                    AuditEvent.entity == "progress_reports", AuditEvent.entity_id.in_(acked)
                )
            )
        )
        verdict = audit_chain.verify(s)
    db.dispose()
    lost = len(set(acked) - stored)
    return lost, len(stored - audited), verdict.ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", help="a PostgreSQL database to use a fresh schema of")
    ap.add_argument("--runs", type=int, default=3, help="kills in a row")
    ap.add_argument("--clients", type=int, default=20, help="clients posting reports")
    ap.add_argument("--seconds", type=float, default=4.0, help="load before each kill (±25%%)")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    args = ap.parse_args()
    with fresh_ledger(args.database_url) as url:
        tasks = setup(url)
        backend = make_url(url).get_backend_name()
        print(f"{backend}: {args.clients} clients, {len(tasks)} tasks, {args.runs} kills")
        total_acked = total_lost = 0
        for n in range(1, args.runs + 1):
            acked = one_run(url, tasks, args.clients, args.seconds, args.workers)
            lost, unaudited, chain = check(url, acked)
            total_acked += len(acked)
            total_lost += lost
            print(f"run {n}: acknowledged {len(acked)}, lost {lost}, without audit event "
                  f"{unaudited}, audit chain {'holds' if chain else 'BROKEN'}; "
                  f"refused {dict(sorted(REFUSED.items()))}")  # fmt: skip
            REFUSED.clear()
        print(f"total: acknowledged {total_acked}, lost {total_lost}")
        sys.exit(1 if total_lost else 0)


if __name__ == "__main__":
    main()
