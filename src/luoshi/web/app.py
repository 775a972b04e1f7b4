"""``create_app(settings)``: the ASGI app — API, pages, static assets — on one database."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from luoshi import __version__
from luoshi.ledger import scoring, sessions, users, write_gate
from luoshi.ledger.db import Database
from luoshi.settings import Settings
from luoshi.web import docs, errors, i18n, pages
from luoshi.web.api import router as api
from luoshi.web.api.router import PREFIX
from luoshi.web.budget import Slots
from luoshi.web.context import WebContext
from luoshi.web.gate import CheckGate, GateMiddleware
from luoshi.web.headers import SecurityHeaders
from luoshi.web.json_response import JSONResponse
from luoshi.web.keeper import Keeper

log = logging.getLogger("luoshi.web")


def templates() -> Jinja2Templates:
    folder = resources.files("luoshi.web").joinpath("templates")
    t = Jinja2Templates(directory=str(folder))
    i18n.install(t.env)
    return t


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """The web app for ``settings``; opens (and migrates) the database unless given one."""
    database = db or Database.open(
        settings.database_url, rules=settings.health, synchronous=settings.sqlite_synchronous
    )
    ctx = WebContext(
        settings=settings,
        db=database,
        secret=sessions.secret_key(database, settings.web.secret_key),
        templates=templates(),
        loop_reads=write_gate.gate_of(database.engine) is not None,  # a SQLite file
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        keeper = Keeper(database, scoring.load_rules(settings.workflow.scoring_file))
        keeper.start()
        try:
            yield
        finally:
            keeper.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="落实 Luoshi API",
        version=__version__,
        description="政策文件落实台账的 JSON 接口。The ledger's JSON API.",
        openapi_url=f"{PREFIX}/openapi.json",
        # FastAPI's Swagger UI and ReDoc load scripts from a CDN; intranets have none.
        # Ours (web/docs.py) serves swagger-ui-bundle's files from the package.
        docs_url=None,
        redoc_url=None,
        routes=[*api.routes(), *pages.routes()],
        default_response_class=JSONResponse,
    )
    app.state.ctx = ctx
    gate = CheckGate(settings.web.password_checks(users.check_memory_mb()))
    app.state.password_gate = gate
    app.state.upload_slots = Slots(settings.web.upload_workers)
    errors.install(app)
    app.add_middleware(errors.CatchAll)
    app.add_middleware(GateMiddleware, gate=gate, api=PREFIX)
    app.add_middleware(SecurityHeaders)
    if settings.web.trusted_proxies:
        # The client's address from X-Forwarded-For, only when a named proxy sent it.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.web.trusted_proxies))
    docs.install(app)
    static = resources.files("luoshi.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (and its worker processes): settings from the
    environment, as ``luoshi serve`` passes them."""
    return create_app(Settings.from_env(os.environ))
