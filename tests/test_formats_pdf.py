"""PDF: wrapped lines rebuilt into paragraphs, running lines dropped, clear errors."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib import pdfencrypt
from reportlab.pdfgen.canvas import Canvas

from luoshi.errors import ReadError
from luoshi.text.formats.layout import Line, Page
from luoshi.text.formats.pdf import read_pdf
from luoshi.text.formats.reflow import reflow
from luoshi.text.formats.running import drop_running_lines, is_page_number
from tests.fixtures.documents import build_pdf, fixture_paragraphs

EM = 10.0
MARGIN = 50.0
WIDTH = 30  # characters in a full line
HEIGHT = 800.0


def line(text: str, row: int, indent: int = 0, chars: int | None = None) -> Line:
    """A line on a grid of 10-point characters, ``row`` lines below the top of the body."""
    left = MARGIN + indent * EM
    top = HEIGHT - 100 - row * 1.5 * EM
    return Line(text, left, left + (chars or len(text)) * EM, top - EM, top)


def full(text: str, row: int, indent: int = 0) -> Line:
    """A line that reaches the right margin (it is drawn justified)."""
    return line(text, row, indent, chars=WIDTH - indent)


def page(*lines: Line) -> Page:
    return Page(list(lines), HEIGHT)


def indented_body(rows: int) -> list[Line]:
    """Enough ordinary indented paragraphs for the document's metrics to be clear."""
    out: list[Line] = []
    for p in range(rows):
        out += [full("某", 3 * p, indent=2), full("某", 3 * p + 1), line("某。", 3 * p + 2)]
    return out


def test_sentence_ending_at_the_margin_continues_in_an_indented_document() -> None:
    body = indented_body(3)
    lines = [
        *body,
        full("地区生产总值增长5.5%。", 9, indent=2),
        full("城镇新增就业12万人。", 10),
        line("新建学校8所。", 11),
        full("下一段开头。", 12, indent=2),
        line("结束。", 13),
    ]
    paras = reflow([page(*lines)])
    assert paras[3:] == [
        "地区生产总值增长5.5%。城镇新增就业12万人。新建学校8所。",
        "下一段开头。结束。",
    ]


def test_short_line_ends_a_paragraph_even_without_punctuation() -> None:
    paras = reflow([page(*indented_body(3), line("一、总体要求", 9, indent=2), full("正文", 10))])
    assert paras[-2:] == ["一、总体要求", "正文"]


def test_sentence_end_at_margin_breaks_when_paragraphs_are_not_indented() -> None:
    lines = [full("第一段完。", 0), full("第二段", 1), line("完。", 2), full("第三段", 3)]
    assert reflow([page(*lines)]) == ["第一段完。", "第二段完。", "第三段"]


def test_heading_marker_after_a_clause_end_starts_a_new_paragraph() -> None:
    lines = [
        *indented_body(3),
        full("一是扩大有效投资；", 9, indent=2),
        full("二是促进消费。", 10),
        full("1.新建学校8所；", 11),
        full("2.新增学位2400个", 12),
        line("。", 13),
    ]
    assert reflow([page(*lines)])[3:] == [
        "一是扩大有效投资；",
        "二是促进消费。",
        "1.新建学校8所；",
        "2.新增学位2400个。",
    ]


def test_numbers_rejoin_without_space_and_latin_words_with_one() -> None:
    lines = [full("城镇新增就业12", 0), full("0万人，推进Smart", 1), line("City建设。", 2)]
    assert reflow([page(*lines)]) == ["城镇新增就业120万人，推进Smart City建设。"]


def test_paragraph_continues_across_a_page_break_and_breaks_at_a_gap() -> None:
    first = page(*indented_body(2), full("跨页的段落", 6, indent=2))
    second = page(line("在这里结束。", 0), line("空行之后的段落。", 3))
    assert reflow([first, second])[2:] == ["跨页的段落在这里结束。", "空行之后的段落。"]


def centred(text: str, row: float, size: float) -> Line:
    width = len(text) * size
    left = MARGIN + (WIDTH * EM - width) / 2
    top = HEIGHT - 100 - row * 1.5 * EM
    return Line(text, left, left + width, top - size, top)


def below(lines: list[Line], rows: int) -> list[Line]:
    down = rows * 1.5 * EM
    return [replace(x, top=x.top - down, bottom=x.bottom - down) for x in lines]


