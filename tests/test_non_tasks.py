"""Only real tasks: reviews, situation statements, glossaries, notes and tables of
contents are left out of a drafted plan, each with its reason."""

from __future__ import annotations

from datetime import date

from luoshi.extract.annotations import find_annotations
from luoshi.extract.columns import column_names
from luoshi.extract.pipeline import extract
from luoshi.extract.tasks import Drafting, draft
from luoshi.extract.unit_names import lead_and_co
from luoshi.text.document import Document
from luoshi.text.normalize import fold
from tests.conftest import corpus_file

PLAN = """临江市国民经济和社会发展第十五个五年规划纲要
目录
第一章　发展基础
第二章　主要任务
第三章　名词解释
第一章　发展基础
“十四五”时期，全市地区生产总值年均增长6%，新建学校40所。过去五年，我们建成了一批重大工程。
第二章　主要任务
第一节　面临的形势
当前外部环境更趋复杂，发展不平衡问题仍然突出。
第二节　重点举措
加快建设临江港区，新增泊位8个。到2035年建成区域航运中心。
全市已建成5G基站1万个，要推动5G网络向乡村延伸。
注：文中数据为预计数。
第三章　名词解释
新质生产力：以创新起主导作用的先进生产力。
"""


def drafting(text: str) -> Drafting:
    return draft(extract(Document.from_text("plan.txt", text)))


def test_reviews_situations_glossaries_notes_and_contents_are_left_out() -> None:
    d = drafting(PLAN)
    titles = [t.title for t in d.drafts]
    assert titles == [
        "第二章　主要任务",
        "第二节　重点举措",
        "加快建设临江港区，新增泊位8个",
        "到2035年建成区域航运中心",
        "全市已建成5G基站1万个，要推动5G网络向乡村延伸",
    ]

    def reason(snippet: str) -> str:
        return next(o.reason for o in d.left_out if snippet in PLAN[o.start : o.end])

    assert reason("目录\n第一章　发展基础\n第二章").startswith("目录")
    assert reason("“十四五”时期，全市").startswith("回顾")
    assert reason("我们建成了一批重大工程").startswith("回顾")
    assert reason("当前外部环境更趋复杂").startswith("形势与问题")
    assert reason("注：文中数据为预计数").startswith("名词解释或附注")
    assert reason("新质生产力：以创新").startswith("名词解释")


def test_a_plans_tasks_are_due_at_the_end_of_its_period_or_in_2035() -> None:
    by_title = {t.title: t for t in drafting(PLAN).drafts}
    assert by_title["加快建设临江港区，新增泊位8个"].deadline == date(2030, 12, 31)
    assert by_title["到2035年建成区域航运中心"].deadline == date(2035, 12, 31)


def test_a_sentence_reporting_results_in_a_forward_part_is_left_out() -> None:
    text = (
        "二、2024年重点任务\n（一）扩大开放\n"
        "去年，全市引进外资企业30家。推动外贸提质增效。已建成国际物流园。\n"
    )
    d = drafting(text)
    assert [t.title for t in d.drafts if t.kind == "measure"] == ["推动外贸提质增效"]
    assert sum(o.reason.startswith("回顾") for o in d.left_out) == 2


def test_the_outline_of_the_15th_plan_has_no_achievement_or_contents_task() -> None:
    doc = Document.from_path(corpus_file("2026_guowuyuan"))
    d = draft(extract(doc))
    assert not any("“十四五”时期" in t.title and "成就" in t.title for t in d.drafts)
    assert all(t.deadline is None or t.deadline >= date(2026, 1, 1) for t in d.drafts)
    titles = [t.title for t in d.drafts if t.kind == "group"]
    assert len(titles) == len(set(titles))  # the table of contents repeats every heading
    assert any(o.reason.startswith("目录") for o in d.left_out)


def test_annotations_of_every_form() -> None:
    text = (
        "推进口岸提效（牵头单位：市口岸办；配合单位：市商务局、市交通局；责任人：王明；"
        "完成时限：2025年9月底）\n"
        "建设冷链中心【责任单位】市商贸局、市农业局\n"
        "改造老旧小区（市住建局牵头，市财政局等配合）\n"
        "整治河道（由政府统筹负责）\n"
    )
    anns = find_annotations(text, fold(text))
    got = [(a.lead, a.co, a.person) for a in anns]
    assert got == [
        ("市口岸办", ["市商务局", "市交通局"], "王明"),
        ("市商贸局", ["市农业局"], None),
        ("市住建局", ["市财政局"], None),
    ]
    a = anns[0]
    assert a.deadline is not None and text[a.deadline[0] : a.deadline[1]] == "2025年9月底"


def test_unit_lists_and_column_names() -> None:
    assert lead_and_co("市发展改革委牵头，市财政局、市税务局等配合") == (
        "市发展改革委",
        ["市财政局", "市税务局"],
    )
    assert lead_and_co("市商务局（牵头）、市财政局") == ("市商务局", ["市财政局"])
    names = column_names()
    assert names.field_of("责任单位\n（牵头）") == "lead"
    assert names.field_of("完成时限") == "deadline"
    assert names.field_of("协办单位") == "co"
    assert names.field_of("推进情况") == "progress"
    assert names.field_of("2025年重点任务分解表（第一批）说明") is None
