"""Builders for ledger tests: a small report of our own writing, users of every role."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from luoshi.ledger import documents, plans, units, users
from luoshi.ledger.board import TaskRow
from luoshi.ledger.db import Database
from luoshi.ledger.models import Plan, Task, User
from luoshi.text.document import Document as SourceText

ADMIN = "local-admin"
REPORT = """天津市2024年区政府工作报告
——2024年1月18日在区人民代表大会上
一、2023年工作回顾
过去一年，全区新建学校6所，集装箱吞吐量达到1500万标准箱。
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
    with db.transaction() as s:
        a = admin(s)
        doc = documents.ingest(s, a, SourceText.from_text("report.txt", text)).document
        plan = plans.build_plan(s, a, doc, "t2024")
        units.ensure_units(s, a, ["市交通运输委", "市商务局", "市教委", "市水务局"])
        users.add_user(s, a, "boss", "supervisor")
        users.add_user(s, a, "port", "reporter", unit="市交通运输委")
        users.add_user(s, a, "school", "reporter", unit="市教委")
        users.add_user(s, a, "reader", "viewer")
        return World(db, plan.id)


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
