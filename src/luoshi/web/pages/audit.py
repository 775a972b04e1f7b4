"""审计记录 page: the supervision office reads the whole audit trail, newest first, a
page at a time, filtered by table, row and actor, and checks its hash chain (校验审计链),
the same check as ``luoshi audit verify``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from luoshi.errors import InputError
from luoshi.ledger import audit_labels
from luoshi.ledger.read import audit_trail
from luoshi.ledger.read.audit_trail import AuditFilter
from luoshi.web import jobs
from luoshi.web.context import ctx_of
from luoshi.web.pages.common import back, form_caller, lenient, page_caller, render
from luoshi.web.schemas import MAX_ID

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=100)]
Csrf = Annotated[str, Form(max_length=200)]
PAGE_SIZES = (20, 50, 100, 200)


def id_param(text: str, label: str) -> int | None:
    """A number typed in a filter box ('' is none); a clerk is told which box is wrong."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise InputError(f"{label}「{text}」不是有效的编号，请填写正整数")
    return int(text)


@router.get("/audit")
def audit_page(
    request: Request,
    entity: Text = "",
    entity_id: Text = "",
    actor: Text = "",
    before: Text = "",
    after: Text = "",
    per_page: Text = "",
) -> Response:
    caller = page_caller(request)

    def number(text: str, label: str) -> int | None:  # a wrong one is said, not served
        return lenient(request, lambda: id_param(text, label), None)

    wanted = AuditFilter(entity or None, number(entity_id, "记录编号"), actor.strip() or None)
    size = number(per_page, "每页条数") or audit_trail.PER_PAGE
    with ctx_of(request).read() as s:
        page = audit_trail.audit_page(
            s, caller.viewer, wanted,
            before=number(before, "翻页位置"),
            after=number(after, "翻页位置"),
            per_page=size if size in PAGE_SIZES else audit_trail.PER_PAGE,
        )  # fmt: skip
        actors = audit_labels.actor_names(s, (e["actor"] for e in page.items))
    return render(
        request, "audit.html", page=page, wanted=wanted, entities=audit_trail.entity_choices(),
        page_sizes=PAGE_SIZES, actors=actors,
    )  # fmt: skip


@router.post("/audit/verify")
def verify(request: Request, csrf_token: Csrf = "") -> Response:
    """Walks the whole chain off the request (minutes on millions of events): the
    progress page says how far it is, then the verdict."""
    caller = form_caller(request, csrf_token)
    audit_trail.require_auditor(caller.viewer)  # refused at once, not on the job's page
    token = jobs.start(ctx_of(request), caller, "audit_verify", None, {})
    return back(f"/jobs/{token}")
