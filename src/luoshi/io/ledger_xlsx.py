"""The ledger (台账) as an .xlsx workbook: exported for offices to edit, read back in.

One row per task. Editable columns carry data validation (unit list, dates,
weights); read-only ones are grey. The hidden 版本 column is the version each
row was exported at, so an edit made on an old copy is refused on import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from luoshi.errors import ImportErrors
from luoshi.extract.records import number
from luoshi.io.workbook_limits import DEFAULT_LIMITS, Limits, used_range
from luoshi.ledger.edits import RowEdit
from luoshi.ledger.health import HEALTH_COLOURS, HEALTH_LABELS, tint
from luoshi.ledger.read.rows import TargetRow, TaskRow
from luoshi.ledger.units import LIST_SEPARATOR
from luoshi.ledger.values import parse_date

SHEET = "台账"
UNIT_SHEET = "单位"
SOURCE_LIMIT = 1000
COMPARATOR_LABELS = {">": ">", ">=": "≥", "<=": "≤", "~": "约", "=": ""}
# Light tints of the one palette, so a cell reads as the colour the web and Word show.
HEALTH_FILLS = {h: tint(c) for h, c in HEALTH_COLOURS.items()}
READ_ONLY_FILL = PatternFill("solid", fgColor="F2F2F2")
# A write-only worksheet: openpyxl's stubs omit its column_dimensions, data_validations
# and sheet_state, which it has.
Sheet = Any


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # the editable task field it holds, None when read-only
    width: int


COLUMNS = (
    Column("编号", None, 10),
    Column("任务名称", "title", 40),
    Column("原文", None, 50),
    Column("类别", None, 20),
    Column("责任单位", "lead_unit", 18),
    Column("完成时限", "deadline", 12),
    Column("配合单位", "co_units", 24),
    Column("责任人", "person", 10),
    Column("预期成效", "expected_outcome", 30),
    Column("权重", "weight", 6),
    Column("目标", None, 36),
    Column("最新进度", None, 8),
    Column("状态", None, 8),
    # After the columns offices know by letter (最新进度 L, 状态 M), before the hidden one.
    Column("最新填报值", None, 24),
    Column("版本", None, 4),
)
COLUMN_OF = {c.header: i for i, c in enumerate(COLUMNS, 1)}


def target_text(t: TargetRow) -> str:
    """集装箱吞吐量 >2300万标准箱（基数 2218万标准箱）"""
    text = f"{t.indicator} {COMPARATOR_LABELS.get(t.comparator, t.comparator)}{t.text}".strip()
    if t.baseline is not None:
        text += f"（基数 {t.baseline['text']}）"
    return text


def latest_text(t: TargetRow) -> str | None:
    """集装箱吞吐量 1,500,000标准箱（2024-05）: the value last reported for the target,
    and the period of the round it was reported in."""
    if t.latest is None:
        return None
    return f"{t.indicator} {number(t.latest.value):,}{t.unit}（{t.latest.period}）".strip()


def _clean(text: str | None, limit: int | None = None) -> str | None:
    if text is None:
        return None
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text[: limit - 1] + "…" if limit and len(text) > limit else text


def _row_values(row: TaskRow, source: str) -> list[Any]:
    return [
        row.code,
        _clean(row.title),
        _clean(source, SOURCE_LIMIT),
        row.category,
        row.lead_unit,
        row.deadline,
        LIST_SEPARATOR.join(row.co_units) or None,
        row.person,
        _clean(row.expected_outcome),
        row.weight,
        "；".join(target_text(t) for t in row.targets) or None,
        round(row.progress, 1),
        HEALTH_LABELS[row.health],
        "；".join(x for t in row.targets if (x := latest_text(t))) or None,
        row.version,
    ]


def write_ledger(
    rows: Iterable[TaskRow], raw: dict[int, str], units: list[str], path: str | Path
) -> int:
    """Write ``rows`` (a PlanView or a stream of its rows, in code order) to ``path`` a row
    at a time (progress and health as of the rows' day; the editable cells are always
    current); ``raw`` maps document ids to their text (for 原文), ``units`` lists the
    names offered in the 责任单位 column. Returns how many tasks were written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    unit_sheet = wb.create_sheet(UNIT_SHEET) if units else None
    _layout(ws)
    styles = _Styles(ws)
    ws.append([_styled(ws, c.header, styles.header) for c in COLUMNS])
    n = 0
    for row in rows:
        text = raw.get(row.doc or -1, "")
        source = text[row.start : row.end] if row.start is not None else ""
        ws.append(_cells(ws, styles, row, _row_values(row, source)))
        n += 1
    _validations(ws, unit_sheet, units, n + 1)
    wb.save(path)
    return n


