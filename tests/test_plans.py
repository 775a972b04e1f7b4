"""Building a plan: the task tree, targets with baselines, units, references."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from luoshi.errors import Conflict, InputError, NotFound, PermissionDenied
from luoshi.extract.lead_units import UnitMap
from luoshi.extract.pipeline import extract
from luoshi.ledger import documents, plans
from luoshi.ledger.db import Database
from luoshi.ledger.models import Target, Task, Unit
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import plan_view, task_rows
from luoshi.settings import HealthRules
from luoshi.text.document import Document as SourceText
from luoshi.text.sources import load_document
from tests.builders import REPORT, admin, build_world
from tests.conftest import corpus_file


def test_the_task_tree_is_stored_with_spans_units_and_deadlines(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        rows = {r.code: r for r in task_rows(s, world.plan_id)}
        assert list(rows)[:3] == ["1", "1.1", "1.1.1"]
        m = rows["1.2.1"]
        assert (m.kind, m.parent, m.level) == ("measure", "1.2", 3)
        assert REPORT[m.start or 0 : m.end] == m.title == "新建学校8所，汛前完成河道整治10条"
        assert m.deadline is not None and m.deadline.isoformat() == "2024-05-31"
        assert m.start_date is not None and m.start_date.isoformat() == "2024-01-18"
        assert m.lead_unit == "市教委" and m.weight == 1.0 and m.state == "open"
        assert rows["1.1.1.1"].category == "（一）提升港口能级"


def test_targets_keep_value_span_and_baseline(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        task = world.task(s, "1.1.1.1")
        [t] = s.scalars(select(Target).where(Target.task_id == task.id)).all()
    assert (t.indicator, t.comparator, t.value, t.unit) == ("集装箱吞吐量", ">", 16e6, "标准箱")
    assert REPORT[t.start or 0 : t.end] == t.text == "1600万标准箱"
    assert t.baseline_value == 15e6 and t.baseline_text == "1500万标准箱"


def test_a_task_due_before_its_document_was_issued_starts_when_it_is_due(db: Database) -> None:
    text = (
        REPORT.replace("2024", "2025")
        .replace("2023", "2024")
        .replace("1月18日", "4月10日")
        .replace("汛前完成", "3月底前完成")
    )
    with db.transaction() as s:
        doc = documents.ingest(s, admin(s), SourceText.from_text("r.txt", text)).document
        plan = plans.build_plan(s, admin(s), doc, "p")
        rows = {r.code: r for r in task_rows(s, plan.id)}
    late = rows["1.2.1"]
    assert (late.start_date, late.deadline) == (date(2025, 3, 31), date(2025, 3, 31))
    port = rows["1.1.1.1"]
    assert (port.start_date, port.deadline) == (date(2025, 4, 10), date(2025, 12, 31))


def test_units_of_the_keyword_map_are_created(db: Database) -> None:
    unit_map = UnitMap.from_table({"港口办": ("港口", "航线"), "招商中心": ("外资",)})
    with db.transaction() as s:
        doc = documents.ingest(s, admin(s), SourceText.from_text("r.txt", REPORT)).document
        plan = plans.build_plan(s, admin(s), doc, "p", unit_map)
        names = set(s.scalars(select(Unit.name)))
        rows = {r.code: r for r in task_rows(s, plan.id)}
    assert names == {"港口办", "招商中心"}
    assert rows["1.1.1.1"].lead_unit == "港口办"
    assert rows["1.1.2.1"].lead_unit == "招商中心"


def test_document_text_longer_than_its_column_is_shortened(db: Database) -> None:
    heading = "（一）" + "提升港口能级" * 100  # 603 characters; the column holds 500
    text = REPORT.replace("（一）提升港口能级", heading)
    with db.transaction() as s:
        doc = documents.ingest(s, admin(s), SourceText.from_text("r.txt", text)).document
        plan = plans.build_plan(s, admin(s), doc, "p")
    with db.transaction() as s:
        rows = {r.code: r for r in task_rows(s, plan.id)}
    category = rows["1.1.1.1"].category
    assert len(category) == 500 and category == heading[:499] + "…"
    assert rows["1.2.1"].category == "（二）办好民生实事"


def test_a_plan_title_given_too_long_is_refused(db: Database) -> None:
    with db.transaction() as s:
        doc = documents.ingest(s, admin(s), SourceText.from_text("r.txt", REPORT)).document
        with pytest.raises(InputError, match=r"计划标题「题题题.*」过长（501 个字符），最多 500"):
            plans.build_plan(s, admin(s), doc, "p", title="题" * 501)


def test_plan_and_task_references(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        assert plans.get_plan(s, str(world.plan_id)).name == "t2024"
        assert plans.get_plan(s, "t2024").id == world.plan_id
        plan, task = plans.get_task(s, f"{world.plan_id}:1.2.1")
        assert (plan.name, task.code) == ("t2024", "1.2.1")
        with pytest.raises(NotFound, match=r"计划 t2024 中没有编号为 9\.9 的任务"):
            plans.get_task(s, "t2024:9.9")
        with pytest.raises(InputError, match="计划:编号"):
            plans.get_task(s, "t2024")
        with pytest.raises(NotFound, match="计划「nope」不存在"):
            plans.get_plan(s, "nope")
        [row] = plans.list_plans(s)
        assert row.tasks == s.scalar(select(func.count()).select_from(Task))


def test_plan_names_are_unique_and_usable(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        doc = documents.get_document(s, 1)
        for bad in ("2024", "a b", "p:1", ""):
            with pytest.raises(InputError):
                plans.build_plan(s, admin(s), doc, bad)
        with pytest.raises(Conflict, match="已存在"):
            plans.build_plan(s, admin(s), doc, world.plan_name)
        with pytest.raises(PermissionDenied):
            plans.build_plan(s, world.user(s, "port"), doc, "p2")


def test_corpus_report_every_forward_heading_is_a_task_and_targets_attach(db: Database) -> None:
    source = load_document(corpus_file("000"))
    x = extract(source)
    assert x.outline is not None
    with db.transaction() as s:
        doc = documents.ingest(s, admin(s), source).document
        plan = plans.build_plan(s, admin(s), doc, "t2024")
    with db.transaction() as s:
        b = plan_view(s, plan, HealthRules(), AsOf(date(2024, 6, 30)))
    starts = {r.start for r in b.rows if r.kind != "measure"}
    forward = [n for n in x.outline.nodes if n.stance == "forward"]
    assert len(forward) > 40
    assert all(n.heading.start in starts for n in forward)
    targets = [q for q in x.quantities if q.kind == "target"]
    attached = {(t.start, t.end) for r in b.rows for t in r.targets}
    covered = sum((q.start, q.end) in attached for q in targets)
    assert covered >= 0.95 * len(targets)
    assert all(source.raw[t.start or 0 : t.end] == t.text for r in b.rows for t in r.targets)
