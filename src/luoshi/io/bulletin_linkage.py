"""承接情况 in the bulletin: how the plan answers the plans above it, and its tasks'
progress from the plans below, added after the built-in sections (and 单位考核)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from docx.document import Document

from luoshi.io import docx_layout as layout
from luoshi.ledger.read.bulletin import BulletinLinkage
from luoshi.ledger.read.linkage import ParentCoverage

NUMERALS = "一二三四五六七八九十"
BUILT_IN = 5  # 一 to 五 are the bulletin's own sections
CODES_LISTED = 30  # more 未承接 codes than this are counted, not listed

_CODE, _PROGRESS, _BELOW = (
    layout.fitting("编号"),
    layout.fitting("本级进度"),
    layout.fitting("下级进度"),
)
_ANSWERING = layout.Column("承接任务", 3.0)
UP_COLUMNS = [_CODE, layout.filling("上级任务", [_CODE, _ANSWERING, _PROGRESS, _BELOW]),
              _ANSWERING, _PROGRESS, _BELOW]  # fmt: skip
_CHILDREN = layout.fitting("承接任务数")
DOWN_COLUMNS = [_CODE, layout.filling("任务", [_CODE, _PROGRESS, _BELOW, _CHILDREN]),
                _PROGRESS, _BELOW, _CHILDREN]  # fmt: skip


def linkage_heading(before: int) -> str:
    """The section's heading when ``before`` extra sections precede it (六、 or 七、…)."""
    return f"{NUMERALS[min(BUILT_IN + before, len(NUMERALS) - 1)]}、承接情况"


def linkage_section(lk: BulletinLinkage, heading: str) -> Callable[[Document], None]:
    """The section (a function of the document): one part per plan above, then the
    plan's tasks that lower plans answer."""

    def write(doc: Document) -> None:
        doc.add_heading(heading, level=1)
        for c in lk.linkage.upward:
            _upward(doc, c)
        if lk.answered:
            doc.add_paragraph(f"下级计划承接本计划任务{len(lk.answered)}项，下级进度如下。")
            rows = [
                [r.code, r.title, _pct(r.progress), _pct(d.progress), str(d.children)]
                for r, d in lk.answered
            ]
            layout.table(doc, DOWN_COLUMNS, rows)

    return write


def _upward(doc: Document, c: ParentCoverage) -> None:
    answered = c.leaves - len(c.unanswered)
    doc.add_paragraph(
        f"承接{c.plan.name}《{c.plan.title}》末级任务{c.leaves}项中的{answered}项"
        f"（{100 * c.share_answered:.0f}%），未承接{len(c.unanswered)}项；"
        f"本计划无上级任务的末级任务{len(c.orphans)}项。"
    )
    rows = [
        [t.code, t.title, "、".join(t.answered_by), _pct(t.progress),
         _pct(t.downstream.progress) if t.downstream else "—"]
        for t in c.tasks
        if t.answered_by
    ]  # fmt: skip
    if rows:
        layout.table(doc, UP_COLUMNS, rows)
    if c.unanswered:
        doc.add_paragraph(f"未承接的上级任务：{_codes(c.unanswered)}。")


def _codes(codes: Sequence[str]) -> str:
    listed = "、".join(codes[:CODES_LISTED])
    return listed if len(codes) <= CODES_LISTED else f"{listed}等{len(codes)}项"


def _pct(value: float) -> str:
    return f"{value:.1f}%"
