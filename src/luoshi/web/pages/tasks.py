"""任务: the source sentence in its context, targets, the progress timeline, reports and
reviews, the audit history; the report form for the unit, review forms and the edit form
(修改与分派) for supervisors."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from starlette.responses import Response

from luoshi.errors import Conflict, InputError, PermissionDenied
from luoshi.ledger import audit_labels, confirm, quality, report_values, workflow_reads
from luoshi.ledger.access import ROLE_LABELS
from luoshi.ledger.db import Session
from luoshi.ledger.plans import task_by_id
from luoshi.ledger.quality import Flag
from luoshi.ledger.read import records
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.catalog import unit_names
from luoshi.ledger.read.detail import audit_of_task, task_detail
from luoshi.ledger.read.risks import task_projections
from luoshi.ledger.read.visibility import acts_for
from luoshi.ledger.values import parse_percent
from luoshi.web import actions, workflow_actions
from luoshi.web.context import Caller, ctx_of
from luoshi.web.pages.common import (
    back,
    form_caller,
    lang_of,
    page_caller,
    redisplay,
    render,
    safe_next,
    with_notice,
)
from luoshi.web.pages.task_form import EditForm
from luoshi.web.pages.task_progress import awaiting_note, task_timeline
from luoshi.web.schemas import MAX_ID, PathId

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form(max_length=10_000)]


Notice = Literal[
    "saved",
    "unchanged",
    "reported",
    "accepted",
    "returned",
    "returned_unread",
    "reopened",
    "reopened_unread",
]
NOTICES: tuple[Notice, ...] = get_args(Notice)


@router.get("/tasks/{task_id}")
def task_page(
    task_id: PathId,
    request: Request,
    notice: Annotated[str, Query(max_length=20)] = "",
    report: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    caller = page_caller(request)
    # Where an edit redirects to; only the notices we know are shown.
    shown = next((n for n in NOTICES if n == notice), None)
    checked = report if shown == "reported" else None
    return show_task(request, caller, task_id, notice=shown, reported=checked)


def show_task(
    request: Request,
    caller: Caller,
    task_id: int,
    status: int = 200,
    notice: Notice | None = None,
    entered: EditForm | None = None,
    problem: InputError | Conflict | None = None,
    reported: int | None = None,
) -> Response:
    """The task page; after a refused edit, with the reason and the form as it should be
    shown again: as typed for an invalid value, with the current values for a conflict.
    ``reported``: the report just made on it, whose quality flags (进度倒退…) the
    reporter is shown beside the notice, as the reviewer will see them."""
    ctx = ctx_of(request)
    with ctx.read() as s:
        row = task_by_id(s, task_id)  # held: read once for all below (the session keeps it)
        detail = task_detail(s, caller.viewer, task_id, ctx.rules)
        task = records.task_detail_record(detail)
        events = [records.audit_record(e) for e in audit_of_task(s, task_id)]
        history = audit_labels.labelled(events, audit_labels.id_names(s, events))
        # The trail's actors and the reports' reporters, by the names people know.
        named = [e["actor"] for e in events] + [r["reporter"] for r in task["reports"]]
        actors = audit_labels.actor_names(s, named)
        basis, initial_progress = confirm.basis_of(row), row.initial_progress_note
        flow = workflow_reads.task_workflow(s, row)
        units = unit_choices(s, task) if caller.is_manager else []
        given = report_values.values_of_reports(s, [r["id"] for r in task["reports"]])
        projections = task_projections(s, row, AsOf.today())
        warnings = _flags_of_own(s, task, reported)
    current = EditForm.of_task(task)
    form, yours = current, []
    if entered is not None and isinstance(problem, Conflict):
        yours = entered.differences(current)
    elif entered is not None:
        form = entered
    return render(
        request,
        "task.html",
        status,
        task=task,
        history=history,
        actors=actors,
        timeline=task_timeline(task, lang_of(request), ctx_of(request).rules.accepted_only),
        awaiting_note=awaiting_note(task, lang_of(request), ctx_of(request).rules.accepted_only),
        can_report=detail.can_report,
        form=form,
        units=units,
        notice=notice,
        warnings=warnings,
        yours=yours,
        given=given,
        basis=basis,
        initial_progress=initial_progress,
        flow=flow,
        projections=projections,
        mine=acts_for(caller.viewer, detail.row),
        **({"problem": problem.message, "problem_form": "edit"} if problem else {}),
    )


def _flags_of_own(s: Session, task: dict[str, Any], report_id: int | None) -> list[Flag]:
    """The flags of ``report_id`` when it is one of this task's reports."""
    if report_id is None or report_id not in {r["id"] for r in task["reports"]}:
        return []
    return quality.report_flags(s, [report_id]).get(report_id, [])


def unit_choices(s: Session, task: dict[str, Any]) -> list[str]:
    """Units a task can be given: the active ones, and those it has now even if not."""
    names = unit_names(s)
    held = [u for u in [task["lead_unit"], *task["co_units"]] if u and u not in names]
    return names + held


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


