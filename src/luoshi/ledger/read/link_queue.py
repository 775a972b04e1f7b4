"""对接工作台: one plan's links as a supervisor works through them — filtered, best
score first, a page at a time, each with both tasks' source sentences (原文).

Everything is filtered, counted and paged in SQL: a plan has hundreds of tasks and
thousands of links. A source sentence is sliced by the database (at most
``SOURCE_CHARS`` characters), so no document's whole text is read.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session, aliased

from luoshi.errors import InputError, PermissionDenied
from luoshi.ledger.access import ROLE_LABELS
from luoshi.ledger.links import STATE_LABELS
from luoshi.ledger.models import Document, Plan, Task, TaskLink, User
from luoshi.ledger.read.listing import choices
from luoshi.ledger.read.rows import code_key
from luoshi.ledger.read.visibility import Viewer

STATES = ("proposed", "accepted", "rejected")
# up: this plan's tasks answering other plans' (承接上级); down: other plans' answering it.
DIRECTIONS = ("up", "down")
DIRECTION_LABELS = {"up": "本计划承接上级", "down": "下级承接本计划"}
SOURCE_CHARS = 240
PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class LinkEnd:
    """One side of a link: a task, its plan and its source sentence ("" without one)."""

    task_id: int
    plan_id: int
    plan: str
    code: str
    title: str
    source: str
    cut: bool  # the source goes on beyond what is shown


@dataclass(frozen=True)
class LinkItem:
    """对接: a row of the queue."""

    id: int
    state: str
    origin: str
    score: float | None
    indicators: list[str]
    words: list[str]
    child: LinkEnd
    parent: LinkEnd
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    version: int


@dataclass(frozen=True)
class LinkFilter:
    """What the page asks for; None is no limit."""

    direction: str = "up"
    state: str | None = None
    min_score: float | None = None
    other_plan_id: int | None = None  # the plan on the other side
    code: str | None = None  # a task of this plan, by code

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise InputError(
                f"方向（dir）「{self.direction}」无效，可选：{choices(DIRECTION_LABELS)}", ("dir",)
            )
        if self.state is not None and self.state not in STATES:
            raise InputError(
                f"对接状态（state）「{self.state}」无效，可选：{choices(STATE_LABELS)}", ("state",)
            )


@dataclass(frozen=True)
class LinkPage:
    items: list[LinkItem]
    total: int  # matching every filter
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)  # by state, other filters applied

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def require_link_manager(viewer: Viewer) -> None:
    """Proposals are the supervisors' work queue (督查人员、管理员)."""
    if not viewer.is_manager:
        role = ROLE_LABELS.get(viewer.role, viewer.role)
        raise PermissionDenied(f"{role}无权处理对接（仅督查人员和管理员）")


