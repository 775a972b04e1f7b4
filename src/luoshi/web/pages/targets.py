"""目标完成情况: a plan's targets, their stated actuals and verdicts; running a check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from luoshi.errors import InputError
from luoshi.ledger import documents
from luoshi.ledger.plans import plan_by_id
from luoshi.ledger.promises import check_plan, checks_of
from luoshi.ledger.read.catalog import document_choices
from luoshi.ledger.read.listing import choices
from luoshi.ledger.read.visibility import tasks_seen_by, visible_plan
from luoshi.ledger.target_verdicts import FILTER_LABELS, FILTERS, target_verdicts, verdict_counts
from luoshi.web.context import ctx_of
from luoshi.web.pages.common import (
    back,
    form_caller,
    lang_of,
    lenient,
    page_caller,
    redisplay,
    render,
)
from luoshi.web.schemas import PathId

router = APIRouter(include_in_schema=False)

# The page's own words, Chinese first (kept here rather than in the shared table).
WORDS: dict[str, tuple[str, str]] = {
    "title": ("目标完成情况", "Targets met"),
    "all": ("全部", "All"),
    "met": ("完成", "Met"),
    "missed": ("未完成", "Missed"),
    "not_reported": ("未报告", "Not reported"),
    "unclear": ("口径不一", "Unclear"),
    "unchecked": ("未核对", "Not checked"),
    "task": ("任务", "Task"),
    "indicator": ("指标", "Indicator"),
    "baseline": ("基数", "Baseline"),
    "target": ("目标", "Target"),
    "stated": ("报告实绩", "Stated actual"),
    "reported": ("填报值", "Reported"),
    "verdict": ("结论", "Verdict"),
    "target_source": ("目标原文", "Target sentence"),
    "actual_source": ("实绩原文", "Actual sentence"),
    "check": ("用新报告核对", "Check against a report"),
    "document": ("文件", "Document"),
    "year": ("核对年份（可空）", "Year reviewed (optional)"),
    "run": ("核对", "Check"),
    "last_check": ("最近一次核对", "Latest check"),
    "by": ("核对人", "by"),
    "none": ("没有目标。", "No targets."),
}


def words(lang: str) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in WORDS.items()}


def _verdict(text: str) -> str | None:
    if text and text not in FILTERS:
        raise InputError(
            f"研判结论（verdict）「{text}」无效，可选：{choices(FILTER_LABELS)}", ("verdict",)
        )
    return text or None


@router.get("/plans/{plan_id}/targets")
def targets_page(
    plan_id: PathId,
    request: Request,
    verdict: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    caller = page_caller(request)
    chosen = lenient(request, lambda: _verdict(verdict), None)
    with ctx_of(request).read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        rows = target_verdicts(s, plan)
        seen = tasks_seen_by(s, caller.viewer, {r.task_id for r in rows})
        rows = [r for r in rows if r.task_id in seen]
        last = next(iter(checks_of(s, plan.id)), None)
        docs = document_choices(s) if caller.is_manager else []
    return render(
        request,
        "targets.html",
        plan=plan,
        rows=[r for r in rows if chosen is None or r.verdict == chosen],
        counts=verdict_counts(rows),
        total=len(rows),
        verdict=chosen or "",
        filters=FILTERS,
        last=last,
        docs=docs,
        w=words(lang_of(request)),
    )


def targets_again(request: Request, kw: Any) -> Response:
    return targets_page(kw["plan_id"], request)


@router.post("/plans/{plan_id}/check")
@redisplay("check-form", targets_again)
def run_check(
    plan_id: PathId,
    request: Request,
    document_id: Annotated[str, Form(max_length=12)] = "",
    year: Annotated[str, Form(max_length=6)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    if not document_id.isdigit():
        raise InputError("请选择要核对的文件")
    if year.strip() and not (year.strip().isdigit() and len(year.strip()) == 4):
        raise InputError(f"核对年份「{year}」应为四位数字，如 2025")
    with ctx_of(request).work(caller) as (s, actor):
        plan = plan_by_id(s, plan_id)
        doc = documents.get_document(s, int(document_id))
        check_plan(s, actor, plan, doc, int(year) if year.strip() else None)
    return back(f"/plans/{plan_id}/targets")