def task_again(request: Request, kw: Any) -> Response:
    """The task page again after a refused report, the form as typed."""
    return show_task(request, page_caller(request), kw["task_id"])


@router.post("/tasks/{task_id}/report")
@redisplay("report-form", task_again)
def report(
    task_id: PathId,
    request: Request,
    files: Annotated[list[UploadFile], File(default_factory=list)],
    # One input per target, each after a hidden field naming its target.
    target_ids: Annotated[list[int], Form(max_length=50, default_factory=list)],
    values: Annotated[list[str], Form(max_length=50, default_factory=list)],
    # Optional here so that an empty box is refused beside the form, with what was
    # typed kept, not by a bare validation page (a browser's own check can be off).
    percent: Annotated[str, Form(max_length=20)] = "",
    narrative: FormText = "",
    value: Annotated[str, Form(max_length=40)] = "",
    evidence: FormText = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    if not percent.strip():
        raise InputError("请填写完成百分比（0 到 100 之间的数）")
    try:
        pct = parse_percent(percent)
    except ValueError:
        raise InputError(f"完成百分比「{percent}」应为 0 到 100 之间的数") from None
    by_target = target_values(request, task_id, target_ids, values)
    ctx = ctx_of(request)
    made = workflow_actions.submit_report(
        ctx, caller, task_id, pct, narrative, parse_number(value, "已达到数值"),
        evidence.splitlines(), None, workflow_actions.read_form_files(ctx, files), by_target,
    )  # fmt: skip
    # Back on the task page, it says so: the form is empty again (a trial took the
    # silent reload for a lost report), with the flags the reviewer will see. A report
    # that looks mistyped (a fall in progress, a negative or contradicting number)
    # goes there wherever it was made from, to say so while it can be reported again.
    with ctx.read() as s:
        flags = quality.report_flags(s, [made.id]).get(made.id, [])
    page = f"/tasks/{task_id}" + (f"?report={made.id}" if flags else "")
    if any(f.code in quality.LIKELY_SLIPS for f in flags):
        return back(with_notice(page, "reported"))
    return back(safe_next(next, with_notice(page, "reported")))


def target_values(
    request: Request, task_id: int, target_ids: list[int], values: list[str]
) -> dict[int, float]:
    """The values typed per target (300万, 1.2亿), parsed in each target's unit."""
    if len(target_ids) != len(values):
        raise InputError("表单有误：目标与数值的个数不一致，请刷新页面后重试")
    typed = {t: v for t, v in zip(target_ids, values, strict=True) if v.strip()}
    if not typed:
        return {}
    with ctx_of(request).read() as s:
        targets = report_values.targets_of(s, task_id)
    position = {t.id: i for i, t in enumerate(targets, 1)}
    if any(t not in position for t in typed):
        raise InputError("表单有误：目标不属于此任务，请刷新页面后重试")
    return report_values.parse_positional(
        targets, [(position[t], text) for t, text in typed.items()]
    )


def review_again(request: Request, _kw: Any) -> Response:
    from luoshi.web.pages.rounds import review_page

    return review_page(request)


@router.post("/reports/{report_id}/review")
@redisplay("", review_again)
def review(
    report_id: PathId,
    request: Request,
    decision: Annotated[str, Form(pattern="^(accept|return)$")],
    reason: FormText = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/review",
) -> Response:
    caller = form_caller(request, csrf_token)
    ctx = ctx_of(request)
    made = actions.review(ctx, caller, report_id, decision == "accept", reason or None)
    done = "accepted" if decision == "accept" else actions.told(ctx, made, "returned")
    return back(with_notice(safe_next(next, "/review"), done))


@router.post("/tasks/{task_id}/edit")
def edit(
    task_id: PathId,
    request: Request,
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    # Before the fields with plain defaults; a multi-select with nothing chosen sends nothing.
    co_units: Annotated[list[str], Form(max_length=50, default_factory=list)],
    title: FormText = "",
    lead_unit: Annotated[str, Form(max_length=200)] = "",
    person: Annotated[str, Form(max_length=200)] = "",
    start_date: Annotated[str, Form(max_length=40)] = "",
    deadline: Annotated[str, Form(max_length=40)] = "",
    expected_outcome: FormText = "",
    weight: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """修改与分派 from the task page: through the ledger's edit, as the API and the CLI."""
    caller = form_caller(request, csrf_token)
    if not caller.is_manager:
        # The ledger refuses too; refusing first keeps a bad date from answering 422.
        role = ROLE_LABELS.get(caller.role, caller.role)
        raise PermissionDenied(f"用户 {caller.username}（{role}）无权修改任务")
    entered = EditForm(
        version=version,
        title=title,
        lead_unit=lead_unit,
        co_units=co_units,
        person=person,
        start_date=start_date,
        deadline=deadline,
        expected_outcome=expected_outcome,
        weight=weight,
    )
    try:
        changed = actions.edit_task(ctx_of(request), caller, task_id, version, entered.values())
    except (InputError, Conflict) as e:
        return show_task(request, caller, task_id, e.status, entered=entered, problem=e)
    return back(f"/tasks/{task_id}?notice={'saved' if changed else 'unchanged'}")
