"""Tables of a document: rows of cells, each cell a span of the raw text.

A Word table or a spreadsheet is printed as one line per row, cells joined by
tabs (``luoshi text`` shows it); the reader that printed it also knows which
grid column each cell stands in and which cells continue a merged cell above
or to the left, and hands that over as ``Table``. Text read from a plain file
has no such knowledge: ``tables_from_text`` recovers the rows from the tabs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell: ``raw[start:end]`` is its text (empty for a merged continuation)."""

    start: int
    end: int
    col: int  # grid column where the cell starts
    merged: bool = False  # continues a merged cell (vertically or horizontally)


@dataclass(frozen=True, slots=True)
class Row:
    """A table row; ``line`` is the span of the printed line."""

    cells: tuple[Cell, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Table:
    """表格: its rows in order; ``name`` is the sheet's name for a spreadsheet."""

    rows: tuple[Row, ...]
    name: str = ""


class TableBuilder:
    """Assembles printed text line by line, noting the offsets of every cell."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.tables: list[Table] = []
        self._rows: list[Row] = []
        self._name = ""

    def line(self, text: str) -> None:
        """A line of running text (a paragraph); ends any table being built."""
        self.end_table()
        if text:
            self._emit(text)

    def row(self, cells: list[tuple[str, int, bool]]) -> None:
        """A row of (text, grid column, merged) cells; an all-empty row is left out."""
        if not any(text for text, _, _ in cells):
            return
        if self.length:
            self._emit_newline()
        start = self.length
        out: list[Cell] = []
        for i, (text, col, merged) in enumerate(cells):
            if i:
                self._append("\t")
            out.append(Cell(self.length, self.length + len(text), col, merged))
            self._append(text)
        self._rows.append(Row(tuple(out), start, self.length))

    def start_table(self, name: str = "") -> None:
        self.end_table()
        self._name = name

    def end_table(self) -> None:
        if self._rows:
            self.tables.append(Table(tuple(self._rows), self._name))
        self._rows = []

    def text(self) -> str:
        self.end_table()
        return "".join(self.parts) + ("\n" if self.parts else "")

    def _emit(self, text: str) -> None:
        if self.length:
            self._emit_newline()
        self._append(text)

    def _emit_newline(self) -> None:
        self._append("\n")

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)


def tables_from_text(raw: str) -> tuple[Table, ...]:
    """Runs of consecutive lines holding a tab, as tables whose cells are the
    tab-separated fields. Nothing is known of merges: an empty cell is empty."""
    tables: list[Table] = []
    rows: list[Row] = []
    pos = 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if "\t" in body:
            rows.append(_row_of(body, pos))
        elif rows:
            tables.append(Table(tuple(rows)))
            rows = []
        pos += len(line)
    if rows:
        tables.append(Table(tuple(rows)))
    return tuple(tables)


def _row_of(line: str, offset: int) -> Row:
    cells: list[Cell] = []
    start = 0
    for col, field in enumerate(line.split("\t")):
        lead = len(field) - len(field.lstrip())
        text = field.strip()
        s = offset + start + lead
        cells.append(Cell(s, s + len(text), col))
        start += len(field) + 1
    return Row(tuple(cells), offset, offset + len(line))
