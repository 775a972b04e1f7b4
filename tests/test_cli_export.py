"""``luoshi export bulletin|json|csv`` as a clerk runs them; files read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner, Result

from luoshi.cli import cli
from luoshi.ledger.db import Database
from tests.builders import build_cycle


@pytest.fixture
def run(database_url: str) -> Any:
    database = Database.open(database_url)
    build_cycle(database)
    database.dispose()

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--database-url", database_url, *args])

    return invoke


def test_export_lists_every_format(run: Any) -> None:
    out = run("export", "--help").stdout
    for name in ("bulletin", "json", "csv", "xlsx"):
        assert f"  {name} " in out


def test_bulletin_on_the_command_line(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "通报.docx"
    result = run(
        "export", "bulletin", "b24", str(out), "--as-of", "2024-07-01", "--issuer", "区政府督查室"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"已生成通报 {out}（2024年第二季度）：末级任务 7 项，"
        "严重滞后、逾期或停滞 3 项，未报齐单位 4 个"
    )
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts[-2:] == ["区政府督查室", "2024年7月1日"]
    earlier = run(
        "export", "bulletin", "b24", str(out), "--period", "2024-Q1", "--as-of", "2024-07-01"
    )
    assert earlier.exit_code == 0 and "（2024年第一季度）" in earlier.stdout
    assert "未报齐单位 2 个" in earlier.stdout


def test_unit_figures_equal_plan_status(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "b.docx"
    assert run("export", "bulletin", "b24", str(out), "--as-of", "2024-07-01").exit_code == 0
    status = run("plan", "status", "b24", "--as-of", "2024-07-01").stdout
    [units] = [t for t in docx.Document(str(out)).tables if t.rows[0].cells[0].text == "责任单位"]
    shown = []
    for row in units.rows[1:]:
        name, tasks, _done, _green, _amber, red, stalled, _late, progress = (
            c.text for c in row.cells
        )
        behind = int(red) + int(stalled)
        shown.append(f"{name} {tasks} {progress} {behind}")
    lines = status.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("类别"))  # the next table
    listed = [" ".join(line.split()) for line in lines[4:end]]
    assert listed == shown
    assert "总体进度 41.9%" in status


def test_open_data_on_the_command_line(run: Any, tmp_path: Path) -> None:
    result = run("export", "json", "b24", str(tmp_path / "b24.json"), "--as-of", "2024-07-01")
    assert result.exit_code == 0 and "已导出 13 项任务" in result.stdout
    data = json.loads((tmp_path / "b24.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2024-07-01" and len(data["tasks"]) == 13
    result = run("export", "csv", "b24", str(tmp_path / "open"))
    assert result.exit_code == 0, result.output
    targets = sum(len(t["targets"]) for t in data["tasks"])
    assert "13 项任务" in result.stdout and f"，{targets} 个目标" in result.stdout
    assert sorted(p.name for p in (tmp_path / "open").iterdir()) == ["targets.csv", "tasks.csv"]
    lines = (tmp_path / "open" / "targets.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + targets


def test_a_past_as_of_leaves_out_what_came_later(run: Any, tmp_path: Path) -> None:
    july = run("plan", "status", "b24", "--as-of", "2024-07-01").stdout
    may = run("plan", "status", "b24", "--as-of", "2024-05-15").stdout
    assert "总体进度 41.9%" in july and "总体进度 23.6%" in may
    assert "已完成 1" in may  # 1.3.2 was accepted on 9 April
    shown = run("plan", "show", "b24", "--jsonl", "--as-of", "2024-05-15").stdout
    port = next(r for r in map(json.loads, shown.splitlines()) if r["code"] == "1.1.1.1")
    assert port["progress"] == 20  # 30 and 45 were reported in June
    out = tmp_path / "b.docx"
    bulletin = run("export", "bulletin", "b24", str(out), "--as-of", "2024-05-15")
    assert bulletin.exit_code == 0, bulletin.output
    assert "（2024年第一季度）" in bulletin.stdout  # 2024-05 was opened on 25 May
    assert "未报齐单位 2 个" in bulletin.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bulletin", "nope", "x.docx"], "错误：计划「nope」不存在（用 luoshi plan list 查看）"),
        (
            ["bulletin", "b24", "x.docx", "--period", "2023-Q4"],
            "错误：计划 b24 没有期间为「2023-Q4」的调度（已有：2024-Q1、2024-05、2024-Q2）",
        ),
        (["bulletin", "b24", "x.docx", "--as-of", "明天"], "错误：--as-of「明天」不是有效日期"),
        (["json", "nope", "x.json"], "错误：计划「nope」不存在（用 luoshi plan list 查看）"),
        (["csv", "nope", "out"], "错误：计划「nope」不存在（用 luoshi plan list 查看）"),
    ],
)
def test_mistakes_are_one_line(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    here = tmp_path / "work"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run("export", *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert list(here.iterdir()) == []  # nothing half-written
