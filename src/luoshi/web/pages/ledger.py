"""台账: the plan's tasks as a filterable, searchable, sortable table; publishing the plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from luoshi.errors import InputError
from luoshi.ledger import confirm
from luoshi.ledger.health import HEALTH_LABELS, HEALTH_ORDER
from luoshi.ledger.read import listing, views
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.catalog import unit_names
from luoshi.ledger.read.visibility import visible_plan
from luoshi.web import actions, onloop
from luoshi.web.context import Caller, ctx_of
from luoshi.web.pages.common import (
    MAX_PAGE,
    all_plans,
    back,
    choose_plan,
    confirm_first,
    form_caller,
    form_date,
    lenient,
    page_caller,
    plan_id_param,
    query_with,
    redisplay,
    render,
    safe_next,
    say_problem,
    whole_number,
)
from luoshi.web.schemas import PathId

router = APIRouter(include_in_schema=False)
PAGE_SIZES = (20, 50, 100, 200)
Q = Annotated[str, Query(max_length=500)]
# The table's columns: the sort key each header orders by (None: not sortable).
COLUMNS = (
    ("code", "code"),
    ("title", "task"),
    ("lead_unit", "lead_unit"),
    ("deadline", "deadline"),
    (None, "targets"),
    ("progress", "progress"),
    ("health", "status"),
)


def sort_links(request: Request, sort: listing.Sort) -> dict[str, str]:
    """For each sortable column, the URL that sorts by it (again: the other way round)."""
    out = {}
    for key, _label in COLUMNS:
        if key is None:
            continue
        flip = sort.key == key and not sort.descending
        out[key] = query_with(request, sort=("-" if flip else "") + key, page=1)
    return out


def _read(
    request: Request, caller: Caller, plan_id: int, f: listing.TaskFilter, sort: listing.Sort,
    page: int, per_page: int,
) -> dict[str, Any]:  # fmt: skip
    ctx = ctx_of(request)
    with ctx.read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        today = AsOf.today()
        result = views.list_tasks(s, plan, ctx.rules, today, caller.viewer, f, sort, page, per_page)
        units, categories = views.filter_choices(s, plan, ctx.rules, today)
        if caller.viewer.is_reporter:
            # A unit sees only its own tasks: any other unit would list none of them.
            units = [u for u in units if u == caller.unit]
        pending = confirm.pending_count(s, plan.id) if caller.is_manager else 0
        plans = all_plans(s, plan, caller)
        unit_choices = unit_names(s) if caller.is_manager else []
    return {
        "plan": plan,
        "plans": plans,
        "unit_choices": unit_choices,
        "result": result,
        "units": units,
        "categories": categories,
        "pending": pending,
    }


@router.get("/plans/{plan_id}/ledger")
async def ledger(
    plan_id: PathId,
    request: Request,
    unit: Q = "",
    category: Q = "",
    health: Q = "",
    deadline_from: Q = "",
    deadline_to: Q = "",
    overdue: Q = "",  # "1": only tasks past their deadline and not done (只看逾期)
    # Longer than a search may be, so that it is said above the list, not refused.
    q: Annotated[str, Query(max_length=10_000)] = "",
    sort: Q = "",
    per_page: Q = "",
    page: Q = "",
    assigned: Annotated[int | None, Query(ge=0, le=100_000)] = None,
) -> Response:
    ctx = ctx_of(request)
    caller = await onloop.answer(ctx, page_caller, request)
    f = task_filter(request, unit, category, health, (deadline_from, deadline_to), q)
    if overdue not in ("", "1"):
        say_problem(request, f"「只看逾期」的取值「{overdue[:20]}」无效（应为 1），未按逾期筛选")
    f = replace(f, overdue_only=overdue == "1")
    order = lenient(request, lambda: page_sort(sort), listing.Sort())
    size = lenient(request, lambda: whole_number(per_page, "每页条数", listing.MAX_PER_PAGE), None)
    number = lenient(request, lambda: whole_number(page, "页码", MAX_PAGE), None)
    args = {
        "unit": unit,
        "category": category,
        "health": health,
        "deadline_from": deadline_from,
        "deadline_to": deadline_to,
        "overdue": overdue,
        "q": q,
        "sort": sort,
    }
    view = Listed(plan_id, f, order, number or 1, size or 50, args, assigned)
    return await onloop.answer(ctx, _page, request, caller, view)


_HEALTH_CODES = {label: code for code, label in HEALTH_LABELS.items()}


def page_sort(text: str) -> listing.Sort:
    """The order the address asks for; a wrong one is said with the page's own words
    (the API's message lists its codes: code, deadline, …)."""
    try:
        return listing.Sort.parse(text)
    except InputError:
        raise InputError(
            f"排序方式「{text[:20]}」无效，已按编号排列；点击表头的列名可按该列排序"
        ) from None


def task_filter(
    request: Request, unit: str, category: str, health: str, deadlines: tuple[str, str], q: str
) -> listing.TaskFilter:
    """The filter the address asks for, each criterion checked as it is added: one
    that is not valid (a state not among the choices, a date that is none, a range
    ending before it starts) is left out and said above the list."""
    text = q.strip()
    if len(text) > MAX_SEARCH:
        say_problem(request, f"关键词太长（最多 {MAX_SEARCH} 字），未按关键词筛选")
        text = ""
    f = listing.TaskFilter(unit=unit or None, category=category or None, text=text or None)
    # The address may name a state by its label too (状态=滞后), as the filter shows it.
    health = _HEALTH_CODES.get(health, health)
    if health and health not in HEALTH_ORDER:
        # Said with the labels the state filter shows, not the API's codes.
        shown = "、".join(HEALTH_LABELS[h] for h in HEALTH_ORDER)
        say_problem(request, f"状态「{health}」无效（可选：{shown}），未按状态筛选")
    else:
        f = replace(f, health=health or None)
    start = lenient(request, lambda: form_date(deadlines[0], "完成时限（从）"), None)
    end = lenient(request, lambda: form_date(deadlines[1], "完成时限（至）"), None)
    if start is not None and end is not None and start > end:
        # Neither end is used: a list narrowed by one of them would look like both.
        say_problem(request, "完成时限的起始日期晚于截止日期，未按完成时限筛选")
        return f
    return replace(f, deadline_from=start, deadline_to=end)


def unknown_choices(f: listing.TaskFilter, units: list[str], categories: list[str]) -> list[str]:
    """Why an empty list may be empty: a unit or category (from an old bookmark, or typed
    into the address) that none of the plan's tasks has. A unit that only supports
    (配合) tasks is not among the lead units, so this is asked only of an empty list."""
    said = []
    if f.unassigned and f.unit not in units:
        said.append("本计划的末级任务都已分派责任单位")
    elif f.unit and f.unit not in units:
        said.append(f"本计划没有单位「{f.unit}」牵头的任务")
    if f.uncategorised and f.category not in categories:
        said.append("本计划的末级任务都已分类")
    elif f.category and f.category not in categories:
        said.append(f"本计划没有分类「{f.category}」")
    return said


MAX_SEARCH = 500  # characters of a search


@dataclass(frozen=True)
class Listed:
    """What the ledger page is asked to show: the plan, filter, order and page."""

    plan_id: int
    filter: listing.TaskFilter
    sort: listing.Sort
    page: int
    per_page: int
    args: dict[str, str]
    assigned: int | None = None


def _page(request: Request, caller: Caller, a: Listed) -> Response:
    data = _read(request, caller, a.plan_id, a.filter, a.sort, a.page, a.per_page)
    pages = data["result"].pages
    page = a.page
    past = listing.beyond_end(page, pages)
    if past is not None:
        # Said above the table, which shows the last page (as the 对接 page does).
        say_problem(request, past)
        page = pages
        data = _read(request, caller, a.plan_id, a.filter, a.sort, page, a.per_page)
    if data["result"].total == 0:
        for missing in unknown_choices(a.filter, data["units"], data["categories"]):
            say_problem(request, missing)
        if caller.viewer.unit_scope:
            # A reporter follows the dashboard's 按类别 bars (the whole plan's) here too.
            say_problem(
                request, f"台账只列出{caller.viewer.unit_scope}牵头或配合的任务，其中没有符合筛选的"
            )
    return render(
        request,
        "ledger.html",
        **data,
        health=HEALTH_ORDER,
        args=a.args,
        columns=COLUMNS,
        sort=a.sort,
        sort_urls=sort_links(request, a.sort),
        # A size typed into the address is among the choices, so 筛选 keeps it.
        page_sizes=sorted({*PAGE_SIZES, data["result"].per_page}),
        per_page=data["result"].per_page,
        page=page,
        pages=pages,
        assigned=a.assigned,
        prev_url=query_with(request, page=page - 1) if page > 1 else None,
        next_url=query_with(request, page=page + 1) if page < pages else None,
    )


def ledger_again(request: Request, kw: Any) -> Response:
    """The ledger page again (its first page, unfiltered), after a refused form."""
    fields = ("unit", "category", "health", "deadline_from", "deadline_to", "overdue", "q")
    args = dict.fromkeys(fields, "")
    plain = Listed(kw["plan_id"], listing.TaskFilter(), listing.Sort(), 1, 50, {**args, "sort": ""})
    return _page(request, page_caller(request), plain)


Csrf = Annotated[str, Form(max_length=200)]
Confirmed = Annotated[str, Form(max_length=1)]


@router.post("/plans/{plan_id}/public")
@redisplay("", ledger_again)
def publish(
    plan_id: PathId,
    request: Request,
    public: Annotated[str, Form(max_length=5)] = "",
    confirmed: Confirmed = "",
    csrf_token: Csrf = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    if public == "1":
        question = "设为公开后，任何人无需登录即可查看此计划的任务、目标和进度。确定公开吗？"
        asked = confirm_first(request, confirmed, question, {"public": public})
        if asked is not None:
            return asked
    actions.set_public(ctx_of(request), caller, plan_id, public == "1")
    return back(f"/plans/{plan_id}/ledger")


@router.post("/plans/{plan_id}/bulk-assign")
@redisplay("bulk-assign", ledger_again)
def bulk_assign(
    plan_id: PathId,
    request: Request,
    task_ids: Annotated[list[int], Form(max_length=500, default_factory=list)],
    lead_unit: Annotated[str, Form(max_length=200)] = "",
    person: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Csrf = "",
) -> Response:
    """批量分派: the selected tasks get the lead unit and/or person chosen (empty: as
    they are), in one transaction through the ledger's edit, each audited."""
    caller = form_caller(request, csrf_token)
    changed = actions.bulk_assign(ctx_of(request), caller, plan_id, task_ids, lead_unit, person)
    return back(f"/plans/{plan_id}/ledger?assigned={changed}")


def confirmed_again(request: Request, kw: Any) -> Response:
    """The task page the suggestion was confirmed on, else the ledger."""
    from luoshi.web.pages.tasks import task_again

    task = re.match(r"^/tasks/(\d+)$", kw.get("next") or "")
    if task is not None:
        return task_again(request, {"task_id": int(task[1])})
    return ledger_again(request, kw)


@router.post("/plans/{plan_id}/confirm")
@redisplay("confirm-units", confirmed_again)
def confirm_units(
    plan_id: PathId,
    request: Request,
    codes: Annotated[str, Form(max_length=20_000)] = "",
    all: Annotated[str, Form(max_length=5)] = "",
    next: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """确认: every pending suggestion (``all``) or the codes typed, then back to the page."""
    caller = form_caller(request, csrf_token)
    chosen = None if all == "1" else codes.replace("，", " ").replace(",", " ").split()
    if chosen == []:
        raise InputError("请填写要确认的任务编号（以空格或逗号分隔），或点击「全部确认」")
    actions.confirm_lead_units(ctx_of(request), caller, plan_id, chosen)
    return back(safe_next(next, f"/plans/{plan_id}/ledger"))


@router.get("/ledger")
def newest_ledger(request: Request, plan: str | None = None) -> Response:
    """The nav's 台账 link (the caller's default plan) and the plan picker's target."""
    caller = page_caller(request)
    with ctx_of(request).read() as s:
        chosen = choose_plan(s, plan_id_param(plan), caller)
    # The filters of a shared or bookmarked /ledger?q=… link go with it to the plan's.
    kept = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "plan"])
    return _to_ledger(caller, chosen, kept)


def _to_ledger(caller: Any, plan: Any, query: str = "") -> Response:
    if plan is None:
        return back("/plans" if caller.is_manager else "/documents")
    return back(f"/plans/{plan.id}/ledger" + (f"?{query}" if query else ""))
