"""台账查询: the ledger's filtered, searched list of tasks, as the web table shows it.

Filters run over the rows of a plan's board (which carry the computed status),
so colour can be filtered on like any stored field. Text search is a plain
substring match on the title and the source sentence: Chinese words of two
characters (港口) are found, which a trigram index would miss.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger.board import TaskRow
from luoshi.ledger.models import Document, Task


@dataclass(frozen=True)
class TaskFilter:
    """What a person narrows the ledger to; None means "any"."""

    unit: str | None = None  # lead or co-unit name
    category: str | None = None
    status: str | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    text: str | None = None
    kind: str | None = None
    leaves_only: bool = False


def source_texts(s: Session, plan_id: int) -> dict[int, str]:
    """Each task's source sentence, sliced from its document's raw text."""
    q = select(Task.id, Task.document_id, Task.start, Task.end).where(
        Task.plan_id == plan_id, Task.document_id.is_not(None), Task.start.is_not(None)
    )
    spans = list(s.execute(q))
    doc_ids = {d for _, d, _, _ in spans}
    raws = dict(s.execute(select(Document.id, Document.raw).where(Document.id.in_(doc_ids))).all())
    return {tid: raws[d][a:b] for tid, d, a, b in spans if d in raws and b is not None}


def matches(row: TaskRow, f: TaskFilter, source: str, is_leaf: bool) -> bool:
    """Whether ``row`` passes every filter that is set."""
    if f.unit is not None and row.lead_unit != f.unit and f.unit not in row.co_units:
        return False
    if f.category is not None and row.category != f.category:
        return False
    if f.status is not None and row.status != f.status:
        return False
    if f.kind is not None and row.kind != f.kind:
        return False
    if f.leaves_only and not is_leaf:
        return False
    if f.deadline_from is not None and (row.deadline is None or row.deadline < f.deadline_from):
        return False
    if f.deadline_to is not None and (row.deadline is None or row.deadline > f.deadline_to):
        return False
    if f.text:
        needle = f.text.casefold()
        # A group's source is its whole part; only a leaf's is its own sentence.
        return needle in row.title.casefold() or (is_leaf and needle in source.casefold())
    return True


def leaf_codes(rows: Iterable[TaskRow]) -> set[str]:
    """Codes of tasks without children: the ones units report on."""
    listed = list(rows)
    parents = {r.parent for r in listed}
    return {r.code for r in listed if r.code not in parents}


def filter_rows(
    rows: Sequence[TaskRow], f: TaskFilter, sources: Mapping[int, str], leaves: set[str]
) -> list[TaskRow]:
    """The rows that pass ``f``, in the board's (code) order."""
    return [r for r in rows if matches(r, f, sources.get(r.id, ""), r.code in leaves)]
