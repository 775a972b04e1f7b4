"""督办函: the Word letter sent to a unit whose tasks are overdue long enough.

Laid out as a 公文 with the bulletin's page and type (io/docx_layout.py): title,
addressee, the tasks with how late each is, what the unit must do, signature.
"""

from __future__ import annotations

import io
from datetime import date

import docx

from luoshi.io import docx_layout as layout
from luoshi.io.wording import chinese_date
from luoshi.ledger.reminders import Due

DEFAULT_ISSUER = "督查室"
REPLY_DAYS = 5


def letter_docx(unit: str, plan: str, due: Due, day: date, issuer: str = DEFAULT_ISSUER) -> bytes:
    """The .docx bytes of a 督办函 to ``unit`` about the tasks of ``due``."""
    doc = docx.Document()
    layout.page_setup(doc)
    layout.define_styles(doc)
    doc.core_properties.title = f"督办函（{unit}）"
    doc.core_properties.author = issuer
    doc.add_paragraph("督 办 函", style=layout.TITLE)
    doc.add_paragraph(f"（计划 {plan}）", style=layout.SUBTITLE)
    doc.add_paragraph("")
    addressee = doc.add_paragraph(f"{unit}：")
    addressee.paragraph_format.first_line_indent = 0
    doc.add_paragraph(
        f"经督查，截至{chinese_date(day)}，你单位牵头的以下{len(due.lines)}项任务已超过"
        "完成时限，尚未办结。现予督办："
    )
    code, late = layout.fitting("编号"), layout.Column("逾期情况", 4.2)
    columns = [code, layout.filling("任务", [code, late]), late]
    rows = [[x.code, x.title, x.detail] for x in due.lines]
    layout.table(doc, columns, rows)
    doc.add_paragraph("")
    doc.add_paragraph(
        f"请你单位高度重视，于收到本函之日起{REPLY_DAYS}个工作日内书面报告办理情况、"
        "逾期原因和整改措施；确需延期的，请通过系统提交延期申请，说明理由。"
    )
    doc.add_paragraph("")
    doc.add_paragraph(issuer, style=layout.CLOSING)
    doc.add_paragraph(chinese_date(day), style=layout.CLOSING)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
