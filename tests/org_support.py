"""A province for organisation dashboards: 示范省 → 甲市, 乙市 → three districts, one
active plan each (甲市 has two), some tasks (and one group) linked upward, some reports."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger import cycle, documents, links, orgs, plans, users
from luoshi.ledger.db import Database
from luoshi.ledger.models import Plan, Task, User
from luoshi.text.document import Document as SourceText
from tests.builders import admin
from tests.link_support import CITY, DISTRICT

# organisation -> (parent, level, plans)
ORGS: dict[str, tuple[str | None, str, tuple[str, ...]]] = {
    "示范省": (None, "省", ("prov",)),
    "甲市": ("示范省", "市", ("jia", "jia2")),
    "乙市": ("示范省", "市", ("yi",)),
    "甲东区": ("甲市", "区", ("jd",)),
    "甲西区": ("甲市", "区", ("jx",)),
    "乙南区": ("乙市", "区", ("yn",)),
}
PARENT_PLAN = {"jia": "prov", "yi": "prov", "jd": "jia", "jx": "jia", "yn": "yi"}


def _plan(s: Session, a: User, text: str, name: str) -> Plan:
    doc = documents.ingest(s, a, SourceText.from_text(f"{name}.txt", text)).document
    plan = plans.build_plan(s, a, doc, name)
    plans.set_state(s, a, plan, "active")
    return plan


def leaves(s: Session, plan: Plan) -> list[Task]:
    tasks = list(s.scalars(select(Task).where(Task.plan_id == plan.id).order_by(Task.id)))
    parents = {t.parent_id for t in tasks}
    return [t for t in tasks if t.id not in parents]


def _groups(s: Session, plan: Plan) -> list[Task]:
    tasks = list(s.scalars(select(Task).where(Task.plan_id == plan.id).order_by(Task.id)))
    parents = {t.parent_id for t in tasks}
    return [t for t in tasks if t.id in parents]


def build_province(db: Database) -> None:
    """The province, its plans, links from the first two leaves of each lower plan to
    the first leaf of its parent plan, and a round with a report on every plan."""
    with db.transaction() as s:
        a = admin(s)
        made: dict[str, orgs.Organisation] = {}
        for name, (parent, level, names) in ORGS.items():
            made[name] = orgs.add_org(s, a, name, level, made[parent] if parent else None)
            for plan_name in names:
                text = CITY if level != "区" else DISTRICT
                orgs.move_plan(
                    s, a, _plan(s, a, text.replace("示范市", name), plan_name), made[name]
                )
        for name in ("boss", "reader"):
            if users.find_user(s, name) is None:
                users.add_user(s, a, name, "supervisor" if name == "boss" else "viewer")
    with db.transaction() as s:
        a = admin(s)
        for child, parent in PARENT_PLAN.items():
            upper = leaves(s, plans.get_plan(s, parent))[0]
            for task in leaves(s, plans.get_plan(s, child))[:2]:
                links.create_link(s, a, task, upper)
        # A group answering a task: its leaves answer upward through it.
        group = _groups(s, plans.get_plan(s, "yn"))[-1]
        links.create_link(s, a, group, leaves(s, plans.get_plan(s, "yi"))[-1])
    with db.transaction() as s:
        a = admin(s)
        for i, name in enumerate(("prov", "jia", "jia2", "yi", "jd", "jx", "yn")):
            plan = plans.get_plan(s, name)
            rnd = cycle.open_round(
                s, a, plan, "2025-Q1", date(2025, 4, 10), opened_on=date(2025, 4, 1)
            )
            for j, task in enumerate(leaves(s, plan)[: 1 + i % 3]):
                finished = j == 0 and i % 2 == 1
                percent = 100.0 if finished else 10.0 * (i + 1)
                report = cycle.submit_report(s, a, rnd, task, percent)
                if finished:
                    cycle.review(s, a, report, True)
