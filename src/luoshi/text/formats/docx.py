"""Word documents (.docx): one line per paragraph, one line per table row.

Table rows keep their cells' places: cells are joined by tabs, an empty cell
(a vertically merged continuation, say) stays as an empty field, and the
reader hands over each cell's grid column and merge as a ``Table`` too.

The text is read from the body's XML rather than through python-docx's
``Paragraph.text`` so that runs inside tracked insertions, content controls and
fields are kept, while deleted text, field codes and text boxes (floating
letterheads and captions, stored twice for old Word versions) are left out.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from luoshi.errors import ReadError
from luoshi.text.formats.limits import DEFAULT_LIMITS, ReadLimits
from luoshi.text.formats.signatures import OLE, ZIP
from luoshi.text.tables import Table, TableBuilder

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P, TBL, TR, TC, T, TAB, BR, CR = (_W + t for t in ("p", "tbl", "tr", "tc", "t", "tab", "br", "cr"))
# Subtrees whose text is not part of the paragraph as printed.
_SKIP = {
    *(_W + t for t in ("del", "moveFrom", "instrText", "txbxContent", "pPr", "rPr", "tcPr")),
    _MC + "Fallback",
}

# An encrypted .docx is an OLE compound file holding this stream; a legacy .doc holds the other.
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_WORD_97 = "WordDocument".encode("utf-16-le")
_SPACES = re.compile(r"[ \t\n]+")
_VAL = _W + "val"
TC_PR, GRID_SPAN, V_MERGE, TR_PR, GRID_BEFORE = (
    _W + t for t in ("tcPr", "gridSpan", "vMerge", "trPr", "gridBefore")
)

ENCRYPTED = "Word 文档设置了打开密码，请先取消密码后再导入"
LEGACY = "是旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx 后再导入"
NOT_WORD = "不是 Word 文档（.docx），可能是其他 Office 文件"
DAMAGED = "文件已损坏或不完整，无法作为 .docx 打开"
EMPTY = "Word 文档中没有文字"
NOT_DOCX = "文件内容不是 .docx 格式（可能只是改了扩展名）"


def read_docx(data: bytes, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    """The document body as text: paragraphs in order, table cells joined by tabs."""
    return read_docx_tables(data, name, limits)[0]


def read_docx_tables(
    data: bytes, name: str, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[str, tuple[Table, ...]]:
    """The body as text, and its tables with every cell's span in that text."""
    if data.startswith(OLE):
        raise ReadError(name, _compound_file_reason(data))
    if not data.startswith(ZIP):
        raise ReadError(name, NOT_DOCX)
    _check_unpacked(data, name, limits)
    out = TableBuilder()
    _emit_blocks(_body(data, name), out)
    text = out.text()
    if not text.strip():
        raise ReadError(name, EMPTY)
    return text, tuple(out.tables)


def _check_unpacked(data: bytes, name: str, limits: ReadLimits) -> None:
    """Refuse a package that would unzip past the limit. The sizes its directory
    declares bound what Python's zipfile yields (more fails its CRC check)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            size = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ReadError(name, DAMAGED) from None
    if size > limits.max_unpacked_bytes:
        raise limits.too_large(name, size)


def _compound_file_reason(data: bytes) -> str:
    if _ENCRYPTED in data:
        return ENCRYPTED
    if _WORD_97 in data:
        return LEGACY
    return NOT_WORD


def _body(data: bytes, name: str) -> etree._Element:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, zlib.error, EOFError, etree.XMLSyntaxError):
        raise ReadError(name, DAMAGED) from None
    except Exception:
        # python-docx has no error of its own for a well-formed package that is not
        # a Word document (KeyError, ValueError, AttributeError, ... depending on
        # what is missing); whichever it is, the file is unreadable, not a crash.
        raise ReadError(name, NOT_WORD) from None
    body: etree._Element = document.element.body
    return body


def _emit_blocks(container: etree._Element, out: TableBuilder) -> None:
    """Paragraphs and table rows of the body (or of a content control), in order."""
    for child in container:
        if child.tag == P:
            for line in _paragraph_text(child).split("\n"):
                out.line(line.strip())
        elif child.tag == TBL:
            out.start_table()
            for tr in child.iter(TR):
                if _owning_table(tr) is child:
                    out.row(_row_cells(tr))
            out.end_table()
        elif child.tag not in _SKIP:
            _emit_blocks(child, out)


def _block_lines(container: etree._Element) -> Iterator[str]:
    """The lines of a cell's content: its paragraphs, nested tables' rows tab-joined."""
    for child in container:
        if child.tag == P:
            yield from _paragraph_text(child).split("\n")
        elif child.tag == TBL:
            yield from (_row_text(tr) for tr in child.iter(TR) if _owning_table(tr) is child)
        elif child.tag not in _SKIP:
            yield from _block_lines(child)


def _paragraph_text(p: etree._Element) -> str:
    return "".join(_run_text(p))


def _run_text(el: etree._Element) -> Iterator[str]:
    for child in el:
        tag = child.tag
        if tag == T:
            yield child.text or ""
        elif tag == TAB:
            yield "\t"
        elif tag in (BR, CR):
            yield "\n"
        elif isinstance(tag, str) and tag not in _SKIP:
            yield from _run_text(child)


def _row_text(tr: etree._Element) -> str:
    """A nested table's row: each cell's text, tab-joined."""
    return "\t".join(_cell_text(tc) for tc in tr if tc.tag == TC)


def _row_cells(tr: etree._Element) -> list[tuple[str, int, bool]]:
    """The row's cells with their grid column; a cell that continues a vertical
    merge (``<w:vMerge/>`` without ``restart``) is marked merged."""
    col = _int_val(tr.find(f"{TR_PR}/{GRID_BEFORE}"), 0)
    cells: list[tuple[str, int, bool]] = []
    for tc in tr:
        if tc.tag != TC:
            continue
        pr = tc.find(TC_PR)
        merge = pr.find(V_MERGE) if pr is not None else None
        continued = merge is not None and merge.get(_VAL, "continue") == "continue"
        text = "" if continued else _cell_text(tc)
        cells.append((text, col, continued))
        col += _int_val(pr.find(GRID_SPAN) if pr is not None else None, 1)
    return cells


def _int_val(el: etree._Element | None, default: int) -> int:
    value = el.get(_VAL) if el is not None else None
    return int(value) if value is not None and value.isdigit() else default


def _cell_text(tc: etree._Element) -> str:
    text = " ".join(_block_lines(tc))
    return _SPACES.sub(" ", text).strip()


def _owning_table(tr: etree._Element) -> etree._Element | None:
    parent = tr.getparent()
    while parent is not None and parent.tag != TBL:
        parent = parent.getparent()
    return parent