def _layout(ws: Sheet) -> None:
    """What a write-only sheet takes before its first row: panes and column widths."""
    ws.freeze_panes = "B2"
    for i, col in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.column_dimensions[get_column_letter(COLUMN_OF["版本"])].hidden = True


class _Styles:
    """One style per column (and per health for 状态), made once: styling each of a
    million cells through openpyxl's registry would cost more than writing them."""

    def __init__(self, ws: Sheet) -> None:
        self.header = _style(ws, font=Font(bold=True))
        wrap = Alignment(wrap_text=True, vertical="top")
        self.columns: list[StyleArray] = []
        for col in COLUMNS:
            fill = READ_ONLY_FILL if col.field is None else None
            fmt = {"编号": "@", "完成时限": "yyyy-mm-dd"}.get(col.header)
            self.columns.append(_style(ws, alignment=wrap, fill=fill, number_format=fmt))
        self.health = {
            h: _style(ws, alignment=wrap, fill=PatternFill("solid", fgColor=c))
            for h, c in HEALTH_FILLS.items()
        }


def _style(ws: Sheet, **given: Any) -> StyleArray:
    cell = WriteOnlyCell(ws)
    for name, value in given.items():
        if value is not None:
            setattr(cell, name, value)
    style: StyleArray = cell._style  # type: ignore[attr-defined]
    return style


def _styled(ws: Sheet, value: Any, style: StyleArray) -> Cell:
    cell = Cell(ws, row=1, column=1, value=value, style_array=style)
    if isinstance(value, str):
        # openpyxl writes a string starting with = as a formula: document text or an
        # outcome like "=建成智能工厂10个" would run in Excel and read back empty.
        cell.data_type = "s"
    return cell


def _cells(ws: Sheet, styles: _Styles, row: TaskRow, values: list[Any]) -> list[Cell]:
    cells = [_styled(ws, v, style) for v, style in zip(values, styles.columns, strict=True)]
    status = COLUMN_OF["状态"] - 1
    cells[status] = _styled(ws, values[status], styles.health[row.health])
    return cells


def _validations(ws: Sheet, unit_sheet: Sheet | None, units: list[str], last: int) -> None:
    def column(header: str) -> str:
        letter = get_column_letter(COLUMN_OF[header])
        return f"{letter}2:{letter}{max(last, 2)}"

    rules: list[tuple[DataValidation, str]] = [
        (DataValidation(type="date", operator="greaterThan", formula1="1"), "完成时限"),
        (DataValidation(type="decimal", operator="between", formula1="0", formula2="1000"), "权重"),
        (
            DataValidation(type="decimal", operator="between", formula1="0", formula2="100"),
            "最新进度",
        ),
        (DataValidation(type="list", formula1=_status_list()), "状态"),
    ]
    if unit_sheet is not None:
        for name in units:
            unit_sheet.append([name])
        unit_sheet.sheet_state = "hidden"
        formula = f"'{UNIT_SHEET}'!$A$1:$A${len(units)}"
        rules.append((DataValidation(type="list", formula1=formula, allow_blank=True), "责任单位"))
    for dv, header in rules:
        dv.error = f"「{header}」的值无效"
        dv.showErrorMessage = True
        dv.add(column(header))
        ws.data_validations.append(dv)


