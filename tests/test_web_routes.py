"""The app is given its routes as declared (web/api/router.py, web/pages/__init__.py):
each API module's router carries the /api/v1 prefix and each page's router keeps its
routes out of the API schema. A module that forgets would serve at the wrong address
or document pages as API, so both are checked for every module."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter
from fastapi.routing import APIRoute

import luoshi.web.api
import luoshi.web.pages
from luoshi.web import pages
from luoshi.web.api import PREFIX
from luoshi.web.api import router as api


def module_names(package: object) -> set[str]:
    """The package's modules that declare routes (a ``router``)."""
    name, path = package.__name__, package.__path__
    found = set()
    for m in pkgutil.iter_modules(path):
        module = importlib.import_module(f"{name}.{m.name}")
        if m.name != "router" and isinstance(getattr(module, "router", None), APIRouter):
            found.add(m.name)
    return found


def test_every_api_route_is_under_the_prefix_and_every_module_is_served() -> None:
    routes = api.routes()
    assert routes and all(isinstance(r, APIRoute) for r in routes)
    assert all(r.path.startswith(PREFIX + "/") or r.path == PREFIX for r in routes)
    served = {r.endpoint.__module__.rsplit(".", 1)[1] for r in routes}
    assert served == module_names(luoshi.web.api)


def test_no_page_is_in_the_api_schema_and_every_page_module_is_served() -> None:
    routes = pages.routes()
    assert routes and not any(r.include_in_schema for r in routes)
    assert not any(r.path.startswith(PREFIX) for r in routes)
    served = {r.endpoint.__module__.rsplit(".", 1)[1] for r in routes}
    assert served == module_names(luoshi.web.pages)
