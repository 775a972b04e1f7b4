"""Storing documents: spans, inferred facts, exact and near duplicates, edits."""

from __future__ import annotations

import pytest

from luoshi.errors import Conflict, InputError, PermissionDenied
from luoshi.ledger import documents, users
from luoshi.ledger.db import Database
from luoshi.ledger.dedup import jaccard, shingles, text_key
from luoshi.text.document import Document as SourceText
from luoshi.text.sources import load_document
from tests.builders import REPORT, admin
from tests.conftest import corpus_file


def ingest(db: Database, text: str, name: str = "r.txt") -> documents.Ingested:
    with db.transaction() as s:
        return documents.ingest(s, admin(s), SourceText.from_text(name, text))


def test_a_document_is_stored_with_its_facts_and_spans(db: Database) -> None:
    result = ingest(db, REPORT)
    assert result.outcome == "new"
    with db.transaction() as s:
        doc = documents.get_document(s, result.document.id)
        assert doc.raw == REPORT
        assert (doc.type, doc.level, doc.duplicate_of_id) == ("work_report", "市", None)
        assert doc.date is not None and doc.date.isoformat() == "2024-01-18"
        assert doc.title == "天津市2024年政府工作报告"
        spans = documents.spans_of(s, doc.id)
        assert {sp.kind for sp in spans} == {"heading", "quantity"}
        assert all(REPORT[sp.start : sp.end] == sp.text for sp in spans)
        heads = [sp.text for sp in spans if sp.kind == "heading"]
        assert "（一）提升港口能级" in heads
        port = next(sp for sp in spans if sp.text == "1600万标准箱")
        assert port.attrs["indicator"] == "集装箱吞吐量" and port.attrs["kind"] == "target"


def test_the_same_text_twice_is_one_document(db: Database) -> None:
    first = ingest(db, REPORT, "a.txt")
    again = ingest(db, REPORT, "b.txt")
    assert again.outcome == "exists"
    assert again.document.id == first.document.id
    with db.transaction() as s:
        assert len(documents.list_documents(s)) == 1


def test_other_punctuation_and_spacing_is_a_near_duplicate(db: Database) -> None:
    original = ingest(db, REPORT)
    retyped = REPORT.replace("，", ",").replace("。", ".\n").replace("（", "(").replace("）", ")")
    copy = ingest(db, "  " + retyped)
    assert copy.outcome == "near_duplicate"
    assert copy.document.duplicate_of_id == original.document.id
    unrelated = ingest(db, "一、主要任务\n推进老旧小区改造，完成改造300个小区。\n")
    assert unrelated.outcome == "new" and unrelated.document.duplicate_of_id is None


def test_a_copy_of_a_copy_points_to_the_original(db: Database) -> None:
    original = ingest(db, REPORT)
    ingest(db, REPORT + "\n")
    third = ingest(db, REPORT + "\n\n请先登录后发表评论")
    assert third.outcome == "near_duplicate"
    assert third.document.duplicate_of_id == original.document.id


def test_corpus_000_and_001_are_the_same_report(db: Database) -> None:
    a, b = corpus_file("000"), corpus_file("001")
    with db.transaction() as s:
        first = documents.ingest(s, admin(s), load_document(a))
        second = documents.ingest(s, admin(s), load_document(b))
    assert first.outcome == "new"
    assert second.outcome == "near_duplicate"
    assert second.document.duplicate_of_id == first.document.id
    assert first.document.title == "天津市2024年政府工作报告"


def test_near_duplicate_measures() -> None:
    assert text_key("集装箱，吞吐量 2300万。") == text_key("集装箱,吞吐量2300万.")
    assert jaccard(shingles("abcdefgh"), shingles("abcdefgh")) == 1.0
    assert jaccard(shingles("abcdefgh"), shingles("zyxwvuts")) == 0.0
    assert jaccard(set(), set()) == 1.0


def test_facts_are_editable_with_validation(db: Database) -> None:
    doc_id = ingest(db, REPORT).document.id
    with db.transaction() as s:
        doc = documents.edit_document(
            s,
            admin(s),
            doc_id,
            1,
            {"title": "区政府工作报告", "level": "市", "date": "2024年1月20日"},
        )
        assert (doc.title, doc.level, str(doc.date), doc.version) == (
            "区政府工作报告",
            "市",
            "2024-01-20",
            2,
        )
    for changes, message in [
        ({"level": "乡"}, "层级「乡」无效"),
        ({"type": "novel"}, "类型「novel」无效"),
        ({"date": "2024年13月"}, "日期「2024年13月」不是有效日期"),
        ({"title": " "}, "标题不能为空"),
        ({"title": "报" * 501}, "标题「报报报.*」过长（501 个字符），最多 500 个字符"),
        ({"issuer": "市" * 201}, "发文单位「市市市.*」过长（201 个字符），最多 200 个字符"),
    ]:
        with pytest.raises(InputError, match=message), db.transaction() as s:
            documents.edit_document(s, admin(s), doc_id, None, changes)
    with pytest.raises(Conflict), db.transaction() as s:
        documents.edit_document(s, admin(s), doc_id, 1, {"title": "旧版本上的修改"})


def test_only_managers_store_documents(db: Database) -> None:
    with db.transaction() as s:
        users.add_user(s, admin(s), "reader", "viewer")
    with pytest.raises(PermissionDenied, match="reader"), db.transaction() as s:
        documents.ingest(s, users.get_user(s, "reader"), SourceText.from_text("r.txt", REPORT))
