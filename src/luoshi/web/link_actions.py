"""对接's writes from the pages: propose, accept, reject, relink, bulk-accept. Each goes
through the ledger's link services, which check the caller, the version seen, and
write the audit trail."""

from __future__ import annotations

from luoshi.errors import InputError
from luoshi.ledger import link_align, links
from luoshi.ledger.links import ProposalResult
from luoshi.ledger.models import Task
from luoshi.ledger.plans import plan_by_id
from luoshi.ledger.read.link_queue import parent_task
from luoshi.web.context import Caller, WebContext

MAX_SCORE = 10.0


def align(ctx: WebContext, caller: Caller, plan_id: int, parent_plan_id: int) -> ProposalResult:
    with ctx.work(caller) as (s, actor):
        child, parent = plan_by_id(s, plan_id), plan_by_id(s, parent_plan_id)
        return link_align.align_plans(s, actor, child, parent)


def decide(ctx: WebContext, caller: Caller, link_id: int, state: str, seen: int | None) -> None:
    with ctx.work(caller) as (s, actor):
        links.decide(s, actor, links.get_link(s, link_id), state, seen)


def relink(ctx: WebContext, caller: Caller, link_id: int, code: str, seen: int | None) -> int:
    """Point the link at the task ``code`` of its parent's plan (or ``PLAN:CODE`` of
    another); the id of the link that now holds the pair."""
    with ctx.work(caller) as (s, actor):
        link = links.get_link(s, link_id)
        parent = s.get(Task, link.parent_task_id)
        assert parent is not None
        task = parent_task(s, parent.plan_id, code)
        return links.relink(s, actor, link, task, seen).id


def accept_above(
    ctx: WebContext, caller: Caller, plan_id: int, min_score: float, other_plan_id: int | None
) -> int:
    """批量确认: how many proposed links were accepted."""
    with ctx.work(caller) as (s, actor):
        plan = plan_by_id(s, plan_id)
        other = plan_by_id(s, other_plan_id) if other_plan_id is not None else None
        return len(links.accept_above(s, actor, plan, min_score, other))


def parse_score(text: str, label: str = "最低分值") -> float | None:
    """A score typed in a form (0 to 10); None when left empty."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{label}「{text}」不是数字，应为 0 到 10 之间的数，如 0.3") from None
    if not 0 <= value <= MAX_SCORE:
        raise InputError(f"{label}「{text}」应在 0 到 10 之间")
    return value
