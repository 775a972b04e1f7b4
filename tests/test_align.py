"""Alignment (对接): which city task does each district task answer?"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from luoshi.cli import cli
from luoshi.errors import InputError
from luoshi.extract.align import align_documents, alignment_record
from luoshi.extract.align_lexicon import default_lexicon, parse_lexicon
from luoshi.extract.align_units import child_units, parent_units
from luoshi.extract.pipeline import Extraction, extract
from luoshi.text.document import Document
from tests.conftest import corpus_file
from tests.link_support import CITY, DISTRICT


def doc(name: str, text: str) -> Extraction:
    return extract(Document.from_text(name, text))


def test_child_units_are_headings_and_measure_sentences() -> None:
    x = doc("district.txt", DISTRICT)
    assert x.outline is not None
    units = child_units(x.outline)
    assert [(u.level, u.text) for u in units][:4] == [
        (2, "（一）聚焦产业发展"),
        (3, "壮大制造业集群"),
        (4, "围绕链主企业招商，新建智能工厂5家"),
        (4, "积极引进展会项目，办好区域博览会"),
    ]
    for u in units:
        assert x.doc.raw[u.start : u.end] == u.text
        assert not u.text.endswith("。")


def test_parent_candidates_leave_out_review_and_self_building() -> None:
    x = doc("city.txt", CITY)
    assert x.outline is not None
    texts = [u.text for u in parent_units(x.outline, default_lexicon())]
    assert "（一）全力推动产业升级" in texts and "促进高质量充分就业" in texts
    assert not any("回顾" in t or "经济运行" in t or "依法行政" in t for t in texts)
    assert "二、2025年主要任务" not in texts  # a top-level part is not a task


def test_table_of_contents_is_skipped_and_chapters_sit_under_parts() -> None:
    outline = (
        "目录\n第一篇 总体要求\n第一章 指导思想\n第二篇 产业发展\n第二章 壮大制造业\n"
        "第一篇 总体要求\n第一章 指导思想\n坚持稳中求进。\n"
        "第二篇 产业发展\n第二章 壮大制造业\n"
        "第一节 培育产业集群\n建设先进制造业集群，培育链主企业。\n"
        "第二节 推进智能制造\n建设智能工厂，推进数字化转型。\n"
    )
    x = doc("plan.txt", outline)
    assert x.outline is not None
    units = parent_units(x.outline, default_lexicon())
    body = outline.index("第二篇 产业发展\n第二章 壮大制造业\n第一节")
    assert [u.text for u in units] == [
        "第二章 壮大制造业",
        "第一节 培育产业集群",
        "第二节 推进智能制造",
    ]
    assert all(u.start > body for u in units)
    assert units[1].group == 0 and units[2].group == 0


def test_district_tasks_find_the_city_tasks_they_answer() -> None:
    found = {a.child.text: a for a in align_documents(doc("d.txt", DISTRICT), doc("c.txt", CITY))}
    first = {t: a.parents[0].unit.text for t, a in found.items() if a.parents}
    assert first["（一）聚焦产业发展"] == "（一）全力推动产业升级"
    assert first["（二）聚焦民生保障"] == "（二）全力办好民生实事"
    assert first["围绕链主企业招商，新建智能工厂5家"] == "加快发展先进制造业"
    assert first["积极引进展会项目，办好区域博览会"] == "大力发展会展经济"
    assert first["全年城镇新增就业2万人，开展技能培训"] == "促进高质量充分就业"


def test_reason_names_shared_indicators_and_words() -> None:
    found = align_documents(doc("d.txt", DISTRICT), doc("c.txt", CITY))
    jobs = next(a for a in found if a.child.text.startswith("全年城镇新增就业"))
    best = jobs.parents[0]
    assert "城镇新增就业" in best.indicators
    assert any("就业" in w for w in best.words)
    fair = next(a for a in found if a.child.text.startswith("积极引进展会"))
    assert "会展" in fair.parents[0].words  # the synonym group 展会 ≈ 会展


def test_a_local_matter_gets_no_parent() -> None:
    found = align_documents(doc("d.txt", DISTRICT), doc("c.txt", CITY))
    local = next(a for a in found if a.child.text.startswith("深入开展群众性文明创建"))
    assert local.parents == ()


def test_record_follows_the_spec() -> None:
    child, parent = doc("d.txt", DISTRICT), doc("c.txt", CITY)
    a = next(a for a in align_documents(child, parent) if a.parents)
    rec = alignment_record("d.txt", "c.txt", a)
    assert rec["child"]["doc"] == "d.txt" and rec["parent_doc"] == "c.txt"
    assert set(rec["child"]) == {"doc", "start", "end", "level", "text"}
    p = rec["parents"][0]
    assert parent.doc.raw[p["start"] : p["end"]] == p["text"]
    assert p["score"] > 0 and set(p["reason"]) == {"indicators", "words"}
    scores = [x["score"] for x in rec["parents"]]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 3


def test_lexicon_errors_name_the_table() -> None:
    with pytest.raises(InputError, match=r"\[synonyms\]"):
        parse_lexicon('[parts]\nnot_tasks = ["回顾"]\n[words]\ngeneric = ["推进"]\n', "x.toml")
    with pytest.raises(InputError, match="正则"):
        parse_lexicon('[parts]\nnot_tasks = ["("]\n[words]\ngeneric = ["推进"]\n', "x.toml")
    with pytest.raises(InputError, match="not_tasks"):
        parse_lexicon('[words]\ngeneric = ["推进"]\n[synonyms]\n"会展" = ["展会"]\n', "x.toml")


def test_shipped_lexicon_groups_are_lists_of_words() -> None:
    lex = default_lexicon()
    assert lex.concepts("举办博览会和展会") == ["会展", "会展"]
    assert "医疗卫生" in lex.concepts("医保") and "社会保障" in lex.concepts("医保")
    assert lex.not_a_task_part("二、指导思想和基本原则")
    assert not lex.not_a_task_part("二、2024年主要目标任务")
    for word, groups in lex.concept_of.items():
        assert word.strip() == word and len(word) >= 1 and groups


def test_cli_jsonl_and_table(tmp_path: Path) -> None:
    child, parent = tmp_path / "d.txt", tmp_path / "c.txt"
    child.write_text(DISTRICT, encoding="utf-8")
    parent.write_text(CITY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["align", str(child), str(parent), "--jsonl"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(child_units(doc("d.txt", DISTRICT).outline))  # type: ignore[arg-type]
    assert all(r["parent_doc"] == "c.txt" for r in records)
    table = CliRunner().invoke(cli, ["align", str(child), str(parent)])
    assert table.exit_code == 0
    assert "上级任务" in table.output and "大力发展会展经济" in table.output
    assert "上级无对应任务" in table.output


def test_cli_names_an_unreadable_file(tmp_path: Path) -> None:
    parent = tmp_path / "c.txt"
    parent.write_text(CITY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["align", str(tmp_path / "missing.txt"), str(parent)])
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr


@pytest.mark.corpus
def test_corpus_alignment_spans_slice_both_texts() -> None:
    child, parent = doc_file("003"), doc_file("000")
    found = align_documents(child, parent)
    assert found and sum(1 for a in found if a.parents) > len(found) / 2
    for a in found:
        assert child.doc.raw[a.child.start : a.child.end] == a.child.text
        for m in a.parents:
            assert parent.doc.raw[m.unit.start : m.unit.end] == m.unit.text


def doc_file(prefix: str) -> Extraction:
    path = corpus_file(prefix)
    return extract(Document.from_path(path))


def test_cli_says_when_a_file_has_no_tasks(tmp_path: Path) -> None:
    plain = tmp_path / "note.txt"
    plain.write_text("今天召开会议。会议听取了汇报。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["align", str(plain), str(plain), "--jsonl"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "没有可作上级任务的标题" in result.stderr and "没有找到任务" in result.stderr
