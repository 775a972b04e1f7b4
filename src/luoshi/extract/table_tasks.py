"""Tasks from a task breakdown table (任务分解表) or an office's ledger (台账).

The header row is found by its column names (``data/task_columns.toml``);
title rows above it and the header itself are never tasks, nor is a header
repeated on a later page. Each row below becomes a task carrying the table's
own fields — 牵头单位, 配合单位, 责任人, 完成时限, 预期成效, 进展情况. A merged
category or task cell covers the rows below it; a row with one short cell
(一、优化营商环境) opens a category. A row with both 重点任务 and 具体措施
becomes a measure under its task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from luoshi.extract.columns import ColumnNames, Field, column_names
from luoshi.extract.deadlines import deadline_of
from luoshi.extract.drafts import TaskDraft, TaskKind
from luoshi.extract.lead_units import UnitMap
from luoshi.extract.nontask import LeftOut
from luoshi.extract.unit_names import lead_and_co, split_units
from luoshi.text.lazy import lazy
from luoshi.text.tables import Cell, Row, Table

HEADER_SEARCH_ROWS = 8
MIN_HEADER_FIELDS = 2
_SECTION_MAX = 40
_FILLED_WHEN_BLANK: tuple[Field, ...] = ("category",)
_NOTE = lazy(r"^(?:注|备注|说明|填报说明|资料来源)\d*\s?[:：]")

REASON_TITLE = "表格标题或说明，不是任务"
REASON_HEADER = "表头，不是任务"
REASON_REPEATED = "重复的表头（跨页），不是任务"
REASON_NOTE = "表注，不是任务"
REASON_EMPTY = "没有任务内容的行"


@dataclass
class TableContext:
    raw: str
    folded: str
    year: int | None
    default_due: date | None
    units: UnitMap
    knows_merges: bool
    drafts: list[TaskDraft] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    groups: dict[str, TaskDraft] = field(default_factory=dict)
    tasks: dict[tuple[str, str], TaskDraft] = field(default_factory=dict)


def table_drafts(
    tables: tuple[Table, ...],
    raw: str,
    folded: str,
    year: int | None,
    default_due: date | None,
    units: UnitMap,
    knows_merges: bool,
) -> tuple[list[TaskDraft], list[LeftOut]]:
    """Drafts (provisional codes, parents set) of every task table, and what was left out."""
    ctx = TableContext(raw, folded, year, default_due, units, knows_merges)
    names = column_names()
    for table in tables:
        found = find_header(table, names, raw)
        if found is None:
            continue
        index, columns = found
        for row in table.rows[:index]:
            ctx.left_out.append(LeftOut(row.start, row.end, REASON_TITLE))
        header = table.rows[index]
        ctx.left_out.append(LeftOut(header.start, header.end, REASON_HEADER))
        _rows(ctx, table.rows[index + 1 :], columns, names)
    return ctx.drafts, ctx.left_out


def find_header(table: Table, names: ColumnNames, raw: str) -> tuple[int, dict[int, Field]] | None:
    """The header row's index and its columns' fields, or None when no row of the
    first few names a task column and at least one other."""
    for i, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        columns = header_columns(row, names, raw)
        fields = set(columns.values())
        if len(fields) >= MIN_HEADER_FIELDS and fields & {"title", "measure"}:
            return i, columns
    return None


def header_columns(row: Row, names: ColumnNames, raw: str) -> dict[int, Field]:
    out: dict[int, Field] = {}
    for cell in row.cells:
        f = names.field_of(raw[cell.start : cell.end]) if cell.end > cell.start else None
        if f is not None and f not in out.values():
            out[cell.col] = f
    return out


def _rows(
    ctx: TableContext, rows: tuple[Row, ...], columns: dict[int, Field], names: ColumnNames
) -> None:
    last: dict[Field, Cell] = {}
    for row in rows:
        if header_columns(row, names, ctx.raw) == columns:
            ctx.left_out.append(LeftOut(row.start, row.end, REASON_REPEATED))
            continue
        cells = {c.col: c for c in row.cells}
        filled = [c for c in row.cells if c.end > c.start]
        if len(filled) == 1 and not _fields_present(filled[0], columns, {"title", "measure"}):
            _section_row(ctx, row, filled[0], last)
            continue
        values = _values(ctx, cells, columns, last)
        if "title" not in values and "measure" not in values:
            ctx.left_out.append(LeftOut(row.start, row.end, REASON_EMPTY))
            continue
        _task_row(ctx, row, values)


def _fields_present(cell: Cell, columns: dict[int, Field], wanted: set[str]) -> bool:
    return columns.get(cell.col) in wanted


def _section_row(ctx: TableContext, row: Row, cell: Cell, last: dict[Field, Cell]) -> None:
    text = ctx.raw[cell.start : cell.end]
    if _NOTE.match(text) or len(text) > _SECTION_MAX or "。" in text:
        ctx.left_out.append(LeftOut(row.start, row.end, REASON_NOTE))
        return
    last["category"] = cell
    last.pop("title", None)


def _values(
    ctx: TableContext, cells: dict[int, Cell], columns: dict[int, Field], last: dict[Field, Cell]
) -> dict[Field, Cell]:
    """The row's cell for each field; a merged (or, for categories, blank) cell
    takes the value above it."""
    out: dict[Field, Cell] = {}
    measure_here = any(
        f == "measure" and col in cells and cells[col].end > cells[col].start
        for col, f in columns.items()
    )
    for col, f in columns.items():
        cell = cells.get(col)
        if cell is not None and cell.end > cell.start:
            out[f] = last[f] = cell
            if f == "category":
                last.pop("title", None)
            continue
        merged = cell is not None and cell.merged
        blank_title = f == "title" and measure_here and not ctx.knows_merges
        if f in last and (merged or f in _FILLED_WHEN_BLANK or blank_title):
            out[f] = last[f]
    if "category" not in out and "category" in last:
        out["category"] = last["category"]
    return out


def _task_row(ctx: TableContext, row: Row, values: dict[Field, Cell]) -> None:
    group = _group(ctx, values.get("category"))
    title, measure = values.get("title"), values.get("measure")
    parent = group
    kind: TaskKind = "task"
    if title is not None and measure is not None:
        parent = _task_node(ctx, group, title)
        kind = "measure"
    main = measure or title
    assert main is not None
    draft = _new(ctx, parent, kind, main, row.start, row.end)
    _fill(ctx, draft, values, row)
    if parent is not None and parent.kind == "task" and parent.lead_unit is None:
        _copy_fields(draft, parent)
    if (
        parent is not None
        and draft.deadline
        and (parent.deadline is None or draft.deadline > parent.deadline)
    ):
        parent.deadline = draft.deadline


def _group(ctx: TableContext, cell: Cell | None) -> TaskDraft | None:
    if cell is None:
        return None
    text = ctx.raw[cell.start : cell.end]
    if text not in ctx.groups:
        ctx.groups[text] = _new(ctx, None, "group", cell, cell.start, cell.end)
        ctx.groups[text].deadline = None
    return ctx.groups[text]


def _task_node(ctx: TableContext, group: TaskDraft | None, cell: Cell) -> TaskDraft:
    """The task a measure row belongs to: the same merged cell, or the same words
    as the row above (a task written out again on every row of its measures)."""
    text = ctx.raw[cell.start : cell.end].strip()
    last = ctx.drafts[-1] if ctx.drafts else None
    above = ctx.tasks.get(("last", group.code if group else ""))
    if above is not None and above.title == text and last is not None and last.parent == above.code:
        return above
    key = (group.code if group else "", f"{cell.start}")
    if key not in ctx.tasks:
        ctx.tasks[key] = _new(ctx, group, "task", cell, cell.start, cell.end)
        ctx.tasks[key].deadline = None
    ctx.tasks[("last", group.code if group else "")] = ctx.tasks[key]
    return ctx.tasks[key]


def _new(
    ctx: TableContext, parent: TaskDraft | None, kind: TaskKind, cell: Cell, start: int, end: int
) -> TaskDraft:
    title = ctx.raw[cell.start : cell.end].strip()
    category = parent.category if parent and parent.kind != "group" else ""
    if parent is not None and parent.kind == "group":
        category = parent.title
    if kind == "group":
        category = title
    draft = TaskDraft(
        f"#t{len(ctx.drafts)}",
        parent.code if parent else None,
        parent.level + 1 if parent else 1,
        kind,
        title,
        start,
        end,
        category,
        deadline=ctx.default_due,
    )
    ctx.drafts.append(draft)
    return draft


def _fill(ctx: TableContext, d: TaskDraft, values: dict[Field, Cell], row: Row) -> None:
    """The row's own fields; a suggestion from the mandates only where it names no unit."""
    text = {f: ctx.raw[c.start : c.end].strip() for f, c in values.items()}
    lead, co = lead_and_co(text.get("lead", ""))
    co = [*co, *(u for u in split_units(text.get("co", "")) if u not in co and u != lead)]
    if lead is None and co:
        lead, co = co[0], co[1:]
    if lead is not None:
        d.lead_unit, d.co_units = lead, co
        d.unit_origin, d.unit_reason = "document", "文件写明（表格）"
    else:
        s = ctx.units.explain(ctx.raw[row.start : row.end])
        d.lead_unit, d.co_units = s.lead, s.co
        d.unit_origin, d.unit_reason = ("suggested", s.reason) if s.lead else (None, None)
    d.person = text.get("person") or None
    d.outcome = text.get("outcome") or None
    d.progress_note = text.get("progress") or None
    cell = values.get("deadline")
    if cell is not None:
        found = deadline_of(ctx.raw, ctx.folded, cell.start, cell.end, ctx.year)
        d.deadline_text = text["deadline"]
        if found is not None:
            d.deadline = found.due


def _copy_fields(src: TaskDraft, dst: TaskDraft) -> None:
    dst.lead_unit, dst.co_units = src.lead_unit, list(src.co_units)
    dst.unit_origin, dst.unit_reason = src.unit_origin, src.unit_reason
    dst.person = src.person
