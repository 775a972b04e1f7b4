"""调度: a round's reports, who has not reported, chasing them (催办), closing the round."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from luoshi.ledger import cycle
from luoshi.ledger.db import Session
from luoshi.ledger.models import Round
from luoshi.ledger.read import records
from luoshi.ledger.read.detail import round_row
from luoshi.ledger.read.reports import round_reports
from luoshi.ledger.read.visibility import visible_plan
from luoshi.web import actions
from luoshi.web.api import PREFIX
from luoshi.web.context import Caller, Manager, SignedIn, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import ChaseIn, PathId

router = APIRouter(prefix=PREFIX, tags=["rounds"])


@router.get("/rounds/{round_id}", summary="调度 A round")
def get_round(round_id: PathId, request: Request, caller: SignedIn) -> dict[str, Any]:
    with ctx_of(request).read() as s:
        return records.round_record(round_row(_round(s, caller, round_id)))


def _round(s: Session, caller: Caller, round_id: int) -> Round:
    """A round of a plan the caller may see (403 for another organisation's)."""
    rnd = cycle.get_round(s, round_id)
    visible_plan(s, caller.viewer, rnd.plan_id)
    return rnd


@router.get("/rounds/{round_id}/pending", summary="未报单位 Units that have not reported")
def pending(round_id: PathId, request: Request, caller: Manager) -> JSONResponse:
    with ctx_of(request).read() as s:
        owing = cycle.pending(s, _round(s, caller, round_id))
    items = [
        {
            "unit_id": p.unit_id,
            "unit": p.unit,
            "tasks": p.tasks,
            "chases": p.chases,
            "last_chased": records.iso(p.last_chased),
        }
        for p in owing
    ]
    return JSONResponse({"items": items, "total": len(items)})


@router.post("/rounds/{round_id}/chase", summary="催办 Chase pending units")
def chase(round_id: PathId, body: ChaseIn, request: Request, caller: Writer) -> dict[str, Any]:
    events, nobody = actions.chase(ctx_of(request), caller, round_id, body.unit, body.note)
    return {
        "chased": len(events),
        "units": [e.unit_id for e in events],
        # 无接收人: chased units no message reaches (no account, mailbox or webhook).
        "unreachable": sorted(nobody),
    }


@router.post("/rounds/{round_id}/close", summary="结束调度 Close a round")
def close(round_id: PathId, request: Request, caller: Writer) -> dict[str, Any]:
    return records.round_record(round_row(actions.close_round(ctx_of(request), caller, round_id)))


@router.get("/rounds/{round_id}/reports", summary="本轮进度报告 Reports of a round")
def reports(round_id: PathId, request: Request, caller: SignedIn) -> JSONResponse:
    with ctx_of(request).read() as s:
        rnd = _round(s, caller, round_id)
        items = [records.report_record(r) for r in round_reports(s, caller.viewer, rnd.id)]
    return JSONResponse({"items": items, "total": len(items)})
