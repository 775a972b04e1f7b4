"""Extraction across document styles, on fixtures of our own writing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from luoshi.extract.pipeline import Extraction, extract
from luoshi.text.document import Document

FIXTURES = Path(__file__).parent / "fixtures"


def run(name: str) -> Extraction:
    return extract(Document.from_path(FIXTURES / name))


def find(x: Extraction, text: str) -> Any:
    return next(q for q in x.quantities if q.text == text)


def test_profiles() -> None:
    genres = {n: run(n).profile for n in ("district.txt", "press.txt", "plan.txt", "policy.txt")}
    assert {n: p.genre for n, p in genres.items() if p} == {
        "district.txt": "work_report",
        "press.txt": "press",
        "plan.txt": "plan",
        "policy.txt": "policy",
    }
    plan = genres["plan.txt"]
    assert plan is not None and plan.plan_period == (2021, 2025)


@pytest.mark.parametrize(
    ("doc", "text", "kind", "indicator", "measure", "period"),
    [
        ("district.txt", "612.3亿元", "actual", "地区生产总值", "level", "2023"),
        ("district.txt", "39微克/立方米", "actual", "PM2.5年均浓度", "level", "2023"),
        ("district.txt", "2.5万人", "target", "城镇新增就业", "change", "2024"),
        ("district.txt", "5条", "target", "断头路", "change", "2024"),
        ("press.txt", "301.5亿元", "actual", "地区生产总值", "level", "2024"),
        ("press.txt", "81.7%", "actual", "开工率", "level", "2024"),
        ("press.txt", "22个", "target", "项目", "change", "2024"),
        ("press.txt", "1个工作日", "actual", "企业开办时间", "level", "2024"),
        ("plan.txt", "850亿元", "actual", "地区生产总值", "level", "2020"),
        ("plan.txt", "1200个", "actual", "内资项目", "level", "2016-2020"),
        ("plan.txt", "1200亿元", "target", "地区生产总值", "level", "2025"),
        ("plan.txt", "30个", "target", "智能工厂", "change", "2021-2025"),
        ("policy.txt", "300万元", "target", "每家企业", "level", "2024"),
        ("district2.txt", "265.3亿元", "actual", "地区生产总值", "level", "2023"),
        ("district2.txt", "8.6公里", "actual", "道路总长", "level", "2023"),
        ("district2.txt", "500亿元", "target", "总投资", "level", "2024"),
        ("district2.txt", "10个", "target", "项目", "change", "2024"),
        ("district2.txt", "80个", "target", "重点项目", "change", "2024"),
    ],
)
def test_quantity_in_context(
    doc: str, text: str, kind: str, indicator: str, measure: str, period: str
) -> None:
    q = find(run(doc), text)
    assert (q.kind, q.indicator, q.measure, q.period) == (kind, indicator, measure, period)


def test_full_width_gbk_crlf_news(tmp_path: Path) -> None:
    raw = (FIXTURES / "news.txt").read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "news_gbk.txt"
    path.write_bytes(raw.encode("gbk"))
    doc = Document.from_path(path)
    assert doc.encoding == "gb18030"
    x = extract(doc)
    texts = [q.text for q in x.quantities]
    assert "１２３４５．６亿元" in texts and "５％" in texts and "６％" in texts
    low, high = find(x, "５％"), find(x, "６％")
    assert (low.value, low.value_max, high.value, high.value_min) == (5, 6, 6, 5)
    last = x.quantities[-1]
    assert (last.kind, last.indicator, last.comparator) == ("target", "地区生产总值", "~")
    assert all(doc.raw[q.start : q.end] == q.text for q in x.quantities)


def test_press_conference_outline() -> None:
    x = run("press.txt")
    assert x.outline is not None
    heads = [(n.heading.level, n.heading.kind) for n in x.outline.nodes]
    assert heads[0] == (1, "question")
    assert (3, "ordinal") in heads


def test_a_summary_reports_facts_without_tense_cues() -> None:
    text = "某区2024年工作总结\n全区新建学校4所，地区生产总值增长5.2%。\n"
    x = extract(Document.from_text("s.txt", text))
    assert x.profile is not None and x.profile.genre == "review"
    assert [q.kind for q in x.quantities] == ["actual", "actual"]
