"""The reminder schedule (pure), its rules file, and idempotence in the database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from luoshi.errors import InputError
from luoshi.ledger import cycle, remind, units
from luoshi.ledger.db import Database
from luoshi.ledger.models import Notification
from luoshi.ledger.reminders import (
    Facts,
    Level,
    ReturnedFact,
    RoundFact,
    Schedule,
    TaskFact,
    current_overdue_level,
    due_messages,
    load_schedule,
    overdue_level,
)
from luoshi.ledger.scheduler import due_now
from luoshi.settings import Settings, WorkflowSettings
from tests.builders import ADMIN, build_world

DAY = date(2024, 6, 10)
RULES = Schedule()


def task(id_: int, unit: int = 1, deadline: date | None = None, **kw: object) -> TaskFact:
    return TaskFact(id_, f"1.{id_}", f"任务{id_}", 1, unit, deadline, False, **kw)  # type: ignore[arg-type]


def kinds(facts: Facts, day: date = DAY) -> list[tuple[str, int | None, list[str], int]]:
    return [
        (d.kind, d.unit_id, [x.code for x in d.lines], d.level)
        for d in due_messages(facts, RULES, day)
    ]


def test_deadlines_are_reminded_on_the_days_before_named() -> None:
    for before, sent in [(7, True), (3, True), (1, True), (2, False), (0, False)]:
        got = kinds(Facts([task(1, deadline=DAY + timedelta(days=before))]))
        assert (got == [("deadline", 1, ["1.1"], 1)]) is sent, before


def test_a_unit_gets_one_digest_naming_all_its_tasks() -> None:
    soon = DAY + timedelta(days=3)
    got = kinds(
        Facts([task(1, deadline=soon), task(2, deadline=soon), task(3, unit=2, deadline=soon)])
    )
    assert got == [("deadline", 1, ["1.1", "1.2"], 1), ("deadline", 2, ["1.3"], 1)]


def test_done_and_unassigned_tasks_are_never_reminded() -> None:
    soon = DAY + timedelta(days=3)
    done = TaskFact(1, "1.1", "t", 1, 1, soon, True)
    unassigned = TaskFact(2, "1.2", "t", 1, None, soon, False)
    assert kinds(Facts([done, unassigned])) == []


def test_overdue_tasks_escalate_to_a_letter_and_a_bulletin() -> None:
    assert [overdue_level(d, RULES) for d in (0, 1, 2, 3, 7, 15, 16, 22, 29)] == [
        None, 1, None, 2, 3, 4, None, 4, 4,
    ]  # fmt: skip
    assert [current_overdue_level(d, RULES) for d in (0, 1, 5, 8, 40)] == [0, 1, 2, 3, 4]
    got = kinds(Facts([task(1, deadline=DAY - timedelta(days=15))]))
    assert got == [("bulletin", None, ["1.1"], 4), ("overdue", 1, ["1.1"], 4)]


def test_open_rounds_remind_units_that_owe_reports_before_and_after_the_due_date() -> None:
    owed = {1: [task(1)], 2: [task(2, unit=2), task(3, unit=2)]}
    for offset, level in [(1, 1), (3, 1), (0, 1), (2, None), (-2, 2), (-1, None)]:
        rnd = RoundFact(9, 1, "2024-Q2", DAY + timedelta(days=offset), owed)
        got = kinds(Facts(rounds=[rnd]))
        if level is None:
            assert got == [], offset
        else:
            assert got == [("round", 1, ["1.1"], level), ("round", 2, ["1.2", "1.3"], level)]


def test_returned_reports_stalled_and_unsigned_tasks() -> None:
    returned = ReturnedFact(5, task(1), 1, DAY - timedelta(days=2), "数据不实")
    assert kinds(Facts(returned=[returned])) == [("returned", 1, ["1.1"], 1)]
    assert kinds(Facts(returned=[returned]), DAY + timedelta(days=1)) == []
    monday = date(2024, 6, 10)
    assert monday.isoweekday() == 1
    assert kinds(Facts([task(1, stalled=True)]), monday) == [("stalled", 1, ["1.1"], 2)]
    assert kinds(Facts([task(1, stalled=True)]), monday + timedelta(days=1)) == []
    given = DAY - timedelta(days=3)
    assert kinds(Facts([task(1, signed=False, assigned_on=given)])) == [("unsigned", 1, ["1.1"], 1)]
    assert kinds(Facts([task(1, signed=False, assigned_on=given + timedelta(days=1))])) == []
    assert kinds(Facts([task(1, signed=False, assigned_on=given - timedelta(days=3))])) != []


def test_the_shipped_rules_file_and_a_broken_one(tmp_path: Path) -> None:
    shipped = load_schedule(None, 5)
    assert shipped.deadline_days_before == (7, 3, 1) and shipped.unsigned_after_days == 5
    assert [lv.name for lv in shipped.overdue_levels] == ["提醒", "催办", "督办函", "通报"]
    assert shipped.overdue_levels[2] == Level(3, "督办函", 7)
    bad = tmp_path / "r.toml"
    bad.write_text("[deadline]\ndays_before = ['x']\n", encoding="utf-8")
    with pytest.raises(InputError, match="提醒规则文件"):
        load_schedule(bad)


def test_the_daily_run_is_due_once_after_its_time() -> None:
    at = datetime(2024, 6, 10, 8, 30)
    assert not due_now(None, at, None)
    assert not due_now("08:31", at, None)
    assert due_now("08:30", at, None)
    assert not due_now("08:30", at, at.date())
    assert Settings.from_env({"LUOSHI_REMIND_AT": "08:30"}).workflow.remind_at == "08:30"
    with pytest.raises(InputError, match="LUOSHI_REMIND_AT"):
        Settings.from_env({"LUOSHI_REMIND_AT": "25:00"})


def test_a_second_run_on_the_same_day_records_nothing(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    due = date.today() + timedelta(days=1)
    with db.transaction() as s:
        units.edit_contacts(s, world.user(s, ADMIN), "市教委", None, "json://127.0.0.1:9/hook")
        cycle.open_round(s, world.user(s, "boss"), world.plan(s), "2024-Q1", due)
    settings = Settings(database_url="", workflow=WorkflowSettings(files_dir=str(tmp_path)))
    first = remind.run(db, settings, date.today())
    assert first.recorded > 0 and first.already == 0
    assert any(f[1] == "webhook" for f in first.failed)  # nobody listens on port 9
    again = remind.run(db, settings, date.today())
    assert again.recorded == 0 and again.already == first.recorded
    dry = remind.run(db, settings, date.today(), dry_run=True)
    assert dry.already == len(dry.planned) == first.recorded
    with db.transaction() as s:
        total = s.scalar(select(func.count()).select_from(Notification))
        assert total == first.recorded
        rounds = s.scalars(
            select(Notification.recipient).where(
                Notification.kind == "round", Notification.channel == "inapp"
            )
        ).all()
        assert len(rounds) == len(set(rounds)) == 3  # three units owe reports


def test_two_workers_at_once_send_each_message_once(db: Database, tmp_path: Path) -> None:
    import threading

    world = build_world(db)
    with db.transaction() as s:
        for name in ("市交通运输委", "市教委", "市商务局"):
            units.edit_contacts(s, world.user(s, ADMIN), name, None, "json://127.0.0.1:9/hook")
        cycle.open_round(s, world.user(s, "boss"), world.plan(s), "2024-Q1", date.today())
    settings = Settings(database_url="", workflow=WorkflowSettings(files_dir=str(tmp_path)))
    results: list[remind.RemindResult] = []

    def work() -> None:
        results.append(remind.run(db, settings, date.today()))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.transaction() as s:
        sent = s.scalar(
            select(func.count()).select_from(Notification).where(Notification.channel == "webhook")
        )
        attempts = s.scalars(select(Notification.attempts).where(Notification.channel == "webhook"))
        assert set(attempts) == {1}  # each claimed and tried by one worker only
    assert sum(r.recorded for r in results) == sum(r.recorded + r.already for r in results) / 2
    assert sum(len(r.failed) + r.delivered for r in results) == sent


def test_a_week_overdue_sends_a_word_letter(db: Database, tmp_path: Path) -> None:
    import io

    import docx

    from luoshi.io.letter import letter_docx
    from luoshi.ledger.files import FileStore

    world = build_world(db)
    with db.transaction() as s:
        deadline = world.task(s, "1.2.1").deadline
    assert deadline is not None
    settings = Settings(database_url="", workflow=WorkflowSettings(files_dir=str(tmp_path)))
    remind.run(db, settings, deadline + timedelta(days=7), letter=letter_docx)
    with db.transaction() as s:
        n = s.scalars(
            select(Notification).where(Notification.kind == "overdue", Notification.level == 3)
        ).first()
        assert n is not None and n.letter_sha256 is not None
        assert "督办函" in n.subject
        title = world.plan(s).title
        assert f"计划 {title} 有" in n.subject  # the document's title, not its short code
    letter = docx.Document(io.BytesIO(FileStore(tmp_path).read(n.letter_sha256)))
    text = "\n".join(p.text for p in letter.paragraphs)
    cells = " ".join(c.text for t in letter.tables for row in t.rows for c in row.cells)
    assert "督 办 函" in text and "市教委：" in text and "逾期 7 天" in cells and "1.2.1" in cells
