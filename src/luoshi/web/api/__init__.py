"""The JSON API under /api/v1: one module per part of the ledger, joined in ``router.py``."""

from __future__ import annotations

from typing import Any

from luoshi.errors import InputError
from luoshi.ledger.read import records
from luoshi.ledger.read.listing import Page, beyond_end

# Every API route is declared with this prefix (routes are built once, where declared).
PREFIX = "/api/v1"


def page_body(page: Page[dict[str, Any]], keyset: bool = False) -> dict[str, Any]:
    """A page of a list as the API answers it, with how many pages there are; a page
    past the last one is refused, saying how many there are, rather than answered
    empty (a client would take that for an empty list). Keyset paging (``after``)
    does not count pages, so it is not checked."""
    past = None if keyset else beyond_end(page.page, page.pages)
    if past is not None:
        raise InputError(f"页码（page）「{page.page}」无效：{past}", ("page",))
    return {**records.page_record(page), "pages": page.pages}
