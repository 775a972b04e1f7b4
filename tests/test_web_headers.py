"""Security headers on every page (a crawler walks them all), no inline script or
style for the CSP to refuse, no-store on what is private, Secure cookies when asked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from tests.test_web_pages import browser
from tests.web_support import API, PASSWORD, WebWorld, web_world

HREF = re.compile(r'href="(/[^"]*)"')
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),  # onclick=, onchange=…
    re.compile(r"javascript:", re.I),
]


def assert_secure_headers(r: Any, url: str, private: bool = True) -> None:
    h = r.headers
    csp = h.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, url
    assert "'unsafe-inline'" not in csp, url
    assert h.get("x-content-type-options") == "nosniff", url
    assert h.get("x-frame-options") == "DENY", url
    assert h.get("referrer-policy") == "same-origin", url
    if private:
        assert h.get("cache-control") == "no-store", url


def crawl(client: TestClient, starts: list[str], limit: int = 120) -> dict[str, Any]:
    """Every page reachable from ``starts`` by links within the site (one per path)."""
    seen: dict[str, Any] = {}
    queue = list(starts)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or path.startswith(("/static/", "/logout")):
            continue
        r = client.get(url, follow_redirects=False)
        seen[path] = r
        if "text/html" in r.headers.get("content-type", ""):
            queue += [u.replace("&amp;", "&") for u in HREF.findall(r.text)]
    return seen


def test_every_page_carries_the_headers_and_no_inline_code(web: WebWorld) -> None:
    client, _ = browser(web, "local-admin")
    pages = crawl(client, ["/", "/public", f"/tasks/{web.task_id('1.1.1.1')}"])
    assert {
        "/",
        "/documents",
        "/rounds",
        "/review",
        "/users",
        "/public",
        "/plans",
        "/units",
    } <= set(pages)
    assert any(p.startswith("/tasks/") for p in pages) and len(pages) > 12
    for path, r in pages.items():
        assert r.status_code in (200, 303), (path, r.status_code)
        assert_secure_headers(r, path)
        for pattern in INLINE:
            assert not pattern.search(r.text), (path, pattern.pattern)


def test_the_login_page_errors_and_the_api_carry_them_too(web: WebWorld) -> None:
    anon = web.client(headers={"Accept": "text/html"})
    for url in ("/login", "/no-such-page", "/public"):
        assert_secure_headers(anon.get(url, follow_redirects=False), url)
    token = web.client().post(f"{API}/auth/login", json={"username": "port", "password": PASSWORD})
    assert token.status_code == 200 and "token" in token.json()
    assert_secure_headers(token, "login token")
    api = web.as_user("port")
    for url in (f"{API}/me", f"{API}/plans", f"{API}/no-such"):
        assert_secure_headers(api.get(url), url)


def test_static_files_may_be_cached_but_not_framed_or_sniffed(web: WebWorld) -> None:
    r = web.client().get("/static/luoshi.css")
    assert r.status_code == 200
    assert_secure_headers(r, "css", private=False)
    assert r.headers.get("cache-control") != "no-store"
    assert web.client().get("/static/luoshi.js").status_code == 200


def _secure(response: Any, name: str) -> bool:
    cookies = response.headers.get_list("set-cookie")
    mine = [c for c in cookies if c.startswith(f"{name}=")]
    assert mine, (name, cookies)
    return all("secure" in c.lower().split("; ") for c in mine)


def test_every_cookie_is_secure_when_asked(tmp_path: Path) -> None:
    for secure in (True, False):
        folder = tmp_path / str(secure)
        folder.mkdir()
        web = web_world(folder, secure_cookies=secure)
        # A browser sends a Secure cookie back only over HTTPS.
        base = "https://testserver" if secure else "http://testserver"
        client = web.client(headers={"Accept": "text/html"}, base_url=base)
        page = client.get("/login")
        assert _secure(page, "luoshi_anon") is secure
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf is not None
        form = {"username": "port", "password": PASSWORD, "csrf_token": csrf[1]}
        signed = client.post("/login", data=form, follow_redirects=False)
        assert signed.status_code == 303 and _secure(signed, "luoshi_session") is secure
        lang = client.get("/lang/en?next=/", follow_redirects=False)
        assert _secure(lang, "luoshi_lang") is secure
        web.db.dispose()
