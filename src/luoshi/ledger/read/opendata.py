"""公开数据 (open data) as read: a plan's rows as a stream (their targets carry their
latest reported values, ``read.values``), its figures, coverage and source documents.

The figures come from the plan's kept tallies when they answer for the day (else from
the one computed view the stream holds), so the tasks are never read twice into memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Document, Plan
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.downstream import plan_downstream
from luoshi.ledger.read.figures import PlanFigures, plan_figures
from luoshi.ledger.read.linkage import PlanLinkage, has_links, parent_plans, plan_linkage
from luoshi.ledger.read.records import ATTENTION_SHOWN
from luoshi.ledger.read.rows import PlanView
from luoshi.ledger.read.stream import PlanStream, plan_stream
from luoshi.ledger.read.views import figures_of
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class OpenData:
    stream: PlanStream  # the tasks, read as they are written
    figures: PlanFigures  # its attention list holds the first ATTENTION_SHOWN only
    documents: list[Document]
    linkage: PlanLinkage  # 承接情况: coverage of the plans above, progress from below


def open_data(s: Session, plan: Plan, rules: HealthRules, at: AsOf) -> OpenData:
    """What open data is written from; write it within the session (the rows stream)."""
    stream = plan_stream(s, plan, rules, at)
    if stream.view is not None:
        figures = plan_figures(stream.view)
    else:
        figures = figures_of(s, plan, rules, at, None, ATTENTION_SHOWN)
    linkage = _linkage(s, plan, rules, at, stream)
    return OpenData(stream, figures, documents(s, stream.document_ids), linkage)


def _linkage(s: Session, plan: Plan, rules: HealthRules, at: AsOf, st: PlanStream) -> PlanLinkage:
    """Coverage of the plans above needs the plan's whole tree (and theirs): read only for a
    plan that answers one. Downstream progress needs only the tasks answering it."""
    if not has_links(s, plan.id):
        return PlanLinkage([], {})
    if parent_plans(s, plan.id):
        return plan_linkage(s, plan, rules, at, st.view)
    return PlanLinkage([], plan_downstream(s, plan, rules, at))


def documents(s: Session, ids: list[int]) -> list[Document]:
    return list(s.scalars(select(Document).where(Document.id.in_(ids)).order_by(Document.id)))


def document_texts(s: Session, ids: list[int] | PlanView) -> dict[int, str]:
    """The raw text of every document the tasks come from (for 原文 columns)."""
    if isinstance(ids, PlanView):
        ids = sorted({r.doc for r in ids.rows if r.doc is not None})
    return dict(s.execute(select(Document.id, Document.raw).where(Document.id.in_(ids))).all())
