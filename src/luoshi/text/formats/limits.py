"""How much a document may unpack to, and how much text it may hold, before it is refused.

A 20 MB .docx or PDF can inflate to gigabytes (a decompression bomb). Readers
measure what a file would inflate to before handing it to the library that
parses it, and refuse it with a reason a clerk can act on. The defaults are
those of ``LUOSHI_MAX_UNPACKED_MB`` and ``LUOSHI_MAX_TEXT_CHARS``
(``luoshi.settings``), which pass their values in.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from luoshi.errors import ReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """读取上限: the most a file may unpack to, and the most text it may hold."""

    max_unpacked_bytes: int = 50 * MB
    max_text_chars: int | None = 5_000_000  # None: the caller checks the text itself

    def too_large(self, name: str, size: int) -> ReadError:
        return ReadError(
            name,
            f"解压后太大（至少 {size / MB:.0f} MB，上限 {self.max_unpacked_bytes / MB:.0f} MB），"
            "可能是压缩炸弹；请删去图片或拆分后再导入",
        )

    def check_text(self, name: str, chars: int) -> None:
        if self.max_text_chars is not None and chars > self.max_text_chars:
            raise ReadError(
                name, f"文字太多（{chars} 字，上限 {self.max_text_chars} 字），请拆分后再导入"
            )


DEFAULT_LIMITS = ReadLimits()

# A PDF stream's data begins after the "stream" keyword and its line end.
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image")
_DICT_REACH = 2048  # bytes before a stream searched for its dictionary
_CHUNK = 1 << 16


def check_pdf_inflation(data: bytes, name: str, limits: ReadLimits) -> None:
    """Refuse a PDF whose compressed streams inflate past the limit.

    Every stream that is zlib data (FlateDecode) is inflated in chunks and
    only counted, so memory stays small whatever it holds. Images are not
    counted: reading the text never decodes them.
    """
    total = done = 0
    for m in _STREAM.finditer(data):
        if m.start() < done or not _zlib_header(data, m.end()):
            continue  # inside a stream already measured, or not zlib data
        head = data[max(0, m.start() - _DICT_REACH) : m.start()]
        if _IMAGE.search(head[head.rfind(b"obj") + 1 :]):
            continue
        size, done = _inflated_size(data, m.end(), limits.max_unpacked_bytes - total)
        total += size
        if total > limits.max_unpacked_bytes:
            raise limits.too_large(name, total)


def _zlib_header(data: bytes, at: int) -> bool:
    """The two bytes that open zlib data (RFC 1950: deflate, and a check sum of 31)."""
    if at + 2 > len(data):
        return False
    cmf, flg = data[at], data[at + 1]
    return cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0


def _inflated_size(data: bytes, start: int, budget: int) -> tuple[int, int]:
    """Bytes the zlib data at ``start`` inflates to (stops once past ``budget``),
    and where the reading stopped."""
    inflater = zlib.decompressobj()
    size, pos = 0, start
    try:
        while pos < len(data) and not inflater.eof and size <= budget:
            chunk = data[pos : pos + _CHUNK]
            pos += len(chunk)
            out = inflater.decompress(chunk, _CHUNK)
            size += len(out)
            # Drain what max_length held back; stop at the stream's end or when
            # nothing more comes out, so that the loop always ends.
            while out and inflater.unconsumed_tail and not inflater.eof and size <= budget:
                out = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
                size += len(out)
    except zlib.error:
        pass  # not (or no longer) zlib data: what inflated so far is what counts
    return size, pos - len(inflater.unused_data)
