"""对接 page: a supervisor works through a plan's links — propose against a parent plan,
accept, reject, relink to another parent task, bulk-accept above a score — with both
tasks' source sentences side by side. Supervisors and administrators only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from luoshi.errors import InputError
from luoshi.ledger.links import ORIGIN_LABELS
from luoshi.ledger.read import link_queue, listing
from luoshi.ledger.read.link_queue import STATES, LinkFilter
from luoshi.ledger.read.visibility import visible_plan
from luoshi.web import link_actions
from luoshi.web.context import Caller, ctx_of
from luoshi.web.pages.common import (
    MAX_PAGE,
    back,
    form_caller,
    lang_of,
    lenient,
    page_caller,
    plan_id_param,
    redisplay,
    render,
    safe_next,
    say_problem,
    whole_number,
)
from luoshi.web.schemas import MAX_ID, PathId

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=200)]
Next = Annotated[str, Form(max_length=1000)]
Version = Annotated[int | None, Form(ge=1, le=MAX_ID)]
Text = Annotated[str, Query(max_length=100)]

# The page's own words, Chinese first.
WORDS: dict[str, tuple[str, str]] = {
    "title": ("对接", "Links"),
    "up": ("本计划承接上级", "This plan answering others"),
    "down": ("下级承接本计划", "Others answering this plan"),
    "all": ("全部", "All"),
    "proposed": ("待确认", "Proposed"),
    "accepted": ("已确认", "Accepted"),
    "rejected": ("已否决", "Rejected"),
    "propose": ("生成对接建议", "Propose links"),
    "no_other_plan": (
        "只有这一个计划，没有可对接的上级计划：先在「文件」页导入上级文件并生成计划。",
        "This is the only plan, so there is no parent plan to link to: import the parent "
        "document on the Documents page and make a plan of it first.",
    ),
    "parent_plan": ("上级计划", "Parent plan"),
    "other_plan": ("对方计划", "Other plan"),
    "any_plan": ("全部计划", "Any plan"),
    "min_score": ("最低分值", "Minimum score"),
    "code": ("本计划任务编号", "Task code here"),
    "filter": ("筛选", "Filter"),
    "bulk": ("批量确认", "Accept all above"),
    "bulk_hint": ("确认分值不低于此值的全部待确认对接", "Accept every proposal scoring at least"),
    "score": ("分值", "Score"),
    "child": ("下级任务", "Child task"),
    "parent": ("上级任务", "Parent task"),
    "reason": ("依据", "Reason"),
    "indicators": ("共同指标", "Shared indicators"),
    "words": ("共同词语", "Shared words"),
    "state": ("状态", "State"),
    "decided": ("处理人", "Decided by"),
    "accept": ("确认", "Accept"),
    "reject": ("否决", "Reject"),
    "relink": ("改对接", "Relink"),
    "relink_hint": ("上级任务编号", "Parent task code"),
    "no_source": ("（无原文）", "(no source text)"),
    "none": ("没有符合条件的对接。", "No links match."),
    "aligned": (
        "已生成对接建议：新增 {0} 条，更新 {1} 条，保留已处理 {2} 条，撤回 {3} 条。",
        "Proposed: {0} new, {1} updated, {2} decided kept, {3} withdrawn.",
    ),
    "bulk_done": ("已批量确认 {0} 条对接。", "{0} links accepted."),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
}


def words(lang: str) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in WORDS.items()}


@dataclass(frozen=True)
class Args:
    """The page's query, as typed (kept for the form fields and the paging links)."""

    state: str = ""
    min: str = ""
    other: str = ""
    code: str = ""
    dir: str = "up"
    page: int = 1

    def query(self, **changes: Any) -> str:
        """This query with ``changes``, defaults left out (?state=proposed&page=2)."""
        fields = {**asdict(self), **changes}
        default = {"page": 1, "dir": "up"}
        kept = {k: str(v) for k, v in fields.items() if v not in ("", None, default.get(k))}
        return "?" + urlencode(kept) if kept else ""

    def link_filter(self, request: Request) -> LinkFilter:
        """The filter asked for; a criterion that is not valid is left out and said
        above the queue (as the ledger does)."""
        f = LinkFilter(code=self.code.strip() or None)
        f = lenient(request, lambda: replace(f, direction=self.dir or "up"), f)
        f = lenient(request, lambda: replace(f, state=self.state or None), f)
        score = lenient(request, lambda: link_actions.parse_score(self.min), None)
        other = lenient(request, lambda: plan_id_param(self.other), None)
        return replace(f, min_score=score, other_plan_id=other)


@router.get("/plans/{plan_id}/links")
def links_page(
    plan_id: PathId,
    request: Request,
    state: Text = "",
    min: Text = "",
    other: Text = "",
    code: Text = "",
    dir: Text = "up",
    page: Text = "",
    aligned: Text = "",
    accepted: Text = "",
) -> Response:
    # A hand-edited page number is said above the queue, as the ledger does, rather
    # than answered with an error page.
    number = lenient(request, lambda: whole_number(page, "页码", MAX_PAGE), None) or 1
    args = Args(state, min, other, code, dir, number)
    return show(request, plan_id, args, {"aligned": aligned, "accepted": accepted})


