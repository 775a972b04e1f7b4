"""Alignment (对接) speed, and a province's plans and links in one database.

usage: python benchmarks/bench_align.py [--shared ../shared] [--province] [--tasks N]

1. ``luoshi align`` as whole commands (start-up included): the Jinnan district
   plan (003) against the Tianjin report (000), and Shanghai's 2026 report
   against the 15th Five-Year Plan outline. Goal: the district pair under 2 s.
2. ``luoshi plan align`` of the district plan against the city plan, stored in
   SQLite (proposals written, re-runs compared with what is stored). Goal: under 2 s.
3. With --province: a generated province, 1 provincial plan, 20 city plans and
   200 district plans of N tasks each (default 300), every lower task linked to
   one above. Times listing a district plan's links, the organisation dashboards
   (the province, a city, all districts; from the kept figures, refreshed first),
   the coverage of a city plan and the three-level roll-up of the whole province.

Times are the best of three runs, wall clock.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from luoshi.extract.align import align_documents
from luoshi.extract.pipeline import extract
from luoshi.ledger import links, orgs, plans
from luoshi.ledger.db import Database
from luoshi.ledger.models import Organisation, Plan, Task, TaskLink
from luoshi.ledger.read import org_dashboard, state
from luoshi.ledger.rollup import coverage, roll_up
from luoshi.settings import HealthRules
from luoshi.text.sources import load_document

GOAL_SECONDS = 2.0
SEED = 20240123
NOW = datetime(2024, 1, 23, 9, 0)
LUOSHI = [sys.executable, "-m", "luoshi"]
PAIRS = (
    ("003_58a983f91993ed71", "000_db370d4eb839b27f", True),
    ("2026_shanghai_gzbg", "2026_guowuyuan_shiwuwu-gangyao", False),
)


def best(fn: Callable[[], Any], runs: int = 3) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest run; CPU counts the child processes too,
    so a command's own work shows apart from a busy machine's waiting."""
    times = []
    for _ in range(runs):
        t, c = time.perf_counter(), _cpu()
        fn()
        times.append((time.perf_counter() - t, _cpu() - c))
    return min(times)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def command(*args: str) -> None:
    subprocess.run([*LUOSHI, *args], check=True, capture_output=True)


def report(label: str, seconds: tuple[float, float], goal: float | None) -> bool:
    wall, cpu = seconds
    ok = goal is None or wall < goal
    verdict = "" if goal is None else (f" (goal < {goal:.0f} s)" if ok else " OVER THE GOAL")
    print(f"{label:56s} {wall:6.2f} s (CPU {cpu:5.2f} s){verdict}")
    return ok


def stateless(corpus: Path) -> bool:
    ok = True
    for child, parent, gated in PAIRS:
        files = [str(corpus / f"{n}.txt") for n in (child, parent)]
        seconds = best(lambda f=files: command("align", *f, "--jsonl"))  # type: ignore[misc]
        ok &= report(
            f"luoshi align {child[:20]} → {parent[:20]}", seconds, GOAL_SECONDS if gated else None
        )
        inside = best(lambda f=files: _align_in_process(*f))  # type: ignore[misc]
        report("  the same in-process (read, extract, align; no start-up)", inside, None)
    return ok


def _align_in_process(child: str, parent: str) -> None:
    align_documents(extract(load_document(child)), extract(load_document(parent)))


def stored(corpus: Path, tmp: Path) -> bool:
    url = f"sqlite:///{tmp / 'align.db'}"
    db = ["--database-url", url]
    child, parent, _ = PAIRS[0]
    command(*db, "plan", "build", str(corpus / f"{parent}.txt"), "--name", "city")
    command(*db, "plan", "build", str(corpus / f"{child}.txt"), "--name", "district")
    created = best(lambda: command(*db, "plan", "align", "district", "city"), runs=1)
    again = best(lambda: command(*db, "plan", "align", "district", "city"))
    ok = report("luoshi plan align district city (first run, stored)", created, GOAL_SECONDS)
    return report("luoshi plan align district city (re-run)", again, GOAL_SECONDS) and ok


# -- a generated province --------------------------------------------------------


def province(db: Database, per_plan: int) -> tuple[dict[str, int], dict[int, float]]:
    """Bulk-insert organisations, 221 plans of ``per_plan`` tasks and their links.

    Returns the counts, and a progress figure for 70 % of the district tasks: the
    read model that turns reports into progress is the lead's; roll-up takes the
    numbers it gives.
    """
    rng = random.Random(SEED)
    orgs: list[dict[str, Any]] = [_org(1, "示范省", "省", None)]
    orgs += [_org(1 + c, f"市{c}", "市", 1) for c in range(1, 21)]
    orgs += [
        _org(21 + 10 * (c - 1) + d, f"市{c}区{d}", "区", 1 + c)
        for c in range(1, 21)
        for d in range(1, 11)
    ]
    tasks: list[dict[str, Any]] = []
    links_: list[dict[str, Any]] = []
    progress: dict[int, float] = {}
    plan_rows = [
        {
            "id": o["id"],
            "name": f"p{o['id']}",
            "title": f"{o['name']}2024年重点任务",
            "document_id": None,
            "created_at": NOW,
            "public": False,
            "organisation_id": o["id"],
            "state": "active",
            "version": 1,
        }
        for o in orgs
    ]
    by_plan: dict[int, list[int]] = {}
    for p in plan_rows:
        by_plan[p["id"]] = _plan_tasks(tasks, p["id"], per_plan)
    for o in orgs[1:]:
        above = by_plan[o["parent_id"]]
        for t in by_plan[o["id"]]:
            links_.append(_link(len(links_) + 1, t, rng.choice(above)))
            if o["level"] == "区" and rng.random() < 0.7:
                progress[t] = rng.uniform(0, 100)
    with db.transaction() as s:
        for model, rows in (
            (Organisation, orgs),
            (Plan, plan_rows),
            (Task, tasks),
            (TaskLink, links_),
        ):
            s.execute(insert(model), rows)
    counts = {"plans": len(plan_rows), "tasks": len(tasks), "links": len(links_)}
    return counts, progress


