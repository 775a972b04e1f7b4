"""Wide tables scroll inside their own wrapper (div.scroll), so on a phone the page does
not scroll sideways: every table of every template sits in one, and the pages named in
the trial (ledger, review queue, scores, rounds) render with it."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from luoshi.ledger import cycle
from tests.test_web_pages import browser
from tests.web_support import WebWorld

TEMPLATES = resources.files("luoshi.web").joinpath("templates")
WRAPPED = re.compile(r'<div class="scroll">\s*<table\b')


def templates() -> list[str]:
    return sorted(p.name for p in TEMPLATES.iterdir() if p.name.endswith(".html"))


@pytest.mark.parametrize("name", templates())
def test_every_table_of_a_template_is_in_a_scroll_wrapper(name: str) -> None:
    text = TEMPLATES.joinpath(name).read_text(encoding="utf-8")
    assert len(WRAPPED.findall(text)) == len(re.findall(r"<table\b", text))
    assert text.count("<table") == text.count("</table>")


def test_the_stylesheet_lets_the_wrapper_take_the_overflow() -> None:
    css = resources.files("luoshi.web").joinpath("static/luoshi.css").read_text("utf-8")
    assert re.search(r"\.scroll \{[^}]*overflow-x: auto", css)
    assert re.search(r"\.grid > \*[^{]*\{[^}]*min-width: 0", css)  # grid cells may shrink


def test_the_wide_pages_render_their_tables_wrapped(web: WebWorld) -> None:
    with web.db.transaction() as s:
        w = web.world
        rid = cycle.open_round(s, w.user(s, "boss"), w.plan(s), "2024-Q1", None).id
    boss, _ = browser(web, "boss")
    pages = {
        f"/plans/{web.world.plan_id}/ledger": "ledger",
        "/review": "review-queue",
        "/rounds": "rounds",
        f"/rounds/{rid}": None,
        "/scores": None,
    }
    for path, table in pages.items():
        page = boss.get(path).text
        tables = re.findall(r"<table\b", page)
        assert tables and len(WRAPPED.findall(page)) == len(tables), path
        if table:
            assert re.search(rf'<div class="scroll">\s*<table [^>]*id="{table}"', page), path
