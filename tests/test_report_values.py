"""填报数值: one value per target, the latest counted one per target, the migration that
copies the old single values, and the audit labels' data file."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from luoshi.errors import InputError
from luoshi.ledger import audit_labels, cycle, report_values
from luoshi.ledger.db import Database
from luoshi.ledger.migrate import alembic_config
from luoshi.ledger.models import Target, Task
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.records import target_record
from luoshi.ledger.read.values import latest_values
from luoshi.ledger.read.views import plan_view
from luoshi.ledger.values import parse_amount
from luoshi.settings import HealthRules
from tests.builders import build_world


def test_parse_amount_reads_chinese_magnitudes_and_checks_the_unit() -> None:
    assert parse_amount("300万") == 3_000_000
    assert parse_amount("1.2亿") == 120_000_000
    assert parse_amount("４，２００") == 4200
    assert parse_amount("2300万标准箱", "标准箱") == 23_000_000
    with pytest.raises(ValueError, match="吨"):
        parse_amount("3万吨", "标准箱")
    with pytest.raises(ValueError, match="不是数字"):
        parse_amount("很多")


def test_latest_value_per_target_skips_returned_reports(db: Database) -> None:
    w = build_world(db)
    with db.transaction() as s:
        boss = w.user(s, "boss")
        plan = w.plan(s)
        task = (
            s.query(Task)
            .join(Target, Target.task_id == Task.id)
            .filter(Task.plan_id == plan.id)
            .first()
        )
        assert task is not None
        targets = report_values.targets_of(s, task.id)
        rnd = cycle.open_round(s, boss, plan, "2024-Q1", None)
        task.lead_unit_id = 1
        first = cycle.submit_report(s, boss, rnd, task, 10, values={targets[0].id: 5.0})
        cycle.review(s, boss, first, True)  # reviewed: it stands beside the next one
        second = cycle.submit_report(s, boss, rnd, task, 20, values={targets[0].id: 7.0})
        cycle.review(s, boss, second, False, "数据有误")
        latest = latest_values(s, plan.id)
        assert latest[targets[0].id].value == 5.0 and latest[targets[0].id].report_id == first.id
        # Replaced before review, a report's value is gone with it when its successor
        # is returned.
        cycle.submit_report(s, boss, rnd, task, 30, values={targets[0].id: 8.0})
        third = cycle.submit_report(s, boss, rnd, task, 40, values={targets[0].id: 9.0})
        cycle.review(s, boss, third, False, "数据有误")
        assert latest_values(s, plan.id)[targets[0].id].report_id == first.id
        with pytest.raises(InputError, match="不属于此任务"):
            cycle.submit_report(s, boss, rnd, task, 20, values={999999: 1.0})


def test_every_target_keeps_its_own_latest_value_in_the_plan_view(db: Database) -> None:
    w = build_world(db)
    with db.transaction() as s:
        boss = w.user(s, "boss")
        plan = w.plan(s)
        task = (
            s.query(Task)
            .join(Target, Target.task_id == Task.id)
            .filter(Task.plan_id == plan.id)
            .first()
        )
        assert task is not None
        second = Target(
            task_id=task.id, position=99, indicator="新增泊位", comparator=">", value=10,
            unit="个", measure="level", text="10个",
        )  # fmt: skip
        s.add(second)
        s.flush()
        first_id = report_values.targets_of(s, task.id)[0].id
        rnd = cycle.open_round(s, boss, plan, "2024-Q1", None)
        task.lead_unit_id = 1
        both = cycle.submit_report(s, boss, rnd, task, 10, values={first_id: 5.0, second.id: 3.0})
        cycle.review(s, boss, both, True)  # reviewed, so the next report does not replace it
        # A later report giving only the first target leaves the second's value standing.
        last = cycle.submit_report(s, boss, rnd, task, 20, values={first_id: 6.0})
        latest = latest_values(s, plan.id)
        assert (latest[first_id].value, latest[first_id].report_id) == (6.0, last.id)
        assert latest[second.id].value == 3.0
        row = plan_view(s, plan, HealthRules(), AsOf.today()).by_id[task.id]
        shown = {t.id: target_record(t)["latest"] for t in row.targets}
        assert shown[first_id] == {"value": 6, "period": "2024-Q1"}
        assert shown[second.id] == {"value": 3, "period": "2024-Q1"}


OLD_ROWS = [
    "INSERT INTO units (id, name, active, created_at, version) VALUES (1, 'u', 1, '2024-01-01', 1)",
    "INSERT INTO users (id, username, display_name, role, active, created_at, version) "
    "VALUES (1, 'a', 'a', 'admin', 1, '2024-01-01', 1)",
    "INSERT INTO plans (id, name, title, created_at, version) "
    "VALUES (1, 'p', 'p', '2024-01-01', 1)",
    "INSERT INTO tasks (id, plan_id, code, level, kind, title, category, weight, status, "
    "version) VALUES (1, 1, '1', 1, 'task', 't', '', 1, 'open', 1)",
    "INSERT INTO targets (id, task_id, position, indicator, comparator, value, unit, measure, "
    "text, version) VALUES (1, 1, 0, 'i', '>', 10, '个', 'level', '10个', 1)",
    "INSERT INTO rounds (id, plan_id, period, opened_at, version) "
    "VALUES (1, 1, '2024', '2024-01-01', 1)",
    "INSERT INTO progress_reports (id, round_id, task_id, unit_id, reporter_id, target_id, "
    "percent, value, narrative, evidence, status, submitted_at, version) "
    "VALUES (1, 1, 1, 1, 1, 1, 50, 6, '', '[]', 'submitted', '2024-01-02', 1)",
]


def test_the_migration_copies_old_values(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    with engine.begin() as c:
        for sql in OLD_ROWS:
            c.execute(text(sql))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with engine.connect() as c:
        assert c.execute(text("SELECT report_id, target_id, value FROM report_values")).all() == [
            (1, 1, 6.0)
        ]
        assert c.execute(text("SELECT state FROM plans")).scalar() == "active"
    engine.dispose()


def test_audit_labels_name_every_table_and_the_common_actions() -> None:
    from luoshi.ledger.models import Base

    names = audit_labels.labels()
    audited = {t for t in Base.metadata.tables if t not in (
        "audit_events", "audit_chain", "web_sessions", "login_failures", "app_secrets", "jobs",
        "document_spans")}  # fmt: skip
    assert audited <= set(names["entities"])
    assert {"create", "update", "delete", "accepted", "returned"} <= set(names["actions"])
    # The workflow's and the links' own actions (issues 10 and 12).
    assert {"sign", "delay", "upload", "approved", "rejected", "accept", "reject", "propose",
            "withdraw", "relink", "hand_down", "move"} <= set(names["actions"])  # fmt: skip
    assert audit_labels.changes(
        {"person": None, "version": 1}, {"person": "张三", "version": 2}
    ) == ["责任人：（空） → 张三"]


def test_a_value_is_shown_in_the_magnitude_its_target_is_written_in_and_reads_back() -> None:
    from luoshi.web.i18n import plain_amount

    assert plain_amount(23_000_000) == "2300万"
    assert plain_amount(120_000_000) == "1.2亿"
    assert plain_amount(123_456_789) == "12345.6789万"  # exact in 万, not in 亿
    assert plain_amount(123_456.7) == "123,456.7"  # 万 would need five decimals
    assert plain_amount(9_999) == "9,999" and plain_amount(1.25) == "1.25"
    assert plain_amount(-4_500_000) == "-450万"
    assert plain_amount(23_000_000, "en") == "23,000,000"
    for value in (23_000_000, 120_000_000, 123_456_789, 12_345, 123_456.7, 9_999, 1.25):
        assert parse_amount(plain_amount(value)) == value  # what is shown can be typed back
