"""Deadline day at scale: reads while units report, on N tasks in one plan or many.

usage: python benchmarks/bench_scale.py --tasks N [--plans P] [--database-url URL]
                                        [--json] [--duration S] [--readers R] [--writers W]

Builds N tasks in P plans (default one; a province is ``--tasks 1000000 --plans 221``)
with 10 reports per measure (default: a fresh SQLite file; a PostgreSQL URL must name
an empty database), serves it with ``luoshi serve``, then for ``--duration`` seconds
runs R reader threads (the filtered ledger list, the dashboard and a task page of a
random plan, in turn) and W writer threads posting progress reports to random leaves.
Before the load, each kind is timed alone (``service``: one client, a read after each
write). Prints one JSON object: per request kind (list, dashboard, task, report) p50_ms,
p95_ms, p99_ms and count; throughput (requests per second), errors and the server's
peak RSS (all worker processes together, MB).

Goals (issue 15): at 100k tasks list p95 < 50 ms, dashboard p95 < 100 ms,
report p95 < 50 ms, 0 errors; ``plan show --jsonl`` is then timed as a whole process
(at 1M tasks: < 30 s, < 300 MB). Informational: the figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert, text

from bench_ledger import NOW, SEED, _task, _user
from luoshi.ledger import users
from luoshi.ledger.db import Database
from luoshi.ledger.models import (
    Plan,
    ProgressReport,
    Round,
    RoundPoint,
    Task,
    TaskCoUnit,
    Unit,
    User,
)

PASSWORD = "bench-password-1"
UNITS = 50
CHUNK = 50_000
GOALS_MS = {"list": 50.0, "dashboard": 100.0, "task": 100.0, "report": 50.0}


# -- the data --------------------------------------------------------------------------


def tree(n_tasks: int, plan_id: int = 1, first_id: int = 1) -> Iterator[dict[str, Any]]:
    """Ten groups of up to 100 tasks each; measures fill the rest (like a provincial plan
    whose tasks break down into many district measures). Ids from ``first_id``."""
    groups = 10
    per_group = max(1, min(100, (n_tasks - groups) // (2 * groups)))  # each has a measure
    measures = max(0, n_tasks - groups - groups * per_group)
    per_task, extra = divmod(measures, groups * per_group)
    next_id = first_id
    for g in range(1, groups + 1):
        gid = next_id
        yield {**_task(gid, str(g), None, 1, "group"), "plan_id": plan_id}
        next_id += 1
        for t in range(1, per_group + 1):
            tid = next_id
            yield {**_task(tid, f"{g}.{t}", gid, 2, "task"), "plan_id": plan_id}
            next_id += 1
            more = 1 if (g - 1) * per_group + t <= extra else 0
            for m in range(1, per_task + more + 1):
                yield {**_task(next_id, f"{g}.{t}.{m}", tid, 3, "measure"), "plan_id": plan_id}
                next_id += 1


def chunks(rows: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for r in rows:
        batch.append(r)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def populate(db: Database, n_tasks: int, per_leaf: int, n_plans: int = 1) -> list[int]:
    """Write the plans in chunks (bounded memory at 1M tasks); the leaf ids."""
    rng = random.Random(SEED)
    leaves: list[int] = []
    with db.transaction() as s:
        s.execute(insert(Unit), [
            {"id": i, "name": f"单位{i:02d}", "active": True, "created_at": NOW, "version": 1}
            for i in range(1, UNITS + 1)
        ])  # fmt: skip
        s.execute(insert(User), [_user()])
    first_id = 1
    for p in range(1, n_plans + 1):
        share = n_tasks // n_plans + (1 if p <= n_tasks % n_plans else 0)
        _plan(db, p)
        for batch in chunks(tree(share, p, first_id)):
            leaves.extend(_write_tasks(db, rng, batch, per_leaf, p))
        first_id += share
        if n_plans > 1 and p % 20 == 0:
            print(f"  {p}/{n_plans} plans", file=sys.stderr)
    return leaves


def _plan(db: Database, p: int) -> None:
    """Plan ``p`` with ten monthly rounds, nine of them closed with their points."""
    with db.transaction() as s:
        s.execute(insert(Plan), [
            {"id": p, "name": "bench" if p == 1 else f"bench-{p}", "title": f"基准计划{p}",
             "document_id": None, "created_at": NOW, "version": 1}
        ])  # fmt: skip
        s.execute(insert(Round), [
            {"id": (p - 1) * 10 + r, "plan_id": p, "period": f"2024-{r:02d}",
             "due": date(2024, r, 20), "opened_at": NOW, "closed_at": NOW if r < 10 else None,
             "version": 1}
            for r in range(1, 11)
        ])  # fmt: skip
        # Rounds closed by `luoshi` store their timeline point; so do these.
        s.execute(insert(RoundPoint), [
            {"round_id": (p - 1) * 10 + r, "progress": 5.0 * r, "expected": 8.0 * r}
            for r in range(1, 10)
        ])  # fmt: skip


def _write_tasks(
    db: Database, rng: random.Random, batch: list[dict[str, Any]], per_leaf: int, plan: int
) -> list[int]:
    for t in batch:
        t["lead_unit_id"] = rng.randint(1, UNITS)
        t["weight"] = rng.choice((1.0, 1.0, 2.0, 3.0))
    new_leaves = [t for t in batch if t["kind"] == "measure"]
    with db.transaction() as s:
        s.execute(insert(Task), batch)
        co = [{"task_id": t["id"], "unit_id": rng.randint(1, UNITS), "position": 0}
              for t in new_leaves if rng.random() < 0.3]  # fmt: skip
        if co:
            s.execute(insert(TaskCoUnit), co)
        for reports in chunks(_reports(rng, new_leaves, per_leaf, plan)):
            s.execute(insert(ProgressReport), reports)
    return [t["id"] for t in new_leaves]


def _reports(
    rng: random.Random, leaves: list[dict[str, Any]], per_leaf: int, plan: int
) -> Iterator[dict[str, Any]]:
    for t in leaves:
        for r in range(1, per_leaf + 1):
            yield {"round_id": (plan - 1) * 10 + min(r, 9), "task_id": t["id"],
                   "unit_id": t["lead_unit_id"],
                   "reporter_id": 1, "target_id": None, "percent": float(rng.randint(0, 100)),
                   "value": None, "narrative": "按计划推进", "evidence": [],
                   "status": rng.choice(("submitted", "accepted", "accepted", "returned")),
                   "submitted_at": NOW, "version": 1}  # fmt: skip


def prepare(url: str, n_tasks: int, n_plans: int = 1) -> list[int]:
    db = Database.open(url)
    try:
        leaves = populate(db, n_tasks, 10, n_plans)
        with db.transaction() as s:
            admin = users.get_user(s, "local-admin")
            users.set_password(s, admin, admin, PASSWORD)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does in the minutes after a bulk load (statistics for the
            # planner, the new rows' visibility map), done before measuring: otherwise
            # it runs during the measurement, on the same two cores (a dashboard took
            # 150–160 ms alone then, 25 ms once it was done).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
    finally:
        db.dispose()
    return leaves


# -- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``luoshi serve``; it brings the kept figures to today before it listens."""
    luoshi = Path(sys.executable).parent / "luoshi"
    env = {**os.environ, "LUOSHI_DATABASE_URL": url}
    cmd = [str(luoshi), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    until = time.monotonic() + 3600
    while time.monotonic() < until and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("luoshi serve did not start")


def tree_rss_mb(pid: int) -> float:
    """Peak RSS (VmHWM) of the server and its worker processes, added up."""
    total = 0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = [int(k) for k in kids]
    for k in list(out):
        out.extend(children(k))
    return out


# -- the load --------------------------------------------------------------------------


class Client:
    """One keep-alive connection with the bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> int:
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, data, self.headers)
        r = self.conn.getresponse()
        r.read()
        return r.status


def login(port: int) -> str:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"username": "local-admin", "password": PASSWORD})
    c.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    token: str = json.loads(c.getresponse().read())["token"]
    return token


class Load:
    """Timings per request kind and errors, shared by the threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {k: [] for k in GOALS_MS}
        self.errors: dict[str, int] = {}

    def timed(self, kind: str, client: Client, method: str, path: str, body: Any = None) -> None:
        t0 = time.perf_counter()
        try:
            status = client.call(method, path, body)
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__  # type: ignore[assignment]
            client.conn.close()
        ms = (time.perf_counter() - t0) * 1000
        with self.lock:
            if status in (200, 201):
                self.times[kind].append(ms)
            else:
                key = f"{kind} {status}"
                self.errors[key] = self.errors.get(key, 0) + 1


def read_once(
    load: Load, client: Client, rng: random.Random, leaves: list[int], plans: int
) -> None:
    unit = f"单位{rng.randint(1, UNITS):02d}"
    q = urlencode({"unit": unit, "health": rng.choice(["red", "amber", "green"]),
                   "per_page": 50})  # fmt: skip
    plan = rng.randint(1, plans)
    load.timed("list", client, "GET", f"/api/v1/plans/{plan}/tasks?{q}")
    load.timed("dashboard", client, "GET", f"/api/v1/plans/{plan}/dashboard")
    load.timed("task", client, "GET", f"/api/v1/tasks/{rng.choice(leaves)}")


def write_once(load: Load, client: Client, rng: random.Random, leaves: list[int]) -> None:
    body = {"percent": rng.randint(0, 100), "narrative": "本周推进情况"}
    load.timed("report", client, "POST", f"/api/v1/tasks/{rng.choice(leaves)}/reports", body)


def reader(
    load: Load, client: Client, leaves: list[int], stop: float, seed: int, plans: int
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop:
        read_once(load, client, rng, leaves, plans)


def writer(load: Load, client: Client, leaves: list[int], stop: float, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop:
        write_once(load, client, rng, leaves)


def service(port: int, leaves: list[int], args: argparse.Namespace) -> dict[str, Any]:
    """Each request kind alone, one after another from one client: what a request costs
    the server without waiting behind others (a read after each write, as on deadline
    day, so nothing is answered from memory)."""
    load, client, rng = Load(), Client(port, login(port)), random.Random(SEED)
    for _ in range(args.service_rounds):
        read_once(load, client, rng, leaves, args.plans)
        write_once(load, client, rng, leaves)
    return {
        kind: {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95)}
        for kind, ms in load.times.items()
    }


def run_load(port: int, leaves: list[int], args: argparse.Namespace) -> Load:
    token = login(port)
    load = Load()
    stop = time.monotonic() + args.duration
    threads = [
        threading.Thread(
            target=reader, args=(load, Client(port, token), leaves, stop, i, args.plans)
        )
        for i in range(args.readers)
    ] + [
        threading.Thread(target=writer, args=(load, Client(port, token), leaves, stop, 100 + i))
        for i in range(args.writers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return load


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1], 1)


def summary(load: Load, args: argparse.Namespace, rss_mb: float, start_s: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "tasks": args.tasks,
        "plans": args.plans,
        "database": args.engine,
        "readers": args.readers,
        "writers": args.writers,
        "duration_s": args.duration,
        "serve_start_s": round(start_s, 1),
    }
    for kind, ms in load.times.items():
        out[kind] = {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
                     "p99_ms": percentile(ms, 99), "count": len(ms),
                     "goal_p95_ms": GOALS_MS[kind]}  # fmt: skip
    done = sum(len(v) for v in load.times.values())
    out["throughput_rps"] = round(done / args.duration, 1)
    out["errors"] = sum(load.errors.values())
    out["error_kinds"] = load.errors
    out["peak_server_rss_mb"] = round(rss_mb, 1)
    return out


def plan_show(url: str, n_tasks: int) -> dict[str, float]:
    """``luoshi plan show bench --jsonl`` as a whole process: seconds and peak RSS (goal
    at 1M tasks: under 30 s and 300 MB)."""
    luoshi = Path(sys.executable).parent / "luoshi"
    cmd = [str(luoshi), "--database-url", url, "plan", "show", "bench", "--jsonl"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    peak = 0
    lines = 0
    # VmHWM of the command itself, read while it runs: the child's rusage would also
    # count this (large) benchmark process, whose peak a fork carries over.
    for lines, _ in enumerate(proc.stdout, 1):
        if lines % 5000 == 0:
            peak = max(peak, _hwm_kb(proc.pid))
    peak = max(peak, _hwm_kb(proc.pid))
    proc.wait()
    seconds = time.perf_counter() - t0
    assert lines == n_tasks, (lines, n_tasks)
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak / 1024, 1)}


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--plans", type=int, default=1, help="plans the tasks are spread over")
    ap.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--readers", type=int, default=20)
    ap.add_argument("--writers", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--service-rounds", type=int, default=50,
                    help="requests of each kind timed alone before the load")  # fmt: skip
    ap.add_argument("--json", action="store_true", help="print only the JSON object")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'scale.db'}"
        args.engine = url.split(":", 1)[0]
        t0 = time.perf_counter()
        leaves = prepare(url, args.tasks, args.plans)
        if not args.json:
            print(f"built {args.tasks} tasks in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        port = free_port()
        t0 = time.perf_counter()
        proc = serve(url, port, args.workers)
        start_s = time.perf_counter() - t0
        try:
            alone = service(port, leaves, args)
            load = run_load(port, leaves, args)
            rss = tree_rss_mb(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        out = summary(load, args, rss, start_s)
        out["service"] = alone
        # Plan 1 ("bench"): the whole N with one plan, its share with several.
        first = args.tasks // args.plans + (1 if args.tasks % args.plans else 0)
        out["plan_show_jsonl"] = plan_show(url, first)
    print(json.dumps(out, ensure_ascii=False, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
