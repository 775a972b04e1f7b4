"""目标完成情况: a plan's targets with their verdicts; checking them against a report."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field

from luoshi.ledger import documents
from luoshi.ledger.plans import plan_by_id
from luoshi.ledger.promises import check_plan
from luoshi.ledger.read.visibility import tasks_seen_by, visible_plan
from luoshi.ledger.target_verdicts import target_verdicts, verdict_counts, verdict_record
from luoshi.web.api import PREFIX
from luoshi.web.context import SignedIn, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import Body, Id, PathId

router = APIRouter(prefix=PREFIX, tags=["targets"])
VerdictFilter = Literal["met", "missed", "not_reported", "unclear", "unchecked"]


class CheckIn(Body):
    document_id: Id
    year: Annotated[int, Field(ge=1900, le=2200)] | None = None


@router.get("/plans/{plan_id}/targets", summary="目标完成情况 Targets and their verdicts")
def list_targets(
    plan_id: PathId,
    request: Request,
    caller: SignedIn,
    verdict: Annotated[VerdictFilter | None, Query()] = None,
) -> dict[str, Any]:
    with ctx_of(request).read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        rows = target_verdicts(s, plan)
        seen = tasks_seen_by(s, caller.viewer, {r.task_id for r in rows})
        rows = [r for r in rows if r.task_id in seen]
    chosen = [r for r in rows if verdict is None or r.verdict == verdict]
    return {
        "plan": {"id": plan.id, "name": plan.name, "title": plan.title},
        "counts": verdict_counts(rows),
        "items": [verdict_record(plan.name, r) for r in chosen],
    }


@router.post(
    "/plans/{plan_id}/check",
    status_code=201,
    summary="用新报告核对目标 Check the targets against a report",
)
def check(plan_id: PathId, body: CheckIn, request: Request, caller: Writer) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        plan = plan_by_id(s, plan_id)
        doc = documents.get_document(s, body.document_id)
        done = check_plan(s, actor, plan, doc, body.year)
        record = {
            "id": done.id,
            "plan_id": plan.id,
            "document_id": doc.id,
            "year": done.year,
            "checked_by": done.actor,
            "checked_at": done.at.isoformat(timespec="seconds"),
            "counts": done.counts,
        }
    return JSONResponse(record, status_code=201)
