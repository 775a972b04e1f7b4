"""Our own favicon: /favicon.ico answers without signing in (no 404 in every log), the
SVG is a static file, and every page links both."""

from __future__ import annotations

import io
import struct

from PIL import Image

from tests.web_support import WebWorld


def test_favicon_ico_is_a_16_pixel_icon_for_anyone(web: WebWorld) -> None:
    r = web.client().get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"
    reserved, kind, count = struct.unpack("<HHH", r.content[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, _c, _r, _p, bits, size, offset = struct.unpack("<BBBBHHII", r.content[6:22])
    assert (width, height, bits) == (16, 16, 32) and offset + size == len(r.content)
    pixels = r.content[offset + 40 : offset + 40 + 16 * 16 * 4]
    colours = {pixels[i : i + 4] for i in range(0, len(pixels), 4)}
    assert len(colours) == 2  # navy and the white dots: a picture, not a blank
    with Image.open(io.BytesIO(r.content)) as icon:  # a real icon reader agrees
        assert icon.format == "ICO" and icon.size == (16, 16)


def test_the_svg_is_served_and_every_page_links_the_icons(web: WebWorld) -> None:
    svg = web.client().get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text and "http://" not in svg.text.replace("http://www.w3.org", "")
    page = web.client().get("/login").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="icon" href="/favicon.ico"' in page
