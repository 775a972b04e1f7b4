"""Encoding detection: detected, not assumed; bad files get a clear reason."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from luoshi.errors import ReadError
from luoshi.text.reading import decode_bytes, read_text

SAMPLE = "全市地区生产总值增长4.5%左右，城镇新增就业35万人。\n二、主要任务\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-16"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),
    ],
)
def test_detects_encoding(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data, "x.txt")
    assert found == encoding
    assert text.lstrip("\ufeff") == SAMPLE


def test_utf8_bom_is_kept_so_offsets_match_a_plain_utf8_decode() -> None:
    data = codecs.BOM_UTF8 + SAMPLE.encode("utf-8")
    text, _ = decode_bytes(data, "x.txt")
    assert text == data.decode("utf-8")


def test_newlines_are_universal_like_open() -> None:
    text, _ = decode_bytes("第一段。\r\n第二段。\r第三段。".encode(), "x.txt")
    assert text == "第一段。\n第二段。\n第三段。"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "文件为空"),
        (b"  \n\t ", "文件为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "二进制"),
        (bytes(range(128, 256)) * 4, "无法识别的编码"),
    ],
)
def test_rejects_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError) as e:
        decode_bytes(data, "bad.bin")
    assert reason in e.value.message
    assert e.value.message.startswith("bad.bin：")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="不存在"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(ReadError, match="目录"):
        read_text(tmp_path)
