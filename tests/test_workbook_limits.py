"""Workbooks are read by what they hold (io/workbook_limits.py): a far-away cell, a
zip that unzips to gigabytes or a sheet of millions of cells is refused, naming the
sheet and why; empty formatted cells far away are no reason to refuse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.styles import Font

from luoshi.cli import cli
from luoshi.errors import ImportErrors
from luoshi.io.ledger_xlsx import SHEET, read_ledger, write_ledger
from luoshi.io.workbook_limits import Limits, used_range
from luoshi.ledger.db import Database
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.catalog import unit_names
from luoshi.ledger.read.opendata import document_texts
from luoshi.ledger.read.views import plan_view
from luoshi.settings import HealthRules
from tests.builders import build_world
from tests.fixtures.workbooks import far_away_cell, unzipping_to


def exported(db: Database, path: Path) -> Path:
    world = build_world(db)
    with db.transaction() as s:
        view = plan_view(s, world.plan(s), HealthRules(), AsOf(date(2024, 7, 1)))
        write_ledger(view, document_texts(s, view), unit_names(s), path)
    return path


def test_the_used_range_is_what_holds_values(db: Database, tmp_path: Path) -> None:
    path = exported(db, tmp_path / "l.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    rows, columns = ws.max_row, ws.max_column
    ws["XFD1048576"].font = Font(bold=True)  # formatted, empty: not content
    wb.save(path)
    used = used_range(path, SHEET)
    assert used is not None and (used.rows, used.columns) == (rows, columns)
    assert columns >= 14  # the ledger's columns, not the far cell's
    edits, problems = read_ledger(path)
    assert edits and problems == []


def test_a_far_away_cell_is_refused_naming_the_sheet(tmp_path: Path) -> None:
    path = far_away_cell(tmp_path / "far.xlsx")
    assert path.stat().st_size < 12 * 1024
    with pytest.raises(ImportErrors) as e:
        read_ledger(path)
    message = e.value.problems[0]
    assert "far.xlsx 的工作表「台账」" in message and "第 1048576 行有内容" in message


def test_a_cell_far_to_the_right_is_refused_naming_its_column(tmp_path: Path) -> None:
    path = far_away_cell(tmp_path / "wide.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    ws["XFD1048576"] = None
    ws["AB2"] = "x"
    wb.save(path)
    with pytest.raises(ImportErrors, match="第 AB 列有内容，超过上限 20 列（T 列）"):
        read_ledger(path, Limits(columns=20))
    assert read_ledger(path)[0] == []  # within the default limit: read as usual


def test_a_workbook_that_unzips_past_the_limit_is_refused_unparsed(tmp_path: Path) -> None:
    path = unzipping_to(tmp_path / "bomb.xlsx", 8)
    assert path.stat().st_size < 64 * 1024
    with pytest.raises(ImportErrors) as e:
        read_ledger(path, Limits(unpacked_bytes=4 * 1024 * 1024))
    message = e.value.problems[0]
    assert message.startswith("bomb.xlsx 解压后 8 MB，超过上限 4 MB")
    assert "xl/worksheets/sheet1.xml" in message


def test_a_sheet_of_too_many_cells_is_refused(tmp_path: Path) -> None:
    path = unzipping_to(tmp_path / "cells.xlsx", 1)
    with pytest.raises(ImportErrors, match="工作表「台账」 写有超过 1000 个单元格"):
        read_ledger(path, Limits(cells=1000))


def test_import_xlsx_says_so_on_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    db = Database.open(url)
    build_world(db)
    db.dispose()
    path = far_away_cell(tmp_path / "far.xlsx")
    r = CliRunner().invoke(cli, ["--database-url", url, "import", "xlsx", "t2024", str(path)])
    assert r.exit_code == 2
    assert "导入失败" in r.stderr and "工作表「台账」 第 1048576 行有内容" in r.stderr
