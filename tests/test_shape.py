"""Document shapes: text pasted without line breaks, one sentence per line, no structure."""

from __future__ import annotations

from luoshi.text.document import Document
from luoshi.text.outline import build_outline
from luoshi.text.paragraphs import paragraphs
from luoshi.text.shape import reading_paragraphs, shape_of

THEME = (
    "{0}。围绕这项工作，我们将统筹推进各方面资源，完善工作机制，强化督促检查，"
    "确保各项举措落到实处、见到实效，让群众有更多获得感。"
)


def _report() -> str:
    """A report of our own writing: parts, sections and run-in themes, one paragraph per line."""
    parts = []
    for part in ("一、总体要求", "二、重点任务", "三、保障措施", "四、组织实施"):
        parts.append(part)
        for section in ("（一）稳定经济增长", "（二）扩大对外开放", "（三）加强生态保护"):
            parts.append(section)
            for theme in ("更加注重扩大内需", "更加注重创新驱动", "更加注重改善民生"):
                parts.append(THEME.format(theme))
    return "\n".join(parts) + "\n"


def _outline(text: str) -> list[tuple[int, str]]:
    outline = build_outline(Document.from_text("t.txt", text))
    return [(n.heading.level, n.heading.text) for n in outline.nodes]


def test_lines_are_paragraphs_in_an_ordinary_document() -> None:
    text = _report()
    assert shape_of(text, paragraphs(text)) == "lines"
    assert build_outline(Document.from_text("t.txt", text)).warnings == []


def test_text_without_line_breaks_finds_the_same_headings() -> None:
    text = _report()
    joined = text.replace("\n", "")
    doc = Document.from_text("t.txt", joined)
    outline = build_outline(doc)
    assert outline.shape == "one_line"
    want = [(lv, t[:6]) for lv, t in _outline(text)]
    got = [(lv, t[:6]) for lv, t in _outline(joined)]
    # Every part and section is found at its level; a section's first theme runs
    # into the section's title (nothing separates them any more), the others are found.
    assert [x for x in got if x[0] < 3] == [x for x in want if x[0] < 3]
    assert len([x for x in got if x[0] == 3]) == 2 * 12
    for n in outline.nodes:  # offsets still point into the raw text
        assert doc.raw[n.heading.start : n.heading.end] == n.heading.text
    assert len(outline.warnings) == 1 and "换行" in outline.warnings[0]


def test_one_sentence_per_line_is_regrouped() -> None:
    text = _report()
    split = text.replace("。", "。\n")
    outline = build_outline(Document.from_text("t.txt", split))
    assert outline.shape == "sentence_per_line"
    assert _outline(split) == _outline(text)
    assert any("每行" in w for w in outline.warnings)


def test_pasted_line_splits_only_before_markers_that_open_a_sentence() -> None:
    line = "一、总体要求坚持稳中求进，完成3个任务。二、重点任务抓好落实。" * 40
    paras, shape = reading_paragraphs(line)
    assert shape == "one_line"
    assert all(line[p.start : p.start + 2] in ("一、", "二、") for p in paras)
    assert len(paras) == 80


def test_a_document_without_structure_says_so() -> None:
    prose = "我们坚持稳中求进工作总基调，统筹发展和安全，推动经济持续回升向好。" * 60
    outline = build_outline(Document.from_text("flat.txt", prose + "\n" + prose + "\n"))
    assert outline.nodes == []
    assert len(outline.warnings) == 1
    assert outline.warnings[0].startswith("flat.txt：未能识别文档结构")


def test_a_short_note_needs_no_structure() -> None:
    outline = build_outline(Document.from_text("note.txt", "请各单位于本周五前报送材料。\n"))
    assert outline.warnings == []
