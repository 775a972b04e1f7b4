"""The JSON API under /api/v1: one router per part of the ledger."""

from __future__ import annotations

from fastapi import APIRouter

from luoshi.web.api import (
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

PREFIX = "/api/v1"


def router() -> APIRouter:
    api = APIRouter(prefix=PREFIX)
    for module in (
        auth,
        documents,
        plans,
        exchange,
        manage,
        tasks,
        rounds,
        people,
        public,
        targets,
        workflow,
        orgs,
        links,
    ):
        api.include_router(module.router)
    return api
