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


CARDS = re.compile(r'<div class="scroll">\s*<table class="table[^"]* cards[^"]*" id="([\w-]+)"')


def test_phone_pages_carry_the_viewport_and_the_menu_button(web: WebWorld) -> None:
    for name in ("port", "boss"):
        client, _ = browser(web, name)
        page = client.get("/").text
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        # The menu's button comes just before the menu it opens (the CSS's sibling rule).
        assert re.search(
            r'id="menu-open"[^>]*>\s*<label for="menu-open"[^>]*>[^<]*</label>\s*<nav>', page
        )
    login = web.client(headers={"Accept": "text/html"}).get("/login").text
    assert 'name="viewport"' in login


def test_long_lists_render_as_labelled_cards_in_the_scroll_wrapper(web: WebWorld) -> None:
    with web.db.transaction() as s:
        w = web.world
        rnd = cycle.open_round(s, w.user(s, "boss"), w.plan(s), "2024-Q1", None)
        cycle.submit_report(s, w.user(s, "port"), rnd, w.task(s, "1.1.1.1"), 40, None)
        round_id = rnd.id
    client, _ = browser(web, "boss")
    tid = web.task_id("1.1.1.1")
    pages = {
        f"/plans/{web.world.plan_id}/ledger": "ledger",
        "/review": "review-queue",
        f"/tasks/{tid}": "reports",
        "/audit": "audit-events",
        f"/rounds/{round_id}": "pending-units",  # 未报单位, each with its 催办 button
        f"/public/plans/{web.world.plan_id}": "public-tasks",  # read on phones most of all
    }
    web.as_user("boss").patch(f"/api/v1/plans/{web.world.plan_id}", json={"public": True})
    for path, table in pages.items():
        page = client.get(path).text
        assert table in CARDS.findall(page), path
        body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
        cells = re.findall(r"<td\b([^>]*)>", body)
        assert cells, path
        for attrs in cells:  # each cell names its column on a card, or is the card's title
            assert re.search(r'data-label="[^"]+"|class="(title|code|pick|decide)"', attrs), (
                path,
                attrs,
            )


def test_the_card_layout_is_for_phones_only() -> None:
    css = resources.files("luoshi.web").joinpath("static/luoshi.css").read_text("utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # the comments name the classes too
    rules = re.findall(r"@media \(max-width: 700px\) \{(.*?)\n\}", css, re.S)
    phone = "\n".join(rules)
    outside = re.sub(r"@media \(max-width: 700px\) \{.*?\n\}", "", css, flags=re.S)
    assert ".cards tbody tr { display: block" in phone and ".cards" not in outside
    assert re.search(r"\.menu-open:checked ~ nav \{[^}]*display: grid", phone)
    assert re.search(r"\.menu-open, \.menu-toggle \{ display: none; \}", outside)
    assert re.search(r"min-height: 40px", phone)
