"""The workflow's commands, invoked as a user would (SQLite and PostgreSQL), results read
back: sign, delay, close, comment, report --attach, attachment, units/users contacts,
scores, notifications, remind --dry-run."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from luoshi.cli import cli
from luoshi.ledger import audit
from luoshi.ledger.db import Database
from tests.builders import build_world
from tests.test_web_workflow import PDF


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("LUOSHI_FILES_DIR", str(tmp_path / "files"))
    db = Database.open(database_url)
    build_world(db)
    db.dispose()

    def invoke(*args: str, user: str | None = None) -> Result:
        who = ["--as", user] if user else []
        return CliRunner().invoke(cli, ["--database-url", database_url, *who, *args])

    return invoke


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sign_delay_and_the_original_deadline(run: Any, database_url: str) -> None:
    assert "已签收" in ok(run("sign", "t2024:1.2.1", user="school"))
    assert "已经签收过" in run("sign", "t2024:1.2.1", user="school").stderr
    out = ok(
        run(
            "delay",
            "request",
            "t2024:1.2.1",
            "--until",
            "2099-06-30",
            "--reason",
            "汛期",
            user="school",
        )
    )
    delay_id = re.findall(r"\d+", out)[0]
    assert "无权审批" in run("delay", "approve", delay_id, user="school").stderr
    assert "已同意" in ok(run("delay", "approve", delay_id, user="boss"))
    listed = [json.loads(x) for x in ok(run("delay", "list", "t2024", "--jsonl")).splitlines()]
    assert [(d["requested"], d["status"]) for d in listed] == [("2099-06-30", "approved")]
    shown = json.loads(ok(run("plan", "show", "t2024", "--jsonl")).splitlines()[-1])
    assert shown["deadline"] == "2099-06-30"
    db = Database.open(database_url)
    with db.transaction() as s:
        moved = [e for e in audit.history(s, "tasks") if e.action == "delay"]
        assert moved and moved[0].before is not None and moved[0].before["deadline"] == "2024-05-31"
    db.dispose()
    err = run("delay", "reject", delay_id, "--reason", "晚了", user="boss")
    assert err.exit_code == 2 and err.stderr.startswith("错误：") and "已经审批过" in err.stderr


def test_close_with_files_and_download_them(run: Any, tmp_path: Path) -> None:
    ok(run("rounds", "open", "t2024", "--period", "2024-Q1"))
    evidence = tmp_path / "验收报告.pdf"
    evidence.write_bytes(PDF)
    out = ok(
        run(
            "close",
            "request",
            "t2024:1.1.1.2",
            "--summary",
            "已建成",
            "--attach",
            str(evidence),
            user="port",
        )
    )
    close_id = re.findall(r"\d+", out)[0]
    listed = [json.loads(x) for x in ok(run("close", "list", "t2024", "--jsonl")).splitlines()]
    attachment = listed[0]["attachments"][0]
    assert (
        attachment["name"] == "验收报告.pdf"
        and attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    )
    target = tmp_path / "out.pdf"
    ok(run("attachment", str(attachment["id"]), "-o", str(target), user="reader"))
    assert target.read_bytes() == PDF
    denied = run("attachment", str(attachment["id"]), "-o", str(target), user="school")
    assert denied.exit_code == 2 and "无权下载" in denied.stderr
    assert "已办结" in ok(run("close", "accept", close_id, user="boss"))
    shown = {
        json.loads(x)["code"]: json.loads(x)
        for x in ok(run("plan", "show", "t2024", "--jsonl")).splitlines()
    }
    assert (shown["1.1.1.2"]["health"], shown["1.1.1.2"]["state"]) == ("done", "done")
    refused = run("close", "reopen", "t2024:1.1.1.2", "--reason", "想改", user="port")
    assert refused.exit_code == 2 and refused.stderr.startswith("错误：")
    out = ok(run("close", "reopen", "t2024:1.1.1.2", "--reason", "未投用", user="boss"))
    assert "已重新打开" in out and "已退回" in out
    shown = {
        json.loads(x)["code"]: json.loads(x)
        for x in ok(run("plan", "show", "t2024", "--jsonl")).splitlines()
    }
    assert shown["1.1.1.2"]["state"] == "open" and shown["1.1.1.2"]["health"] != "done"


def test_report_attach_refuses_a_file_that_is_not_what_it_says(run: Any, tmp_path: Path) -> None:
    ok(run("rounds", "open", "t2024", "--period", "2024-Q1"))
    fake = tmp_path / "照片.png"
    fake.write_bytes(PDF)
    bad = run(
        "report",
        "t2024:1.1.1.1",
        "--round",
        "1",
        "--percent",
        "10",
        "--attach",
        str(fake),
        user="port",
    )
    assert bad.exit_code == 2 and "与文件名后缀「.png」不符" in bad.stderr
    good = tmp_path / "a.pdf"
    good.write_bytes(PDF)
    out = ok(
        run(
            "report",
            "t2024:1.1.1.1",
            "--round",
            "1",
            "--percent",
            "10",
            "--attach",
            str(good),
            user="port",
        )
    )
    assert "佐证材料 1 个" in out


def test_comments_contacts_scores_and_the_record(run: Any) -> None:
    assert "批示" in ok(run("comment", "t2024:1.2.1", "--text", "抓紧推进", user="reader"))
    assert "无权批示" in run("comment", "t2024:1.2.1", "--text", "x", user="school").stderr
    ok(
        run(
            "units",
            "edit",
            "市教委",
            "--email",
            "jw@example.gov",
            "--webhook",
            "https://example.gov/hook",
        )
    )
    units = {
        json.loads(x)["name"]: json.loads(x)
        for x in ok(run("units", "list", "--jsonl")).splitlines()
    }
    assert units["市教委"]["email"] == "jw@example.gov" and units["市教委"]["webhook"] is True
    assert "格式不正确" in run("units", "edit", "市教委", "--email", "nope").stderr
    ok(
        run(
            "users",
            "add",
            "zhang",
            "--role",
            "reporter",
            "--unit",
            "市教委",
            "--email",
            "z@example.gov",
        )
    )
    ok(run("rounds", "open", "t2024", "--period", "2024-Q1", "--due", "2099-01-01"))
    scores = [json.loads(x) for x in ok(run("scores", "t2024", "--jsonl")).splitlines()]
    assert [s["rank"] for s in scores] == sorted(s["rank"] for s in scores)
    assert all(s["period"] == "2024-Q1" and s["how"] for s in scores)
    assert "计算" in ok(run("scores", "t2024"))
    dry = run("remind", "--dry-run", "--jsonl", "--as-of", "2098-12-31")
    assert dry.exit_code == 0, dry.output
    planned = [json.loads(x) for x in dry.stdout.splitlines()]
    assert any(p["channel"] == "webhook" and p["unit_id"] for p in planned)
    assert ok(run("notifications", "--jsonl")).count("\n") == 2  # the two comment notices
    assert "无权查看提醒记录" in run("notifications", user="port").stderr


def _chinese(text: str | None) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def test_every_new_command_and_option_has_chinese_help() -> None:
    import click

    for path in (["sign"], ["delay", "request"], ["delay", "approve"], ["delay", "reject"],
                 ["delay", "list"], ["close", "request"], ["close", "accept"], ["close", "return"],
                 ["close", "list"], ["close", "reopen"], ["comment"], ["remind"],
                 ["notifications"], ["scores"], ["attachment"], ["units", "edit"],
                 ["users", "email"], ["users", "add"], ["report"], ["serve"]):  # fmt: skip
        cmd: click.Command = cli
        for name in path:
            assert isinstance(cmd, click.Group)
            found = cmd.get_command(click.Context(cmd), name)
            assert found is not None, path
            cmd = found
        assert _chinese(cmd.help), path
        for param in cmd.params:
            if isinstance(param, click.Option):
                assert _chinese(param.help), (path, param.name)


def test_the_bulletin_has_a_table_of_scores(run: Any, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "通报.docx"
    ok(run("export", "bulletin", "t2024", str(out)))
    assert "单位考核" not in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    ok(run("rounds", "open", "t2024", "--period", "2024-Q1"))
    ok(run("export", "bulletin", "t2024", str(out)))
    d = docx.Document(str(out))
    assert "六、单位考核" in [p.text for p in d.paragraphs]
    last = d.tables[-1]
    assert [c.text for c in last.rows[0].cells][:2] == ["名次", "单位"]
    assert {row.cells[1].text for row in last.rows[1:]} == {"市交通运输委", "市商务局", "市教委"}
