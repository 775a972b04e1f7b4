"""公开: what a published plan promised and what has been done, for anyone to read."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from luoshi.extract.records import number
from luoshi.ledger.models import Plan
from luoshi.web.context import WebContext


def public_plan(ctx: WebContext, s: Session, plan_id: int) -> dict[str, Any] | None:
    """The plan's promises and progress, or None unless the plan is published."""
    plan = s.get(Plan, plan_id)
    if plan is None or not plan.public:
        return None
    view = ctx.plan_view(s, plan)
    f = ctx.plan_figures(s, plan)
    tasks = [
        {
            "code": r.code,
            "title": r.title,
            "category": r.category,
            "lead_unit": r.lead_unit,
            "deadline": r.deadline.isoformat() if r.deadline else None,
            "promised": [
                {"indicator": t.indicator, "text": t.text, "value": number(t.value), "unit": t.unit}
                for t in r.targets
            ],
            "progress": round(r.progress, 1),
            "status": r.status,
        }
        for r in view.leaf_rows()
    ]
    return {
        "id": plan.id,
        "name": plan.name,
        "title": plan.title,
        "progress": round(f.progress, 1),
        "expected": round(f.expected, 1),
        "counts": f.counts,
        "tasks": tasks,
    }
