"""审计记录 by API: the whole trail for the supervision office, newest first and paged
by keyset (``before`` / ``after`` an event id), and the check of its hash chain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from luoshi.ledger.read import audit_trail, records
from luoshi.ledger.read.audit_trail import MAX_PER_PAGE, PER_PAGE, AuditFilter
from luoshi.web.api import PREFIX
from luoshi.web.context import SignedIn, Writer, ctx_of
from luoshi.web.schemas import MAX_ID

router = APIRouter(prefix=PREFIX, tags=["audit"])
EventId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("/audit", summary="审计记录（督查人员）The audit trail")
def audit(
    request: Request,
    caller: SignedIn,
    entity: Annotated[str | None, Query(max_length=50, pattern=r"^[a-z_]+$")] = None,
    entity_id: EventId = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    before: EventId = None,
    after: EventId = None,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
) -> dict[str, Any]:
    """Newest first; ``older`` is the ``before`` of the next page, ``newer`` the
    ``after`` of the page before (null at either end)."""
    with ctx_of(request).read() as s:
        page = audit_trail.audit_page(
            s, caller.viewer, AuditFilter(entity, entity_id, actor), before, after, per_page
        )
    return {
        "items": page.items, "per_page": page.per_page, "older": page.older,
        "newer": page.newer, "total": page.total,
    }  # fmt: skip


@router.post("/audit/verify", summary="校验审计链 Verify the audit chain")
def verify(request: Request, caller: Writer) -> dict[str, Any]:
    """The same walk as ``luoshi audit verify``; slow on a trail of millions of events."""
    with ctx_of(request).read() as s:
        return records.verdict_record(audit_trail.verify_trail(s, caller.viewer))