def _org(id_: int, name: str, level: str, parent: int | None) -> dict[str, Any]:
    return {
        "id": id_,
        "name": name,
        "level": level,
        "parent_id": parent,
        "created_at": NOW,
        "version": 1,
    }


def _plan_tasks(tasks: list[dict[str, Any]], plan_id: int, n: int) -> list[int]:
    """One group of ``n - 1`` tasks; the tasks' ids."""
    gid = len(tasks) + 1
    tasks.append(_task(gid, plan_id, "1", None, 1, "group"))
    ids = []
    for i in range(1, n):
        ids.append(len(tasks) + 1)
        tasks.append(_task(ids[-1], plan_id, f"1.{i}", gid, 2, "task"))
    return ids


def _task(
    id_: int, plan: int, code: str, parent: int | None, level: int, kind: str
) -> dict[str, Any]:
    return {
        "id": id_,
        "plan_id": plan,
        "code": code,
        "parent_id": parent,
        "level": level,
        "kind": kind,
        "title": f"任务 {code}：推进重点项目建设",
        "category": "",
        "weight": 1.0,
        "state": "open",
        "version": 1,
    }


def _link(id_: int, child: int, parent: int) -> dict[str, Any]:
    return {
        "id": id_,
        "child_task_id": child,
        "parent_task_id": parent,
        "state": "accepted",
        "origin": "breakdown",
        "score": None,
        "reason": None,
        "created_at": NOW,
        "created_by_id": None,
        "decided_at": NOW,
        "decided_by_id": None,
        "version": 1,
    }


def province_reads(db: Database, progress: dict[int, float]) -> bool:
    with db.transaction() as s:
        district = plans.get_plan(s, "p21")
        city = plans.get_plan(s, "p2")

    def listing() -> None:
        with db.transaction() as s:
            links.list_links(s, district)

    def city_coverage() -> None:
        with db.transaction() as s:
            upper = list(s.scalars(select(Task.id).where(Task.plan_id == city.id)))
            lower_plans = select(Plan.id).where(
                Plan.organisation_id.in_(
                    select(Organisation.id).where(Organisation.parent_id == city.organisation_id)
                )
            )
            lower = list(s.scalars(select(Task.id).where(Task.plan_id.in_(lower_plans))))
            pairs = s.execute(
                select(TaskLink.child_task_id, TaskLink.parent_task_id).where(
                    TaskLink.state == "accepted", TaskLink.parent_task_id.in_(upper)
                )
            )
            coverage(upper, lower, [(c, p) for c, p in pairs])

    def whole_roll_up() -> None:
        with db.transaction() as s:
            pairs = s.execute(
                select(TaskLink.child_task_id, TaskLink.parent_task_id).where(
                    TaskLink.state == "accepted"
                )
            )
            roll_up(progress, {}, [(c, p) for c, p in pairs])

    ok = report("links list of a district plan (province loaded)", best(listing), 1.0)
    ok &= org_dashboards(db)
    ok &= report("coverage of a city plan over its 10 districts", best(city_coverage), 1.0)
    return report("three-level roll-up of the whole province", best(whole_roll_up), 2.0) and ok


def org_dashboards(db: Database) -> bool:
    """组织总览 of the province, of a city and of all districts, from the kept figures
    (brought to today first, plan by plan, as ``luoshi serve`` does before it listens)."""
    rules, day = HealthRules(), date.today()
    with db.transaction() as s:
        ids = list(s.scalars(select(Plan.id).order_by(Plan.id)))
    t = time.perf_counter()
    for plan_id in ids:
        with db.transaction() as s:
            state.refresh(s, plans.plan_by_id(s, plan_id), rules, day)
    print(f"kept figures of {len(ids)} plans refreshed in {time.perf_counter() - t:.1f} s")

    def scope(name: str) -> Callable[[], None]:
        def read() -> None:
            with db.transaction() as s:
                org_dashboard.org_dashboard(s, orgs.get_org(s, name), rules, None)

        return read

    def districts() -> None:
        with db.transaction() as s:
            org_dashboard.level_dashboard(s, "区", rules, None)

    ok = report("organisation dashboard of the province (221 plans)", best(scope("示范省")), 1.0)
    ok &= report("organisation dashboard of a city (11 plans)", best(scope("市1")), 1.0)
    return report("level dashboard of all 200 districts", best(districts), 1.0) and ok


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--province", action="store_true", help="also generate and read a province")
    ap.add_argument("--tasks", type=int, default=300, help="tasks per generated plan")
    args = ap.parse_args()
    corpus = Path(args.shared) / "corpus"
    ok = True
    print("load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    start = best(lambda: command("--help"))
    report("luoshi --help (start-up alone)", start, None)
    with tempfile.TemporaryDirectory() as tmp:
        if corpus.is_dir():
            ok &= stateless(corpus)
            ok &= stored(corpus, Path(tmp))
        else:
            print(f"skipped the corpus pairs: {corpus} not found")
        if args.province:
            db = Database.open(f"sqlite:///{Path(tmp) / 'province.db'}")
            t = time.perf_counter()
            counts, progress = province(db, args.tasks)
            size = (Path(tmp) / "province.db").stat().st_size / 2**20
            print(f"generated {counts} in {time.perf_counter() - t:.1f} s, {size:.0f} MB")
            ok &= province_reads(db, progress)
            db.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
