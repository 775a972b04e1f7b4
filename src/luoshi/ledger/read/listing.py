"""台账查询 (the ledger list): a plan's tasks filtered, searched, sorted and paged.

Filters run over the rows of a plan's view (which carry the computed health), so
health can be filtered on like any stored field. Text search is a plain substring
match on the title and, for a leaf, its source sentence: Chinese words of two
characters (港口) are found, which a trigram index would miss. A search that is a
code (编号 3.1.2) also finds that task and the tasks under it — by the whole code,
never a part of one (1.1 is not in 11.1).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import InputError
from luoshi.ledger.health import (
    HEALTH_LABELS,
    HEALTH_ORDER,
    UNASSIGNED,
    UNCATEGORISED,
    WORST_FIRST,
)
from luoshi.ledger.models import Document, Task
from luoshi.ledger.read.rows import PlanView, TaskRow
from luoshi.ledger.read.visibility import Viewer

T = TypeVar("T")
SortKey = Literal["code", "deadline", "progress", "health", "lead_unit", "title"]
SORT_KEYS: tuple[SortKey, ...] = ("code", "deadline", "progress", "health", "lead_unit", "title")
# What each sort key orders by, as the list's column headers say it.
SORT_LABELS = {
    "code": "编号",
    "deadline": "完成时限",
    "progress": "进度",
    "health": "状态",
    "lead_unit": "责任单位",
    "title": "任务",
}
MAX_PER_PAGE = 200


_CODE = re.compile(r"\d+(?:\.\d+)*")
# Typed with a Chinese input method: full-width digits and dots.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def code_needle(text: str) -> str | None:
    """The code a search names (３．１．２ or 3.1.2. read as 3.1.2), else None."""
    folded = text.strip().translate(_HALF_WIDTH).rstrip(".")
    return folded if _CODE.fullmatch(folded) else None


def under_code(code: str, needle: str) -> bool:
    """Whether ``code`` is the task ``needle`` names or one under it."""
    return code == needle or code.startswith(needle + ".")


def choices(labels: Mapping[str, str]) -> str:
    """Codes with their labels, for a message that lists what may be chosen:
    green（正常）、amber（滞后）…"""
    return "、".join(f"{code}（{label}）" for code, label in labels.items())


@dataclass(frozen=True)
class TaskFilter:
    """What a person narrows the ledger to; None means "any"."""

    unit: str | None = None  # lead or co-unit name; UNASSIGNED: leaves with none
    category: str | None = None  # UNCATEGORISED: leaves with none
    health: str | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    text: str | None = None
    kind: str | None = None
    leaves_only: bool = False
    overdue_only: bool = False  # 只看逾期

    def __post_init__(self) -> None:
        if self.deadline_from and self.deadline_to and self.deadline_from > self.deadline_to:
            raise InputError("完成时限的起始日期晚于截止日期")
        if self.health is not None and self.health not in HEALTH_ORDER:
            raise InputError(
                f"状态（health）「{self.health}」无效，可选：{choices(HEALTH_LABELS)}", ("health",)
            )

    # The dashboard's 「（未分派）」 and 「（未分类）」 groups, as filters: the leaves (those
    # it counts) without a lead unit (to be assigned), or without a category.
    @property
    def unassigned(self) -> bool:
        return self.unit == UNASSIGNED

    @property
    def uncategorised(self) -> bool:
        return self.category == UNCATEGORISED


@dataclass(frozen=True)
class Sort:
    """The order of a list: a column and its direction (code order breaks ties)."""

    key: SortKey = "code"
    descending: bool = False

    @classmethod
    def parse(cls, text: str | None) -> Sort:
        """``deadline`` ascending, ``-progress`` descending; empty for code order."""
        text = (text or "").strip()
        key = text.removeprefix("-")
        if not key:
            return cls()
        if key not in SORT_KEYS:
            raise InputError(
                f"排序（sort）「{key}」无效，可选：{choices(SORT_LABELS)}，前加 - 为倒序",
                ("sort",),
            )
        return cls(key, text.startswith("-"))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list, with the length of the whole list."""

    items: list[T]
    total: int
    page: int
    per_page: int
    after: str | None = None  # where the next page starts, in code order (keyset paging)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def beyond_end(page: int, pages: int) -> str | None:
    """第 N 页超出范围: what to say when the page asked for lies past the last one (a
    list with nothing in it has one page, empty)."""
    return f"第 {page} 页超出范围，共 {pages} 页" if page > pages else None


