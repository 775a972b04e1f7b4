"""The pages: server-rendered HTML with plain forms (no JavaScript needed), Chinese first."""

from __future__ import annotations

from fastapi import APIRouter

from luoshi.web.pages import (
    auth,
    dashboard,
    documents,
    exchange,
    ledger,
    plans,
    public,
    rounds,
    tasks,
    users,
)


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    for module in (
        auth, dashboard, documents, ledger, exchange, plans, tasks, rounds, public, users
    ):  # fmt: skip
        pages.include_router(module.router)
    return pages
