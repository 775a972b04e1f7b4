"""``plan align``: run the aligner over two plans' tasks and store its proposals as links.

The child's tasks are read from their source spans in the child plan's document
(a measure with its paragraph, the task it belongs to); tasks added by hand,
without a span, are read by their title. The parent's candidates are the
headings the stateless aligner would use (task parts only, table of contents
skipped), each tied to the parent task drafted from it; a parent plan without
a document offers its heading tasks by title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import InputError
from luoshi.extract.align import Aligner, Alignment, AlignParams
from luoshi.extract.align_lexicon import AlignLexicon, default_lexicon
from luoshi.extract.align_units import AlignUnit, parent_units
from luoshi.ledger.links import Proposal, ProposalResult, check_plans, store_proposals
from luoshi.ledger.models import Document, Plan, Task, User
from luoshi.ledger.scope import require_plan_manager
from luoshi.text.document import Document as SourceText
from luoshi.text.document import Span

# How far a heading task's start may be from the heading it was drafted from.
_SLACK = 2


@dataclass
class _Side:
    """A plan's text for the aligner: the document, then the titles of tasks without spans."""

    raw: str
    units: list[AlignUnit]
    tasks: list[Task]  # tasks[i] is the task of units[i]


def align_plans(
    s: Session,
    actor: User,
    child: Plan,
    parent: Plan,
    lexicon: AlignLexicon | None = None,
    params: AlignParams | None = None,
) -> ProposalResult:
    """Propose, for each task of ``child``, the tasks of ``parent`` it answers."""
    require_plan_manager(s, actor, child, "对接计划")
    if child.id == parent.id:
        raise InputError(f"计划 {child.name} 不能与自身对接")
    check_plans(s, child.id, parent.id)
    lexicon = lexicon or default_lexicon()
    kids = _child_side(s, child)
    up = _parent_side(s, parent, lexicon)
    if not up.units:
        raise InputError(f"计划 {parent.name} 中没有可作上级任务的标题")
    aligner = Aligner(up.raw, up.units, [], lexicon, params)
    found = aligner.align(kids.raw, kids.units, [set() for _ in kids.units])
    by_start = {u.start: t for u, t in zip(up.units, up.tasks, strict=True)}
    proposals = [
        p for a, t in zip(found, kids.tasks, strict=True) for p in _proposals(a, t, by_start)
    ]
    return store_proposals(s, actor, [t.id for t in kids.tasks], parent, proposals)


def _proposals(a: Alignment, task: Task, by_start: dict[int, Task]) -> list[Proposal]:
    return [
        Proposal(
            task.id,
            by_start[m.unit.start].id,
            m.score,
            {"indicators": list(m.indicators), "words": list(m.words)},
        )
        for m in a.parents
    ]


def _tasks(s: Session, plan: Plan) -> list[Task]:
    return list(s.scalars(select(Task).where(Task.plan_id == plan.id).order_by(Task.id)))


def _raw(s: Session, plan: Plan) -> str:
    doc = s.get(Document, plan.document_id) if plan.document_id else None
    return doc.raw if doc is not None else ""


def _has_span(task: Task, plan: Plan, raw: str) -> bool:
    return (
        task.document_id == plan.document_id
        and task.start is not None
        and task.end is not None
        and 0 <= task.start < task.end <= len(raw)
    )


def _parts(tasks: Sequence[Task]) -> set[int]:
    """Groups that hold groups: top-level parts (一、…), not tasks of their own."""
    by_id = {t.id: t for t in tasks}
    return {
        t.parent_id
        for t in tasks
        if t.kind == "group" and t.parent_id is not None and by_id[t.parent_id].parent_id is None
    }


def _child_side(s: Session, plan: Plan) -> _Side:
    tasks = _tasks(s, plan)
    raw = _raw(s, plan)
    parts = _parts(tasks)
    by_id = {t.id: t for t in tasks}
    extra: list[str] = []
    side = _Side(raw, [], [])
    for t in tasks:
        if t.id in parts:
            continue
        level = {"group": 2, "task": 3}.get(t.kind, 4)
        if _has_span(t, plan, raw):
            assert t.start is not None and t.end is not None
            span = Span(t.start, t.end)
        else:
            start = len(raw) + sum(len(x) + 1 for x in extra) + 1
            extra.append(t.title)
            span = Span(start, start + len(t.title))
        scope = _scope(by_id.get(t.parent_id or -1), plan, raw) if level == 4 else None
        side.units.append(AlignUnit(span.start, span.end, level, t.title, span, scope=scope))
        side.tasks.append(t)
    side.raw = raw + "".join("\n" + x for x in extra)
    return side


def _scope(parent: Task | None, plan: Plan, raw: str) -> Span | None:
    """A measure is read with the paragraph of the task it belongs to."""
    if parent is None or parent.kind != "task" or not _has_span(parent, plan, raw):
        return None
    assert parent.start is not None and parent.end is not None
    return Span(parent.start, parent.end)


def _parent_side(s: Session, plan: Plan, lexicon: AlignLexicon) -> _Side:
    tasks = [t for t in _tasks(s, plan) if t.kind != "measure"]
    raw = _raw(s, plan)
    if raw:
        from luoshi.extract.pipeline import extract  # the rules load on first use

        x = extract(SourceText(name=plan.name, raw=raw))
        assert x.outline is not None
        units = parent_units(x.outline, lexicon)
        heads = {t.start: t for t in tasks if _has_span(t, plan, raw)}
        side = _Side(raw, [], [])
        index: dict[int, int] = {}
        for i, u in enumerate(units):
            task = next((heads[p] for p in _near(u.start) if p in heads), None)
            if task is None:
                continue
            group = index.get(u.group) if u.group is not None else None
            index[i] = len(side.units)
            side.units.append(
                AlignUnit(u.start, u.end, u.level, task.title, u.body, (), None, group, u.passages)
            )
            side.tasks.append(task)
        if side.units:
            return side
    return _titles_side(tasks)


def _near(start: int) -> range:
    return range(start - _SLACK, start + _SLACK + 1)


def _titles_side(tasks: list[Task]) -> _Side:
    """Heading tasks by title alone, sections grouping their tasks."""
    parts = _parts(tasks)
    raw_parts: list[str] = []
    side = _Side("", [], [])
    index: dict[int, int] = {}
    pos = 0
    for t in tasks:
        if t.id in parts:
            continue
        span = Span(pos, pos + len(t.title))
        group = index.get(t.parent_id) if t.parent_id is not None else None
        index[t.id] = len(side.units)
        side.units.append(
            AlignUnit(
                span.start, span.end, 3 if group is not None else 2, t.title, span, group=group
            )
        )
        side.tasks.append(t)
        raw_parts.append(t.title)
        pos += len(t.title) + 1
    side.raw = "\n".join(raw_parts)
    return side
