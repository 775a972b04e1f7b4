"""Drafting a task tree from a document of our own writing, and from the corpus."""

from __future__ import annotations

from datetime import date

from luoshi.extract.pipeline import extract
from luoshi.extract.tasks import TaskDraft, draft_plan
from luoshi.text.document import Document
from tests.builders import REPORT
from tests.conftest import corpus_file


def drafts(text: str) -> list[TaskDraft]:
    return draft_plan(extract(Document.from_text("r.txt", text)))


def test_tree_follows_forward_parts_only() -> None:
    tree = [(d.code, d.kind, d.title) for d in drafts(REPORT)]
    assert tree == [
        ("1", "group", "二、2024年重点任务"),
        ("1.1", "group", "（一）提升港口能级"),
        ("1.1.1", "task", "更加注重发挥港口优势"),
        ("1.1.1.1", "measure", "拓展航线，集装箱吞吐量突破1600万标准箱"),
        ("1.1.1.2", "measure", "年内建成智慧码头"),
        ("1.1.2", "task", "更加注重扩大开放"),
        ("1.1.2.1", "measure", "引进外资企业20家"),
        ("1.2", "group", "（二）办好民生实事"),
        ("1.2.1", "measure", "新建学校8所，汛前完成河道整治10条"),
    ]


def test_targets_attach_with_baseline_and_deadline() -> None:
    by_code = {d.code: d for d in drafts(REPORT)}
    [port] = by_code["1.1.1.1"].targets
    assert (port.indicator, port.comparator, port.value) == ("集装箱吞吐量", ">", 16_000_000)
    assert port.baseline is not None and port.baseline.value == 15_000_000
    assert REPORT[port.start : port.end] == "1600万标准箱"
    assert by_code["1.1.1.2"].deadline == date(2024, 12, 31)
    assert by_code["1.2.1"].deadline == date(2024, 5, 31)
    assert by_code["1.2.1"].deadline_text == "汛前"
    assert [t.text for t in by_code["1.2.1"].targets] == ["8所", "10条"]
    assert by_code["1.1.1.1"].expected_outcome == "集装箱吞吐量超过1600万标准箱"
    assert by_code["1.1.1.2"].expected_outcome is None


def test_spans_slice_the_source_and_categories_name_sections() -> None:
    for d in drafts(REPORT):
        assert REPORT[d.start : d.start + len(d.title)] == d.title
    cats = {d.code: d.category for d in drafts(REPORT)}
    assert cats["1.1.1.1"] == "（一）提升港口能级"
    assert cats["1.2.1"] == "（二）办好民生实事"


def test_a_forecast_in_a_review_is_still_tracked() -> None:
    text = "一、上半年工作进展\n目前已建成站点12座，预计年底产能将达到300万吨。\n"
    tree = drafts(text)
    targets = [t.text for d in tree for t in d.targets]
    assert targets == ["300万吨"]
    assert [d.kind for d in tree] == ["group", "measure"]


def test_every_forward_heading_is_a_task_and_targets_attach_in_the_report() -> None:
    x = extract(Document.from_path(corpus_file("000")))
    tree = draft_plan(x)
    assert x.outline is not None
    starts = {d.start for d in tree if d.kind != "measure"}
    forward = [n for n in x.outline.nodes if n.stance == "forward"]
    assert len(forward) > 40
    assert all(n.heading.start in starts for n in forward)
    targets = [q for q in x.quantities if q.kind == "target"]
    attached = sum(len(d.targets) for d in tree)
    assert attached >= 0.95 * len(targets)
