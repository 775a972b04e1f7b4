"""演示数据: a small, lively ledger built from our own sample report (a fictional city).

The sample's plan is moved to the current year so the reporting cycle is live:
three monthly rounds (two closed, one open), reports near the expected progress
with some behind, most accepted and a few returned, one unit chased — enough
for every colour on the dashboard. Accounts get fresh random passwords.
"""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources

from sqlalchemy.orm import Session

from luoshi.ledger import (
    cycle,
    documents,
    health,
    plans,
    remind,
    scoring,
    tasks,
    units,
    users,
    workflow,
)
from luoshi.ledger.db import Database
from luoshi.ledger.models import Plan, Round, User
from luoshi.ledger.read.compute import task_rows
from luoshi.ledger.read.scores import keep_round_scores
from luoshi.settings import Settings
from luoshi.text.document import Document as SourceText

PLAN_NAME = "linjiang"
SEED = 20250116
OFFICE = "市政府办公厅"
# username, role, unit, display name
ACCOUNTS = (
    ("admin", "admin", None, "系统管理员"),
    ("duban", "supervisor", None, "督查室 王督查"),
    ("jiaotong", "reporter", "市交通运输委", "市交通运输委 填报员"),
    ("jiaowei", "reporter", "市教委", "市教委 填报员"),
    ("lingdao", "viewer", None, "市领导"),
)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    unit: str | None
    password: str


@dataclass(frozen=True)
class Demo:
    plan_id: int
    plan_name: str
    accounts: list[Account]


SAMPLE_YEAR = 2025  # the year the sample report is written for


def sample_text(year: int = SAMPLE_YEAR) -> str:
    """The sample report, its years moved so that it is ``year``'s report (the demo's
    rounds and deadlines are this year's: a 2025 report due in 2026 read as a mistake)."""
    text = resources.files("luoshi.data").joinpath("demo/sample_report.txt").read_text("utf-8")
    shift = year - SAMPLE_YEAR
    return re.sub(r"(?<!\d)(20\d\d)(?=年)", lambda m: str(int(m[1]) + shift), text)


def build_demo(db: Database, local_admin: str, today: date | None = None) -> Demo:
    """Fill an empty database with the demo plan, accounts, rounds, reports and reviews."""
    day = today or date.today()
    rng = random.Random(SEED)
    sample = documents.prepare(SourceText.from_text("sample_report.txt", sample_text(day.year)))
    with db.transaction() as s:
        root = users.local_admin(s, local_admin)
        doc = documents.ingest(s, root, sample)
        plan = plans.build_plan(s, root, doc.document, PLAN_NAME)
        units.ensure_units(s, root, [OFFICE])
        accounts = _accounts(s, root)
        _reschedule(s, root, plan, day)
        plans.set_public(s, root, plan, True)
        plans.set_state(s, root, plan, "active")
        plans.set_office_default(s, root, plan)
        plan_id = plan.id
    rounds = _rounds(db, plan_id, day)
    _reports(db, plan_id, rounds, rng, day)
    _workflow(db, plan_id, day)
    return Demo(plan_id, PLAN_NAME, accounts)


def _workflow(db: Database, plan_id: int, today: date) -> None:
    """The chain around the cycle: the reporters sign half their tasks, one asks for
    more time, the leader comments on a lagging task."""
    with db.transaction() as s:
        rows = [r for r in task_rows(s, plan_id) if r.leaf]
        asked = False
        for i, row in enumerate(rows):
            reporter = _reporter(s, row.lead_unit)
            if reporter is None:
                continue
            _plan, task = plans.get_task(s, f"{PLAN_NAME}:{row.code}")
            if i % 2 == 0:
                workflow.sign(s, reporter, task)
            if not asked and task.state != "done" and task.deadline and task.deadline > today:
                later = task.deadline + timedelta(days=60)
                reason = "征地手续未完成，需顺延两个月"
                workflow.request_delay(s, reporter, task, later, reason, today)
                asked = True
        if rows:
            _plan, first = plans.get_task(s, f"{PLAN_NAME}:{rows[0].code}")
            workflow.comment(s, users.get_user(s, "lingdao"), first, "请加快推进，月底前报送进展")


def _accounts(s: Session, actor: User) -> list[Account]:
    out = []
    for username, role, unit, name in ACCOUNTS:
        password = secrets.token_urlsafe(12)  # 16 characters
        users.add_user(s, actor, username, role, name, unit, password)
        out.append(Account(username, role, unit, password))
    return out


