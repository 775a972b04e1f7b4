"""台账查询: the ledger's filtered, searched list of tasks, as the web table shows it.

Filters run over the rows of a plan's board (which carry the computed status),
so colour can be filtered on like any stored field. Text search is a plain
substring match on the title and the source sentence: Chinese words of two
characters (港口) are found, which a trigram index would miss.

``filter_rows`` states the rules one row at a time; ``LedgerIndex`` answers the
same question from sets built once per board, which is what the web uses: a
filter over 10,000 tasks is then a few set intersections, not 10,000 calls.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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


@dataclass
class LedgerIndex:
    """A board's rows with, for each filterable field, the positions of the rows having
    each value; text is kept case-folded (title, plus the source sentence of a leaf)."""

    rows: Sequence[TaskRow]
    titles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    by_unit: dict[str, set[int]] = field(default_factory=dict)
    by_status: dict[str, set[int]] = field(default_factory=dict)
    by_category: dict[str, set[int]] = field(default_factory=dict)
    by_kind: dict[str, set[int]] = field(default_factory=dict)
    leaves: set[int] = field(default_factory=set)
    deadlines: list[tuple[date, int]] = field(default_factory=list)  # sorted
    texts: list[str] = field(default_factory=list)  # title NUL source, for one search per row


def build_index(
    rows: Sequence[TaskRow], sources: Mapping[int, str], leaves: set[str]
) -> LedgerIndex:
    index = LedgerIndex(rows)
    for i, r in enumerate(rows):
        leaf = r.code in leaves
        index.titles.append(r.title.casefold())
        index.sources.append(sources.get(r.id, "").casefold() if leaf else "")
        for unit in {r.lead_unit, *r.co_units} - {None}:
            index.by_unit.setdefault(str(unit), set()).add(i)
        index.by_status.setdefault(r.status, set()).add(i)
        index.by_category.setdefault(r.category, set()).add(i)
        index.by_kind.setdefault(r.kind, set()).add(i)
        if leaf:
            index.leaves.add(i)
        if r.deadline is not None:
            index.deadlines.append((r.deadline, i))
    index.deadlines.sort()
    index.texts = [f"{t}\x00{src}" for t, src in zip(index.titles, index.sources, strict=True)]
    return index


def positions(index: LedgerIndex, f: TaskFilter, unit_scope: str | None = None) -> Sequence[int]:
    """Positions in ``index.rows`` of the rows that pass ``f`` (and, given ``unit_scope``,
    belong to that unit), ascending — so a page can be cut before any row is touched."""
    sets = [
        table.get(key, set())
        for key, table in (
            (f.unit, index.by_unit),
            (unit_scope, index.by_unit),
            (f.status, index.by_status),
            (f.category, index.by_category),
            (f.kind, index.by_kind),
        )
        if key is not None
    ]
    if f.leaves_only:
        sets.append(index.leaves)
    if f.deadline_from is not None or f.deadline_to is not None:
        within = _deadline_range(index, f.deadline_from, f.deadline_to)
        if within is not None:
            sets.append(within)
    order: Sequence[int] = range(len(index.rows))
    if sets:
        sets.sort(key=len)
        order = sorted(set.intersection(*sets))
    if f.text:
        order = _with_text(index, f.text.casefold(), order)
    return order


def _with_text(index: LedgerIndex, needle: str, order: Sequence[int]) -> list[int]:
    if "\x00" in needle:
        titles, sources = index.titles, index.sources
        return [i for i in order if needle in titles[i] or needle in sources[i]]
    # One search per row in title NUL source: a needle without NUL cannot span the two.
    texts = index.texts
    return [i for i in order if needle in texts[i]]


def search(index: LedgerIndex, f: TaskFilter, unit_scope: str | None = None) -> list[TaskRow]:
    """The rows ``positions`` chooses, in the board's order: the same as ``filter_rows``."""
    rows = index.rows
    return [rows[i] for i in positions(index, f, unit_scope)]


def _deadline_range(index: LedgerIndex, lo: date | None, hi: date | None) -> set[int] | None:
    """Positions with a deadline in [lo, hi]; None when that is every row (no restriction)."""
    keys = index.deadlines
    start = bisect_left(keys, (lo, -1)) if lo is not None else 0
    end = bisect_right(keys, (hi, len(index.rows))) if hi is not None else len(keys)
    if start == 0 and end == len(keys) == len(index.rows):
        return None
    return {i for _, i in keys[start:end]}
