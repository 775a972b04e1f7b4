"""What there is to read: plans to choose from, units, a document with its spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger import documents, plans
from luoshi.ledger.models import Document, DocumentSpan, Plan, Target, Task, Unit
from luoshi.ledger.read.visibility import Viewer, require_plan_visible, visible_plans


def choose_plan(
    s: Session, plan_id: int | None, user_id: int | None = None, viewer: Viewer | None = None
) -> Plan | None:
    """The plan asked for (any state, so a draft can be previewed), else the default of
    user ``user_id``: its own, the office's, the newest active plan (``plans.default_plan``).
    A plan out of ``viewer``'s organisations is refused (403), never chosen by default."""
    scope = viewer.org_ids if viewer is not None else None
    plan = plans.choose_plan(s, plan_id, user_id, scope)
    return require_plan_visible(viewer, plan) if plan is not None else None


def all_plans(s: Session, chosen: Plan | None = None, viewer: Viewer | None = None) -> list[Plan]:
    """What a plan picker offers: the active plans of ``viewer``'s organisations, newest
    first, and the one shown if it is not active (a draft being previewed, an archived
    plan looked back at)."""
    offered = plans.active_plans(s, viewer.org_ids if viewer is not None else None)
    if chosen is not None and all(p.id != chosen.id for p in offered):
        offered.append(chosen)
    return offered


def public_plans(s: Session) -> list[Plan]:
    return list(s.scalars(select(Plan).where(Plan.public.is_(True)).order_by(Plan.id)))


def plans_of_document(s: Session, document_id: int, viewer: Viewer | None = None) -> list[Plan]:
    """The plans built from a document (those of ``viewer``'s organisations)."""
    found = s.scalars(select(Plan).where(Plan.document_id == document_id).order_by(Plan.id))
    return visible_plans(viewer, found)


def document_choices(s: Session) -> list[tuple[int, str]]:
    """(id, title) of every document, newest first, without their text."""
    q = select(Document.id, Document.title).order_by(Document.id.desc())
    return [(i, t) for i, t in s.execute(q)]


def unit_names(s: Session) -> list[str]:
    """The active units' names, in the order they were added."""
    return list(s.scalars(select(Unit.name).where(Unit.active).order_by(Unit.id)))


@dataclass(frozen=True)
class SpanRow:
    """片段: a heading or quantity of a document; a quantity names the task whose
    target it became, if any."""

    id: int
    kind: str
    start: int
    end: int
    text: str
    attrs: dict[str, Any]
    task_id: int | None = None
    task_code: str | None = None


@dataclass(frozen=True)
class DocumentDetail:
    document: Document
    spans: list[SpanRow]

    @property
    def text(self) -> str:
        return self.document.raw


def document_detail(s: Session, document_id: int) -> DocumentDetail:
    """A document with its text and spans."""
    doc = documents.get_document(s, document_id)
    linked = {
        (a, b): (task_id, code)
        for a, b, task_id, code in s.execute(
            select(Target.start, Target.end, Task.id, Task.code)
            .join(Task, Task.id == Target.task_id)
            .where(Task.document_id == doc.id)
        )
    }
    return DocumentDetail(doc, [_span(sp, linked) for sp in documents.spans_of(s, doc.id)])


def _span(
    sp: DocumentSpan, linked: dict[tuple[int | None, int | None], tuple[int, str]]
) -> SpanRow:
    link = linked.get((sp.start, sp.end)) if sp.kind == "quantity" else None
    return SpanRow(
        sp.id, sp.kind, sp.start, sp.end, sp.text, sp.attrs,
        link[0] if link else None, link[1] if link else None,
    )  # fmt: skip
