"""The demo's data reads as one office's year: this year's report, progress that only
grows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from luoshi.demo import SAMPLE_YEAR, build_demo, sample_text
from luoshi.ledger.db import Database
from luoshi.ledger.models import Chase, Document, Notification, ProgressReport, Task


def test_the_sample_report_is_moved_to_the_year_asked_for() -> None:
    moved = sample_text(SAMPLE_YEAR + 3)
    assert moved.startswith(f"临江市{SAMPLE_YEAR + 3}年政府工作报告")
    assert f"{SAMPLE_YEAR}年" not in moved.replace(f"{SAMPLE_YEAR + 2}年", "")
    assert moved.count(f"{SAMPLE_YEAR + 2}年") == sample_text().count(f"{SAMPLE_YEAR - 1}年")
    assert sample_text() == sample_text(SAMPLE_YEAR)
    assert len(moved) == len(sample_text())  # only the years change


def test_the_demo_is_this_years_and_its_progress_never_falls(db: Database) -> None:
    today = date(2026, 11, 20)
    build_demo(db, "local-admin", today)
    with db.transaction() as s:
        (title,) = s.execute(select(Document.title)).one()
        assert "2026年" in title
        deadlines = s.scalars(select(Task.deadline).where(Task.deadline.is_not(None))).all()
        assert deadlines and all(d.year == 2026 for d in deadlines)
        by_task: dict[int, list[float]] = {}
        for task_id, percent in s.execute(
            select(ProgressReport.task_id, ProgressReport.percent).order_by(ProgressReport.id)
        ):
            by_task.setdefault(task_id, []).append(percent)
    assert any(len(p) > 1 for p in by_task.values())
    assert all(p == sorted(p) for p in by_task.values()), by_task


def test_the_demos_chase_reached_the_units_it_chased(db: Database) -> None:
    """The demo's open round was chased: its messages are queued as a 催办 in the browser
    queues them, so 提醒记录 and the units' 我的消息 show it."""
    build_demo(db, "local-admin", date(2026, 11, 20))
    with db.transaction() as s:
        chased = set(s.scalars(select(Chase.unit_id)))
        told = {
            n.recipient for n in s.scalars(select(Notification).where(Notification.kind == "chase"))
        }
    assert chased and {f"unit:{u}" for u in chased} <= told
