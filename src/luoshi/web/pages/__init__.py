"""The pages: server-rendered HTML with plain forms (no JavaScript needed), Chinese first."""

from __future__ import annotations

from starlette.routing import BaseRoute

from luoshi.web.pages import (
    assets,
    audit,
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


def routes() -> list[BaseRoute]:
    """Every page's route, in the order they are matched; each module's router leaves
    them out of the API schema and is used as it is (see ``web.api.router.routes``)."""
    modules = (
        assets, auth, dashboard, documents, ledger, exchange, plans, tasks, rounds, public, users,
        targets, workflow, links, orgs, audit,
    )  # fmt: skip
    return [route for module in modules for route in module.router.routes]
