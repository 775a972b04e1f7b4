"""Builders for ledger tests: a small report of our own writing, users of every role."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from luoshi.ledger import cycle, documents, plans, units, users
from luoshi.ledger.db import Database
from luoshi.ledger.models import Chase, Plan, ProgressReport, Review, Round, Task, User
from luoshi.ledger.read.rows import TaskRow
from luoshi.text.document import Document as SourceText

ADMIN = "local-admin"
REPORT = """天津市2024年政府工作报告
——2024年1月18日在市人民代表大会上
一、2023年工作回顾
过去一年，全市新建学校6所，集装箱吞吐量达到1500万标准箱。
二、2024年重点任务
今年是关键之年。
（一）提升港口能级
更加注重发挥港口优势。拓展航线，集装箱吞吐量突破1600万标准箱。年内建成智慧码头。
更加注重扩大开放。引进外资企业20家。
（二）办好民生实事
新建学校8所，汛前完成河道整治10条。
"""


def admin(s: Session) -> User:
    return users.local_admin(s, ADMIN)


@dataclass(frozen=True)
class World:
    """A plan built from REPORT, with units, a supervisor, reporters and a viewer."""

    db: Database
    plan_id: int
    plan_name: str = "t2024"

    def task(self, s: Session, code: str) -> Task:
        return plans.get_task(s, f"{self.plan_name}:{code}")[1]

    def plan(self, s: Session) -> Plan:
        return plans.get_plan(s, self.plan_name)

    def user(self, s: Session, name: str) -> User:
        return users.get_user(s, name)


def build_world(db: Database, text: str = REPORT) -> World:
    return build_world_named(db, text, "t2024")


def build_world_named(db: Database, text: str, name: str) -> World:
    with db.transaction() as s:
        a = admin(s)
        doc = documents.ingest(s, a, SourceText.from_text("report.txt", text)).document
        plan = plans.build_plan(s, a, doc, name)
        plans.set_state(s, a, plan, "active")
        units.ensure_units(s, a, ["市交通运输委", "市商务局", "市教委", "市水务局"])
        users.add_user(s, a, "boss", "supervisor")
        users.add_user(s, a, "port", "reporter", unit="市交通运输委")
        users.add_user(s, a, "school", "reporter", unit="市教委")
        users.add_user(s, a, "reader", "viewer")
        return World(db, plan.id, name)


def task_row(code: str, **fields: Any) -> TaskRow:
    """A board row for pure tests: a measure with sensible defaults, ``fields`` override."""
    parent = code.rpartition(".")[0] or None
    values: dict[str, Any] = {
        "id": zlib.crc32(code.encode()),
        "code": code,
        "parent": parent,
        "level": code.count(".") + 1,
        "kind": "measure",
        "title": f"任务{code}",
        "doc": None,
        "start": None,
        "end": None,
        "category": "",
        "lead_unit": None,
        "person": None,
        "start_date": None,
        "deadline": None,
        "expected_outcome": None,
        "weight": 1.0,
        "state": "open",
        "version": 1,
    }
    values.update(fields)
    return TaskRow(**values)


# A second report of our own writing, with three categories and seven measures.
SECOND_REPORT = """滨河市2024年政府工作报告
——2024年1月18日在市人民代表大会上
一、2023年工作回顾
过去一年，全市集装箱吞吐量达到300万标准箱，新建学校4所。
二、2024年重点任务
（一）发展现代产业
推动制造业升级。新建智能工厂10家，培育专精特新中小企业30家。
扩大对外开放。年内引进外资项目15个。
（二）提升港口能级
拓展航线，集装箱吞吐量突破320万标准箱。6月底前完成码头智能化改造。
（三）办好民生实事
新建学校5所，新增学位3000个。汛前完成河道清淤8条。新建社区养老服务中心6个。
"""


@dataclass(frozen=True)
class Cycle:
    """The district plan after three rounds, seen on 2024-07-01:

    2024-Q1 (closed) and 2024-05 (closed) are due; 2024-Q2 is still open. 1.3.2 was
    accepted as done, 1.2.2 is past its deadline, 市民政局 never reported (stalled),
    a 90% report on 1.2.1 was returned, and every pending unit was chased once,
    市民政局 twice. Rows carry the times of ``CYCLE_TIMES``, as if it happened then.
    """

    world: World
    rounds: dict[str, int]


# When each round was opened, reported in, reviewed (and chased) and closed, in 2024;
# days apart, so that an --as-of day falls clearly between them in any time zone.
CYCLE_TIMES = {
    "2024-Q1": (datetime(2024, 4, 1, 9), datetime(2024, 4, 8, 10), datetime(2024, 4, 9, 10),
                datetime(2024, 4, 11, 9)),
    "2024-05": (datetime(2024, 5, 25, 9), datetime(2024, 6, 3, 10), datetime(2024, 6, 4, 10),
                datetime(2024, 6, 6, 9)),
    "2024-Q2": (datetime(2024, 6, 20, 9), datetime(2024, 6, 26, 10), datetime(2024, 6, 28, 10),
                None),
}  # fmt: skip


def build_cycle(db: Database) -> Cycle:
    world = build_world_named(db, SECOND_REPORT, "b24")
    with db.transaction() as s:
        boss = world.user(s, "boss")
        plan = world.plan(s)
        ids: dict[str, int] = {}
        for period, due, reports in (
            ("2024-Q1", date(2024, 4, 10), [("1.1.1.1", 20, None), ("1.1.2.1", 30, None),
                                             ("1.2.1", 5, None), ("1.3.1", 30, None),
                                             ("1.3.2", 100, None)]),
            ("2024-05", date(2024, 6, 5), [("1.1.1.1", 30, None), ("1.2.1", 10, 1.5e6),
                                            ("1.2.2", 80, None)]),
            ("2024-Q2", date(2024, 7, 10), [("1.1.1.1", 45, None), ("1.1.2.1", 30, None),
                                             ("1.2.1", 90, 3.3e6)]),
        ):  # fmt: skip
            rnd = cycle.open_round(s, boss, plan, period, due, opened_on=due)  # history
            ids[period] = rnd.id
            for code, percent, value in reports:
                report = cycle.submit_report(s, boss, rnd, world.task(s, code), percent, value)
                if code == "1.3.2":
                    cycle.review(s, boss, report, True)
                if percent == 90:
                    cycle.review(s, boss, report, False, "数据与统计公报不符")
            if period != "2024-Q2":
                cycle.close_round(s, boss, rnd)
        q2 = cycle.get_round(s, ids["2024-Q2"])
        cycle.chase(s, boss, q2, note="请尽快报送")
        cycle.chase(s, boss, q2, unit="市民政局")
    with db.transaction() as s:
        for period, (opened, reported, reviewed, closed) in CYCLE_TIMES.items():
            _backdate(s, ids[period], opened, reported, reviewed, closed)
    return Cycle(world, ids)


def _backdate(
    s: Session,
    round_id: int,
    opened: datetime,
    reported: datetime,
    reviewed: datetime,
    closed: datetime | None,
) -> None:
    reports = select(ProgressReport.id).where(ProgressReport.round_id == round_id)
    s.execute(update(Round).where(Round.id == round_id).values(opened_at=opened, closed_at=closed))
    s.execute(
        update(ProgressReport)
        .where(ProgressReport.round_id == round_id)
        .values(submitted_at=reported)
    )
    s.execute(update(Review).where(Review.report_id.in_(reports)).values(at=reviewed))
    s.execute(update(Chase).where(Chase.round_id == round_id).values(at=reviewed))
