"""任务: the source sentence in its context, targets, the progress timeline, reports and
reviews, the audit history; the report form for the unit, review forms for supervisors."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from markupsafe import Markup
from starlette.responses import Response

from luoshi.errors import InputError
from luoshi.ledger.values import parse_percent
from luoshi.web import actions, charts, reads
from luoshi.web.context import Caller, ctx_of
from luoshi.web.i18n import word
from luoshi.web.pages.common import back, form_caller, lang_of, page_caller, render, safe_next
from luoshi.web.schemas import PathId

router = APIRouter()
FormText = Annotated[str, Form(max_length=10_000)]


def may_report(caller: Caller, task: dict[str, Any]) -> bool:
    if not task["leaf"] or task["status"] == "done" or task["open_round"] is None:
        return False
    if caller.is_manager:
        return True
    return (
        caller.is_reporter
        and caller.unit is not None
        and (caller.unit == task["lead_unit"] or caller.unit in task["co_units"])
    )


def task_timeline(task: dict[str, Any], lang: str) -> Markup:
    """Reported percent per round (the latest counted report of each round)."""
    by_round: dict[str, float] = {}
    for r in task["reports"]:
        if r["status"] != "returned":
            by_round[r["period"]] = float(r["percent"])
    series = [charts.Series(word("progress", lang), list(by_round.values()), "#1565c0")]
    return charts.line(list(by_round), series, word("timeline", lang), height=220)


@router.get("/tasks/{task_id}")
def task_page(task_id: PathId, request: Request) -> Response:
    caller = page_caller(request)
    ctx = ctx_of(request)
    with ctx.read() as s:
        task = reads.task_detail(ctx, s, caller, task_id)
        history = reads.task_audit(s, task_id)
    return render(
        request,
        "task.html",
        task=task,
        history=history,
        timeline=task_timeline(task, lang_of(request)),
        can_report=may_report(caller, task),
    )


def parse_number(text: str, label: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{label}「{text}」不是数字") from None
    if value != value or abs(value) > 1e15:
        raise InputError(f"{label}「{text}」超出范围")
    return value


@router.post("/tasks/{task_id}/report")
def report(
    task_id: PathId,
    request: Request,
    percent: Annotated[str, Form(max_length=20)],
    narrative: FormText = "",
    value: Annotated[str, Form(max_length=40)] = "",
    evidence: FormText = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    try:
        pct = parse_percent(percent)
    except ValueError:
        raise InputError(f"完成百分比「{percent}」应为 0 到 100 之间的数") from None
    actions.submit_report(
        ctx_of(request), caller, task_id, pct, narrative,
        parse_number(value, "已达到数值"), evidence.splitlines(),
    )  # fmt: skip
    return back(safe_next(next, f"/tasks/{task_id}"))


@router.post("/reports/{report_id}/review")
def review(
    report_id: PathId,
    request: Request,
    decision: Annotated[str, Form(pattern="^(accept|return)$")],
    reason: FormText = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/review",
) -> Response:
    caller = form_caller(request, csrf_token)
    actions.review(ctx_of(request), caller, report_id, decision == "accept", reason or None)
    return back(safe_next(next, "/review"))
