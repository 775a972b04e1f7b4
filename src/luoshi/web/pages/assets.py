"""Stylesheets made from the ledger's data: the health palette, so that the badges and
legends of the pages use the colours the charts, the Word bulletin and Excel use."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from luoshi.ledger.health import HEALTH_COLOURS

router = APIRouter()


def health_css() -> str:
    names = "; ".join(f"--{h}: {c}" for h, c in HEALTH_COLOURS.items())
    return f":root {{ {names}; }}\n"


@router.get("/health.css")
def health_stylesheet() -> Response:
    return Response(
        health_css(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )
