"""Level by level from the command line: organisations, plan align, links, breakdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from luoshi.cli import cli
from tests.link_support import CITY, DISTRICT


@pytest.fixture
def run(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--database-url", url, *args])

    return invoke


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def test_orgs_plan_align_links_and_breakdown(run: Any, tmp_path: Path) -> None:
    (tmp_path / "city.txt").write_text(CITY, encoding="utf-8")
    (tmp_path / "east.txt").write_text(DISTRICT, encoding="utf-8")
    _ok(run("plan", "build", str(tmp_path / "city.txt"), "--name", "city"))
    _ok(run("plan", "build", str(tmp_path / "east.txt"), "--name", "east"))
    _ok(run("orgs", "add", "示范市", "--level", "市"))
    assert "隶属 示范市" in _ok(run("orgs", "add", "东区", "--level", "区", "--parent", "示范市"))
    bad = run("orgs", "add", "西区", "--level", "县")
    assert bad.exit_code == 2 and "错误：层级「县」无效" in bad.stderr
    _ok(run("plan", "move", "city", "--org", "示范市"))
    _ok(run("plan", "move", "east", "--org", "东区"))
    _ok(run("units", "add", "东区教育局"))
    _ok(run("units", "move", "东区教育局", "--org", "东区"))
    listed = _ok(run("orgs", "list", "--jsonl"))
    east = next(json.loads(x) for x in listed.splitlines() if "东区" in x)
    assert (east["parent"], east["units"], east["plans"]) == ("示范市", 1, 1)

    out = _ok(run("plan", "align", "east", "city"))
    assert "新建议" in out
    again = _ok(run("plan", "align", "east", "city"))
    assert "新建议 0 条" in again
    records = [json.loads(x) for x in _ok(run("links", "list", "east", "--jsonl")).splitlines()]
    assert records and all(r["state"] == "proposed" for r in records)
    jobs = next(r for r in records if r["parent"]["title"] == "促进高质量充分就业")
    assert "已确认" in _ok(run("links", "accept", str(jobs["id"])))
    table = _ok(run("links", "list", "city", "--state", "accepted"))
    assert "促进高质量充分就业" in table and "已确认" in table
    assert "已确认" in _ok(run("links", "accept-above", "east", "0"))
    left = _ok(run("links", "list", "east", "--state", "proposed", "--jsonl"))
    assert left == ""


def test_breakdown_with_shares_warns_when_they_do_not_add_up(run: Any, tmp_path: Path) -> None:
    (tmp_path / "city.txt").write_text(CITY, encoding="utf-8")
    (tmp_path / "east.txt").write_text(DISTRICT, encoding="utf-8")
    (tmp_path / "west.txt").write_text(DISTRICT.replace("东区", "西区"), encoding="utf-8")
    for name in ("city", "east", "west"):
        _ok(run("plan", "build", str(tmp_path / f"{name}.txt"), "--name", name))
    shown = [json.loads(x) for x in _ok(run("plan", "show", "city", "--jsonl")).splitlines()]
    jobs = next(t for t in shown if t["title"].startswith("城镇新增就业"))
    task = f"city:{jobs['code']}"
    shares = ["--share", "east=15万", "--share", "west=150000"]
    r = run("plan", "breakdown", task, "--to", "east", "--to", "west", *shares)
    assert r.exit_code == 0, r.output
    assert "east:3" in r.stdout and "west:3" in r.stdout
    assert "合计 300000" in r.stdout and "少于目标 350000人（相差 50000人）" in r.stderr
    r = run("plan", "split", task, "--share", "west=200000")
    assert r.exit_code == 0 and "合计 350000" in r.stdout and r.stderr == ""
    bad = run("plan", "split", task, "--share", "west")
    assert bad.exit_code == 2 and "计划=数值" in bad.stderr


def test_plan_status_and_show_give_coverage_and_progress_from_below(tmp_path: Path) -> None:
    from datetime import date

    from luoshi.ledger import breakdown, cycle, units
    from luoshi.ledger.db import Database
    from tests.builders import admin
    from tests.link_support import build_levels

    url = f"sqlite:///{tmp_path / 'levels.db'}"
    db = Database.open(url)
    lv = build_levels(db)
    with db.transaction() as s:
        a = admin(s)
        jobs = lv.task_titled(s, "city", "促进高质量充分就业")
        (east_jobs,) = breakdown.hand_down(s, a, jobs, [lv.plan(s, "east")])
        measure = next(t for t in lv.plan_tasks(s, "east") if t.parent_id == east_jobs.id)
        measure.lead_unit_id = units.add_unit(s, a, "东区人社局").id
        s.flush()
        due = date(2025, 4, 10)
        rnd = cycle.open_round(s, a, lv.plan(s, "east"), "2025-Q1", due, opened_on=due)
        cycle.submit_report(s, a, rnd, measure, 30)
        jobs_code = jobs.code
    db.dispose()

    def run(*args: str) -> str:
        return _ok(CliRunner().invoke(cli, ["--database-url", url, *args]))

    status = run("plan", "status", "east")
    assert "承接上级计划 city" in status and "未承接" in status
    assert "促进高质量充分就业" in status and "30.0%" in status
    city = run("plan", "status", "city")
    assert "下级承接 2 项任务" in city  # the jobs task and its measure
    shown = [json.loads(line) for line in run("plan", "show", "city", "--jsonl").splitlines()]
    by_code = {r["code"]: r for r in shown}
    assert by_code[jobs_code]["downstream"] == {"progress": 30, "children": 1, "reported": 1}
    assert by_code["1"]["downstream"] is None
    assert "下级进度" in run("plan", "show", "city")
