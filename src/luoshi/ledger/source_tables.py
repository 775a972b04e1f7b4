"""A document's tables as stored with it (JSON), and back: plan build drafts from them."""

from __future__ import annotations

from typing import Any

from luoshi.ledger.models import Document
from luoshi.text.document import Document as SourceText
from luoshi.text.tables import Cell, Row, Table


def tables_json(tables: tuple[Table, ...]) -> list[Any] | None:
    """``[{"name", "rows": [[start, end, [[start, end, col, merged], …]], …]}, …]``."""
    if not tables:
        return None
    return [
        {
            "name": t.name,
            "rows": [
                [r.start, r.end, [[c.start, c.end, c.col, int(c.merged)] for c in r.cells]]
                for r in t.rows
            ],
        }
        for t in tables
    ]


def tables_of(data: list[Any] | None) -> tuple[Table, ...]:
    if not data:
        return ()
    return tuple(
        Table(
            tuple(
                Row(tuple(Cell(a, b, col, bool(m)) for a, b, col, m in cells), start, end)
                for start, end, cells in t["rows"]
            ),
            t.get("name", ""),
        )
        for t in data
    )


def source_of(document: Document) -> SourceText:
    """The stored document as the extractor reads it, tables included."""
    return SourceText(
        name=document.name, raw=document.raw, reader_tables=tables_of(document.tables)
    )
