"""The pages: server-rendered HTML with plain forms (no JavaScript needed), Chinese first."""

from __future__ import annotations

from fastapi import APIRouter

from luoshi.web.pages import (
    assets,
    auth,
    dashboard,
    documents,
    exchange,
    ledger,
    links,
    orgs,
    plans,
    public,
    rounds,
    targets,
    tasks,
    users,
    workflow,
)


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    modules = (
        assets, auth, dashboard, documents, ledger, exchange, plans, tasks, rounds, public, users,
        targets, workflow, links, orgs,
    )  # fmt: skip
    for module in modules:
        pages.include_router(module.router)
    return pages
