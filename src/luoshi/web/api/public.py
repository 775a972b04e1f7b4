"""公开: a published plan, readable without signing in — what was promised, what was done."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from luoshi.errors import NotFound
from luoshi.ledger.read import records
from luoshi.ledger.read.public import public_plan
from luoshi.web.api import PREFIX
from luoshi.web.context import ctx_of
from luoshi.web.schemas import PathId

router = APIRouter(prefix=PREFIX, tags=["public"])


@router.get("/public/plans/{plan_id}", summary="公开计划 A published plan (no sign-in)")
def get_public_plan(plan_id: PathId, request: Request) -> dict[str, Any]:
    ctx = ctx_of(request)
    with ctx.read() as s:
        found = public_plan(s, plan_id, ctx.rules)
    if found is None:
        raise NotFound(f"计划 {plan_id} 不存在或未公开")
    return records.public_record(found)
