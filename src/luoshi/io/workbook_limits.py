"""Reading a workbook by what it really holds, not by what it declares.

An .xlsx is a zip of XML parts. A sheet may declare (or imply, with one cell at
XFD1048576) a range of seventeen billion cells, and a few hundred kilobytes may
unzip to gigabytes. Before any part is parsed the zip's directory is checked (the
sizes it declares bound what Python's zipfile will inflate), then the sheet's XML
is streamed once to find its used range: the first to the last row and column that
hold a value. Past the limits the workbook is refused, naming the sheet and why.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from luoshi.errors import ImportErrors

MB = 1024 * 1024
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
# The workbook's own small parts: read whole, so they must be small.
_SMALL_PART = 16 * MB


@dataclass(frozen=True)
class Limits:
    """What an imported workbook may hold."""

    unpacked_bytes: int = 64 * MB
    rows: int = 100_000
    columns: int = 256
    # Cells written in the sheet's XML, with or without a value (styled empty cells).
    cells: int = 3_000_000


@dataclass(frozen=True)
class UsedRange:
    """The rows and columns from A1 to the last cell holding a value (0 when empty)."""

    rows: int
    columns: int

    @property
    def ref(self) -> str:
        return f"A1:{column_letter(max(self.columns, 1))}{max(self.rows, 1)}"


def column_letter(n: int) -> str:
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


DEFAULT_LIMITS = Limits()


def used_range(path: str | Path, sheet: str, limits: Limits = DEFAULT_LIMITS) -> UsedRange | None:
    """The used range of ``sheet`` (None when the workbook has no such sheet), after
    refusing a workbook too large to open; ImportErrors past any limit."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as z:
            _check_unpacked(z, name, limits)
            part = _sheet_part(z, sheet)
            if part is None:
                return None
            with z.open(part) as xml:
                return _scan(xml, f"{name} 的工作表「{sheet}」", limits)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError, OSError) as e:
        raise ImportErrors([f"{name} 不是有效的 .xlsx 文件：{e}"]) from None


def _check_unpacked(z: zipfile.ZipFile, name: str, limits: Limits) -> None:
    infos = z.infolist()
    total = sum(i.file_size for i in infos)
    if total <= limits.unpacked_bytes:
        return
    largest = max(infos, key=lambda i: i.file_size)
    raise ImportErrors(
        [
            f"{name} 解压后 {total / MB:.0f} MB，超过上限 {limits.unpacked_bytes / MB:.0f} MB"
            f"（最大的部分 {largest.filename} 有 {largest.file_size / MB:.0f} MB），未导入；"
            "请删去多余的工作表、图片或格式后另存再导入"
        ]
    )


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding ``sheet``, from the workbook and its relationships."""
    book = _small_xml(z, "xl/workbook.xml")
    rel_id = next(
        (s.get(f"{_REL}id") for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet), None
    )
    if rel_id is None:
        return None
    rels = _small_xml(z, "xl/_rels/workbook.xml.rels")
    target = next(
        (r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship") if r.get("Id") == rel_id),
        None,
    )
    if not target:
        return None
    part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return posixpath.normpath(part)


def _small_xml(z: zipfile.ZipFile, member: str) -> etree._Element:
    if z.getinfo(member).file_size > _SMALL_PART:
        raise ValueError(f"{member} 过大")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(z.read(member), parser)


def _scan(xml: IO[bytes], where: str, limits: Limits) -> UsedRange:
    """Stream the sheet once: the last row and column holding a value."""
    rows = columns = cells = row = 0
    col = 0
    for event, el in etree.iterparse(xml, events=("start", "end"), resolve_entities=False):
        tag = el.tag
        if event == "start":
            if tag == f"{_MAIN}row":
                row = int(el.get("r") or row + 1)
                col = 0
            continue
        if tag == f"{_MAIN}c":
            cells += 1
            col = _cell_column(el.get("r"), col)
            if _has_value(el):
                rows, columns = max(rows, row), max(columns, col)
                _check(where, rows, columns, limits)
            el.clear()
            if cells > limits.cells:
                too_many = f"{where} 写有超过 {limits.cells} 个单元格，超出上限，未导入"
                raise ImportErrors([too_many + "；请只保留台账内容后另存再导入"])
        elif tag == f"{_MAIN}row":
            el.clear()
            parent = el.getparent()
            while parent is not None and el.getprevious() is not None:
                del parent[0]
    return UsedRange(rows, columns)


def _cell_column(ref: str | None, previous: int) -> int:
    m = _REF.match(ref or "")
    return _column_number(m[1]) if m else previous + 1


def _has_value(cell: etree._Element) -> bool:
    for child in cell:
        if child.tag == f"{_MAIN}v" and (child.text or "") != "":
            return True
        if child.tag == f"{_MAIN}is":
            return True
    return False


def _check(where: str, rows: int, columns: int, limits: Limits) -> None:
    if rows > limits.rows:
        raise ImportErrors(
            [
                f"{where} 第 {rows} 行有内容，超过上限 {limits.rows} 行，未导入；"
                "请删去表格下方多余的内容后另存再导入"
            ]
        )
    if columns > limits.columns:
        raise ImportErrors(
            [
                f"{where} 第 {column_letter(columns)} 列有内容，超过上限 {limits.columns} 列"
                f"（{column_letter(limits.columns)} 列），未导入；"
                "请删去表格右侧多余的内容后另存再导入"
            ]
        )
