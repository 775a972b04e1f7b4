"""The pages: server-rendered HTML with plain forms (no JavaScript needed), Chinese first."""

from __future__ import annotations

from fastapi import APIRouter

from luoshi.web.pages import (
    auth,
    dashboard,
    documents,
    ledger,
    public,
    rounds,
    tasks,
    users,
    workflow,
)


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    for module in (auth, dashboard, documents, ledger, tasks, rounds, public, users, workflow):
        pages.include_router(module.router)
    return pages
