"""Stylesheets made from the ledger's data: the health palette, so that the badges and
legends of the pages use the colours the charts, the Word bulletin and Excel use; and
/favicon.ico, the Luoshu square of static/favicon.svg drawn as a 16 × 16 icon."""

from __future__ import annotations

import struct
from functools import cache

from fastapi import APIRouter
from starlette.responses import Response

from luoshi.ledger.health import HEALTH_COLOURS

router = APIRouter(include_in_schema=False)


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


ICON = 16
NAVY, WHITE = (0x66, 0x3B, 0x0D, 0xFF), (0xFF, 0xFF, 0xFF, 0xFF)  # BGRA


@cache
def favicon_ico() -> bytes:
    """One 32-bit icon: a navy square with the 3 × 3 dots of the Luoshu, the centre
    largest (the SVG's picture at 16 pixels; browsers ask /favicon.ico by themselves)."""
    rows = []
    for y in range(ICON - 1, -1, -1):  # a BMP is stored bottom-up
        rows.append(b"".join(bytes(_pixel(x, y)) for x in range(ICON)))
    mask = b"\0" * (ICON * 4)  # 1 bit a pixel, rows padded to 32 bits: all shown
    header = struct.pack("<IiiHHIIiiII", 40, ICON, ICON * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    image = header + b"".join(rows) + mask
    entry = struct.pack("<BBBBHHII", ICON, ICON, 0, 0, 1, 32, len(image), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + entry + image


def _pixel(x: int, y: int) -> tuple[int, int, int, int]:
    for cx in (4, 8, 12):
        for cy in (4, 8, 12):
            r = 1.8 if (cx, cy) == (8, 8) else 1.45 if 8 in (cx, cy) else 1.1
            if (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r:
                return WHITE
    return NAVY


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(
        favicon_ico(),
        media_type="image/x-icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )
