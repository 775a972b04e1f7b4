"""The Excel ledger: export, edit in an office, import back all-or-nothing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from luoshi.errors import Conflict, ImportErrors
from luoshi.io.ledger_xlsx import COLUMN_OF, SHEET, read_ledger, write_ledger
from luoshi.ledger import audit, tasks, units
from luoshi.ledger.db import Database
from luoshi.ledger.edits import import_edits
from luoshi.ledger.health import HEALTH_COLOURS, tint
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.catalog import unit_names
from luoshi.ledger.read.compute import task_rows
from luoshi.ledger.read.opendata import document_texts
from luoshi.ledger.read.rows import TaskRow
from luoshi.ledger.read.views import plan_view
from luoshi.settings import HealthRules
from tests.builders import REPORT, World, admin, build_cycle, build_world

TODAY = date(2024, 7, 1)


def export(world: World, path: Path) -> Path:
    with world.db.transaction() as s:
        view = plan_view(s, world.plan(s), HealthRules(), AsOf(TODAY))
        write_ledger(view, document_texts(s, view), unit_names(s), path)
    return path


def edit(path: Path, edits: dict[tuple[str, str], Any]) -> None:
    """Set cells by (task code, column header), as a clerk would."""
    wb = load_workbook(path)
    ws = wb[SHEET]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for (code, header), value in edits.items():
        ws.cell(rows[code], COLUMN_OF[header]).value = value
    wb.save(path)


def audit_count(world: World) -> int:
    with world.db.transaction() as s:
        return len(audit.history(s))


def import_(world: World, path: Path, dry_run: bool = False) -> list[Any]:
    edits, problems = read_ledger(path)
    with world.db.transaction() as s:
        return import_edits(s, world.user(s, "boss"), world.plan(s), edits, problems, dry_run)


def row_of(world: World, code: str) -> TaskRow:
    with world.db.transaction() as s:
        return next(r for r in task_rows(s, world.plan_id) if r.code == code)


def test_the_workbook_shows_each_targets_latest_counted_value(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    ws = load_workbook(export(c.world, tmp_path / "l.xlsx"))[SHEET]
    values = {ws.cell(r, 1).value: [x.value for x in ws[r]] for r in range(2, ws.max_row + 1)}
    # 3.3 million came with a report that was returned: 1.5 million (2024-05) stands.
    latest = COLUMN_OF["最新填报值"] - 1
    assert values["1.2.1"][latest] == "集装箱吞吐量 1,500,000标准箱（2024-05）"
    assert values["1.3.1"][latest] is None


def test_the_workbook_is_a_usable_ledger(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    wb = load_workbook(export(world, tmp_path / "l.xlsx"))
    ws = wb[SHEET]
    assert ws.freeze_panes == "B2"
    header = [c.value for c in ws[1]]
    assert header[:6] == ["编号", "任务名称", "原文", "类别", "责任单位", "完成时限"]
    assert ws.column_dimensions["O"].hidden  # 版本
    values = {ws.cell(r, 1).value: [c.value for c in ws[r]] for r in range(2, ws.max_row + 1)}
    port = values["1.1.1.1"]
    assert port[COLUMN_OF["目标"] - 1] == "集装箱吞吐量 >1600万标准箱（基数 1500万标准箱）"
    assert port[COLUMN_OF["原文"] - 1] == "拓展航线，集装箱吞吐量突破1600万标准箱"
    assert port[COLUMN_OF["原文"] - 1] in REPORT
    assert port[COLUMN_OF["完成时限"] - 1] == datetime(2024, 12, 31)
    assert port[COLUMN_OF["版本"] - 1] == 1
    assert values["1.2.1"][COLUMN_OF["状态"] - 1] == "严重滞后"
    # The fill is a tint of the palette's red, the colour the web and Word show.
    assert ws.cell(2, COLUMN_OF["状态"]).fill.fgColor.rgb.endswith(tint(HEALTH_COLOURS["red"]))
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert {(k, v.type) for k, v in rules.items()} == {
        ("E2:E10", "list"),  # 责任单位: the units
        ("F2:F10", "date"),  # 完成时限
        ("J2:J10", "decimal"),  # 权重
        ("L2:L10", "decimal"),  # 最新进度 0–100
        ("M2:M10", "list"),  # 状态
    }
    units = [c.value for c in wb["单位"]["A"]]
    assert "市水务局" in units and wb["单位"].sheet_state == "hidden"
    assert rules["E2:E10"].formula1 == f"'单位'!$A$1:$A${len(units)}"
    assert rules["L2:L10"].formula2 == "100"


def test_export_then_import_without_edits_changes_nothing(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    path = export(world, tmp_path / "l.xlsx")
    before = audit_count(world)
    assert import_(world, path, dry_run=True) == []
    assert import_(world, path) == []
    assert audit_count(world) == before
    assert row_of(world, "1.1.1.1").version == 1


def test_formulas_and_spaces_survive_a_round_trip_unchanged(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.1.1.1")
        outcome = {"expected_outcome": "=建成智能工厂10个"}
        tasks.edit_task(s, world.user(s, "boss"), t, "x", t.version, outcome)
        # Stored before edits were stripped (or drafted from a document): kept as is.
        t.title, t.person = t.title + " ", " 张三"
    path = export(world, tmp_path / "l.xlsx")
    ws = load_workbook(path)[SHEET]
    cell = ws.cell(2 + [c.value for c in ws["A"][1:]].index("1.1.1.1"), COLUMN_OF["预期成效"])
    assert (cell.value, cell.data_type) == ("=建成智能工厂10个", "s")  # text, not a formula
    before = audit_count(world)
    assert import_(world, path, dry_run=True) == []
    assert import_(world, path) == []
    assert audit_count(world) == before
    port = row_of(world, "1.1.1.1")
    assert port.expected_outcome == "=建成智能工厂10个" and port.person == " 张三"
    assert port.title.endswith(" ")


def test_co_units_with_spaces_and_slashes_in_their_names_survive_a_round_trip(
    db: Database, tmp_path: Path
) -> None:
    world = build_world(db)
    names = ["市 交通 委", "市发展改革委/市粮食局"]
    with db.transaction() as s:
        units.ensure_units(s, admin(s), names)
        t = world.task(s, "1.1.1.1")
        tasks.assign(s, world.user(s, "boss"), t, "x", t.version, co_units=names)
    path = export(world, tmp_path / "l.xlsx")
    assert import_(world, path, dry_run=True) == []
    assert import_(world, path) == []
    assert row_of(world, "1.1.1.1").co_units == names
    edit(path, {("1.2.1", "配合单位"): " 市发展改革委/市粮食局 、市 交通 委、"})
    [change] = import_(world, path)
    assert (change.code, change.after) == ("1.2.1", ["市发展改革委/市粮食局", "市 交通 委"])
    assert row_of(world, "1.2.1").co_units == ["市发展改革委/市粮食局", "市 交通 委"]


def test_co_units_separated_by_commas_are_refused_with_a_hint(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    path = export(world, tmp_path / "l.xlsx")
    edit(path, {("1.2.1", "配合单位"): "市商务局，市水务局"})
    with pytest.raises(ImportErrors) as err:
        import_(world, path)
    assert err.value.problems == [
        "台账!G10 配合单位「市商务局，市水务局」不存在"
        "（先用 luoshi units add 添加；多个配合单位请用顿号「、」分隔）"
    ]


def test_edited_cells_are_applied_and_audited(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    path = export(world, tmp_path / "l.xlsx")
    edit(
        path,
        {
            ("1.1.1.1", "责任单位"): "市商务局",
            ("1.1.1.1", "责任人"): "张三",
            ("1.1.1.1", "完成时限"): "2024年9月",
            ("1.1.1.1", "配合单位"): "市教委、市水务局",
            ("1.2.1", "权重"): 2,
            ("1.2.1", "任务名称"): "新建学校8所",
            ("1.2.1", "预期成效"): "秋季开学投用",
        },
    )
    before = audit_count(world)
    preview = import_(world, path, dry_run=True)
    assert len(preview) == 7 and audit_count(world) == before
    assert row_of(world, "1.1.1.1").person is None  # dry run wrote nothing
    changes = import_(world, path)
    assert {(c.code, c.field) for c in changes} == {(c.code, c.field) for c in preview}
    port = row_of(world, "1.1.1.1")
    assert (port.lead_unit, port.person, port.deadline) == ("市商务局", "张三", date(2024, 9, 30))
    assert port.co_units == ["市教委", "市水务局"] and port.version == 2
    school = row_of(world, "1.2.1")
    assert (school.weight, school.title, school.expected_outcome) == (
        2.0,
        "新建学校8所",
        "秋季开学投用",
    )
    assert audit_count(world) == before + 2  # one event per changed task


def test_every_bad_cell_is_reported_at_once_and_nothing_is_applied(
    db: Database, tmp_path: Path
) -> None:
    world = build_world(db)
    path = export(world, tmp_path / "l.xlsx")
    edit(
        path,
        {
            ("1.1.1.1", "责任人"): "张三",  # valid, but must not be applied
            ("1.1.1.2", "完成时限"): "2024年13月",
            ("1.1.2.1", "权重"): "很多",
            ("1.2.1", "责任单位"): "市不存在局",
            ("1.2", "任务名称"): None,
            ("1.1", "编号"): "9.9",
        },
    )
    before = audit_count(world)
    with pytest.raises(ImportErrors) as err:
        import_(world, path)
    problems = err.value.problems
    assert "台账!F6 完成时限「2024年13月」不是有效日期" in problems
    assert "台账!J8 权重「很多」应为不小于 0 的数" in problems
    assert "台账!B9 任务名称「」不能为空" in problems
    assert any(p.startswith("台账!E10 责任单位「市不存在局」不存在") for p in problems)
    assert "台账!第3行 编号「9.9」在计划 t2024 中不存在" in problems
    assert len(problems) == 5
    assert err.value.message.startswith("导入失败：共 5 处错误，未做任何修改")
    assert row_of(world, "1.1.1.1").person is None
    assert audit_count(world) == before
    with pytest.raises(ImportErrors):
        import_(world, path, dry_run=True)


def test_what_a_task_edit_refuses_is_found_by_the_dry_run_cell_by_cell(
    db: Database, tmp_path: Path
) -> None:
    world = build_world(db)
    path = export(world, tmp_path / "l.xlsx")
    edit(
        path,
        {
            ("1.1.1.1", "完成时限"): "2023-12-31",  # the task starts on 2024-01-18
            ("1.1.1.2", "配合单位"): "市商务局、市水务局、市商务局",
            ("1.1.2.1", "权重"): "inf",
            ("1.2.1", "责任人"): "张" * 250,
            ("1.2.1", "预期成效"): "秋季开学投用",  # valid, but must not be applied
        },
    )
    before = audit_count(world)
    for dry_run in (True, False):
        with pytest.raises(ImportErrors) as err:
            import_(world, path, dry_run)
        assert err.value.problems == [
            "台账!F5 开始日期「2024-01-18」晚于完成时限「2023-12-31」",
            "台账!G6 配合单位「市商务局」重复",
            "台账!J8 权重「inf」应为不小于 0 的数",
            "台账!H10 责任人「" + "张" * 20 + "…」过长（250 个字符），最多 200 个字符",
        ]
    assert row_of(world, "1.2.1").expected_outcome == "学校8所；河道整治10条"
    assert audit_count(world) == before


def test_rows_edited_on_a_stale_copy_are_refused(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    path = export(world, tmp_path / "l.xlsx")
    with db.transaction() as s:  # someone changes 1.2.1 after the export
        t = world.task(s, "1.2.1")
        tasks.assign(s, world.user(s, "boss"), t, "x", t.version, person="李四")
    edit(path, {("1.2.1", "责任人"): "王五", ("1.1.1.1", "责任人"): "张三"})
    with pytest.raises(Conflict) as err:
        import_(world, path)
    assert "台账!第10行 任务 1.2.1（当前版本 2，表中是 1）" in err.value.message
    assert row_of(world, "1.2.1").person == "李四"
    assert row_of(world, "1.1.1.1").person is None


def test_a_file_that_is_not_a_ledger(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ImportErrors, match=r"不是有效的 \.xlsx 文件"):
        import_(world, bad)
    wb = Workbook()
    assert wb.active is not None
    wb.active.title = "Sheet"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(ImportErrors, match="没有名为「台账」的工作表"):
        import_(world, tmp_path / "other.xlsx")


def _cells(path: Path) -> list[list[tuple[Any, str | None, bool]]]:
    """Every cell's value, fill colour and wrapping, row by row."""
    ws = load_workbook(path)[SHEET]
    return [
        [(c.value, c.fill.fgColor.rgb if c.fill.fill_type else None, bool(c.alignment.wrap_text))
         for c in row]
        for row in ws.iter_rows()
    ]  # fmt: skip


def test_the_streamed_ledger_is_the_ledger_and_reads_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from luoshi.ledger.read import kept
    from luoshi.ledger.read.stream import plan_stream

    c = build_cycle(db)
    today = AsOf(date.today())  # the day the kept figures are for
    whole = tmp_path / "whole.xlsx"
    with c.world.db.transaction() as s:
        view = plan_view(s, c.world.plan(s), HealthRules(), today)
        write_ledger(view, document_texts(s, view), unit_names(s), whole)
    monkeypatch.setattr(kept, "CHUNK", 2)  # many keyset pages, even on a small plan
    streamed = tmp_path / "streamed.xlsx"
    with c.world.db.transaction() as s:
        stream = plan_stream(s, c.world.plan(s), HealthRules(), today)
        assert stream.streamed
        raw = document_texts(s, stream.document_ids)
        assert write_ledger(stream.rows(), raw, unit_names(s), streamed) == stream.tasks
    assert _cells(streamed) == _cells(whole)
    assert load_workbook(streamed)[SHEET].cell(1, 1).font.bold
    before = audit_count(c.world)
    assert import_(c.world, streamed, dry_run=True) == []
    assert audit_count(c.world) == before
