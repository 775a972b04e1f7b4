"""单位考核 in the bulletin: a table of the units' scores, added after the built-in sections."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from docx.document import Document

from luoshi.io import docx_layout as layout
from luoshi.io.wording import period_label
from luoshi.ledger.scoring import Score

_FIXED = [layout.fitting("名次"), layout.fitting("得分"), layout.fitting("等次")]
SCORE_COLUMNS = [
    _FIXED[0],
    layout.Column("单位", 4.2, centred=False),
    _FIXED[1],
    _FIXED[2],
    layout.filling("计算过程", [*_FIXED, layout.Column("单位", 4.2)]),
]


def scores_section(
    scores: Sequence[Score], period: str, heading: str = "六、单位考核"
) -> Callable[[Document], None]:
    """The section (a function of the document) listing ``scores``, best first."""

    def write(doc: Document) -> None:
        doc.add_heading(heading, level=1)
        if not scores:
            doc.add_paragraph("本期没有可考核的责任单位。")
            return
        doc.add_paragraph(f"按考核规则，{period_label(period)}各责任单位得分如下（满分100分）。")
        rows = [
            [str(sc.rank), sc.unit, f"{sc.score:.1f}", sc.grade,
             "；".join(f"{p.label}{p.value:.0f}×{p.weight:g}" for p in sc.parts)]
            for sc in scores
        ]  # fmt: skip
        layout.table(doc, SCORE_COLUMNS, rows)

    return write
