"""plan check: a later report read against a plan's targets, with evidence and audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from luoshi.errors import InputError, PermissionDenied
from luoshi.ledger import audit, documents
from luoshi.ledger.db import Database
from luoshi.ledger.models import Document, TargetCheck, TargetCheckResult
from luoshi.ledger.promises import check_plan, checks_of
from luoshi.ledger.target_verdicts import target_verdicts, verdict_counts
from luoshi.text.document import Document as SourceText
from tests.builders import World, admin, build_world_named

FIXTURES = Path(__file__).parent / "fixtures" / "promises"
OLD = (FIXTURES / "report_2026.txt").read_text("utf-8")
NEW = (FIXTURES / "report_2027.txt").read_text("utf-8")


@pytest.fixture
def world(db: Database) -> World:
    return build_world_named(db, OLD, "j2026")


def ingest_new(db: Database, raw: str = NEW, name: str = "report_2027.txt") -> int:
    with db.transaction() as s:
        return documents.ingest(s, admin(s), SourceText.from_text(name, raw)).document.id


def run_check(db: Database, world: World, doc_id: int, who: str | None = None) -> int:
    with db.transaction() as s:
        actor = world.user(s, who) if who else admin(s)
        doc = documents.get_document(s, doc_id)
        return check_plan(s, actor, world.plan(s), doc).id


def test_every_target_gets_evidence_and_a_verdict(db: Database, world: World) -> None:
    doc_id = ingest_new(db)
    check_id = run_check(db, world, doc_id)
    with db.transaction() as s:
        check = s.get(TargetCheck, check_id)
        assert check is not None and (check.year, check.document_id) == (2026, doc_id)
        assert check.actor == admin(s).username
        rows = target_verdicts(s, world.plan(s))
        assert len(rows) == sum(check.counts.values()) > 0
        by_ind = {r.indicator: r for r in rows}
        gdp = next(r for r in rows if (r.indicator, r.text) == ("生产总值", "5.5%"))
        assert gdp.verdict == "met"
        assert gdp.stated is not None and gdp.stated.text == "6.2%"
        # The evidence points into the checked document's raw text.
        assert NEW[gdp.stated.start : gdp.stated.end] == "6.2%"
        assert "6.2%" in gdp.stated.sentence and "5.5%" in gdp.target_sentence
        assert gdp.stated.checked_by == admin(s).username
        assert by_ind["城镇调查失业率"].verdict == "unclear"
        assert by_ind["粮食产量"].verdict == "missed"
        assert by_ind["大型商业银行普惠小微企业贷款"].verdict == "not_reported"
        assert by_ind["大型商业银行普惠小微企业贷款"].stated is None


def test_the_check_and_each_result_are_audited(db: Database, world: World) -> None:
    check_id = run_check(db, world, ingest_new(db))
    with db.transaction() as s:
        events = audit.history(s, "target_checks", check_id)
        assert [e.action for e in events] == ["create"]
        assert events[0].after is not None and events[0].after["year"] == 2026
        results = s.scalars(
            select(TargetCheckResult.id).where(TargetCheckResult.check_id == check_id)
        )
        for rid in results:
            assert [e.action for e in audit.history(s, "target_check_results", rid)] == ["create"]


def test_a_rerun_adds_a_check_and_the_latest_answers(db: Database, world: World) -> None:
    first = run_check(db, world, ingest_new(db))
    # A corrected edition of the report: grain now reaches its target.
    fixed = ingest_new(db, NEW.replace("粮食产量680万吨", "粮食产量705万吨"), "fixed.txt")
    second = run_check(db, world, fixed)
    with db.transaction() as s:
        assert [c.id for c in checks_of(s, world.plan_id)] == [second, first]
        grain = next(r for r in target_verdicts(s, world.plan(s)) if r.indicator == "粮食产量")
        assert (grain.verdict, grain.check_id) == ("met", second)
        assert grain.stated is not None and grain.stated.text == "705万吨"
        old = s.scalars(
            select(TargetCheckResult).where(
                TargetCheckResult.check_id == first,
                TargetCheckResult.target_id == grain.target_id,
            )
        ).one()
        assert (old.verdict, old.actual_text) == ("missed", "680万吨")  # history kept


def test_filter_by_verdict(db: Database, world: World) -> None:
    with db.transaction() as s:
        unchecked = target_verdicts(s, world.plan(s), "unchecked")
        assert unchecked and all(r.stated is None for r in unchecked)
    run_check(db, world, ingest_new(db))
    with db.transaction() as s:
        rows = target_verdicts(s, world.plan(s))
        counts = verdict_counts(rows)
        assert counts["unchecked"] == 0 and counts["met"] >= 5
        met = target_verdicts(s, world.plan(s), "met")
        assert len(met) == counts["met"] and {r.verdict for r in met} == {"met"}
        with pytest.raises(InputError, match="结论「done」无效"):
            target_verdicts(s, world.plan(s), "done")


@pytest.mark.parametrize("who", ["reader", "port"])
def test_only_managers_check(db: Database, world: World, who: str) -> None:
    doc_id = ingest_new(db)
    with pytest.raises(PermissionDenied, match="核对目标完成情况"):
        run_check(db, world, doc_id, who)
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(TargetCheck)) == 0
    run_check(db, world, doc_id, "boss")  # a supervisor may


def test_evidence_cannot_be_rewritten(db: Database, world: World) -> None:
    run_check(db, world, ingest_new(db))
    for sql in (
        "UPDATE target_check_results SET verdict = 'met'",
        "DELETE FROM target_checks",
    ):
        with pytest.raises(Exception, match="append-only"), db.transaction() as s:
            s.execute(text(sql))


def test_a_document_without_a_year_needs_one(db: Database, world: World) -> None:
    # Long enough to be accepted as a source (documents.MIN_TEXT_CHARS), still no year.
    text = "过去一年，全省生产总值增长6.2%，城乡居民收入稳步增长，就业形势总体稳定。\n"
    doc_id = ingest_new(db, text, "undated.txt")
    with pytest.raises(InputError, match="无法确定回顾的是哪一年"):
        run_check(db, world, doc_id)
    with db.transaction() as s:
        doc = s.get(Document, doc_id)
        assert doc is not None
        check = check_plan(s, admin(s), world.plan(s), doc, year=2026)
        assert check.year == 2026
