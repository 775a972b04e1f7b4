"""The ledger at scale: 10,000 tasks and 100,000 progress reports on SQLite.

usage: python benchmarks/bench_ledger.py [--tasks N] [--reports N] [--rounds N]

Synthetic data from a fixed seed, bulk-inserted (not through the services: we
time reading, not writing). Then times, best of three after a warm-up:
``plan show --jsonl`` as a user runs it (in-process, output discarded) and the
health roll-up of the whole plan (``plan_view``). Goal: each under 1 s.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import insert

from luoshi.cli import cli
from luoshi.ledger import plans
from luoshi.ledger.db import Database
from luoshi.ledger.models import Plan, ProgressReport, Round, Target, Task, TaskCoUnit, Unit, User
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import plan_view
from luoshi.settings import HealthRules

GOAL_SECONDS = 1.0
SEED = 20240123
NOW = datetime(2024, 1, 23, 9, 0)


def tree(n_tasks: int) -> list[dict[str, Any]]:
    """Groups of tasks of measures: 10 groups, 10 tasks each, measures fill the rest."""
    rows: list[dict[str, Any]] = []
    groups, per_group = 10, 10
    measures = max(0, n_tasks - groups - groups * per_group)
    per_task, extra = divmod(measures, groups * per_group)
    for g in range(1, groups + 1):
        rows.append(_task(len(rows) + 1, str(g), None, 1, "group"))
        gid = len(rows)
        for t in range(1, per_group + 1):
            rows.append(_task(len(rows) + 1, f"{g}.{t}", gid, 2, "task"))
            tid = len(rows)
            more = 1 if (g - 1) * per_group + t <= extra else 0
            for m in range(1, per_task + more + 1):
                rows.append(_task(len(rows) + 1, f"{g}.{t}.{m}", tid, 3, "measure"))
    return rows


def _task(id_: int, code: str, parent: int | None, level: int, kind: str) -> dict[str, Any]:
    return {
        "id": id_,
        "plan_id": 1,
        "code": code,
        "parent_id": parent,
        "level": level,
        "kind": kind,
        "title": f"任务 {code}：推进重点项目建设",
        "document_id": None,
        "start": None,
        "end": None,
        "category": f"第{code.split('.')[0]}部分",
        "lead_unit_id": None,
        "person": None,
        "start_date": date(2024, 1, 23),
        "deadline": date(2024, 12, 31),
        "deadline_text": None,
        "expected_outcome": None,
        "weight": 1.0,
        "status": "open",
        "version": 1,
    }


def populate(db: Database, n_tasks: int, n_reports: int, n_rounds: int) -> None:
    rng = random.Random(SEED)
    tasks = tree(n_tasks)
    units = [{"id": i, "name": f"单位{i:02d}", "active": True, "created_at": NOW, "version": 1}
             for i in range(1, 51)]  # fmt: skip
    for t in tasks:
        t["lead_unit_id"] = rng.randint(1, 50)
        t["weight"] = rng.choice((1.0, 1.0, 2.0, 3.0))
    leaves = [t["id"] for t in tasks if t["kind"] == "measure"]
    with db.transaction() as s:
        s.execute(insert(Unit), units)
        s.execute(insert(User), [_user()])
        plan = {"id": 1, "name": "bench", "title": "基准计划", "document_id": None,
                "created_at": NOW, "version": 1}  # fmt: skip
        s.execute(insert(Plan), [plan])
        s.execute(insert(Task), tasks)
        s.execute(insert(TaskCoUnit), _co_units(rng, leaves))
        s.execute(insert(Target), _targets(rng, leaves))
        s.execute(insert(Round), _rounds(n_rounds))
        s.execute(insert(ProgressReport), _reports(rng, leaves, tasks, n_reports, n_rounds))


def _user() -> dict[str, Any]:
    return {"id": 1, "username": "local-admin", "display_name": "本地管理员", "role": "admin",
            "unit_id": None, "password_hash": None, "active": True, "created_at": NOW,
            "version": 1}  # fmt: skip


def _co_units(rng: random.Random, leaves: list[int]) -> list[dict[str, Any]]:
    return [
        {"task_id": t, "unit_id": u, "position": i}
        for t in leaves
        if rng.random() < 0.3
        for i, u in enumerate(rng.sample(range(1, 51), 2))
    ]


def _targets(rng: random.Random, leaves: list[int]) -> list[dict[str, Any]]:
    return [
        {"task_id": t, "position": 0, "indicator": "新建项目", "comparator": ">",
         "value": float(rng.randint(10, 1000)), "value_max": None, "unit": "个",
         "period": "2024年", "measure": "level", "start": None, "end": None, "text": "100个",
         "baseline_value": 90.0, "baseline_unit": "个", "baseline_period": "2023年",
         "baseline_start": None, "baseline_end": None, "baseline_text": "90个", "version": 1}
        for t in leaves
        if rng.random() < 0.4
    ]  # fmt: skip


def _rounds(n: int) -> list[dict[str, Any]]:
    return [
        {"id": r, "plan_id": 1, "period": f"2024-{r:02d}", "due": date(2024, r, 20),
         "opened_at": NOW, "closed_at": NOW if r < n else None, "version": 1}
        for r in range(1, n + 1)
    ]  # fmt: skip


def _reports(
    rng: random.Random, leaves: list[int], tasks: list[dict[str, Any]], n: int, rounds: int
) -> list[dict[str, Any]]:
    lead = {t["id"]: t["lead_unit_id"] for t in tasks}
    out = []
    for i in range(n):
        task = rng.choice(leaves)
        out.append(
            {"round_id": 1 + i * rounds // n, "task_id": task, "unit_id": lead[task],
             "reporter_id": 1, "target_id": None, "percent": float(rng.randint(0, 100)),
             "value": None, "narrative": "按计划推进", "evidence": [],
             "status": rng.choice(("submitted", "accepted", "accepted", "returned")),
             "submitted_at": NOW, "version": 1}
        )  # fmt: skip
    return out


def best_of(fn: Callable[[], object], rounds: int = 3) -> float:
    fn()
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = Database.open(url)
        t0 = time.perf_counter()
        populate(db, args.tasks, args.reports, args.rounds)
        took = time.perf_counter() - t0
        print(f"populated {args.tasks} tasks, {args.reports} reports in {took:.1f} s")
        results = {
            "plan show --jsonl": best_of(lambda: _show(url, args.tasks)),
            "health roll-up (plan_view)": best_of(lambda: _rollup(db)),
        }
        db.dispose()
    for name, seconds in results.items():
        verdict = "ok" if seconds < GOAL_SECONDS else f"SLOWER than the {GOAL_SECONDS:g} s goal"
        print(f"{name:30s} {seconds * 1000:8.0f} ms  {verdict}")


def _show(url: str, n_tasks: int) -> None:
    result = CliRunner().invoke(cli, ["--database-url", url, "plan", "show", "bench", "--jsonl"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == n_tasks


def _rollup(db: Database) -> None:
    with db.transaction() as s:
        b = plan_view(s, plans.get_plan(s, "bench"), HealthRules(), AsOf(date(2024, 7, 1)))
    assert b.rows


if __name__ == "__main__":
    main()
