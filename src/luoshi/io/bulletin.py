"""督查通报: a plan's progress as a Word bulletin, ready to print on A4.

Sections: overall figures (with a status donut), progress by category and by
lead unit (tables and bar charts), red and overdue tasks, and the units that
have not reported in the round (催办). The figures are those of
``bulletin_figures``; this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import docx
from docx.document import Document

from luoshi.errors import InputError
from luoshi.io import charts
from luoshi.io import docx_layout as layout
from luoshi.io.wording import chinese_date, period_label
from luoshi.ledger.health import HEALTH_COLOURS, HEALTH_LABELS
from luoshi.ledger.read.bulletin import BulletinFigures
from luoshi.ledger.read.figures import Tally, lead_unit_of
from luoshi.ledger.read.rows import TaskRow

DEFAULT_ISSUER = "督查室"
MAX_BARS = 30  # more rows than this do not fit one page at a readable size
# Done first, then the colours from best to worst, in every table.
COUNTED = ("done", "green", "amber", "red", "stalled")
SUMMARY_HEADERS = ["末级任务", *(HEALTH_LABELS[k] for k in COUNTED), "逾期", "总体进度", "应有进度"]
NOTE = (
    "注：进度为各单位最近一次填报且未被退回的完成比例。类别、责任单位的进度为其末级任务"
    "进度按任务权重的平均；总体进度按任务权重逐级汇总。应有进度自开始日期至完成时限线性增长，"
    "状态按实际进度落后于应有进度的程度、是否逾期和连续漏报判定。"
)


# A section added after the built-in ones (e.g. 单位考核, io/bulletin_scores.py).
Section = Callable[[Document], None]


def write_bulletin(
    fig: BulletinFigures,
    path: str | Path,
    issuer: str = DEFAULT_ISSUER,
    extra: Sequence[Section] = (),
) -> None:
    doc = docx.Document()
    layout.page_setup(doc)
    layout.define_styles(doc)
    doc.core_properties.title = title(fig)
    doc.core_properties.author = issuer
    _heading(doc, fig)
    add_body(doc, fig, extra)
    _closing(doc, fig, issuer)
    try:
        doc.save(str(path))
    except OSError as e:
        raise InputError(f"无法写入 {path}：{e.strerror or e}") from None


def add_body(doc: Any, fig: BulletinFigures, extra: Sequence[Section] = ()) -> None:
    """The bulletin between its title and its signature, into ``doc`` (a document or a
    docxtpl sub-document), ``extra`` sections after the built-in ones; the closing note
    keeps with the signature that follows."""
    _overview(doc, fig)
    _groups(doc, "二、各类别推进情况", "类别", fig.figures.by_category)
    _groups(doc, "三、各责任单位推进情况", "责任单位", fig.figures.by_unit)
    _attention(doc, fig.figures.attention)
    _pending(doc, fig)
    for section in extra:
        section(doc)
    note = doc.add_paragraph(NOTE, style=layout.CAPTION)
    # A page must never hold only the signature: the note goes over with it.
    note.paragraph_format.keep_with_next = True


def title(fig: BulletinFigures) -> str:
    return f"关于《{fig.plan_title}》重点任务落实情况的通报"


def _heading(doc: Document, fig: BulletinFigures) -> None:
    doc.add_paragraph(title(fig), style=layout.TITLE)
    when = period_label(fig.round.period) if fig.round else f"截至{chinese_date(fig.today)}"
    doc.add_paragraph(f"（{when}）", style=layout.SUBTITLE)
    doc.add_paragraph("", style=layout.SUBTITLE)


def percent(value: float) -> str:
    return f"{value:.1f}%"


def summary_values(fig: BulletinFigures) -> list[str]:
    f = fig.figures
    t = f.total
    counts = [str(t.counts[k]) for k in COUNTED]
    return [str(t.tasks), *counts, str(t.overdue), percent(f.progress), percent(f.expected)]


def _overview(doc: Document, fig: BulletinFigures) -> None:
    f = fig.figures
    t = f.total
    doc.add_paragraph(
        f"截至{chinese_date(fig.today)}，《{fig.plan_title}》共有末级任务{t.tasks}项，"
        f"已完成{t.counts['done']}项；进展正常{t.counts['green']}项，滞后{t.counts['amber']}项，"
        f"严重滞后{t.counts['red']}项，停滞{t.counts['stalled']}项；逾期未完成{t.overdue}项。"
        f"按任务权重汇总，总体进度{percent(f.progress)}，应有进度{percent(f.expected)}。"
        + _round_sentence(fig)
    )
    doc.add_heading("一、总体情况", level=1)
    columns = layout.widened([layout.fitting(h) for h in SUMMARY_HEADERS])
    layout.table(doc, columns, [summary_values(fig)])
    slices = [
        charts.Slice(HEALTH_LABELS[key], t.counts[key], HEALTH_COLOURS[key]) for key in COUNTED
    ]
    layout.picture(doc, charts.donut_chart("末级任务状态分布", slices, f"{t.tasks}项\n末级任务"))


def _round_sentence(fig: BulletinFigures) -> str:
    if fig.round is None:
        return "本计划尚未发起调度。"
    due = f"（{chinese_date(fig.round.due)}截止）" if fig.round.due else ""
    head = f"{period_label(fig.round.period)}调度{due}"
    if not fig.pending:
        return f"{head}，各责任单位均已报送。"
    tasks = sum(len(p.tasks) for p in fig.pending)
    return f"{head}，{len(fig.pending)}个单位的{tasks}项任务尚未报送进度。"


GROUP_HEADERS = ["任务数", *(HEALTH_LABELS[k] for k in COUNTED), "逾期", "平均进度"]


def group_values(t: Tally) -> list[str]:
    counts = [str(t.counts[k]) for k in COUNTED]
    return [t.name, str(t.tasks), *counts, str(t.overdue), percent(t.progress)]


def _groups(doc: Document, heading: str, name: str, tallies: Sequence[Tally]) -> None:
    doc.add_heading(heading, level=1)
    counts = [layout.fitting(h) for h in GROUP_HEADERS]
    columns = [layout.filling(name, counts), *counts]
    layout.table(doc, columns, [group_values(t) for t in tallies])
    shown = list(tallies)[:MAX_BARS]
    suffix = f"（前{MAX_BARS}个）" if len(tallies) > MAX_BARS else ""
    bars = [charts.Bar(t.name, t.progress, t.expected) for t in shown]
    layout.picture(doc, charts.bar_chart(f"各{name}平均进度{suffix}", bars))


_LAGGARD_FIXED = [
    layout.Column("编号", 1.6),
    layout.Column("责任单位", 2.8),
    layout.Column("完成时限", 2.2),
    layout.Column("进度", 1.6),
    layout.Column("状态", 2.6),
]
LAGGARD_COLUMNS = [
    _LAGGARD_FIXED[0],
    layout.filling("任务", _LAGGARD_FIXED),
    *_LAGGARD_FIXED[1:],
]


def attention_values(r: TaskRow) -> list[str]:
    state = HEALTH_LABELS[r.health] + ("（逾期）" if r.overdue else "")
    deadline = r.deadline.isoformat() if r.deadline else ""
    return [r.code, r.title, lead_unit_of(r), deadline, percent(r.progress), state]


def _attention(doc: Document, attention: Sequence[TaskRow]) -> None:
    doc.add_heading("四、严重滞后、逾期和停滞任务", level=1)
    if not attention:
        doc.add_paragraph("无严重滞后、逾期或停滞任务。")
        return
    doc.add_paragraph(f"共{len(attention)}项，请责任单位说明原因，明确整改措施和完成时间。")
    t = layout.table(doc, LAGGARD_COLUMNS, [attention_values(r) for r in attention])
    for row, r in zip(t.rows[1:], attention, strict=True):
        # The health in the colour the web and the charts give it.
        layout.colour_text(row.cells[-1], HEALTH_COLOURS[r.health])


_PENDING_COUNTS = [layout.fitting("待报任务数"), layout.fitting("已催办次数")]
PENDING_COLUMNS = [
    layout.Column("单位", 4.4, centred=False),
    *_PENDING_COUNTS,
    layout.filling("待报任务编号", [layout.Column("单位", 4.4), *_PENDING_COUNTS]),
]


def _pending(doc: Document, fig: BulletinFigures) -> None:
    doc.add_heading("五、未报送进度的单位（催办）", level=1)
    if fig.round is None:
        doc.add_paragraph("本计划尚未发起调度。")
        return
    if not fig.pending:
        doc.add_paragraph(f"{period_label(fig.round.period)}调度中，各责任单位均已报送。")
        return
    doc.add_paragraph(
        f"{period_label(fig.round.period)}调度中，以下{len(fig.pending)}个单位尚未报齐进度，"
        "请于收到本通报后及时补报。"
    )
    rows = [[p.unit, str(len(p.tasks)), str(p.chases), "、".join(p.tasks)] for p in fig.pending]
    layout.table(doc, PENDING_COLUMNS, rows)


def _closing(doc: Document, fig: BulletinFigures, issuer: str) -> None:
    gap = doc.add_paragraph("")
    name = doc.add_paragraph(issuer, style=layout.CLOSING)
    for p in (gap, name):
        p.paragraph_format.keep_with_next = True
    doc.add_paragraph(chinese_date(fig.today), style=layout.CLOSING)