def _status_list() -> str:
    return '"' + ",".join(HEALTH_LABELS.values()) + '"'


# -- reading back --------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _co_units(value: Any) -> list[str]:
    # Only 、 separates: it is what export writes and what unit names may not contain,
    # while spaces, slashes and commas do occur inside names (市发展改革委/市粮食局).
    parts = str(value or "").split(LIST_SEPARATOR)
    return [name for p in parts if (name := p.strip())]


def _title(value: Any) -> str:
    text = _text(value)
    if text is None:
        raise ValueError("不能为空")
    return text


def _date(value: Any) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        raise ValueError("不是有效日期") from None


def _weight(value: Any) -> float:
    try:
        weight = float(value)
    except (TypeError, ValueError):
        raise ValueError("应为不小于 0 的数") from None
    if not weight >= 0:
        raise ValueError("应为不小于 0 的数")
    return weight


PARSERS: dict[str, Callable[[Any], Any]] = {
    "title": _title,
    "lead_unit": _text,
    "co_units": _co_units,
    "person": _text,
    "deadline": _date,
    "expected_outcome": _text,
    "weight": _weight,
}


def read_ledger(
    path: str | Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[RowEdit], list[str]]:
    """Rows of an edited ledger, and every problem found in its cells. The sheet is read
    by its used range (workbook_limits.py): a workbook past the limits is refused."""
    name = Path(path).name
    used = used_range(path, SHEET, limits)
    if used is None:
        raise ImportErrors([f"{name} 中没有名为「{SHEET}」的工作表"])
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportErrors([f"{name} 不是有效的 .xlsx 文件：{e}"]) from None
    try:
        ws = wb[SHEET]
        rows = ws.iter_rows(
            min_row=1, max_row=max(used.rows, 1), max_col=max(used.columns, 1), values_only=True
        )
        first = next(rows, ())
        header = {str(v).strip(): i for i, v in enumerate(first, 1) if v is not None}
        missing = [h for h in ("编号", "版本") if h not in header]
        if missing:
            raise ImportErrors([f"{SHEET}!第1行 缺少列：{'、'.join(missing)}"])
        edits: list[RowEdit] = []
        problems: list[str] = []
        for r, cells in enumerate(rows, 2):
            if all(v is None or str(v).strip() == "" for v in cells):
                continue
            edit = _read_row(r, cells, header, problems)
            if edit is not None:
                edits.append(edit)
        return edits, problems
    finally:
        wb.close()


def _read_row(
    r: int, cells: tuple[Any, ...], header: dict[str, int], problems: list[str]
) -> RowEdit | None:
    def value(name: str) -> Any:
        i = header[name] - 1
        return cells[i] if i < len(cells) else None

    def ref(name: str) -> str:
        return f"{SHEET}!{get_column_letter(header[name])}{r}"

    code = _text(value("编号"))
    if code is None:
        problems.append(f"{ref('编号')} 编号为空")
        return None
    try:
        seen = int(str(value("版本")).strip())
    except ValueError:
        problems.append(f"{ref('版本')} 版本「{value('版本')}」不是整数（请勿修改此列）")
        return None
    values: dict[str, Any] = {}
    cells_of: dict[str, str] = {}
    for col in COLUMNS:
        if col.field is None or col.header not in header:
            continue
        raw = value(col.header)
        cells_of[col.field] = ref(col.header)
        try:
            values[col.field] = PARSERS[col.field](raw)
        except ValueError as e:
            shown = raw.date().isoformat() if hasattr(raw, "date") else ("" if raw is None else raw)
            problems.append(f"{ref(col.header)} {col.header}「{shown}」{e}")
    return RowEdit(code, seen, values, f"{SHEET}!第{r}行", cells_of)
