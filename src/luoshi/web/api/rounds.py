"""调度: a round's reports, who has not reported, chasing them (催办), closing the round."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from luoshi.ledger import cycle, workflow_reads
from luoshi.web import actions, reads
from luoshi.web.context import Manager, SignedIn, Writer, ctx_of
from luoshi.web.schemas import ChaseIn, PathId

router = APIRouter(tags=["rounds"])


@router.get("/rounds/{round_id}", summary="调度 A round")
def get_round(round_id: PathId, request: Request, _: SignedIn) -> dict[str, Any]:
    with ctx_of(request).read() as s:
        return reads.round_record(cycle.get_round(s, round_id))


@router.get("/rounds/{round_id}/pending", summary="未报单位 Units that have not reported")
def pending(round_id: PathId, request: Request, _: Manager) -> JSONResponse:
    with ctx_of(request).read() as s:
        owing = cycle.pending(s, cycle.get_round(s, round_id))
    items = [
        {"unit_id": p.unit_id, "unit": p.unit, "tasks": p.tasks, "chases": p.chases} for p in owing
    ]
    return JSONResponse({"items": items, "total": len(items)})


@router.post("/rounds/{round_id}/chase", summary="催办 Chase pending units")
def chase(round_id: PathId, body: ChaseIn, request: Request, caller: Writer) -> dict[str, Any]:
    events = actions.chase(ctx_of(request), caller, round_id, body.unit, body.note)
    return {"chased": len(events), "units": [e.unit_id for e in events]}


@router.post("/rounds/{round_id}/close", summary="结束调度 Close a round")
def close(round_id: PathId, request: Request, caller: Writer) -> dict[str, Any]:
    return reads.round_record(actions.close_round(ctx_of(request), caller, round_id))


@router.get("/rounds/{round_id}/reports", summary="本轮进度报告 Reports of a round")
def reports(round_id: PathId, request: Request, caller: SignedIn) -> JSONResponse:
    with ctx_of(request).read() as s:
        items = reads.round_reports(s, caller, cycle.get_round(s, round_id))
        items = workflow_reads.with_attachments(s, items)
    return JSONResponse({"items": items, "total": len(items)})
