"""Bounds on a workbook before it is read: a spreadsheet is not trusted to be small.

calamine allocates a sheet as one dense grid from its first to its last used
cell, so one value at XFD1048576 in an 11 KB file would ask for 17 billion
cells. Before calamine sees a workbook, this module finds each sheet's real
used range itself — streaming the XML of an .xlsx, walking the BIFF records of
an .xls — and refuses one too large to be a ledger. An .xlsx is also re-packed
from entries read through Python's zipfile, which yields at most the size each
entry declares (and checks its CRC), so a zip bomb cannot unpack further than
the total checked here.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from luoshi.errors import ReadError

MAX_UNPACKED = 50 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_ROWS = 100_000
MAX_COLS = 1_000
MAX_CELLS = 2_000_000

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})$")
DAMAGED = "文件已损坏或不完整，无法作为 Excel 工作簿打开"


def safe_xlsx(data: bytes, name: str) -> bytes:
    """The workbook re-packed from bounded, CRC-checked entries, after every
    sheet's used range has been checked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            _check_sizes(infos, name)
            entries = {i.filename: z.read(i) for i in infos if not i.is_dir()}
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
        raise ReadError(name, DAMAGED) from None
    for sheet, xml in _sheets(entries):
        check_extent(name, sheet, *_xlsx_extent(xml, name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for entry, content in entries.items():
            z.writestr(entry, content)
    return out.getvalue()


def _check_sizes(infos: list[zipfile.ZipInfo], name: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise ReadError(name, f"工作簿含 {len(infos)} 个部件，超出上限 {MAX_ENTRIES}，已拒绝读取")
    size = sum(i.file_size for i in infos)
    if size > MAX_UNPACKED:
        raise ReadError(
            name,
            f"工作簿解压后过大（{size / 1024 / 1024:.0f} MB，上限 "
            f"{MAX_UNPACKED // 1024 // 1024} MB），可能是压缩炸弹，已拒绝读取",
        )


def check_extent(name: str, sheet: str, rows: int, cols: int, last: str) -> None:
    """Refuse a sheet whose used range (``rows`` × ``cols``, ending at ``last``) is absurd."""
    if rows <= MAX_ROWS and cols <= MAX_COLS and rows * cols <= MAX_CELLS:
        return
    raise ReadError(
        name,
        f"工作表「{sheet}」的已用区域过大（{rows} 行 × {cols} 列，最远的单元格在 {last}；"
        f"上限 {MAX_ROWS} 行、{MAX_COLS} 列、共 {MAX_CELLS} 个单元格），"
        "请删去多余的行列，或把表格复制到新工作表后再导入",
    )


def _sheets(entries: dict[str, bytes]) -> Iterator[tuple[str, bytes]]:
    """(sheet name, sheet XML) for every worksheet the workbook lists; sheet parts
    it does not list are checked too, under their part name."""
    names = _sheet_names(entries)
    for part, content in entries.items():
        if part.startswith("xl/worksheets/") and part.endswith(".xml"):
            yield names.get(part, part.rsplit("/", 1)[-1]), content


def _sheet_names(entries: dict[str, bytes]) -> dict[str, str]:
    workbook = entries.get("xl/workbook.xml")
    rels = entries.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return {}
    try:
        targets = {
            r.get("Id"): r.get("Target", "") for r in _parse(rels).iter(_PKG_REL) if r.get("Id")
        }
        out: dict[str, str] = {}
        for sheet in _parse(workbook).iter(_NS + "sheet"):
            target = targets.get(sheet.get(_REL), "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out[part] = sheet.get("name", part)
        return out
    except etree.XMLSyntaxError:
        return {}


def _parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(xml, parser)


def _xlsx_extent(xml: bytes, name: str) -> tuple[int, int, str]:
    """Rows and columns from A1 to the farthest cell holding a value."""
    max_row = max_col = 0
    row = 0
    col = 0
    try:
        events = etree.iterparse(
            io.BytesIO(xml),
            events=("start", "end"),
            tag=(_NS + "row", _NS + "c"),
            resolve_entities=False,
            no_network=True,
        )
        for event, el in events:
            if el.tag == _NS + "row":
                if event == "start":
                    r = el.get("r")
                    row = int(r) if r and r.isdigit() else row + 1
                    col = 0
                else:
                    el.clear()
                continue
            if event != "end":
                continue
            col = _column(el.get("r"), col)
            if _has_value(el):
                max_row, max_col = max(max_row, row), max(max_col, col)
    except etree.XMLSyntaxError:
        raise ReadError(name, DAMAGED) from None
    return max_row, max_col, f"{column_name(max_col)}{max_row}"


def _column(ref: str | None, previous: int) -> int:
    m = _REF.match(ref or "")
    if m is None:
        return previous + 1
    n = 0
    for ch in m.group(1):
        n = n * 26 + ord(ch) - 64
    return n


def _has_value(c: etree._Element) -> bool:
    for child in c:
        if child.tag == _NS + "v" and (child.text or "") != "":
            return True
        if child.tag == _NS + "is":
            return True
    return False


def column_name(n: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out or "A"


# BIFF8 records holding a cell value (blank cells are formatting, not values).
_CELL_RECORDS = {0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E}
_MULRK = 0x00BD
_BOF, _EOF, _BOUNDSHEET, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F


def check_xls(data: bytes, name: str) -> None:
    """Check every worksheet of a legacy .xls (BIFF8 in an OLE file) before calamine reads it."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptedPackage"):
                raise ReadError(name, ENCRYPTED)
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                raise ReadError(name, "不是 Excel 工作簿（.xls），可能是其他 Office 文件")
            book = ole.openstream(stream).read()
    except OSError:
        raise ReadError(name, DAMAGED) from None
    for sheet, rows, cols in _biff_extents(book, name):
        check_extent(name, sheet, rows, cols, f"{column_name(cols)}{rows}")


ENCRYPTED = "Excel 文件设置了打开密码，请先取消密码后再导入"


def _biff_extents(book: bytes, name: str) -> Iterator[tuple[str, int, int]]:
    names: dict[int, str] = {}
    pos, sheet, max_row, max_col = 0, None, 0, 0
    while pos + 4 <= len(book):
        kind, size = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4 : pos + 4 + size]
        if kind == _FILEPASS:
            raise ReadError(name, ENCRYPTED)
        if kind == _BOUNDSHEET and len(body) >= 8:
            names[struct.unpack_from("<I", body)[0]] = _sheet_name(body)
        elif kind == _BOF:
            sheet, max_row, max_col = names.get(pos), 0, 0
        elif kind == _EOF and sheet is not None:
            yield sheet, max_row, max_col
            sheet = None
        elif sheet is not None and len(body) >= 4 and (kind in _CELL_RECORDS or kind == _MULRK):
            row, col = struct.unpack_from("<HH", body)
            if kind == _MULRK and len(body) >= 6:
                col = struct.unpack_from("<H", body, len(body) - 2)[0]
            max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
        pos += 4 + size


def _sheet_name(body: bytes) -> str:
    """BOUNDSHEET's name: a length, a flag (bit 0: UTF-16) and the characters."""
    if len(body) < 8:
        return "?"
    count, flags = body[6], body[7]
    raw = body[8 : 8 + count * (2 if flags & 1 else 1)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", errors="replace")
