"""The whole corpus: every span slices the raw text; the SPEC contract holds."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from luoshi.cli import cli
from luoshi.extract.pipeline import extract
from luoshi.text.document import Document
from tests.conftest import corpus_file
from tests.test_properties import check_spans

SPEC_FIELDS = {"doc", "start", "end", "text", "value", "unit", "kind", "indicator", "comparator"}


def test_every_corpus_span_slices_its_text(corpus_dir: Path) -> None:
    for path in sorted(corpus_dir.glob("*.txt")):
        check_spans(Document.from_path(path).raw)


def test_jsonl_records_follow_the_spec() -> None:
    path = corpus_file("000")
    result = CliRunner().invoke(cli, ["extract", str(path), "--jsonl"])
    assert result.exit_code == 0
    raw = path.read_text(encoding="utf-8")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) > 100
    for rec in records:
        assert SPEC_FIELDS | {"measure", "period", "section"} <= rec.keys()
        assert rec["doc"] == path.name
        assert raw[rec["start"] : rec["end"]] == rec["text"]


def test_goal_is_found_with_its_indicator() -> None:
    x = extract(Document.from_path(corpus_file("000")))
    goal = next(q for q in x.quantities if q.text == "2300万标准箱")
    assert (goal.kind, goal.comparator, goal.measure) == ("target", ">", "level")
    assert goal.indicator == "集装箱吞吐量"
    assert goal.value == 23_000_000


def test_same_report_in_both_punctuation_styles_gives_the_same_quantities() -> None:
    def facts(prefix: str) -> list[tuple[object, ...]]:
        x = extract(Document.from_path(corpus_file(prefix)))
        fold = str.maketrans(",:;()!?", "，：；（）！？")
        return [
            (
                q.value,
                q.unit,
                q.kind,
                q.comparator,
                q.measure,
                q.period,
                q.indicator.translate(fold),
            )
            for q in x.quantities
        ]

    a, b = facts("000"), facts("001")
    assert len(a) > 100
    assert a == b
