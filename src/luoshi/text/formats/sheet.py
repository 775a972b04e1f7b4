"""Spreadsheets (.xlsx, legacy .xls): every visible sheet, one line per row.

An office's own ledger (台账) is a workbook: a title row or two, a header, one
row per task. Cells are joined by tabs in grid order, so a column keeps its
place even when a cell is empty; cells covered by a merged cell are empty in
the text and marked merged in the ``Table`` handed over with it. The workbook
is checked by ``sheet_guard`` before python-calamine reads it.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from luoshi.errors import ReadError
from luoshi.text.formats import sheet_guard
from luoshi.text.formats.limits import DEFAULT_LIMITS, ReadLimits
from luoshi.text.formats.signatures import OLE, ZIP
from luoshi.text.tables import Table, TableBuilder

_SPACES = re.compile(r"\s+")
EMPTY = "工作簿中没有文字"
NOT_SHEET = "文件内容不是 Excel 工作簿（.xlsx 或 .xls）"


def read_sheet(data: bytes, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    return read_sheet_tables(data, name, limits)[0]


def read_sheet_tables(
    data: bytes, name: str, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[str, tuple[Table, ...]]:
    """The workbook as text, and each sheet as a table of spans in that text (the sheet's
    own guards bound it; ``limits`` bounds the text it may give)."""
    import python_calamine as calamine

    if data.startswith(ZIP):
        data = sheet_guard.safe_xlsx(data, name)
    elif data.startswith(OLE):
        sheet_guard.check_xls(data, name)
    else:
        raise ReadError(name, NOT_SHEET)
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = TableBuilder()
        for meta in book.sheets_metadata:
            if _is_visible_worksheet(meta):
                _emit_sheet(book.get_sheet_by_name(meta.name), out)
    except calamine.PasswordError:
        raise ReadError(name, sheet_guard.ENCRYPTED) from None
    except calamine.CalamineError:
        raise ReadError(name, sheet_guard.DAMAGED) from None
    text = out.text()
    if not text.strip():
        raise ReadError(name, EMPTY)
    return text, tuple(out.tables)


def _is_visible_worksheet(meta: Any) -> bool:
    return "WorkSheet" in str(meta.typ) and str(meta.visible).endswith("Visible")


def _emit_sheet(sheet: Any, out: TableBuilder) -> None:
    rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    covered = _covered(sheet.merged_cell_ranges or [])
    first = sheet.start[1] if sheet.start else 0  # columns left of the used range are empty
    out.start_table(sheet.name)
    for r, values in enumerate(rows):
        cells = [(cell_text(v), c, (r, c) in covered) for c, v in enumerate(values) if c >= first]
        while cells and not cells[-1][0]:
            cells.pop()
        out.row(cells)
    out.end_table()


def _covered(ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> set[tuple[int, int]]:
    """Cells inside a merged range other than its top-left one."""
    out: set[tuple[int, int]] = set()
    for (r0, c0), (r1, c1) in ranges:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > sheet_guard.MAX_CELLS:
            continue
        out.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
        out.discard((r0, c0))
    return out


def cell_text(value: Any) -> str:
    """A cell as printed: whole numbers without .0, dates in ISO form, one line."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return _SPACES.sub(" ", str(value)).strip()
