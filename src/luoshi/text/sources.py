"""Open any supported file as a Document: plain text, Word (.docx), PDF, saved web pages.

The format is decided by the file's first bytes, then by its suffix: a web page
saved as .txt is still HTML, a .docx renamed .doc is still a zip, and an
encrypted .docx (an OLE compound file) still gets the Word reader's message.
For every format ``Document.raw`` is the extracted plain text, one paragraph
per line, and every offset points into it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path

from luoshi.errors import ReadError
from luoshi.text.document import Document
from luoshi.text.formats import signatures
from luoshi.text.formats.limits import DEFAULT_LIMITS, ReadLimits
from luoshi.text.reading import decode_bytes, read_bytes

Reader = Callable[[bytes, str, ReadLimits], str]

BY_SUFFIX = {
    ".docx": "docx",
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
    raw = reader(fmt)(data, name, limits)
    limits.check_text(name, len(raw))
    return Document(name=Path(path).name, raw=raw, source_format=fmt)


def sniff_format(data: bytes, suffix: str) -> str:
    """The reader a file needs (docx, pdf, html or text): magic bytes first, suffix second."""
    head = data[:1024]
    if head.startswith((signatures.ZIP, signatures.OLE)):
        return "docx"
    if signatures.PDF in head:
        return "pdf"
    markup = _without_bom(head)
    if _HTML_START.match(markup):
        return "html"
    if _TAG_START.match(markup) and suffix.lower() not in TEXT_SUFFIXES:
        return "html"
    return BY_SUFFIX.get(suffix.lower(), "text")


def reader(fmt: str) -> Reader:
    """The reader for ``fmt``: "docx", "pdf" or "html".

    Imported on first use: python-docx, PDFium and lxml.html take 0.15 s and
    20 MB to load, and plain text, the commonest input, needs none of them.
    """
    if fmt == "docx":
        from luoshi.text.formats.docx import read_docx

        return read_docx
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
