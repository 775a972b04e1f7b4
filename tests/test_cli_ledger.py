"""The ledger commands, invoked as a user would; results read back from the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from luoshi.cli import cli
from luoshi.ledger.migrate import head_revision
from tests.builders import REPORT

RETYPED = REPORT.replace("，", ",").replace("。", ".")


@pytest.fixture
def run(database_url: str) -> Any:
    def invoke(*args: str, user: str | None = None) -> Result:
        who = ["--as", user] if user else []
        return CliRunner().invoke(cli, ["--database-url", database_url, *who, *args])

    return invoke


def query(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def files(tmp_path: Path) -> dict[str, str]:
    out = {}
    for name, data in {
        "report.txt": REPORT.encode(),
        "copy.txt": REPORT.encode("gb18030"),
        "retyped.txt": RETYPED.encode(),
        "pic.png": b"\x89PNG\x00\x00\x01\x02",
    }.items():
        (tmp_path / name).write_bytes(data)
        out[name] = str(tmp_path / name)
    return out


def test_ingest_reports_each_file_and_goes_on_after_a_bad_one(
    run: Any, database_url: str, tmp_path: Path
) -> None:
    f = files(tmp_path)
    result = run("ingest", f["report.txt"], f["pic.png"], f["copy.txt"], f["retyped.txt"])
    assert result.exit_code == 2
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(x[0], x[2]) for x in lines] == [
        ("1", "新增"),
        ("1", "已存在"),
        ("2", "近似重复（与文件 1 相同，相似度 1.00）"),
    ]
    [error] = result.stderr.strip().splitlines()
    assert error.startswith("错误：") and "pic.png" in error
    assert query(database_url, "SELECT id, duplicate_of_id FROM documents ORDER BY id") == [
        (1, None),
        (2, 1),
    ]
    listed = [json.loads(x) for x in run("documents", "list", "--jsonl").stdout.splitlines()]
    assert [(d["id"], d["duplicate_of"]) for d in listed] == [(1, None), (2, 1)]
    assert {"id", "title", "sha256", "duplicate_of", "type", "level", "date", "size"} <= set(
        listed[0]
    )


def test_build_show_and_assign(run: Any, database_url: str, tmp_path: Path) -> None:
    f = files(tmp_path)
    built = run("plan", "build", f["report.txt"], "--name", "t2024")
    assert built.exit_code == 0, built.output
    assert "计划 1 t2024：9 项" in built.stdout
    shown = run("plan", "show", "t2024", "--jsonl", "--as-of", "2024-07-01")
    records = [json.loads(x) for x in shown.stdout.splitlines()]
    by_code = {r["code"]: r for r in records}
    port = by_code["1.1.1.1"]
    assert {"code", "parent", "level", "title", "doc", "start", "end", "category"} <= set(port)
    assert (port["parent"], port["lead_unit"], port["deadline"]) == (
        "1.1.1",
        "市交通运输委",
        "2024-12-31",
    )
    assert REPORT[port["start"] : port["end"]] == port["title"]
    [target] = port["targets"]
    assert (target["indicator"], target["comparator"], target["value"]) == (
        "集装箱吞吐量",
        ">",
        16000000,
    )
    assert target["baseline"]["value"] == 15000000
    assert port["health"] == "red" and port["progress"] == 0
    table = run("plan", "show", "1")
    assert table.exit_code == 0 and "  （一）提升港口能级" in table.stdout

    assigned = run("assign", "t2024:1.1.1.1", "--unit", "市商务局", "--person", "张三")
    assert assigned.exit_code == 0, assigned.output
    assert query(database_url, "SELECT person, version FROM tasks WHERE code = '1.1.1.1'") == [
        ("张三", 2)
    ]
    too_long = run("assign", "t2024:1.1.1.1", "--person", "张" * 250)
    assert too_long.exit_code == 2
    assert too_long.stderr.startswith("错误：责任人「张张") and "最多 200 个字符" in too_long.stderr
    stale = run("assign", "t2024:1.1.1.1", "--person", "李四", "--version", "1")
    assert stale.exit_code == 2
    assert stale.stderr.strip() == (
        "错误：任务 t2024:1.1.1.1 已被他人修改（当前版本 2，您提交的是 1），请刷新后重试"
    )
    assert "t2024" in run("plan", "list").stdout


def test_acting_as_a_reporter_through_the_cycle(
    run: Any, database_url: str, tmp_path: Path
) -> None:
    f = files(tmp_path)
    assert run("plan", "build", f["report.txt"], "--name", "t2024").exit_code == 0
    assert (
        run("users", "add", "port", "--role", "reporter", "--unit", "市交通运输委").exit_code == 0
    )
    assert run("users", "add", "boss", "--role", "supervisor").exit_code == 0
    refused = run("assign", "t2024:1.1.1.1", "--person", "我", user="port")
    assert refused.exit_code == 2 and "无权修改任务" in refused.stderr
    assert "调度 1" in run("rounds", "open", "t2024", "--period", "2024-Q1", user="boss").stdout
    other = run("report", "t2024:1.2.1", "--round", "1", "--percent", "50", user="port")
    assert other.exit_code == 2 and "只能填报本单位的任务" in other.stderr
    mine = run(
        "report", "t2024:1.1.1.1", "--round", "1", "--percent", "100%",
        "--value", "16500000", "--evidence", "https://example.org/port", user="port",
    )  # fmt: skip
    assert mine.exit_code == 0, mine.output
    pending = run("rounds", "pending", "1")
    assert "市交通运输委" in pending.stdout and "1.1.1.2" in pending.stdout
    assert "1.1.1.1" not in pending.stdout
    assert run("rounds", "chase", "1", "--note", "请尽快报送", user="boss").exit_code == 0
    returned = run("review", "1", "--return", user="boss")
    assert returned.exit_code == 2 and "必须说明理由" in returned.stderr
    assert run("review", "1", "--accept", user="boss").exit_code == 0
    assert query(database_url, "SELECT status FROM tasks WHERE code = '1.1.1.1'") == [("done",)]
    assert query(database_url, "SELECT count(*) FROM chases") == [(3,)]
    status = run("plan", "status", "t2024")
    assert "已完成 1" in status.stdout and "市交通运输委" in status.stdout
    before = run("plan", "status", "t2024", "--as-of", "2024-07-01")  # before it was reported
    assert "总体进度 0.0%" in before.stdout and "已完成 0" in before.stdout
    audit = [
        json.loads(x) for x in run("audit", "--entity", "tasks", "--jsonl").stdout.splitlines()
    ]
    assert audit[-1]["action"] == "complete" and audit[-1]["actor"] == "boss"


def test_excel_round_trip_on_the_command_line(run: Any, database_url: str, tmp_path: Path) -> None:
    f = files(tmp_path)
    assert run("plan", "build", f["report.txt"], "--name", "t2024").exit_code == 0
    out = tmp_path / "ledger.xlsx"
    assert run("export", "xlsx", "t2024", str(out)).exit_code == 0
    events = query(database_url, "SELECT count(*) FROM audit_events")
    same = run("import", "xlsx", "t2024", str(out))
    assert same.exit_code == 0 and "已修改 0 项任务的 0 处内容" in same.stdout
    assert query(database_url, "SELECT count(*) FROM audit_events") == events


def test_documents_edit_and_unknown_things(run: Any, database_url: str, tmp_path: Path) -> None:
    f = files(tmp_path)
    run("ingest", f["report.txt"])
    edited = run("documents", "edit", "1", "--title", "区政府工作报告", "--level", "区")
    assert edited.exit_code == 0
    assert query(database_url, "SELECT title, level, version FROM documents") == [
        ("区政府工作报告", "区", 2)
    ]
    missing = run("plan", "show", "nope")
    assert missing.exit_code == 2 and missing.stderr.startswith("错误：计划「nope」不存在")
    nobody = run("documents", "list", user="ghost")
    assert nobody.exit_code == 2 and "用户「ghost」不存在" in nobody.stderr


def test_database_url_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("LUOSHI_DATABASE_URL", url)
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0 and "数据库已升级到" in result.stdout
    assert "最新结构" in CliRunner().invoke(cli, ["db", "upgrade"]).stdout
    assert (tmp_path / "env.db").is_file()
    head = head_revision()
    assert f"当前 {head}，最新 {head}" in CliRunner().invoke(cli, ["db", "current"]).stdout


def test_stateless_commands_do_not_touch_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    assert CliRunner().invoke(cli, ["extract", "r.txt", "--jsonl"]).exit_code == 0
    assert not (tmp_path / "luoshi.db").exists()


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    bad = CliRunner().invoke(cli, ["--database-url", "foo://", "plan", "list"])
    assert bad.exit_code == 2 and bad.stderr.startswith("错误：数据库地址「foo://」无法使用")
    missing = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"
    result = CliRunner().invoke(cli, ["--database-url", missing, "db", "upgrade"])
    assert result.exit_code == 2 and result.stderr.startswith("错误：无法打开数据库")
