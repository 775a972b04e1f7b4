"""Adopting a drafted plan: the document's units as written, suggestions 待确认 until
a person confirms or changes them, one at a time or in bulk (ledger, CLI, API, page)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from luoshi.cli import cli
from luoshi.errors import NotFound, PermissionDenied
from luoshi.ledger import confirm, documents, plans, tasks
from luoshi.ledger.db import Database
from luoshi.ledger.models import AuditEvent, Task, Unit
from luoshi.text.sources import load_document
from tests import office_fixtures as of
from tests.builders import admin, build_world
from tests.test_web_pages import browser
from tests.web_support import API, WebWorld, web_world


def test_suggested_lead_units_say_why_and_wait_for_confirmation(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.1.1.1")
        assert t.lead_unit_origin == "suggested"
        assert t.lead_unit_reason == "职能匹配：航线、集装箱、吞吐量"
        basis = confirm.basis_of(t)
        assert basis.pending and basis.label == "建议（待确认）"
        plan = world.plan(s)
        before = confirm.pending_count(s, plan.id)
        assert before > 0
        done = confirm.confirm_lead_units(s, admin(s), plan, ["1.1.1.1", "1.1.1.2"])
        assert done == ["1.1.1.1", "1.1.1.2"]
        assert confirm.pending_count(s, plan.id) == before - 2
        assert world.task(s, "1.1.1.1").lead_unit_origin == "confirmed"
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "confirm_lead_unit"))
        assert len(list(events)) == 2
        with pytest.raises(NotFound, match=r"没有编号为 9\.9 的任务"):
            confirm.confirm_lead_units(s, admin(s), plan, ["9.9"])
        with pytest.raises(PermissionDenied):
            confirm.confirm_lead_units(s, world.user(s, "port"), plan)


def test_changing_the_lead_unit_confirms_it(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.2.1")
        tasks.assign(s, admin(s), t, "t", t.version, unit="市水务局")
        assert (t.lead_unit_origin, t.lead_unit_reason) == ("assigned", None)
        assert not confirm.basis_of(t).pending


def test_units_a_ledger_names_are_created_as_written(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(of.excel_ledger())
    with db.transaction() as s:
        doc = documents.ingest(s, admin(s), load_document(path)).document
        built = plans.build_plan_explained(s, admin(s), doc, "tz")
        rows = list(s.scalars(select(Task).where(Task.plan_id == built.plan.id)))
        origin = {name: o for name, o in s.execute(select(Unit.name, Unit.origin))}
    leaves = [t for t in rows if t.kind == "task"]
    assert len(leaves) == 24
    assert all(t.lead_unit_origin == "document" for t in leaves)
    assert {origin[u] for u in of.UNITS} == {"document"}
    notes = {t.title: t.initial_progress_note for t in leaves}
    assert notes["推进海铁联运示范线建设"] == "已完成方案编制"
    reasons = {o.reason for o in built.left_out}
    assert "表头，不是任务" in reasons and "表格标题或说明，不是任务" in reasons


def test_cli_builds_from_a_ledger_explains_and_confirms(database_url: str, tmp_path: Path) -> None:
    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["--database-url", database_url, *args])

    path = tmp_path / "台账.xlsx"
    path.write_bytes(of.excel_ledger())
    r = run("plan", "build", str(path), "--name", "tz", "--explain")
    assert r.exit_code == 0, r.output
    assert "任务 24" in r.stdout and "表头，不是任务" in r.stdout
    report = tmp_path / "report.txt"
    from tests.builders import REPORT

    report.write_text(REPORT, encoding="utf-8")
    r = run("plan", "build", str(report), "--name", "t2024")
    assert "待确认" in r.stdout
    r = run("tasks", "confirm", "t2024")
    assert r.exit_code != 0 and "--all" in r.output
    r = run("tasks", "confirm", "t2024", "--all")
    assert r.exit_code == 0 and "仍待确认 0 项" in r.stdout, r.output
    r = run("tasks", "confirm", "t2024", "1.1")
    assert "没有待确认" in r.stdout


@pytest.fixture
def web(tmp_path: Path) -> WebWorld:
    return web_world(tmp_path)


def test_api_and_ledger_page_confirm_in_bulk(web: WebWorld) -> None:
    pid = web.world.plan_id
    r = web.as_user("boss").post(f"{API}/plans/{pid}/lead-units/confirm", json={"codes": ["1.1"]})
    assert r.status_code == 200, r.text
    assert r.json()["confirmed"] == ["1.1"]
    bad = web.as_user("boss").post(f"{API}/plans/{pid}/lead-units/confirm", json={})
    assert bad.status_code == 422 and "codes" in bad.json()["error"]["message"]
    denied = web.as_user("port").post(f"{API}/plans/{pid}/lead-units/confirm", json={"all": True})
    assert denied.status_code == 403
    client, csrf = browser(web, "boss")
    page = client.get(f"/plans/{pid}/ledger").text
    assert 'id="pending-count"' in page
    task_page = client.get(f"/tasks/{web.task_id('1.1.1.1')}").text
    assert "待确认" in task_page and "职能匹配" in task_page
    r = client.post(
        f"/plans/{pid}/confirm", data={"all": "1", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    assert 'id="pending-count"' not in client.get(f"/plans/{pid}/ledger").text
    assert "建议（已确认）" in client.get(f"/tasks/{web.task_id('1.1.1.1')}").text


def test_an_uploaded_excel_ledger_is_built_into_a_plan(web: WebWorld) -> None:
    boss = web.as_user("boss")
    files = {"file": ("台账.xlsx", of.excel_ledger(), "application/octet-stream")}
    r = boss.post(f"{API}/documents", files=files)
    assert r.status_code == 201, r.text
    built = boss.post(f"{API}/plans", json={"document_id": r.json()["id"], "name": "tz"})
    assert built.status_code == 201, built.text
    assert built.json()["tasks"] == 27  # 3 categories, 24 tasks
    far = io.BytesIO()
    import openpyxl

    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet["XFD1048576"] = "x"
    wb.save(far)
    refused = boss.post(f"{API}/documents", files={"file": ("far.xlsx", far.getvalue())})
    assert refused.status_code == 400 and "已用区域过大" in refused.json()["error"]["message"]
