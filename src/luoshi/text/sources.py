"""Open any supported file as a Document: plain text, Word (.docx), PDF, saved web pages.

The format is decided by the file's first bytes, then by its suffix: a web page
saved as .txt is still HTML, a .docx renamed .doc is still a zip, and an
encrypted .docx (an OLE compound file) still gets the Word reader's message.
For every format ``Document.raw`` is the extracted plain text, one paragraph
per line, and every offset points into it.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable
from pathlib import Path

from luoshi.errors import ReadError
from luoshi.text.document import Document
from luoshi.text.formats import signatures
from luoshi.text.formats.limits import DEFAULT_LIMITS, ReadLimits
from luoshi.text.reading import decode_bytes, read_bytes
from luoshi.text.tables import Table

Reader = Callable[[bytes, str, ReadLimits], str]
TableReader = Callable[[bytes, str, ReadLimits], tuple[str, tuple[Table, ...]]]

BY_SUFFIX = {
    ".docx": "docx",
    ".xlsx": "sheet",
    ".xlsm": "sheet",
    ".xls": "sheet",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
}
TEXT_SUFFIXES = (".txt", ".text", ".md")
SUFFIXES = (*TEXT_SUFFIXES, *BY_SUFFIX)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# A page saved by a browser: an <html> element or doctype, perhaps after an XML
# declaration and comments such as "<!-- saved from url=... -->".
_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S
)
# Any leading tag: HTML unless the file is named as plain text (Markdown may open with one).
_TAG_START = re.compile(rb"\s*<(?:[!?]|[a-zA-Z])")


def load_document(path: str | Path, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    """Read ``path`` into a Document; raise ReadError with a clerk-readable reason.

    ``limits`` bound what a file may unpack to and how much text it may hold.
    """
    name = str(path)
    data = read_bytes(path)
    if not data.strip():
        raise ReadError(name, "文件为空")
    fmt = sniff_format(data, Path(path).suffix)
    if fmt == "text":
        raw, encoding = decode_bytes(data, name)
        limits.check_text(name, len(raw))
        return Document(name=Path(path).name, raw=raw, encoding=encoding)
    if fmt in ("docx", "sheet"):
        raw, tables = table_reader(fmt)(data, name, limits)
        limits.check_text(name, len(raw))
        return Document(Path(path).name, raw, source_format=fmt, reader_tables=tables)
    raw = reader(fmt)(data, name, limits)
    limits.check_text(name, len(raw))
    return Document(name=Path(path).name, raw=raw, source_format=fmt)


def sniff_format(data: bytes, suffix: str) -> str:
    """The reader a file needs (docx, pdf, html or text): magic bytes first, suffix second."""
    head = data[:1024]
    if head.startswith(signatures.ZIP):
        return _office_kind(data, suffix)
    if head.startswith(signatures.OLE):
        return "sheet" if _is_workbook(data, suffix) else "docx"
    if signatures.PDF in head:
        return "pdf"
    markup = _without_bom(head)
    if _HTML_START.match(markup):
        return "html"
    if _TAG_START.match(markup) and suffix.lower() not in TEXT_SUFFIXES:
        return "html"
    return BY_SUFFIX.get(suffix.lower(), "text")


def _office_kind(data: bytes, suffix: str) -> str:
    """A zip is a workbook when it holds ``xl/`` parts, a Word file when ``word/``."""
    import zipfile  # here: a plain-text file never needs it (7 ms of the start)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "sheet" if BY_SUFFIX.get(suffix.lower()) == "sheet" else "docx"
    if any(n.startswith("xl/") for n in names):
        return "sheet"
    if any(n.startswith("word/") for n in names):
        return "docx"
    return "sheet" if BY_SUFFIX.get(suffix.lower()) == "sheet" else "docx"


_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), b"B\x00o\x00o\x00k\x00\x00")


def _is_workbook(data: bytes, suffix: str) -> bool:
    """A legacy .xls holds a Workbook (or Book) stream; an encrypted .xlsx is
    an OLE file too, known only by its name."""
    if BY_SUFFIX.get(suffix.lower()) == "sheet":
        return True
    return any(s in data for s in _WORKBOOK_STREAMS) and b"W\x00o\x00r\x00d\x00D" not in data


def table_reader(fmt: str) -> TableReader:
    """The reader of "docx" or "sheet" that also hands over the tables' cells."""
    if fmt == "docx":
        from luoshi.text.formats.docx import read_docx_tables

        return read_docx_tables
    if fmt == "sheet":
        from luoshi.text.formats.sheet import read_sheet_tables

        return read_sheet_tables
    raise ValueError(f"no table reader for {fmt!r}")


def reader(fmt: str) -> Reader:
    """The reader for ``fmt``: "docx", "pdf" or "html".

    Imported on first use: python-docx, PDFium and lxml.html take 0.15 s and
    20 MB to load, and plain text, the commonest input, needs none of them.
    """
    if fmt == "docx":
        from luoshi.text.formats.docx import read_docx

        return read_docx
    if fmt == "sheet":
        from luoshi.text.formats.sheet import read_sheet

        return read_sheet
    if fmt == "pdf":
        from luoshi.text.formats.pdf import read_pdf

        return read_pdf
    if fmt == "html":
        from luoshi.text.formats.html import read_html

        return read_html
    raise ValueError(f"no reader for {fmt!r}")


def _without_bom(head: bytes) -> bytes:
    """The head as UTF-8 without a byte-order mark, so UTF-16 markup is recognised too."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore").encode("utf-8")
    return head
