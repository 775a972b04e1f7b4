"""调度 and 督考: open a round, see who has not reported and chase them; a unit's
reporter sees only its own tasks with the report form; supervisors accept or return."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from luoshi.errors import PermissionDenied
from luoshi.ledger import cycle, pending_tasks, remind, report_values, workflow_reads
from luoshi.ledger.clock import now
from luoshi.ledger.read import records, views
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.detail import open_round_of
from luoshi.ledger.read.listing import MAX_PER_PAGE, TaskFilter
from luoshi.ledger.read.reports import review_queue, round_reports
from luoshi.ledger.read.visibility import visible_plan
from luoshi.web import actions
from luoshi.web.context import ctx_of
from luoshi.web.pages.common import (
    all_plans,
    back,
    choose_plan,
    confirm_first,
    form_caller,
    form_date,
    page_caller,
    plan_id_param,
    redisplay,
    render,
    with_notice,
)
from luoshi.web.schemas import PathId

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form(max_length=2000)]
Csrf = Annotated[str, Form(max_length=200)]


@router.get("/rounds")
def rounds_page(request: Request, plan: str | None = None) -> Response:
    caller = page_caller(request)
    ctx = ctx_of(request)
    with ctx.read() as s:
        chosen = choose_plan(s, plan_id_param(plan), caller)
        plans = all_plans(s, chosen, caller)
        if chosen is None:
            return render(request, "rounds.html", plan=None, plans=plans)
        rounds = list(cycle.list_rounds(s, chosen))
        current = open_round_of(s, chosen.id)
        mine, states = [], {}
        if caller.is_reporter:
            leaves = TaskFilter(leaves_only=True)
            mine = views.list_tasks(
                s, chosen, ctx.rules, AsOf.today(), caller.viewer, leaves, per_page=MAX_PER_PAGE
            ).items
            if current is not None:
                # Each task's latest report in the round: 待审核, 已通过 or 已退回 (to redo).
                states = workflow_reads.report_states(s, current.id, [r.id for r in mine])
    return render(
        request, "rounds.html", plan=chosen, plans=plans, rounds=rounds, current=current,
        mine=mine, states=states,
    )  # fmt: skip


def rounds_again(request: Request, kw: Any) -> Response:
    return rounds_page(request, str(kw["plan_id"]))


def round_again(request: Request, kw: Any) -> Response:
    return round_page(kw["round_id"], request)


@router.post("/plans/{plan_id}/rounds/open")
@redisplay("open-round", rounds_again)
def open_round(
    plan_id: PathId,
    request: Request,
    period: Annotated[str, Form(max_length=20)],
    due: Annotated[str, Form(max_length=20)] = "",
    csrf_token: Csrf = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    rnd = actions.open_round(ctx_of(request), caller, plan_id, period, form_date(due, "填报截止"))
    return back(f"/rounds/{rnd.id}")


@router.get("/rounds/{round_id}")
def round_page(
    round_id: PathId,
    request: Request,
    chased: Annotated[int | None, Query(ge=0, le=100_000)] = None,
    unreached: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    caller = page_caller(request)
    with ctx_of(request).read() as s:
        rnd = cycle.get_round(s, round_id)
        plan = visible_plan(s, caller.viewer, rnd.plan_id)
        owing = cycle.pending(s, rnd) if caller.is_manager else []
        # Units a chase reaches no one in (无接收人): no account, mailbox or webhook.
        nobody = remind.unreachable(s, ctx_of(request).settings, [p.unit_id for p in owing])
        titles = pending_tasks.titles(s, rnd.plan_id, owing)
        reports = [records.report_record(r) for r in round_reports(s, caller.viewer, rnd.id)]
    return render(
        request, "round.html", rnd=rnd, plan=plan, pending=owing, reports=reports,
        titles=titles, nobody=nobody, chased=chased, unreached=min(unreached, chased or 0),
    )  # fmt: skip


@router.post("/rounds/{round_id}/chase")
@redisplay("", round_again)
def chase(
    round_id: PathId,
    request: Request,
    unit: FormText = "",
    note: FormText = "",
    confirmed: Annotated[str, Form(max_length=1)] = "",
    csrf_token: Csrf = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    question = _chased_lately(request, round_id, unit or None)
    if question is not None:
        asked = confirm_first(request, confirmed, question, {"unit": unit, "note": note})
        if asked is not None:
            return asked
    events, nobody = actions.chase(ctx_of(request), caller, round_id, unit or None, note or None)
    # The page says what was done, and how many of them no message reaches.
    return back(f"/rounds/{round_id}?chased={len(events)}&unreached={len(nobody)}")


# A unit chased less than this long ago is chased again only once the clerk confirms:
# a second click, or two clerks at once, would send every recipient the message twice.
CHASE_AGAIN_AFTER = timedelta(hours=1)


def _chased_lately(request: Request, round_id: int, unit: str | None) -> str | None:
    """The question to ask before chasing units chased within the hour, if any were."""
    with ctx_of(request).read() as s:
        owing = [
            p for p in cycle.pending(s, cycle.get_round(s, round_id)) if unit in (None, p.unit)
        ]
    moment = now()
    lately = [p for p in owing if p.chased_within(moment, CHASE_AGAIN_AFTER)]
    if not lately:
        return None
    if unit is not None:
        assert lately[0].last_chased is not None
        minutes = max(1, int((moment - lately[0].last_chased).total_seconds() // 60))
        return f"「{unit}」{minutes} 分钟前已催办过，再次催办会再发一次提醒。确定再次催办吗？"
    return (
        f"{len(owing)} 个未报单位中有 {len(lately)} 个在一小时内已催办过，"
        "再次催办会给它们再发一次提醒。确定全部催办吗？"
    )


@router.post("/rounds/{round_id}/close")
@redisplay("", round_again)
def close(
    round_id: PathId,
    request: Request,
    confirmed: Annotated[str, Form(max_length=1)] = "",
    csrf_token: Csrf = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    question = "结束调度后不能再填报，未报的任务计为漏报（连续漏报会被标为停滞）。确定结束吗？"
    asked = confirm_first(request, confirmed, question, {})
    if asked is not None:
        return asked
    actions.close_round(ctx_of(request), caller, round_id)
    return back(f"/rounds/{round_id}")


def review_again(request: Request, kw: Any) -> Response:
    return review_page(request, kw.get("plan") or None)


@router.post("/review/bulk")
@redisplay("bulk-accept", review_again)
def bulk_accept(
    request: Request,
    report_ids: Annotated[list[int], Form(max_length=500, default_factory=list)],
    versions: Annotated[list[str], Form(max_length=500, default_factory=list)],
    plan: Annotated[str, Form(max_length=12)] = "",
    csrf_token: Csrf = "",
) -> Response:
    """批量通过: the ticked reports, as each was shown (a version per report id)."""
    caller = form_caller(request, csrf_token)
    seen: dict[int, int] = {}
    for pair in versions:
        rid, _, version = pair.partition(":")
        if rid.isdigit() and version.isdigit():
            seen[int(rid)] = int(version)
    actions.bulk_review(ctx_of(request), caller, report_ids, seen)
    return back(with_notice(f"/review?plan={plan}" if plan.isdigit() else "/review", "accepted"))


REVIEW_NOTICES = ("accepted", "returned", "returned_unread")


@router.get("/review")
def review_page(
    request: Request, plan: str | None = None, notice: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    caller = page_caller(request)
    if not caller.is_manager:
        raise PermissionDenied(f"用户 {caller.username} 无权审核进度报告")
    with ctx_of(request).read() as s:
        chosen = choose_plan(s, plan_id_param(plan), caller)
        plans = all_plans(s, chosen, caller)
        # Evidence files and quality flags (报送质量检查) come with each report.
        found = review_queue(s, caller.viewer, chosen.id, "submitted") if chosen else []
        queue = [records.report_record(r) for r in found]
        # Every target's value with its name and unit, as the task page shows them.
        given = report_values.values_of_reports(s, [r["id"] for r in queue])
        delays = workflow_reads.delays(s, plan_id=chosen.id, status="pending") if chosen else []
        closes = workflow_reads.closes(s, plan_id=chosen.id, status="pending") if chosen else []
        after = ctx_of(request).settings.workflow.unsigned_after_days
        late = workflow_reads.unsigned(s, chosen.id, date.today(), after) if chosen else []
    return render(
        request, "review.html", plan=chosen, plans=plans, queue=queue, delays=delays,
        closes=closes, unsigned=late, unsigned_after=after, given=given,
        notice=notice if notice in REVIEW_NOTICES else None,
    )  # fmt: skip
