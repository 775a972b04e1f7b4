"""plan check / targets / checks, invoked as a user would; read back from the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from luoshi.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "promises"
OLD, NEW = str(FIXTURES / "report_2026.txt"), str(FIXTURES / "report_2027.txt")


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


def test_check_then_targets_and_history(run: Any, database_url: str) -> None:
    assert run("plan", "build", OLD, "--name", "j2026").exit_code == 0
    checked = run("plan", "check", "j2026", NEW)
    assert checked.exit_code == 0, checked.output
    assert "核对 1：计划 j2026" in checked.stdout and "2026 年的实绩" in checked.stdout
    assert "report_2027.txt" in checked.stderr  # ingested on the way, as plan build does
    stored = query(database_url, "SELECT year, actor FROM target_checks")
    assert stored == [(2026, "local-admin")]
    evidence = query(
        database_url,
        "SELECT actual_text, actual_start, actual_end FROM target_check_results "
        "WHERE actual_text IS NOT NULL",
    )
    raw = Path(NEW).read_text("utf-8")
    assert evidence and all(raw[a:b] == t for t, a, b in evidence)

    again = run("plan", "check", "j2026", "2")  # by document id this time
    assert again.exit_code == 0 and "核对 2" in again.stdout
    history = run("plan", "checks", "j2026")
    assert history.exit_code == 0
    lines = history.stdout.splitlines()
    assert lines[2].startswith("2 ") and lines[3].startswith("1 ")

    met = run("plan", "targets", "j2026", "--verdict", "met", "--jsonl")
    records = [json.loads(x) for x in met.stdout.splitlines()]
    assert records and {r["verdict"] for r in records} == {"met"}
    gdp = next(r for r in records if r["target"]["text"] == "5.5%")
    assert gdp["actual"]["text"] == "6.2%" and gdp["check_id"] == 2
    assert raw[gdp["actual"]["start"] : gdp["actual"]["end"]] == "6.2%"
    table = run("plan", "targets", "j2026")
    assert "目标完成情况" in table.stdout and "口径不一" in table.stdout


def test_a_viewer_cannot_check(run: Any) -> None:
    assert run("plan", "build", OLD, "--name", "j2026").exit_code == 0
    assert run("users", "add", "reader", "--role", "viewer").exit_code == 0
    assert run("ingest", NEW).exit_code == 0
    refused = run("plan", "check", "j2026", "2", user="reader")
    assert refused.exit_code == 2
    assert "无权核对目标完成情况" in refused.stderr


def test_bad_verdict_filter_is_refused_by_the_option(run: Any) -> None:
    assert run("plan", "build", OLD, "--name", "j2026").exit_code == 0
    bad = run("plan", "targets", "j2026", "--verdict", "done")
    assert bad.exit_code == 2 and "done" in bad.output
