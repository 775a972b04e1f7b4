"""Heading detection on documents of our own writing, and on the corpus."""

from __future__ import annotations

import re

from luoshi.text.document import Document
from luoshi.text.headings import detect_headings
from luoshi.text.outline import build_outline
from tests.conftest import corpus_file

REPORT = """各位代表：
一、过去一年工作回顾
——经济运行稳中有进。全区生产总值增长5%。
——民生保障更加有力。新建学校3所。
一是创新动能持续增强。推动企业研发。
二、今年主要任务
（一）全力推动产业升级
着力壮大先进制造业。培育链主企业，强化配套。提升产业链韧性。推进龙头项目落地，加快扩产。做强产业集群。完善招商机制，扩大投资。最后总结一下。
加快发展现代服务业。发展金融、物流和会展，打造服务品牌。
（二）全力改善民生
1.办好民生实事。推进养老托育。
2.稳定就业。扩大岗位供给。
"""


def levels(text: str) -> list[tuple[int, str]]:
    doc = Document.from_text("t.txt", text)
    return [(h.level, h.text) for h in detect_headings(doc.raw, doc.folded)]


def test_structural_and_run_in_levels() -> None:
    assert levels(REPORT) == [
        (1, "一、过去一年工作回顾"),
        (4, "——经济运行稳中有进"),
        (4, "——民生保障更加有力"),
        (4, "一是创新动能持续增强"),
        (1, "二、今年主要任务"),
        (2, "（一）全力推动产业升级"),
        (4, "着力壮大先进制造业"),
        (5, "提升产业链韧性"),
        (5, "做强产业集群"),
        (4, "加快发展现代服务业"),
        (2, "（二）全力改善民生"),
        (3, "1.办好民生实事"),
        (3, "2.稳定就业"),
    ]


def test_item_numbers_are_level_two_without_a_parenthesised_level() -> None:
    text = "一、总体要求\n1.指导思想。坚持稳中求进。\n2.主要目标。到2025年实现目标。\n"
    assert levels(text) == [(1, "一、总体要求"), (2, "1.指导思想"), (2, "2.主要目标")]


def test_other_part_markers() -> None:
    text = "第一部分 总体要求\n一.指导思想\n坚持稳中求进。\n第二部分 重点任务\n"
    assert levels(text) == [
        (1, "第一部分 总体要求"),
        (2, "一.指导思想"),
        (1, "第二部分 重点任务"),
    ]


def test_lone_short_sentence_is_prose_not_a_heading() -> None:
    text = "一、总体要求\n工作很重要。我们要抓好落实，确保实效。\n"
    assert levels(text) == [(1, "一、总体要求")]


def test_byline_dash_is_not_a_heading() -> None:
    assert levels("政府工作报告\n——2024年1月在区人民代表大会上\n") == []


def test_press_conference_questions_are_level_one() -> None:
    text = (
        "01\n下一步，如何推动政策落地?\n区发展改革委主任:\n"
        "一是加强组织领导。组建专班。\n二是强化督查考核。定期通报。\n"
        "记者:企业能享受哪些支持?\n区商务局局长:\n目前已有十项政策兑现。\n"
    )
    assert levels(text) == [
        (1, "下一步，如何推动政策落地?"),
        (3, "一是加强组织领导"),
        (3, "二是强化督查考核"),
        (1, "记者:企业能享受哪些支持?"),
    ]


def test_stance_of_parts() -> None:
    outline = build_outline(Document.from_text("t.txt", REPORT))
    stances = {n.heading.text: n.stance for n in outline.nodes}
    assert stances["一、过去一年工作回顾"] == "retrospective"
    assert stances["——经济运行稳中有进"] == "retrospective"
    assert stances["二、今年主要任务"] == "forward"
    assert stances["（一）全力推动产业升级"] == "forward"


def test_outline_parts_nest() -> None:
    outline = build_outline(Document.from_text("t.txt", REPORT))
    node = outline.node_at(REPORT.index("新建学校3所"))
    assert node is not None and node.heading.text == "——民生保障更加有力"
    assert [n.heading.text for n in outline.path(node)] == [
        "一、过去一年工作回顾",
        "——民生保障更加有力",
    ]


def _punctuation_free(s: str) -> str:
    return re.sub(r"[,，、:：;；()（）\s]", "", s)


def test_same_report_in_both_punctuation_styles_has_one_outline() -> None:
    a = Document.from_path(corpus_file("000"))
    b = Document.from_path(corpus_file("001"))
    outline_a = [(h.level, _punctuation_free(h.text)) for h in detect_headings(a.raw, a.folded)]
    outline_b = [(h.level, _punctuation_free(h.text)) for h in detect_headings(b.raw, b.folded)]
    assert outline_a == outline_b
    assert len(outline_a) > 50


def test_bracketed_reporter_questions() -> None:
    text = "【记者】今年如何扩大有效投资?\n【区发展改革委】今年将实施重点项目100个。\n"
    assert levels(text) == [(1, "【记者】今年如何扩大有效投资?")]


def test_run_in_heading_may_list_aspects_but_not_clauses() -> None:
    text = (
        "二、今年主要任务\n"
        "（一）推动产业升级\n"
        "壮大先进制造业。培育链主企业，强化配套。\n"
        "推进产业智能化、绿色化、融合化发展。建设智能工厂，推广清洁生产。\n"
        "我们要加快发展，扩大投资。新建项目10个，完善配套。\n"
    )
    found = levels(text)
    assert (3, "推进产业智能化、绿色化、融合化发展") in found
    assert all("加快发展" not in t for _, t in found)
