"""公开数据 (open data) as read: a plan's view (its targets carry their latest reported
values, ``read.values``) and its source documents."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Document, Plan
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.figures import PlanFigures, plan_figures
from luoshi.ledger.read.linkage import PlanLinkage, plan_linkage
from luoshi.ledger.read.rows import PlanView
from luoshi.ledger.read.views import plan_view
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class OpenData:
    view: PlanView
    figures: PlanFigures
    documents: list[Document]
    linkage: PlanLinkage  # 承接情况: coverage of the plans above, progress from below


def open_data(s: Session, plan: Plan, rules: HealthRules, at: AsOf) -> OpenData:
    view = plan_view(s, plan, rules, at)
    ids = {r.doc for r in view.rows if r.doc is not None}
    if plan.document_id is not None:
        ids.add(plan.document_id)
    docs = s.scalars(select(Document).where(Document.id.in_(ids)).order_by(Document.id))
    linkage = plan_linkage(s, plan, rules, at, view)
    return OpenData(view, plan_figures(view), list(docs), linkage)


def document_texts(s: Session, view: PlanView) -> dict[int, str]:
    """The raw text of every document the view's tasks come from (for 原文 columns)."""
    ids = {r.doc for r in view.rows if r.doc is not None}
    return dict(s.execute(select(Document.id, Document.raw).where(Document.id.in_(ids))).all())