def paginate(items: Sequence[T], page: int, per_page: int) -> Page[T]:
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    start = (max(page, 1) - 1) * per_page
    return Page(list(items[start : start + per_page]), len(items), page, per_page)


def source_texts(s: Session, plan_id: int) -> dict[int, str]:
    """Each task's source sentence, sliced from its document's raw text."""
    q = select(Task.id, Task.document_id, Task.start, Task.end).where(
        Task.plan_id == plan_id, Task.document_id.is_not(None), Task.start.is_not(None)
    )
    spans = list(s.execute(q))
    doc_ids = {d for _, d, _, _ in spans}
    raws = dict(s.execute(select(Document.id, Document.raw).where(Document.id.in_(doc_ids))).all())
    return {tid: raws[d][a:b] for tid, d, a, b in spans if d in raws and b is not None}


def matches(row: TaskRow, f: TaskFilter, source: str) -> bool:
    """Whether ``row`` passes every filter that is set."""
    if f.unassigned:
        if not row.leaf or row.lead_unit:
            return False
    elif f.unit is not None and not row.belongs_to(f.unit):
        return False
    if f.uncategorised:
        if not row.leaf or row.category:
            return False
    elif f.category is not None and row.category != f.category:
        return False
    if f.health is not None and row.health != f.health:
        return False
    if f.kind is not None and row.kind != f.kind:
        return False
    if f.leaves_only and not row.leaf:
        return False
    if f.overdue_only and not row.overdue:
        return False
    if f.deadline_from is not None and (row.deadline is None or row.deadline < f.deadline_from):
        return False
    if f.deadline_to is not None and (row.deadline is None or row.deadline > f.deadline_to):
        return False
    if f.text:
        needle = f.text.casefold()
        code = code_needle(f.text)
        if code is not None and under_code(row.code, code):
            return True
        # A group's source is its whole part; only a leaf's is its own sentence.
        return needle in row.title.casefold() or (row.leaf and needle in source.casefold())
    return True


def filter_rows(
    rows: Sequence[TaskRow], f: TaskFilter, sources: Mapping[int, str], viewer: Viewer | None
) -> list[TaskRow]:
    """The rows that pass ``f`` and that ``viewer`` may see, in code order."""
    scope = viewer.unit_scope if viewer is not None else None
    return [
        r
        for r in rows
        if (scope is None or r.belongs_to(scope)) and matches(r, f, sources.get(r.id, ""))
    ]


_SORTERS: dict[str, Callable[[TaskRow], Any]] = {
    "deadline": lambda r: (r.deadline is None, r.deadline or date.max),
    "progress": lambda r: r.progress,
    "health": lambda r: WORST_FIRST.index(r.health),
    "lead_unit": lambda r: (r.lead_unit is None, r.lead_unit or ""),
    "title": lambda r: r.title,
}


def sort_rows(rows: list[TaskRow], sort: Sort) -> list[TaskRow]:
    """``rows`` (in code order) in the order ``sort`` asks; ties keep code order."""
    if sort.key == "code":
        return rows[::-1] if sort.descending else rows
    return sorted(rows, key=_SORTERS[sort.key], reverse=sort.descending)


def list_computed(
    s: Session,
    view: PlanView,
    viewer: Viewer | None,
    f: TaskFilter,
    sort: Sort | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[TaskRow]:
    """The ledger list: ``view``'s rows that ``viewer`` may see and ``f`` selects."""
    sources = source_texts(s, view.plan.id) if f.text else {}
    found = filter_rows(view.rows, f, sources, viewer)
    return paginate(sort_rows(found, sort or Sort()), page, per_page)


def distinct_computed(view: PlanView) -> tuple[list[str], list[str]]:
    """The lead units of a plan by name and its categories in the plan's order (for the
    list's filters; ``kept.kept_distinct`` answers the same from the kept figures)."""
    units = sorted({r.lead_unit for r in view.rows if r.lead_unit})
    categories = list(dict.fromkeys(r.category for r in view.rows if r.category))
    leaves = [r for r in view.rows if r.leaf]
    if any(not r.lead_unit for r in leaves):
        units.append(UNASSIGNED)
    if any(not r.category for r in leaves):
        categories.append(UNCATEGORISED)
    return units, categories
