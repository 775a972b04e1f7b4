"""The files offices exchange, by API and from the ledger page: the Excel ledger down and
back up (a dry run changes nothing), the bulletin, open data; roles; background jobs."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from luoshi.ledger.models import AuditEvent
from tests.test_web_pages import browser
from tests.web_support import API, WebWorld, assert_error, web_world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def ww(tmp_path: Path) -> WebWorld:
    return web_world(tmp_path)


def audit_count(ww: WebWorld) -> int:
    with ww.db.transaction() as s:
        return s.query(AuditEvent).count()


def edited(data: bytes, title: str) -> bytes:
    """The downloaded ledger with the first measure's title changed."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    col = header.index("任务名称") + 1
    ws.cell(2, col).value = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_download_the_ledger_and_upload_it_back_as_a_dry_run(ww: WebWorld) -> None:
    boss = ww.as_user("boss")
    r = boss.get(f"{API}/plans/{ww.world.plan_id}/ledger.xlsx")
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert "filename*=UTF-8''t2024" in r.headers["content-disposition"]
    before = audit_count(ww)
    same = boss.post(
        f"{API}/plans/{ww.world.plan_id}/ledger.xlsx?dry_run=true",
        files={"file": ("ledger.xlsx", r.content, XLSX)},
    )
    assert same.status_code == 200, same.text
    assert same.json() == {"dry_run": True, "tasks": 0, "changes": []}
    changed = edited(r.content, "新的任务名称")
    preview = boss.post(
        f"{API}/plans/{ww.world.plan_id}/ledger.xlsx?dry_run=true",
        files={"file": ("ledger.xlsx", changed, XLSX)},
    )
    body = preview.json()
    assert body["tasks"] == 1 and body["changes"][0]["after"] == "新的任务名称"
    assert audit_count(ww) == before  # the dry run wrote nothing
    applied = boss.post(
        f"{API}/plans/{ww.world.plan_id}/ledger.xlsx?dry_run=false",
        files={"file": ("ledger.xlsx", changed, XLSX)},
    )
    assert applied.json()["dry_run"] is False and audit_count(ww) == before + 1


def test_a_bad_cell_is_listed_and_nothing_is_written(ww: WebWorld) -> None:
    boss = ww.as_user("boss")
    data = boss.get(f"{API}/plans/{ww.world.plan_id}/ledger.xlsx").content
    wb = load_workbook(io.BytesIO(data))
    ws = wb["台账"]
    col = [c.value for c in ws[1]].index("完成时限") + 1
    ws.cell(2, col).value = "2024年13月"
    out = io.BytesIO()
    wb.save(out)
    r = boss.post(
        f"{API}/plans/{ww.world.plan_id}/ledger.xlsx",
        files={"file": ("ledger.xlsx", out.getvalue(), XLSX)},
    )
    err = assert_error(r, 422)
    assert any("2024年13月" in p for p in err["details"])


def test_roles_on_the_files(ww: WebWorld) -> None:
    plan = ww.world.plan_id
    port = ww.as_user("port")
    assert_error(port.get(f"{API}/plans/{plan}/ledger.xlsx"), 403, "forbidden")
    assert_error(port.get(f"{API}/plans/{plan}/bulletin.docx"), 403)
    assert_error(port.get(f"{API}/plans/{plan}/open/plan.json"), 403)
    reader = ww.as_user("reader")
    assert reader.get(f"{API}/plans/{plan}/ledger.xlsx").status_code == 200
    data = reader.get(f"{API}/plans/{plan}/ledger.xlsx").content
    refused = reader.post(f"{API}/plans/{plan}/ledger.xlsx", files={"file": ("l.xlsx", data, XLSX)})
    assert_error(refused, 403)
    assert_error(ww.client().get(f"{API}/plans/{plan}/ledger.xlsx"), 401)


def test_the_bulletin_in_the_template_and_plain(ww: WebWorld) -> None:
    boss = ww.as_user("boss")
    plan = ww.world.plan_id
    r = boss.get(f"{API}/plans/{plan}/bulletin.docx?doc_no=临督〔2025〕3号&cc=市委办公厅")
    assert r.status_code == 200, r.text
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "临督〔2025〕3号" in text and "抄送：市委办公厅" in text and "{{" not in text
    assert "督查室督查通报" in text  # the masthead, from the issuer
    plain = boss.get(f"{API}/plans/{plan}/bulletin.docx?plain=true").content
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(plain)).paragraphs)
    assert "抄送" not in text and "重点任务落实情况的通报" in text


def test_open_data_by_name(ww: WebWorld) -> None:
    boss = ww.as_user("boss")
    plan = ww.world.plan_id
    assert boss.get(f"{API}/plans/{plan}/open/plan.json").json()["schema"] == "luoshi.plan"
    tasks = boss.get(f"{API}/plans/{plan}/open/tasks.csv")
    assert tasks.content.startswith(b"\xef\xbb\xbf") and "text/csv" in tasks.headers["content-type"]
    assert boss.get(f"{API}/plans/{plan}/open/other.csv").status_code == 422


