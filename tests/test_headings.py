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
着力壮大先进制造业。培育链主企业，强化配套。提升产业链韧性。推进龙头项目落地，加快扩产，支持企业建设研发中心和中试基地，打通上下游配套环节，稳住重点产业链供应链。做强产业集群。完善招商机制，扩大投资，围绕主导产业引进一批配套企业，提升集群规模和能级水平，形成若干特色产业集群。推动智能化升级。建设智能工厂和数字化车间，推动中小企业上云用数赋智，培育一批数字化转型服务商。
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
        (5, "推动智能化升级"),
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


def test_a_paragraph_of_short_measures_has_no_inline_headings() -> None:
    # A national report lists measures as short sentences; they are not a series of themes.
    text = (
        "二、今年工作\n（一）深化改革\n"
        "完善要素市场化配置体制机制。加强产权保护。深入推进审批改革，优化营商环境。"
        "出台国企改革方案。支持民营企业发展。完善资本市场基础制度。"
        "扎实推进农业农村、社会事业等领域改革。推动区域协定签署。\n"
    )
    assert levels(text) == [
        (1, "二、今年工作"),
        (2, "（一）深化改革"),
    ]


def test_themes_without_elaboration_are_not_a_series() -> None:
    text = (
        "（一）稳定就业\n"
        "扩大就业容量。加强技能培训。开展职业技能提升行动，扩大培训规模，提高培训质量和就业率。"
        "支持灵活就业。完善社会保障。健全灵活就业人员社保制度，维护新就业形态劳动者权益。"
        "促进创业带动就业。强化公共服务。\n"
    )
    assert [lv for lv, _ in levels(text)] == [2]


def test_pian_zhang_jie_are_three_levels() -> None:
    text = (
        "第一篇 总体要求\n第一章 发展环境\n第一节 发展基础\n我们取得了很大成就。\n"
        "第二节 面临形势\n形势复杂。\n第二章 主要目标\n目标明确。\n"
        "第二篇 产业发展\n第三章 制造业\n做强制造业。\n"
    )
    assert levels(text) == [
        (1, "第一篇 总体要求"),
        (2, "第一章 发展环境"),
        (3, "第一节 发展基础"),
        (3, "第二节 面临形势"),
        (2, "第二章 主要目标"),
        (1, "第二篇 产业发展"),
        (2, "第三章 制造业"),
    ]


def test_zhang_and_jie_without_pian_start_at_level_one() -> None:
    text = "第一章 总则\n第一节 目的\n为了规范管理。\n第二章 任务\n抓好落实。\n"
    assert [lv for lv, _ in levels(text)] == [1, 2, 1]


def test_articles_are_one_level_below_their_part() -> None:
    text = (
        "第一章 总则\n第一条 为规范专项资金管理，制定本办法。\n第二条 本办法适用于全市。\n"
        "第二章 支持范围\n第三条 支持企业技术改造。\n"
    )
    assert levels(text) == [
        (1, "第一章 总则"),
        (2, "第一条 为规范专项资金管理，制定本办法"),
        (2, "第二条 本办法适用于全市"),
        (1, "第二章 支持范围"),
        (2, "第三条 支持企业技术改造"),
    ]
    assert [
        lv for lv, _ in levels("第一条 为规范管理，制定本办法。\n第二条 本办法自公布之日起施行。\n")
    ] == [1, 1]


def test_table_of_contents_is_not_headings() -> None:
    body = (
        "第一篇 总体要求\n总的要求是稳中求进。\n"
        "第一章 发展环境\n环境复杂。\n第二章 主要目标\n目标明确。\n"
    )
    toc = "目录\n第一篇 总体要求\n第一章 发展环境\n第二章 主要目标\n"
    got = levels("规划纲要\n" + toc + body)
    assert got == [(1, "第一篇 总体要求"), (2, "第一章 发展环境"), (2, "第二章 主要目标")]
    doc = Document.from_text("t.txt", "规划纲要\n" + toc + body)
    starts = [h.start for h in detect_headings(doc.raw, doc.folded)]
    assert min(starts) >= doc.raw.index("目录") + len(toc)


def test_untitled_contents_with_page_numbers_are_skipped() -> None:
    toc = "一、总体要求……1\n二、重点任务……3\n三、保障措施……9\n"
    body = "一、总体要求\n坚持稳中求进。\n二、重点任务\n抓好落实。\n三、保障措施\n加强领导。\n"
    got = levels(toc + body)
    assert got == [(1, "一、总体要求"), (1, "二、重点任务"), (1, "三、保障措施")]
    assert all(h.start >= len(toc) for h in _heads(toc + body))


def test_consecutive_headings_of_the_body_are_kept() -> None:
    text = (
        "一、总体要求\n（一）指导思想\n（二）基本原则\n坚持稳中求进。\n二、重点任务\n抓好落实。\n"
    )
    assert [t for _, t in levels(text)] == [
        "一、总体要求",
        "（一）指导思想",
        "（二）基本原则",
        "二、重点任务",
    ]


def _heads(text: str) -> list[object]:
    doc = Document.from_text("t.txt", text)
    return list(detect_headings(doc.raw, doc.folded))