def show(
    request: Request, plan_id: int, args: Args, notices: Mapping[str, str], status: int = 200
) -> Response:
    caller = page_caller(request)
    link_queue.require_link_manager(caller.viewer)
    f = args.link_filter(request)
    with ctx_of(request).read() as s:
        plan = visible_plan(s, caller.viewer, plan_id)
        found = link_queue.link_page(s, caller.viewer, plan, f, args.page)
        # The read shows the last page instead; the page says so (as the ledger does).
        past = listing.beyond_end(args.page, found.pages)
        # Said above the queue, beside a wrong filter's message; a refused form keeps
        # its own message at the form, so this one is said apart.
        page_note = past if getattr(request.state, "problem_form", None) else None
        if past is not None and page_note is None:
            say_problem(request, past)
        others = link_queue.other_plans(s, plan.id)
        # One list of codes per plan a link may be pointed into (the relink fields).
        targets = {i.parent.plan_id for i in found.items}
        choices = {p: link_queue.task_choices(s, p) for p in sorted(targets)}
    here = f"/plans/{plan_id}/links{args.query()}"
    w = words(lang_of(request))
    return render(
        request, "links.html", status=status, plan=plan, found=found, args=args, f=f,
        others=others, choices=choices, w=w, here=here, states=STATES, origins=ORIGIN_LABELS,
        notice=_notice(w, notices), base=f"/plans/{plan_id}/links",
        problem_link=getattr(request.state, "problem_link", None), page_note=page_note,
    )  # fmt: skip


def _notice(w: Mapping[str, str], notices: Mapping[str, str]) -> str | None:
    made = notices.get("aligned", "").split(".")
    if len(made) == 4 and all(x.isdigit() for x in made):
        return w["aligned"].format(*made)
    n = notices.get("accepted", "")
    return w["bulk_done"].format(n) if n.isdigit() else None


def again(request: Request, kw: Mapping[str, Any]) -> Response:
    """The page a refused form came from (its ``next``), the reason shown at the form."""
    url = urlsplit(safe_next(kw.get("next"), ""))
    query = dict(parse_qsl(url.query))
    plan_id = kw.get("plan_id") or _plan_of(url.path)
    if not plan_id and kw.get("link_id"):
        with ctx_of(request).read() as s:
            plan_id = link_queue.plan_of_link(s, kw["link_id"]) or 0
    page = query.get("page", "1")
    args = Args(
        state=query.get("state", ""),
        min=query.get("min", ""),
        other=query.get("other", ""),
        code=query.get("code", ""),
        dir=query.get("dir", "up"),
        page=int(page) if page.isdigit() and len(page) < 6 else 1,
    )
    return show(request, plan_id, args, {})


def _plan_of(path: str) -> int:
    parts = path.strip("/").split("/")
    ok = len(parts) == 3 and parts[0] == "plans" and parts[1].isdigit() and len(parts[1]) < 10
    return int(parts[1]) if ok else 0


@router.post("/plans/{plan_id}/links/align")
@redisplay("align-form", again)
def propose(
    plan_id: PathId,
    request: Request,
    parent_plan: Annotated[str, Form(max_length=12)] = "",
    csrf_token: Csrf = "",
    next: Next = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    parent_id = plan_id_param(parent_plan)
    if parent_id is None:
        raise InputError("请选择上级计划")
    r = link_actions.align(ctx_of(request), caller, plan_id, parent_id)
    made = f"{r.created}.{r.updated}.{r.kept}.{r.withdrawn}"
    return back(f"/plans/{plan_id}/links?state=proposed&other={parent_id}&aligned={made}")


@router.post("/plans/{plan_id}/links/accept-above")
@redisplay("bulk-form", again)
def bulk(
    plan_id: PathId,
    request: Request,
    min_score: Annotated[str, Form(max_length=20)] = "",
    other: Annotated[str, Form(max_length=12)] = "",
    csrf_token: Csrf = "",
    next: Next = "",
) -> Response:
    caller = form_caller(request, csrf_token)
    score = link_actions.parse_score(min_score)
    if score is None:
        raise InputError("请填写最低分值，如 0.3")
    n = link_actions.accept_above(ctx_of(request), caller, plan_id, score, plan_id_param(other))
    query = Args(state="accepted", other=other if other.isdigit() else "").query(accepted=n)
    return back(f"/plans/{plan_id}/links{query}")


def _link_form(request: Request, csrf_token: str, link_id: int) -> Caller:
    """The caller of a form on one link row; a refusal is shown on that row."""
    caller = form_caller(request, csrf_token)
    request.state.problem_link = link_id
    return caller


@router.post("/links/{link_id}/decide")
@redisplay("link", again)
def decide(
    link_id: PathId,
    request: Request,
    decision: Annotated[str, Form(pattern="^(accept|reject)$")],
    version: Version = None,
    csrf_token: Csrf = "",
    next: Next = "",
) -> Response:
    caller = _link_form(request, csrf_token, link_id)
    state = "accepted" if decision == "accept" else "rejected"
    link_actions.decide(ctx_of(request), caller, link_id, state, version)
    return back(safe_next(next, "/"))


@router.post("/links/{link_id}/relink")
@redisplay("link", again)
def relink(
    link_id: PathId,
    request: Request,
    parent: Annotated[str, Form(max_length=120)] = "",
    version: Version = None,
    csrf_token: Csrf = "",
    next: Next = "",
) -> Response:
    caller = _link_form(request, csrf_token, link_id)
    link_actions.relink(ctx_of(request), caller, link_id, parent, version)
    return back(safe_next(next, "/"))