def test_open_data_streams_the_file_the_command_writes(ww: WebWorld, tmp_path: Path) -> None:
    from datetime import date

    from luoshi.io import opendata
    from luoshi.ledger.read.asof import AsOf
    from luoshi.ledger.read.opendata import open_data
    from luoshi.settings import HealthRules

    with ww.db.transaction() as s:
        data = open_data(s, ww.world.plan(s), HealthRules(), AsOf(date.today()))
        assert data.stream.streamed
        opendata.export_json(data, tmp_path / "plan.json")
        opendata.export_csv(data, tmp_path)
    boss = ww.as_user("boss")
    for name in ("plan.json", "tasks.csv", "targets.csv"):
        r = boss.get(f"{API}/plans/{ww.world.plan_id}/open/{name}")
        assert r.status_code == 200, r.text
        assert r.content == (tmp_path / name).read_bytes(), name
        assert "attachment" in r.headers["content-disposition"]


# -- the ledger page: background jobs ----------------------------------------------


def signed_in(ww: WebWorld, username: str) -> tuple[TestClient, str]:
    return browser(ww, username)


def finished(c: TestClient, location: str, seconds: float = 30) -> str:
    """The job page once the job is no longer queued or running."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        page = c.get(location).text
        if 'http-equiv="refresh"' not in page:
            return page
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_export_from_the_page_goes_through_a_progress_page(ww: WebWorld) -> None:
    c, csrf = signed_in(ww, "boss")
    r = c.post(f"/plans/{ww.world.plan_id}/export/ledger", data={"csrf_token": csrf},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    page = finished(c, r.headers["location"])
    assert 'id="job-download"' in page
    data = c.get(r.headers["location"] + "/file")
    assert data.headers["content-type"] == XLSX
    assert load_workbook(io.BytesIO(data.content))["台账"].max_row > 2
    # Another user cannot read the job.
    other, _ = signed_in(ww, "reader")
    assert other.get(r.headers["location"]).status_code == 404


def test_import_previews_then_applies(ww: WebWorld) -> None:
    c, csrf = signed_in(ww, "boss")
    data = ww.as_user("boss").get(f"{API}/plans/{ww.world.plan_id}/ledger.xlsx").content
    changed = edited(data, "页面导入的新名称")
    before = audit_count(ww)
    r = c.post(f"/plans/{ww.world.plan_id}/import", data={"csrf_token": csrf},
               files={"file": ("台账.xlsx", changed, XLSX)}, follow_redirects=False)  # fmt: skip
    preview = finished(c, r.headers["location"])
    assert "页面导入的新名称" in preview and 'id="import-apply"' in preview
    assert audit_count(ww) == before
    token = r.headers["location"].rsplit("/", 1)[1]
    r2 = c.post(f"/jobs/{token}/apply", data={"csrf_token": csrf}, follow_redirects=False)
    done = finished(c, r2.headers["location"])
    assert "已修改" in done and audit_count(ww) == before + 1


def test_a_reporter_has_no_export_buttons_and_is_refused(ww: WebWorld) -> None:
    c, csrf = signed_in(ww, "port")
    page = c.get(f"/plans/{ww.world.plan_id}/ledger").text
    assert "export-ledger" not in page
    r = c.post(f"/plans/{ww.world.plan_id}/export/ledger", data={"csrf_token": csrf},
               headers={"accept": "text/html"})  # fmt: skip
    assert r.status_code == 403 and 'id="whoami"' in r.text  # the menu is kept


def test_the_bulletin_form_makes_a_docx(ww: WebWorld, tmp_path: Path) -> None:
    c, csrf = signed_in(ww, "boss")
    fields: dict[str, Any] = {"csrf_token": csrf, "issue_no": "第7期", "doc_no": "临督〔2025〕7号"}
    r = c.post(f"/plans/{ww.world.plan_id}/export/bulletin", data=fields,
               files={"file": ("", b"", "application/octet-stream")},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    finished(c, r.headers["location"])
    made = c.get(r.headers["location"] + "/file").content
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(made)).paragraphs)
    assert "第7期" in text and "临督〔2025〕7号" in text


def test_open_data_from_the_page_is_the_file_the_api_streams(ww: WebWorld) -> None:
    c, csrf = signed_in(ww, "boss")
    form = {"csrf_token": csrf, "file": "targets.csv"}
    r = c.post(f"/plans/{ww.world.plan_id}/export/open", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert 'id="job-download"' in finished(c, r.headers["location"])
    made = c.get(r.headers["location"] + "/file").content
    assert (
        made == ww.as_user("boss").get(f"{API}/plans/{ww.world.plan_id}/open/targets.csv").content
    )
    assert made.startswith(b"\xef\xbb\xbfplan,code,position")


def test_a_download_left_half_way_ends_its_transaction(ww: WebWorld) -> None:
    from luoshi.errors import PermissionDenied
    from luoshi.ledger import users
    from luoshi.web import files
    from luoshi.web.context import Caller

    ctx = ww.app.state.ctx
    pool = ww.db.engine.pool

    def caller(name: str) -> Caller:
        with ww.db.transaction() as s:
            u = users.get_user(s, name)
            return Caller(u.id, u.username, u.display_name, u.role, u.unit_id, None, "", "bearer")

    idle = pool.checkedout()
    streamed = files.open_data_stream(ctx, caller("boss"), ww.world.plan_id, "plan.json", {})
    first = next(streamed.chunks)
    assert first.startswith(b'{\n  "schema": "luoshi.plan"')
    assert pool.checkedout() == idle + 1  # the file's transaction, open while it is sent
    streamed.chunks.close()  # the client went away
    assert pool.checkedout() == idle
    with pytest.raises(PermissionDenied):  # a reporter: refused before any byte, nothing held
        files.open_data_stream(ctx, caller("port"), ww.world.plan_id, "plan.json", {})
    assert pool.checkedout() == idle