def test_a_title_centred_over_two_lines_is_one_paragraph() -> None:
    title = [centred("关于印发青禾区2024年重点工作", 0, 14), centred("任务分解方案的通知", 1.5, 14)]
    body = [
        line("各街道、各部门：", 3),
        full("现将方案印发给你们，", 4, 2),
        line("请贯彻落实。", 5),
    ]
    paras = reflow([page(*title, *body, *below(indented_body(3), 7))])
    assert paras[:3] == [
        "关于印发青禾区2024年重点工作任务分解方案的通知",
        "各街道、各部门：",
        "现将方案印发给你们，请贯彻落实。",
    ]


@pytest.mark.parametrize(
    "text", ["3", "- 3 -", "— 12 —", "第3页", "第 3 页 共 9 页", "3/9", "Page 3"]
)
def test_page_numbers(text: str) -> None:
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["3月", "第3条", "增长3%", "2024年", "三、主要任务"])
def test_not_page_numbers(text: str) -> None:
    assert not is_page_number(text)


def running_page(number: int, body: list[Line]) -> Page:
    header = Line("青禾区人民政府文件", 200, 290, HEIGHT - 50, HEIGHT - 40)
    footer = Line(f"— {number} —", 280, 320, 30, 40)
    return Page([header, *body, footer], HEIGHT)


def test_headers_footers_and_page_numbers_are_dropped_body_numbers_kept() -> None:
    body = [line("正文第一行", 0), line("7", 5), line("正文", 6)]
    pages = [running_page(n, body) for n in (1, 2, 3)]
    assert [[x.text for x in p.lines] for p in drop_running_lines(pages)] == [
        ["正文第一行", "7", "正文"]
    ] * 3


def test_odd_and_even_pages_may_carry_different_headers() -> None:
    def header(n: int) -> Line:
        text = "青禾区人民政府文件" if n % 2 else "2024年重点工作任务分解方案"
        return Line(text, 200, 290, HEIGHT - 50, HEIGHT - 40)

    pages = [Page([header(n), line(f"第{n}页正文", 0)], HEIGHT) for n in range(1, 6)]
    kept = [x.text for p in drop_running_lines(pages) for x in p.lines]
    assert kept == [f"第{n}页正文" for n in range(1, 6)]


def test_a_line_in_the_band_that_does_not_repeat_is_text() -> None:
    pages = [
        running_page(1, [Line("青禾区2024年政府工作报告", 100, 400, HEIGHT - 80, HEIGHT - 60)]),
        running_page(2, [line("正文", 0)]),
    ]
    kept = [x.text for p in drop_running_lines(pages) for x in p.lines]
    assert kept == ["青禾区2024年政府工作报告", "正文"]


def test_printed_report_reads_back_paragraph_for_paragraph(tmp_path: Path) -> None:
    paras = fixture_paragraphs("work_report.txt")
    layout = build_pdf(paras, tmp_path / "r.pdf")
    # The fixture must really wrap within and across pages, with a sentence end at the margin.
    assert layout.pages >= 2 and layout.split_across_pages >= 1
    assert layout.sentence_at_margin >= 1
    assert len(layout.lines) > 2 * len(paras)
    assert read_pdf((tmp_path / "r.pdf").read_bytes(), "r.pdf").splitlines() == paras


def test_block_paragraphs_without_indent_are_separated_by_space(tmp_path: Path) -> None:
    paras = fixture_paragraphs("work_report.txt")
    layout = build_pdf(paras, tmp_path / "b.pdf", indent=0, space_after=0.5, size=12)
    assert layout.pages >= 2
    assert read_pdf((tmp_path / "b.pdf").read_bytes(), "b.pdf").splitlines() == paras


def canvas_pdf(draw_text: bool, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, **kwargs)
    canvas.rect(100, 100, 300, 400, fill=1)  # stands in for a scanned page image
    if draw_text:
        canvas.drawString(100, 700, "Annual report 2024")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_page_number_only_pdf_counts_as_scanned() -> None:
    out = io.BytesIO()
    canvas = Canvas(out)
    for n in (1, 2):
        canvas.rect(100, 100, 300, 400, fill=1)  # the page image
        canvas.drawString(290, 30, str(n))  # the only text: a stamped page number
        canvas.showPage()
    canvas.save()
    with pytest.raises(ReadError, match="没有文字层"):
        read_pdf(out.getvalue(), "scan.pdf")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (canvas_pdf(False), "没有文字层（可能是扫描件）"),
        (
            canvas_pdf(True, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0)),
            "密码",
        ),
        (canvas_pdf(True)[:-200], "不完整"),
        (b"%PDF-1.7\n" + bytes(300) + b"\n%%EOF\n", "已损坏"),
        ("一、总体要求".encode(), "不是 PDF 格式"),
    ],
)
def test_unreadable_pdfs_get_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError) as e:
        read_pdf(data, "bad.pdf")
    assert e.value.message.startswith("bad.pdf：")
    assert reason in e.value.reason
