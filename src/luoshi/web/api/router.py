"""The JSON API under /api/v1: one router per part of the ledger."""

from __future__ import annotations

from starlette.routing import BaseRoute

from luoshi.web.api import PREFIX as PREFIX  # re-exported: where the API lives
from luoshi.web.api import (
    audit,
    auth,
    documents,
    exchange,
    links,
    manage,
    orgs,
    people,
    plans,
    public,
    rounds,
    targets,
    tasks,
    workflow,
)


def routes() -> list[BaseRoute]:
    """Every API route, in the order they are matched.

    Each module declares its routes with the prefix, so they are built once, when
    declared: an ``include_router`` would build every route again for each app and
    again on the first request (FastAPI's included routers), a second of a worker's
    start-up."""
    modules = (
        auth, documents, plans, exchange, manage, tasks, rounds, people, public, targets,
        workflow, orgs, links, audit,
    )  # fmt: skip
    return [route for module in modules for route in module.router.routes]
