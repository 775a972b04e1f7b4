"""Page and type for official documents (公文) in python-docx: A4, fonts, tables.

Margins and sizes follow the usual layout of GB/T 9704: A4, 37/35/28/26 mm
margins, the title in 22 pt, body in 16 pt with a fixed 28 pt line. Fonts are
named as Chinese Windows and WPS installs call them; elsewhere (LibreOffice on
Linux) the nearest CJK font is substituted.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

LATIN = "Times New Roman"
TITLE_FONT = "黑体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
CAPTION_FONT = "楷体"
TEXT_WIDTH_CM = 15.6  # 210 mm less 28 mm and 26 mm margins

TITLE = "通报标题"
SUBTITLE = "通报副题"
BODY = "Normal"
HEADING = "Heading 1"
TABLE_TEXT = "表格文字"
CAPTION = "图表说明"
FIGURE = "插图"
CLOSING = "落款"


@dataclass(frozen=True)
class Column:
    header: str
    width_cm: float
    centred: bool = True


def fitting(header: str, centred: bool = True) -> Column:
    """A column just wide enough for its header on one line (10.5 pt, cell margins)."""
    return Column(header, max(1.2, 0.375 * len(header) + 0.45), centred)


def widened(columns: Sequence[Column], total: float = TEXT_WIDTH_CM) -> list[Column]:
    """``columns`` scaled in proportion to span ``total``."""
    factor = total / sum(c.width_cm for c in columns)
    return [Column(c.header, c.width_cm * factor, c.centred) for c in columns]


def filling(header: str, others: Sequence[Column], total: float = TEXT_WIDTH_CM) -> Column:
    """A left-aligned column taking what ``others`` leave of the text width."""
    return Column(header, total - sum(c.width_cm for c in others), centred=False)


def page_setup(doc: Document) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    _page_number(section.footer.paragraphs[0])


def _page_number(p: Paragraph) -> None:
    """— 3 — centred at the foot of every page."""
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    run = p.add_run()._r
    etree.SubElement(run, qn("w:fldChar"), {qn("w:fldCharType"): "begin"})
    instr = etree.SubElement(run, qn("w:instrText"), {qn("xml:space"): "preserve"})
    instr.text = "PAGE"
    etree.SubElement(run, qn("w:fldChar"), {qn("w:fldCharType"): "end"})
    p.add_run(" —")
    for r in p.runs:
        r.font.size = Pt(14)


def set_fonts(style: ParagraphStyle | CharacterStyle, east_asia: str, size: float) -> None:
    """Latin and East Asian font of a style; theme fonts removed, as they would win."""
    style.font.name = LATIN
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()  # exists already: font.name above created it
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east_asia)


def define_styles(doc: Document) -> None:
    body = doc.styles[BODY]
    assert isinstance(body, ParagraphStyle)
    set_fonts(body, BODY_FONT, 16)
    fmt = body.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.first_line_indent = Pt(32)  # two characters
    _style(doc, TITLE, TITLE_FONT, 22, centred=True, line=36)
    _style(doc, SUBTITLE, CAPTION_FONT, 16, centred=True)
    heading = doc.styles[HEADING]
    assert isinstance(heading, ParagraphStyle)
    set_fonts(heading, HEADING_FONT, 16)
    heading.font.bold = False
    heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(6), Pt(0)
    heading.paragraph_format.first_line_indent = Pt(32)
    _style(doc, TABLE_TEXT, TABLE_FONT, 10.5, centred=False, line=None)
    _style(doc, CAPTION, CAPTION_FONT, 12, centred=False, line=None)
    caption = doc.styles[CAPTION]
    assert isinstance(caption, ParagraphStyle)
    caption.paragraph_format.space_before = Pt(12)
    _style(doc, FIGURE, BODY_FONT, 12, centred=True, line=None)
    _style(doc, CLOSING, BODY_FONT, 16, centred=False)
    closing = doc.styles[CLOSING]
    assert isinstance(closing, ParagraphStyle)
    closing.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    closing.paragraph_format.right_indent = Pt(64)


def _style(
    doc: Document, name: str, font: str, size: float, centred: bool, line: float | None = 28
) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = doc.styles[BODY]
    set_fonts(style, font, size)
    fmt = style.paragraph_format
    fmt.first_line_indent = Pt(0)
    if line is None:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.SINGLE, 1.0
    else:
        fmt.line_spacing = Pt(line)
    if centred:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER


def table(doc: Document, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> Table:
    """A bordered table with a bold header row repeated on every page."""
    t: Table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for i, col in enumerate(columns):
        t.columns[i].width = Cm(col.width_cm)
    _fill(t.rows[0].cells, [c.header for c in columns], columns, bold=True)
    _repeat_header(t)
    for row, values in zip(t.rows[1:], rows, strict=True):
        _fill(row.cells, values, columns, bold=False)
    keep_rows_whole(t)
    return t


def keep_rows_whole(t: Table) -> None:
    """No row is split across two pages (w:cantSplit): a task's line reads as one."""
    for row in t.rows:
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, etree.Element(qn("w:cantSplit"), {qn("w:val"): "true"}))


def colour_text(cell: _Cell, hex_colour: str) -> None:
    """Every run of ``cell`` in ``hex_colour`` (#c62828)."""
    rgb = RGBColor.from_string(hex_colour.lstrip("#").upper())
    for p in cell.paragraphs:
        for run in p.runs:
            run.font.color.rgb = rgb


def _fill(
    cells: Sequence[_Cell], values: Sequence[str], columns: Sequence[Column], bold: bool
) -> None:
    for cell, value, col in zip(cells, values, columns, strict=True):
        cell.width = Cm(col.width_cm)
        if bold:
            _shade(cell)  # before vAlign: Word wants w:shd ahead of it in w:tcPr
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        p = cell.paragraphs[0]
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(1.5)
        p.style = TABLE_TEXT
        if col.centred or bold:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(value).bold = bold or None


def _shade(cell: _Cell) -> None:
    """Light grey behind header cells: still legible on a black-and-white printer."""
    tc_pr = cell._tc.get_or_add_tcPr()
    attrs = {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "E7E6E6"}
    etree.SubElement(tc_pr, qn("w:shd"), attrs)


def _repeat_header(t: Table) -> None:
    tr_pr = t.rows[0]._tr.get_or_add_trPr()
    etree.SubElement(tr_pr, qn("w:tblHeader"), {qn("w:val"): "true"})


def picture(doc: Document, png: bytes, width_cm: float = 15.0) -> None:
    p = doc.add_paragraph(style=FIGURE)
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