def _reschedule(s: Session, actor: User, plan: Plan, today: date) -> None:
    """Move the sample's dates to this year; give unassigned tasks to the general office."""
    for row in task_rows(s, plan.id):
        _plan, task = plans.get_task(s, f"{plan.name}:{row.code}")
        deadline = row.deadline or date(today.year, 12, 31)
        values: dict[str, object] = {
            "start_date": date(today.year, 1, 1),
            "deadline": _same_day(deadline, today.year),
        }
        if row.lead_unit is None:
            values["lead_unit"] = OFFICE
        tasks.edit_task(s, actor, task, tasks.task_label(plan.name, task), None, values)


def _same_day(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return d.replace(year=year, day=28)


def _rounds(db: Database, plan_id: int, today: date) -> list[tuple[int, date]]:
    """Monthly rounds for the last three months; all but the newest closed."""
    months = []
    first = today.replace(day=1)
    for _ in range(3):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    out = []
    with db.transaction() as s:
        boss = users.get_user(s, "duban")
        plan = s.get(Plan, plan_id)
        assert plan is not None
        for month in reversed(months):
            # The newest round is still open: due next week.
            due = today + timedelta(days=7) if month == months[0] else month + timedelta(days=9)
            # Replayed history: each round is opened on the first of its month.
            rnd = cycle.open_round(s, boss, plan, f"{month:%Y-%m}", due, opened_on=month)
            out.append((rnd.id, due))
    return out


def _reports(
    db: Database, plan_id: int, rounds: list[tuple[int, date]], rng: random.Random, today: date
) -> None:
    """Each round: most units report close to expected, some lag, a few skip."""
    reported: dict[int, float] = {}  # each task's latest percent so far
    for i, (round_id, due) in enumerate(rounds):
        last = i == len(rounds) - 1
        with db.transaction() as s:
            boss = users.get_user(s, "duban")
            rnd = s.get(Round, round_id)
            assert rnd is not None
            rows = task_rows(s, plan_id)
            for row in rows:
                if not row.leaf or rng.random() < (0.35 if last else 0.15):
                    continue
                expected = health.expected_progress(row.start_date, row.deadline, due)
                guess = max(0.0, min(100.0, round(expected + rng.gauss(-8, 18))))
                # Work done stays done: a unit reports at least what it reported before.
                percent = max(guess, reported.get(row.id, 0.0))
                reported[row.id] = percent
                _plan, task = plans.get_task(s, f"{PLAN_NAME}:{row.code}")
                if task.state == "done":
                    continue  # accepted as complete in an earlier round
                reporter = _reporter(s, row.lead_unit) or boss
                report = cycle.submit_report(
                    s, reporter, rnd, task, percent, None, _narrative(rng, percent), []
                )
                if due < today:
                    # A past round's reports came in before its due date (most of them):
                    # the demo's scores then show on-time reporting, as a real office's.
                    early = rng.choice((0, 1, 2, 3, 5, -2))
                    report.submitted_at = datetime.combine(due - timedelta(days=early), time(2))
                if not last or rng.random() < 0.5:
                    accept = rng.random() > 0.15
                    reason = None if accept else "佐证材料不足，请补充现场照片和验收文件"
                    cycle.review(s, boss, report, accept, reason)
            if not last:
                cycle.close_round(s, boss, rnd)
                plan = s.get(Plan, plan_id)
                assert plan is not None
                keep_round_scores(s, plan, rnd, db.rules, scoring.load_rules())
            else:
                events = cycle.chase(s, boss, rnd, None, "请于本周内完成填报")
                # As 催办 in the browser does: the messages are queued for the units, so
                # 提醒记录 and their 我的消息 show the chase (default channels: in the app).
                remind.enqueue_chases(s, Settings(), rnd, events)


def _reporter(s: Session, unit: str | None) -> User | None:
    for username, role, unit_name, _ in ACCOUNTS:
        if role == "reporter" and unit_name == unit:
            return users.get_user(s, username)
    return None


def _narrative(rng: random.Random, percent: float) -> str:
    if percent >= 90:
        return rng.choice(["主体工作已基本完成，正在组织验收", "已完成年度目标，进入收尾阶段"])
    if percent >= 50:
        return rng.choice(["按计划推进，已完成过半", "项目建设有序推进，部分已投入使用"])
    return rng.choice(["前期手续办理中，进度偏慢", "已启动实施，受资金影响进度滞后"])
