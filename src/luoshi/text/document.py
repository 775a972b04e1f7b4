"""The document: raw text that never changes, plus the folded copy rules match on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from luoshi.text.normalize import fold
from luoshi.text.reading import read_text
from luoshi.text.tables import Table, tables_from_text


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch ``[start, end)`` of a document's raw text."""

    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """文件: a source document. ``raw`` is kept verbatim; every offset points into it."""

    name: str
    raw: str
    encoding: str = "utf-8"
    # What ``raw`` was read from: "text", or the reader that extracted it ("docx", "pdf", "html").
    source_format: str = "text"
    # The tables the reader found (Word, spreadsheet), cells as spans of ``raw``.
    reader_tables: tuple[Table, ...] = field(default=(), repr=False, compare=False)
    folded: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded", fold(self.raw))

    @property
    def tables(self) -> tuple[Table, ...]:
        """The reader's tables, else rows recovered from the tabs of the text."""
        return self.reader_tables or tables_from_text(self.raw)

    def slice(self, start: int, end: int) -> str:
        return self.raw[start:end]

    @classmethod
    def from_text(cls, name: str, raw: str) -> Document:
        return cls(name=name, raw=raw)

    @classmethod
    def from_path(cls, path: str | Path) -> Document:
        """Read a plain-text file (encoding detected)."""
        raw, encoding = read_text(path)
        return cls(name=Path(path).name, raw=raw, encoding=encoding)