def link_page(
    s: Session, viewer: Viewer, plan: Plan, f: LinkFilter, page: int = 1, per_page: int = PER_PAGE
) -> LinkPage:
    """The links of ``plan`` that pass ``f``, best score first (unscored last); a page
    past the end is the last one (the row just decided may have been its only one)."""
    require_link_manager(viewer)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    child, parent = _aliases()[:2]
    where = _where(plan.id, f, child, parent)
    counted = (
        select(TaskLink.state, func.count())
        .join(child, child.id == TaskLink.child_task_id)
        .join(parent, parent.id == TaskLink.parent_task_id)
        .where(*where)
        .group_by(TaskLink.state)
    )
    counts = {state: 0 for state in STATES} | {k: n for k, n in s.execute(counted)}
    total = counts.get(f.state, 0) if f.state else sum(counts.values())
    page = max(1, min(page, -(-total // per_page)))
    # The page's ids first, then their rows: the sentences are sliced for those alone.
    ids = list(
        s.scalars(
            select(TaskLink.id)
            .join(child, child.id == TaskLink.child_task_id)
            .join(parent, parent.id == TaskLink.parent_task_id)
            .where(*where, *_state(f))
            .order_by(TaskLink.score.is_(None), TaskLink.score.desc(), TaskLink.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    rows = {r[0]: r for r in s.execute(_rows().where(TaskLink.id.in_(ids)))}
    return LinkPage([_item(rows[i]) for i in ids], total, page, per_page, counts)


def _where(plan_id: int, f: LinkFilter, child: Any, parent: Any) -> list[ColumnElement[bool]]:
    mine, other = (child, parent) if f.direction == "up" else (parent, child)
    where = [mine.plan_id == plan_id]
    if f.other_plan_id is not None:
        where.append(other.plan_id == f.other_plan_id)
    if f.min_score is not None:
        where.append(TaskLink.score >= f.min_score)
    if f.code:
        where.append(mine.code == f.code)
    return where


def _state(f: LinkFilter) -> list[ColumnElement[bool]]:
    if f.state is None:
        return []
    return [TaskLink.state == f.state]


def _source(task: Any, doc: Any) -> tuple[Any, Any]:
    """The first SOURCE_CHARS characters of the task's span (SQL substr is 1-based),
    and whether the span is longer."""
    length = task.end - task.start
    shown = case((length > SOURCE_CHARS, SOURCE_CHARS), else_=length)
    return func.substr(doc.raw, task.start + 1, shown), length > SOURCE_CHARS


# Plain columns, not the entity: the ORM's per-row work on a page of joined rows
# costs ten times the query.
_LINK_COLUMNS = (
    TaskLink.id,
    TaskLink.state,
    TaskLink.origin,
    TaskLink.score,
    TaskLink.reason,
    TaskLink.created_at,
    TaskLink.decided_at,
    TaskLink.version,
)


@functools.cache
def _aliases() -> tuple[Any, ...]:
    """The two tasks, plans and documents of a link row. Made once: building an alias
    costs more than the query of a page."""
    return tuple(aliased(m, name=n) for m, n in _ALIASED)


_ALIASED = (
    (Task, "child"),
    (Task, "parent"),
    (Plan, "child_plan"),
    (Plan, "parent_plan"),
    (Document, "child_doc"),
    (Document, "parent_doc"),
)


def _rows() -> Select[Any]:
    child, parent, cplan, pplan, cdoc, pdoc = _aliases()
    return (
        select(
            *_LINK_COLUMNS,
            User.username,
            *_end_columns(child, cplan, cdoc),
            *_end_columns(parent, pplan, pdoc),
        )
        .join(child, child.id == TaskLink.child_task_id)
        .join(parent, parent.id == TaskLink.parent_task_id)
        .join(cplan, cplan.id == child.plan_id)
        .join(pplan, pplan.id == parent.plan_id)
        .outerjoin(cdoc, cdoc.id == child.document_id)
        .outerjoin(pdoc, pdoc.id == parent.document_id)
        .outerjoin(User, User.id == TaskLink.decided_by_id)
    )


def _end_columns(task: Any, plan: Any, doc: Any) -> list[Any]:
    text, cut = _source(task, doc)
    return [task.id, plan.id, plan.name, task.code, task.title, text, cut]


def _item(row: Any) -> LinkItem:
    link_id, state, origin, score, reason, created_at, decided_at, version, who = row[:9]
    reason = reason or {}
    return LinkItem(
        id=link_id,
        state=state,
        origin=origin,
        score=score,
        indicators=[str(x) for x in reason.get("indicators", [])],
        words=[str(x) for x in reason.get("words", [])],
        child=_end(row[9:16]),
        parent=_end(row[16:23]),
        created_at=created_at,
        decided_by=who,
        decided_at=decided_at,
        version=version,
    )


def _end(cols: Any) -> LinkEnd:
    task_id, plan_id, plan, code, title, text, cut = cols
    return LinkEnd(task_id, plan_id, plan, code, title, text or "", bool(cut))


def other_plans(s: Session, plan_id: int) -> list[tuple[int, str, str]]:
    """(id, name, title) of every plan but ``plan_id``: what a plan may be aligned with."""
    q = select(Plan.id, Plan.name, Plan.title).where(Plan.id != plan_id).order_by(Plan.id)
    return [(i, n, t) for i, n, t in s.execute(q)]


def task_choices(s: Session, plan_id: int) -> list[tuple[str, str]]:
    """(code, title) of a plan's tasks in code order: what a link may be pointed at."""
    q = select(Task.code, Task.title).where(Task.plan_id == plan_id)
    return sorted(((c, t) for c, t in s.execute(q)), key=lambda ct: code_key(ct[0]))


def task_by_code(s: Session, plan_id: int, code: str) -> Task:
    """A task of ``plan_id`` by its code, refused with the code and plan named."""
    code = code.strip()
    plan = s.get(Plan, plan_id)
    name = plan.name if plan is not None else str(plan_id)
    if not code:
        raise InputError(f"请填写计划 {name} 中上级任务的编号")
    q = select(Task).where(Task.plan_id == plan_id, Task.code == code)
    task = s.scalars(q).one_or_none()
    if task is None:
        raise InputError(f"计划 {name} 中没有编号为「{code}」的任务，请核对上级任务编号")
    return task


def parent_task(s: Session, plan_id: int, ref: str) -> Task:
    """The task a link is pointed at: ``CODE`` in plan ``plan_id``, or ``PLAN:CODE``."""
    name, sep, code = ref.strip().rpartition(":")
    if not sep:
        return task_by_code(s, plan_id, ref)
    plan = s.scalars(select(Plan).where(Plan.name == name.strip())).one_or_none()
    if plan is None:
        raise InputError(f"没有名为「{name}」的计划（上级任务可写作 编号 或 计划:编号）")
    return task_by_code(s, plan.id, code)


def plan_of_link(s: Session, link_id: int) -> int | None:
    """The plan of a link's child task (None when the link is gone)."""
    q = select(Task.plan_id).join(TaskLink, TaskLink.child_task_id == Task.id)
    return s.scalar(q.where(TaskLink.id == link_id))
