"""Word documents (.docx): one line per paragraph, one line per table row.

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

ENCRYPTED = "Word 文档设置了打开密码，请先取消密码后再导入"
LEGACY = "是旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx 后再导入"
NOT_WORD = "不是 Word 文档（.docx），可能是其他 Office 文件"
DAMAGED = "文件已损坏或不完整，无法作为 .docx 打开"
EMPTY = "Word 文档中没有文字"
NOT_DOCX = "文件内容不是 .docx 格式（可能只是改了扩展名）"


def read_docx(data: bytes, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    """The document body as text: paragraphs in order, table cells joined by tabs."""
    if data.startswith(OLE):
        raise ReadError(name, _compound_file_reason(data))
    if not data.startswith(ZIP):
        raise ReadError(name, NOT_DOCX)
    _check_unpacked(data, name, limits)
    lines = [line.strip() for line in _block_lines(_body(data, name))]
    text = "\n".join(line for line in lines if line)
    if not text:
        raise ReadError(name, EMPTY)
    return text + "\n"


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


def _block_lines(container: etree._Element) -> Iterator[str]:
    """Paragraphs and table rows of the body (or of a content control), in order."""
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
    """One table row: each cell's paragraphs (and nested tables) flattened, tab-joined."""
    cells = [_cell_text(tc) for tc in tr if tc.tag == TC]
    return "\t".join(cells)


def _cell_text(tc: etree._Element) -> str:
    text = " ".join(_block_lines(tc))
    return _SPACES.sub(" ", text).strip()


def _owning_table(tr: etree._Element) -> etree._Element | None:
    parent = tr.getparent()
    while parent is not None and parent.tag != TBL:
        parent = parent.getparent()
    return parent
