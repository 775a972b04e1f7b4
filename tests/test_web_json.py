"""JSON bodies: orjson's encoding keeps the standard encoder's output (compact, UTF-8,
integer keys as strings), so clients see the same bytes as before."""

from __future__ import annotations

import json
from datetime import date

import pytest

from luoshi.web.json_response import JSONResponse

BODIES = [
    {"单位": "滨海新区", "progress": 42.5, "counts": {"red": 3}, "items": [1, None, True]},
    {"by_id": {7: "七", 12: [0.1, 1e16, -3]}},
    [],
]


@pytest.mark.parametrize("body", BODIES)
def test_the_body_is_the_standard_encoders_compact_utf8(body: object) -> None:
    expected = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    assert JSONResponse(body).body == expected


def test_tiny_floats_keep_their_value() -> None:
    # Exponents are spelt "2.25e-7", not "2.25e-07": the same number to any parser.
    body = {"x": 2.25e-7, "y": 1 / 3}
    assert json.loads(JSONResponse(body).body) == body


def test_headers_say_json() -> None:
    r = JSONResponse({"a": 1}, status_code=201)
    assert r.status_code == 201
    assert r.headers["content-type"] == "application/json"


def test_a_value_json_cannot_hold_is_refused_not_written() -> None:
    with pytest.raises(TypeError):
        JSONResponse({"day": object()})
    # A date the handlers forgot to format is written as ISO text, not refused.
    assert JSONResponse({"day": date(2026, 12, 3)}).body == b'{"day":"2026-12-03"}'
