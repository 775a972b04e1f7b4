"""Bytes to raw text: encoding detection for plain-text files.

Offsets everywhere in Luoshi refer to the string this module returns. It is the
file's text as Python's ``open(path, encoding=...)`` would read it: decoded, with
universal newlines (``\\r\\n`` and ``\\r`` become ``\\n``), a UTF-8 byte-order mark
kept as U+FEFF so indices match a plain UTF-8 decode.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from luoshi.errors import ReadError
from luoshi.text.lazy import lazy

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Control characters other than tab, newline, carriage return, form and line
# feeds; their presence means the bytes are not prose.
_CONTROL = lazy(r"[\x00-\x08\x0e-\x1f\x7f]")
_UNCOMMON = lazy(r"[^\u4e00-\u9fff\x20-\x7e\u3000-\u303f\uff00-\uffef\u2010-\u206f\n\t]")


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a plain-text file; return ``(raw_text, encoding)`` or raise ReadError."""
    return decode_bytes(read_bytes(path), str(path))


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, or ReadError saying in Chinese why they cannot be read."""
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise ReadError(str(path), "是目录，不是文件") from None
    except FileNotFoundError:
        raise ReadError(str(path), "文件不存在") from None
    except PermissionError:
        raise ReadError(str(path), "没有读取权限") from None
    except OSError as e:
        raise ReadError(str(path), f"无法读取（{e.strerror}）") from None


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Detect the encoding of ``data`` and decode it; raise ReadError when it is not text."""
    if not data.strip():
        raise ReadError(name, "文件为空")
    text, encoding = _decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _control_ratio(text) > 0.001:
        raise ReadError(name, "含有控制字符，是二进制文件而不是文本")
    if not text.strip():
        raise ReadError(name, "文件为空（只有空白字符）")
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), _label(encoding, bom)
            except UnicodeDecodeError:
                raise ReadError(
                    name, f"以 {encoding.upper()} 字节序标记开头，但内容无法解码"
                ) from None
    if b"\x00" in data:
        return _decode_utf16_without_bom(data, name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError(name, "无法识别的编码（不是 UTF-8、UTF-16 或 GB18030/GBK）") from None
    if not _looks_like_chinese_text(text):
        raise ReadError(name, "无法识别的编码（按 GB18030 解码后不是可读文本）")
    return text, "gb18030"


def _label(encoding: str, bom: bytes) -> str:
    if encoding == "utf-8":
        return "utf-8-sig"
    order = "le" if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE) else "be"
    return f"{encoding}-{order}"


def _decode_utf16_without_bom(data: bytes, name: str) -> tuple[str, str]:
    """NUL bytes without a BOM: accept only text that is clearly UTF-16."""
    even_nul = data[0::2].count(0)
    odd_nul = data[1::2].count(0)
    half = len(data) / 2
    for encoding, nuls in (("utf-16-le", odd_nul), ("utf-16-be", even_nul)):
        if nuls > 0.3 * half and len(data) % 2 == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_chinese_text(text) or _control_ratio(text) == 0:
                return text, encoding
    raise ReadError(name, "含有 NUL 字节，是二进制文件而不是文本")


def _control_ratio(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


def _looks_like_chinese_text(text: str) -> bool:
    """GB18030 decodes many byte strings; require mostly common CJK and ASCII text."""
    return bool(text) and len(_UNCOMMON.findall(text)) / len(text) <= 0.05
