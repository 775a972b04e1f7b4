"""对接 and 分解: links between tasks of plans, proposals, breakdown and target shares.

Supervisors and administrators only: proposals are their work queue. A supervisor
of an organisation reads the links of its organisations' plans (ledger/scope.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field

from luoshi.errors import NotFound
from luoshi.ledger import breakdown, link_align, links
from luoshi.ledger.db import Session
from luoshi.ledger.models import Plan, Target, Task
from luoshi.ledger.read.visibility import require_task_readable, visible_links, visible_plan
from luoshi.web.api import PREFIX
from luoshi.web.context import Caller, Manager, Writer, ctx_of
from luoshi.web.json_response import JSONResponse
from luoshi.web.schemas import MAX_ID, Body, Id, Name, PathId

router = APIRouter(prefix=PREFIX, tags=["links"])

Version = Annotated[int, Field(ge=1, le=MAX_ID)]
Score = Annotated[float, Field(allow_inf_nan=False, ge=0, le=10)]
Share = Annotated[float, Field(allow_inf_nan=False, ge=0, le=1e15)]
State = Literal["proposed", "accepted", "rejected"]


class AlignIn(Body):
    parent_plan_id: Id


class DecisionIn(Body):
    version: Version | None = None


class RelinkIn(Body):
    parent_task_id: Id
    version: Version | None = None


class AcceptAboveIn(Body):
    min_score: Score
    parent_plan_id: Id | None = None


class BreakdownIn(Body):
    """下发: the lower plans, and (optionally) the task of each to put it under."""

    plan_ids: list[Id] = Field(min_length=1, max_length=500)
    under: dict[str, Id] = Field(default_factory=dict, max_length=500)


class SplitIn(Body):
    """份额 by lower plan name."""

    shares: dict[Name, Share] = Field(min_length=1, max_length=500)


def _get(s: Session, model: type[Any], key: int, label: str) -> Any:
    row = s.get(model, key)
    if row is None:
        raise NotFound(f"{label} {key} 不存在")
    return row


def _rows(
    s: Session, caller: Caller, plan: Plan, state: str | None = None, task: Task | None = None
) -> Any:
    found = visible_links(s, caller.viewer, links.list_links(s, plan, state, task))
    items = [links.link_record(r) for r in found]
    return {"items": items, "total": len(items)}


@router.get("/plans/{plan_id}/links", summary="计划的对接 A plan's links")
def plan_links(
    plan_id: PathId, request: Request, caller: Manager, state: State | None = None
) -> JSONResponse:
    with ctx_of(request).read() as s:
        return JSONResponse(_rows(s, caller, visible_plan(s, caller.viewer, plan_id), state))


@router.get("/tasks/{task_id}/links", summary="任务的对接 A task's links")
def task_links(task_id: PathId, request: Request, caller: Manager) -> JSONResponse:
    with ctx_of(request).read() as s:
        task = _get(s, Task, task_id, "任务")
        require_task_readable(s, caller.viewer, task)
        return JSONResponse(_rows(s, caller, _get(s, Plan, task.plan_id, "计划"), task=task))


@router.post("/plans/{plan_id}/align", summary="对接建议 Propose links to a parent plan")
def align(plan_id: PathId, body: AlignIn, request: Request, caller: Writer) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        child = _get(s, Plan, plan_id, "计划")
        parent = _get(s, Plan, body.parent_plan_id, "计划")
        r = link_align.align_plans(s, actor, child, parent)
    return JSONResponse(
        {"created": r.created, "updated": r.updated, "kept": r.kept, "withdrawn": r.withdrawn}
    )


def _one(s: Session, link: Any) -> dict[str, Any]:
    child = s.get(Task, link.child_task_id)
    assert child is not None
    plan = s.get(Plan, child.plan_id)
    assert plan is not None
    rows = [r for r in links.list_links(s, plan, task=child) if r.id == link.id]
    return links.link_record(rows[0])


@router.post("/links/{link_id}/accept", summary="确认对接 Accept a link")
def accept(link_id: PathId, body: DecisionIn, request: Request, caller: Writer) -> JSONResponse:
    return _decide(request, caller, link_id, "accepted", body.version)


@router.post("/links/{link_id}/reject", summary="否决对接 Reject a link")
def reject(link_id: PathId, body: DecisionIn, request: Request, caller: Writer) -> JSONResponse:
    return _decide(request, caller, link_id, "rejected", body.version)


def _decide(
    request: Request, caller: Caller, link_id: int, state: str, version: int | None
) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        link = links.get_link(s, link_id)
        links.decide(s, actor, link, state, version)
        return JSONResponse(_one(s, link))


@router.post("/links/{link_id}/relink", summary="改对接上级任务 Relink to another parent")
def relink(link_id: PathId, body: RelinkIn, request: Request, caller: Writer) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        link = links.get_link(s, link_id)
        parent = _get(s, Task, body.parent_task_id, "任务")
        kept = links.relink(s, actor, link, parent, body.version)
        return JSONResponse(_one(s, kept))


@router.post("/plans/{plan_id}/links/accept-above", summary="批量确认对接 Bulk-accept")
def accept_above(
    plan_id: PathId, body: AcceptAboveIn, request: Request, caller: Writer
) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        plan = _get(s, Plan, plan_id, "计划")
        parent = _get(s, Plan, body.parent_plan_id, "计划") if body.parent_plan_id else None
        done = links.accept_above(s, actor, plan, body.min_score, parent)
    return JSONResponse({"accepted": [x.id for x in done], "total": len(done)})


@router.post("/tasks/{task_id}/breakdown", status_code=201, summary="分解下发 Hand a task down")
def hand_down(task_id: PathId, body: BreakdownIn, request: Request, caller: Writer) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        task = _get(s, Task, task_id, "任务")
        plans = [_get(s, Plan, i, "计划") for i in body.plan_ids]
        under = {int(k): _get(s, Task, v, "任务") for k, v in body.under.items() if k.isdigit()}
        made = breakdown.hand_down(s, actor, task, plans, under)
        items = [{"id": t.id, "plan_id": t.plan_id, "code": t.code} for t in made]
    return JSONResponse({"items": items, "total": len(items)}, status_code=201)


@router.post("/targets/{target_id}/split", summary="分解目标 Split a target into shares")
def split(target_id: PathId, body: SplitIn, request: Request, caller: Writer) -> JSONResponse:
    with ctx_of(request).work(caller) as (s, actor):
        target = _get(s, Target, target_id, "目标")
        r = breakdown.split_target(s, actor, target, body.shares)
        rec = {"target_id": target.id, "total": r.check.total, "shares": r.shares,
               "sum": r.check.shares, "adds_up": r.check.adds_up, "warning": r.warning}  # fmt: skip
    return JSONResponse(rec)
