"""The life of plans and documents on the command line; per-target values in ``report``;
``luoshi demo`` writing nothing but its database; ``serve`` on a taken port."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from luoshi.cli import cli
from tests.builders import REPORT
from tests.test_cli_ledger import query


@pytest.fixture
def run(database_url: str) -> Any:
    def invoke(*args: str, user: str | None = None) -> Result:
        who = ["--as", user] if user else []
        return CliRunner().invoke(cli, ["--database-url", database_url, *who, *args])

    return invoke


@pytest.fixture
def built(run: Any, tmp_path: Path) -> Any:
    source = tmp_path / "report.txt"
    source.write_text(REPORT, encoding="utf-8")
    assert run("plan", "build", str(source), "--name", "t2024").exit_code == 0
    return run


def test_a_plan_goes_from_draft_to_active_to_archived(built: Any, database_url: str) -> None:
    assert query(database_url, "SELECT state FROM plans") == [("draft",)]
    assert "默认计划：" not in built("plan", "default").stdout  # no active plan yet
    r = built("plan", "activate", "t2024")
    assert r.exit_code == 0 and "启用" in r.stdout
    assert built("plan", "default").stdout.strip() == "默认计划：t2024"
    assert built("plan", "archive", "t2024").exit_code == 0
    refused = built("rounds", "open", "t2024", "--period", "2024-Q1")
    assert refused.exit_code == 2 and "已归档" in refused.stderr
    actions = [a for (a,) in query(database_url, "SELECT action FROM audit_events")]
    assert "activate" in actions and "archive" in actions


def test_opening_a_round_activates_a_draft(built: Any, database_url: str) -> None:
    assert built("rounds", "open", "t2024", "--period", "2024-Q1").exit_code == 0
    assert query(database_url, "SELECT state FROM plans") == [("active",)]


def test_delete_is_refused_once_a_round_ran_and_keeps_the_audit(
    built: Any, database_url: str
) -> None:
    tasks = query(database_url, "SELECT count(*) FROM tasks")[0][0]
    events = query(database_url, "SELECT count(*) FROM audit_events")[0][0]
    r = built("plan", "delete", "t2024")
    assert r.exit_code == 0, r.output
    assert query(database_url, "SELECT count(*) FROM plans") == [(0,)]
    deleted = query(database_url, "SELECT entity FROM audit_events WHERE action = 'delete'")
    assert len(deleted) > tasks and ("plans",) in deleted
    after = query(database_url, "SELECT count(*) FROM audit_events")[0][0]
    assert after >= events + tasks + 1  # nothing removed, the deletions appended
    doc = built("documents", "delete", "1")
    assert doc.exit_code == 0 and query(database_url, "SELECT count(*) FROM documents") == [(0,)]


def test_a_document_used_by_a_plan_cannot_be_deleted(built: Any, database_url: str) -> None:
    r = built("documents", "delete", "1")
    assert r.exit_code == 2 and "计划 t2024" in r.stderr and "归档" in r.stderr
    assert built("documents", "archive", "1").exit_code == 0
    assert query(database_url, "SELECT archived FROM documents") == [(1,)]
    assert built("documents", "archive", "1", "--undo").exit_code == 0
    assert query(database_url, "SELECT archived FROM documents") == [(0,)]


def test_an_empty_document_is_refused_with_its_reason(run: Any, tmp_path: Path) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf\n")
    r = run("ingest", str(bom))
    assert r.exit_code == 2
    assert "bom.txt" in r.stderr and ("没有文字" in r.stderr or "空" in r.stderr)
    short = tmp_path / "short.txt"
    short.write_text("关于印发的通知", encoding="utf-8")
    r = run("ingest", str(short))
    assert r.exit_code == 2 and "只有 7 个字" in r.stderr


def test_report_values_per_target_with_chinese_magnitudes(built: Any, database_url: str) -> None:
    assert built("rounds", "open", "t2024", "--period", "2024-Q1").exit_code == 0
    ((code,),) = query(
        database_url,
        "SELECT t.code FROM tasks t JOIN targets g ON g.task_id = t.id "
        "WHERE g.unit = '标准箱' LIMIT 1",
    )
    r = built("report", f"t2024:{code}", "--round", "1", "--percent", "50", "--value", "1=1200万")
    assert r.exit_code == 0, r.output
    assert query(database_url, "SELECT value FROM report_values") == [(12_000_000.0,)]
    # The old single column keeps the first target's value.
    assert query(database_url, "SELECT value FROM progress_reports") == [(12_000_000.0,)]
    bad = built("report", f"t2024:{code}", "--round", "1", "--percent", "50", "--value", "3万吨")
    assert bad.exit_code == 2 and "吨" in bad.stderr and "--value" in bad.stderr
    missing = built("report", f"t2024:{code}", "--round", "1", "--percent", "5", "--value", "9=1")
    assert missing.exit_code == 2 and "第 9 个目标不存在" in missing.stderr


def test_a_returned_report_needs_a_reason_and_the_cli_names_its_flag(
    built: Any, database_url: str
) -> None:
    built("rounds", "open", "t2024", "--period", "2024-Q1")
    ((code,),) = query(database_url, "SELECT code FROM tasks WHERE kind = 'measure' LIMIT 1")
    built("assign", f"t2024:{code}", "--unit", "市交通运输委")
    assert built("report", f"t2024:{code}", "--round", "1", "--percent", "10").exit_code == 0
    r = built("review", "1", "--return")
    assert r.exit_code == 2
    assert r.stderr.strip() == "错误：退回进度报告 1 必须说明理由（--reason）"


def test_a_second_report_shows_the_first_replaced_and_refuses_its_review(
    built: Any, database_url: str
) -> None:
    built("rounds", "open", "t2024", "--period", "2024-Q1")
    ((code,),) = query(database_url, "SELECT code FROM tasks WHERE kind = 'measure' LIMIT 1")
    built("assign", f"t2024:{code}", "--unit", "市交通运输委")
    for percent in ("10", "20"):
        assert built("report", f"t2024:{code}", "--round", "1", "--percent", percent).exit_code == 0
    listed = built("reports", "1").output
    assert "已被新报告取代" in listed and "待审核" in listed
    r = built("review", "1", "--accept")
    assert r.exit_code == 2 and "已被同一单位在本轮的新报告取代" in r.stderr
    assert built("review", "2", "--accept").exit_code == 0


def test_demo_writes_nothing_but_its_database_and_says_how_to_use_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, elsewhere = tmp_path / "work", tmp_path / "demo"
    here.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.delenv("LUOSHI_DATABASE_URL", raising=False)
    demo = CliRunner().invoke(cli, ["demo", "--no-serve", "--database", str(elsewhere / "d.db")])
    assert demo.exit_code == 0, demo.output
    assert list(here.iterdir()) == []  # no luoshi.toml, nothing at all in the cwd
    assert not (tmp_path / "luoshi.toml").exists()
    shown = re.search(r"--database-url (\S+?)，", demo.stdout)
    assert shown is not None and shown[1] == f"sqlite:///{elsewhere / 'd.db'}"
    listed = CliRunner().invoke(cli, ["--database-url", shown[1], "plan", "list"])
    assert listed.exit_code == 0 and "linjiang" in listed.stdout
    # Later commands in the directory keep their own database.
    assert "linjiang" not in CliRunner().invoke(cli, ["plan", "list"]).stdout


def test_a_broken_config_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LUOSHI_DATABASE_URL", raising=False)
    (tmp_path / "luoshi.toml").write_text("databse_url = 'x'\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["plan", "list"])
    assert r.exit_code == 2 and "luoshi.toml" in r.stderr and "databse_url" in r.stderr


def test_serve_on_a_taken_port_names_it(database_url: str) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        r = CliRunner().invoke(cli, ["--database-url", database_url, "serve", "--port", str(port)])
    assert r.exit_code == 2
    assert f"端口 {port} 已被占用" in r.stderr and f"PORT={port + 1}" in r.stderr
