"""Uploads (web/uploads.py) are read only from those who may upload, and no further
than the limits: the caller and its role are checked before the body is read, a
declared or actual body past the size limit is refused with 413, a .docx that
would unzip past its limit is never parsed, a document with too much text is
refused before extraction."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from luoshi.ledger import documents
from luoshi.web import uploads
from tests.fixtures.documents import build_docx
from tests.web_support import API, WebWorld, assert_error, web_world

BOUNDARY = "luoshi-test-boundary"
MB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass
class Sent:
    """What the app answered, and how many bytes of the body it took in."""

    status: int
    headers: dict[str, str]
    body: bytes
    consumed: int

    def error(self) -> dict[str, Any]:
        err: dict[str, Any] = json.loads(self.body)["error"]
        return err


def multipart(size: int, filename: str = "big.txt") -> Iterator[bytes]:
    """A multipart form with one file of ``size`` bytes, in chunks, made as they are read."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    for start in range(0, size, CHUNK):
        yield b"a" * min(CHUNK, size - start)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def post(
    app: FastAPI, path: str, body: Iterator[bytes], length: int | None, **headers: str
) -> Sent:
    """POST straight to the ASGI app, counting the body bytes it asks for."""
    consumed = 0
    answered = False
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal consumed
        chunk = None if answered else next(body, None)
        if answered:
            return {"type": "http.disconnect"}
        consumed += len(chunk or b"")
        return {"type": "http.request", "body": chunk or b"", "more_body": chunk is not None}

    async def send(message: dict[str, Any]) -> None:
        nonlocal answered
        if message["type"] == "http.response.start":
            answered = True
            out["status"] = message["status"]
            out["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    sent = {"content-type": f"multipart/form-data; boundary={BOUNDARY}", **headers}
    if length is not None:
        sent["content-length"] = str(length)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in sent.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return Sent(out["status"], out["headers"], out["body"], consumed)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[WebWorld]:
    w = web_world(tmp_path, max_upload_mb=1)
    yield w
    w.db.dispose()


def bearer(web: WebWorld, username: str) -> dict[str, str]:
    return {"authorization": f"Bearer {web.token(username)}"}


HUGE = 500 * MB


def test_nobody_signed_in_is_refused_before_the_body_is_read(small: WebWorld) -> None:
    api = post(small.app, f"{API}/documents", multipart(HUGE), HUGE)
    assert api.status == 401 and api.error()["code"] == "unauthenticated"
    assert api.consumed == 0
    page = post(small.app, "/documents/upload", multipart(HUGE), HUGE, accept="text/html")
    assert page.status == 303 and page.headers["location"].startswith("/login")
    assert page.consumed == 0


@pytest.mark.parametrize("username", ["reader", "port"])
def test_who_may_not_upload_is_refused_before_the_body_is_read(
    small: WebWorld, username: str
) -> None:
    api = post(small.app, f"{API}/documents", multipart(HUGE), HUGE, **bearer(small, username))
    assert api.status == 403 and "无权导入文件" in api.error()["message"]
    assert api.consumed == 0
    cookie = {"cookie": f"luoshi_session={small.token(username)}"}
    page = post(small.app, "/documents/upload", multipart(HUGE), HUGE, **cookie)
    assert page.status == 403 and page.consumed == 0


def test_a_declared_length_past_the_limit_is_413_unread(small: WebWorld) -> None:
    r = post(small.app, f"{API}/documents", multipart(HUGE), HUGE, **bearer(small, "boss"))
    assert r.status == 413 and r.consumed == 0
    err = r.error()
    assert err["code"] == "too_large" and err["message"].startswith("文件太大（上限 1 MB）")


def test_a_body_without_a_length_is_read_no_further_than_the_limit(small: WebWorld) -> None:
    r = post(small.app, f"{API}/documents", multipart(20 * MB), None, **bearer(small, "boss"))
    assert r.status == 413 and r.error()["code"] == "too_large"
    assert MB < r.consumed <= MB + 64 * 1024 + 2 * CHUNK


def test_a_file_just_past_the_limit_is_413(small: WebWorld) -> None:
    r = small.as_user("boss").post(
        f"{API}/documents", files={"file": ("a.txt", b"a" * (MB + 1), "text/plain")}
    )
    assert_error(r, 413, "too_large")
    with small.db.transaction() as s:
        assert len(documents.list_documents(s)) == 1  # the world's own, nothing added


def compressible_docx(tmp_path: Path, chars: int) -> bytes:
    """A small .docx whose body unzips to many megabytes."""
    line = "新建学校8所，改造老旧小区120个。" * 100
    path = build_docx([line] * (chars // len(line)), tmp_path / "big.docx")
    return path.read_bytes()


def test_a_docx_unzipping_past_the_limit_is_refused_unparsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = web_world(tmp_path, max_unpacked_mb=2)
    data = compressible_docx(tmp_path, 1_000_000)
    assert len(data) < MB

    async def parse(*args: Any) -> None:
        raise AssertionError(f"{args[2]} was parsed")

    monkeypatch.setattr(uploads, "read_in_child", parse)
    r = web.as_user("boss").post(f"{API}/documents", files={"file": ("big.docx", data, "x/y")})
    message = assert_error(r, 422, "invalid_input")["message"]
    assert message.startswith("文件解压后太大（") and "上限 2 MB" in message
    web.db.dispose()


def test_a_document_with_too_much_text_is_refused(tmp_path: Path) -> None:
    web = web_world(tmp_path, max_text_chars=1000)
    text = "新建学校8所。\n" * 200  # 1600 characters
    r = web.as_user("boss").post(f"{API}/documents", files={"file": ("a.txt", text.encode())})
    assert (
        assert_error(r, 422)["message"] == "文件文字太多（1600 字，上限 1000 字），请拆分后再上传"
    )
    ok = web.as_user("boss").post(
        f"{API}/documents", files={"file": ("b.txt", text[:900].encode())}
    )
    assert ok.status_code == 201
    web.db.dispose()


def test_a_form_without_a_file_is_422(web: WebWorld) -> None:
    r = web.as_user("boss").post(f"{API}/documents", data={"other": "x"})
    assert "请选择要上传的文件" in assert_error(r, 422, "invalid_input")["message"]
    assert_error(web.as_user("boss").post(f"{API}/documents", json={"file": "x"}), 422)


def test_the_upload_form_still_needs_its_csrf_token(web: WebWorld) -> None:
    cookie = {"luoshi_session": web.token("boss")}
    files = {"file": ("a.txt", "新建学校8所。".encode(), "text/plain")}
    r = web.client(cookies=cookie).post("/documents/upload", files=files, data={"csrf_token": "x"})
    # A form posted to a page is answered with the error page, whatever its Accept.
    assert r.status_code == 403 and 'data-code="forbidden"' in r.text and "CSRF" in r.text


def test_the_upload_is_described_in_the_openapi_document(web: WebWorld) -> None:
    spec = web.client().get(f"{API}/openapi.json").json()
    body = spec["paths"][f"{API}/documents"]["post"]["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"]
