"""督查通报 in the office's own Word template (docxtpl): its 红头 masthead, 期号, 文号 and
抄送/印发 block around the bulletin's body.

A template is a .docx with Jinja tags in its text: ``{{ masthead }}``,
``{{ issue_no }}``, ``{{ doc_no }}``, ``{{ title }}``, ``{{ subtitle }}``,
``{{p body }}`` (a paragraph of its own: the figures, tables and charts),
``{{ issuer }}``, ``{{ date }}``, ``{{ cc }}``, ``{{ printed_by }}``,
``{{ printed_date }}``. The default one (``luoshi/data/templates/bulletin.docx``)
is made by ``build_default_template``; an office passes its own to ``--template``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from lxml import etree

from luoshi.errors import InputError
from luoshi.io import docx_layout as layout
from luoshi.io.bulletin import DEFAULT_ISSUER, Section, add_body, title
from luoshi.io.wording import chinese_date, period_label
from luoshi.ledger.read.bulletin import BulletinFigures

RED = RGBColor(0xC0, 0x00, 0x00)
MASTHEAD = "MASTHEAD"
PLACEHOLDERS = ("masthead", "issue_no", "doc_no", "title", "subtitle", "body", "issuer",
                "date", "cc", "printed_by", "printed_date")  # fmt: skip


def default_template() -> Path:
    path = resources.files("luoshi.data").joinpath("templates/bulletin.docx")
    return Path(str(path))


@dataclass(frozen=True)
class BulletinOptions:
    """What the office fills in: who issues it, the issue and document numbers, the
    distribution (抄送) and the printing office (印发); its own template, if any."""

    issuer: str = DEFAULT_ISSUER
    masthead: str = ""
    issue_no: str = ""
    doc_no: str = ""
    cc: str = ""
    printed_by: str = ""
    template: Path | None = None

    @classmethod
    def of(cls, params: Mapping[str, Any], issuer: str) -> BulletinOptions:
        def text(key: str) -> str:
            return str(params.get(key) or "").strip()

        template = params.get("template")
        return cls(issuer, text("masthead"), text("issue_no"), text("doc_no"), text("cc"),
                   text("printed_by"), Path(template) if template else None)  # fmt: skip


def context(fig: BulletinFigures, o: BulletinOptions) -> dict[str, Any]:
    when = period_label(fig.round.period) if fig.round else f"截至{chinese_date(fig.today)}"
    return {
        "masthead": o.masthead or f"{o.issuer}督查通报",
        "issue_no": o.issue_no or f"{fig.today.year}年 第1期",
        "doc_no": o.doc_no,
        "title": title(fig),
        "subtitle": f"（{when}）",
        "issuer": o.issuer,
        "date": chinese_date(fig.today),
        "cc": o.cc,
        "printed_by": o.printed_by or o.issuer,
        "printed_date": chinese_date(fig.today) + "印发",
    }


def write_templated(
    fig: BulletinFigures,
    path: str | Path,
    options: BulletinOptions,
    extra: Sequence[Section] = (),
) -> None:
    """The bulletin in ``options.template`` (else the default), ``extra`` sections after
    the built-in ones (e.g. 单位考核)."""
    source = options.template or default_template()
    try:
        tpl = DocxTemplate(str(source))
        base = tpl.get_docx()
    except Exception as e:  # a file that is not a .docx fails deep inside python-docx
        raise InputError(f"通报模板 {Path(source).name} 不是有效的 .docx 文件：{e}") from None
    _ensure_styles(base)
    body = tpl.new_subdoc()
    add_body(body, fig, extra)
    try:
        tpl.render({**context(fig, options), "body": body})
    except Exception as e:  # jinja2 raises many kinds for a malformed tag
        raise InputError(f"通报模板 {Path(source).name} 中的标记有误：{e}") from None
    # Not get_docx(): once rendered, it reloads the template.
    for t in tpl.docx.tables:
        layout.keep_rows_whole(t)
    try:
        tpl.save(str(path))
    except OSError as e:
        raise InputError(f"无法写入 {path}：{e.strerror or e}") from None


def _ensure_styles(doc: Document) -> None:
    """An office's template may lack our styles; the body needs them."""
    names = {st.name for st in doc.styles}
    if layout.TITLE not in names:
        layout.define_styles(doc)
    if "Table Grid" not in names:
        raise InputError("通报模板中缺少「Table Grid」（网格型）表格样式，请在 Word 中另存后重试")


# -- the default template ---------------------------------------------------------


def build_default_template(path: Path) -> None:
    """Make the shipped template: 红头 and rule, 期号 and 文号, title, body, signature,
    and the 版记 (抄送 / 印发) between two rules. Our own layout and words only."""
    doc = docx.Document()
    layout.page_setup(doc)
    layout.define_styles(doc)
    head = doc.add_paragraph(style=layout.TITLE)
    run = head.add_run("{{ masthead }}")
    run.font.color.rgb, run.font.size, run.bold = RED, Pt(36), True
    doc.add_paragraph("{{ issue_no }}", style=layout.SUBTITLE)
    number = doc.add_paragraph("{{ doc_no }}", style=layout.SUBTITLE)
    _rule(number, "bottom", "C00000", 12)
    doc.add_paragraph("", style=layout.SUBTITLE)
    doc.add_paragraph("{{ title }}", style=layout.TITLE)
    doc.add_paragraph("{{ subtitle }}", style=layout.SUBTITLE)
    doc.add_paragraph("{{p body }}")
    gap = doc.add_paragraph("")
    issuer = doc.add_paragraph("{{ issuer }}", style=layout.CLOSING)
    for p in (gap, issuer):
        p.paragraph_format.keep_with_next = True
    doc.add_paragraph("{{ date }}", style=layout.CLOSING)
    doc.add_paragraph("")
    cc = doc.add_paragraph("{%p if cc %}", style=layout.CAPTION)
    cc.paragraph_format.space_before = Pt(0)
    line = doc.add_paragraph("抄送：{{ cc }}", style=layout.CAPTION)
    _rule(line, "top", "000000", 6)
    doc.add_paragraph("{%p endif %}", style=layout.CAPTION)
    printed = doc.add_paragraph("{{ printed_by }}\t{{ printed_date }}", style=layout.CAPTION)
    printed.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _rule(printed, "top", "000000", 6)
    _rule(printed, "bottom", "000000", 6)
    doc.core_properties.title = "督查通报模板"
    doc.core_properties.author = "Luoshi"
    doc.save(str(path))


def _rule(p: Paragraph, side: str, colour: str, eighths: int) -> None:
    """A line above or below a paragraph (the masthead's red rule, the 版记's rules)."""
    p_pr = p._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = etree.SubElement(p_pr, qn("w:pBdr"))
    attrs = {qn("w:val"): "single", qn("w:sz"): str(eighths), qn("w:space"): "1",
             qn("w:color"): colour}  # fmt: skip
    etree.SubElement(borders, qn(f"w:{side}"), attrs)


if __name__ == "__main__":  # python -m luoshi.io.bulletin_template: rebuild the default
    build_default_template(default_template())
