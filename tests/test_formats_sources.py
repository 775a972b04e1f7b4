"""Dispatch by content then suffix, and the CLI over a batch of mixed formats."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from luoshi.cli import cli
from luoshi.errors import ReadError
from luoshi.text.formats.signatures import OLE
from luoshi.text.sources import load_document, sniff_format
from tests.fixtures.documents import FIXTURES, build_docx, build_pdf

REPORT = ["二、主要任务", "更加注重扩大开放。全年实际使用外资30亿美元。"]


@pytest.mark.parametrize(
    ("head", "suffix", "fmt"),
    [
        (b"PK\x03\x04rest", ".doc", "docx"),
        (OLE + bytes(8), ".docx", "docx"),
        (b"%PDF-1.7\n", ".txt", "pdf"),
        (b"\r\n%PDF-1.4\n", "", "pdf"),
        (b"<!DOCTYPE html><html>", ".txt", "html"),
        (b"<!-- saved from url=(0030)https://example.cn/ -->\n<html>", ".txt", "html"),
        (codecs.BOM_UTF8 + b"<html><body>", ".txt", "html"),
        ("<html>".encode("utf-16"), ".dat", "html"),
        (b"<div>\xe6\x96\xb0</div>", ".htm", "html"),
        (b"<div align=center>title</div>", ".md", "text"),
        ("一、总体要求".encode(), ".HTML", "html"),
        ("一、总体要求".encode(), ".txt", "text"),
        ("一、总体要求".encode(), ".pdf", "pdf"),
    ],
)
def test_magic_bytes_first_suffix_second(head: bytes, suffix: str, fmt: str) -> None:
    assert sniff_format(head, suffix) == fmt


def test_load_document_keeps_basename_and_records_the_format(tmp_path: Path) -> None:
    path = build_docx(REPORT, tmp_path / "plan.doc")  # misnamed: the bytes say docx
    doc = load_document(path)
    assert (doc.name, doc.source_format) == ("plan.doc", "docx")
    assert doc.raw == "\n".join(REPORT) + "\n"
    text = tmp_path / "plan.txt"
    text.write_text("\n".join(REPORT), encoding="gb18030")
    doc = load_document(text)
    assert (doc.name, doc.source_format, doc.encoding) == ("plan.txt", "text", "gb18030")


def test_a_pdf_named_txt_is_still_read_as_pdf(tmp_path: Path) -> None:
    build_pdf(["标题", *REPORT], tmp_path / "x.txt")
    assert load_document(tmp_path / "x.txt").source_format == "pdf"


@pytest.mark.parametrize("name", ["empty.pdf", "empty.docx", "empty.html"])
def test_empty_files_of_any_format(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    with pytest.raises(ReadError, match="文件为空"):
        load_document(tmp_path / name)


def broken_files(tmp_path: Path) -> tuple[Path, Path]:
    pdf = tmp_path / "broken.pdf"
    build_pdf(["标题", *REPORT], pdf)
    pdf.write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 2])
    docx = build_docx(REPORT, tmp_path / "broken.docx")
    docx.write_bytes(docx.read_bytes()[:2000])
    return pdf, docx


def test_batch_with_broken_pdf_and_docx_processes_the_rest_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("\n".join(REPORT), encoding="utf-8")
    good_docx = build_docx(REPORT, tmp_path / "good.docx")
    build_pdf(["青禾区政府工作报告", *REPORT], tmp_path / "good.pdf")
    good_html = FIXTURES / "article.html"
    bad_pdf, bad_docx = broken_files(tmp_path)
    files = [tmp_path / "good.txt", bad_pdf, good_docx, tmp_path / "good.pdf", bad_docx, good_html]
    result = CliRunner().invoke(cli, ["extract", *map(str, files), "--jsonl"])
    assert result.exit_code == 2
    records = [json.loads(x) for x in result.stdout.splitlines()]
    by_doc = {r["doc"] for r in records if r["text"] == "30亿美元"}
    assert by_doc == {"good.txt", "good.docx", "good.pdf"}
    assert {r["doc"] for r in records} == by_doc | {"article.html"}
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert "broken.pdf" in errors[0] and "不完整" in errors[0]
    assert "broken.docx" in errors[1] and "损坏" in errors[1]


@pytest.mark.parametrize("name", ["r.pdf", "r.docx", "article.html"])
def test_offsets_point_into_the_text_command_output(tmp_path: Path, name: str) -> None:
    path = FIXTURES / name if name.endswith("html") else tmp_path / name
    if name.endswith("pdf"):
        build_pdf(["青禾区政府工作报告", *REPORT], path)
    elif name.endswith("docx"):
        build_docx(REPORT, path)
    runner = CliRunner()
    text = runner.invoke(cli, ["text", str(path)]).output
    assert text == load_document(path).raw
    records = runner.invoke(cli, ["extract", str(path), "--jsonl"]).output.splitlines()
    heads = runner.invoke(cli, ["outline", str(path), "--jsonl"]).output.splitlines()
    assert records and heads
    for rec in map(json.loads, records + heads):
        assert text[rec["start"] : rec["end"]] == rec["text"]


def test_text_command_reports_an_unreadable_file(tmp_path: Path) -> None:
    bad_pdf, _ = broken_files(tmp_path)
    result = CliRunner().invoke(cli, ["text", str(bad_pdf)])
    assert result.exit_code == 2
    assert "broken.pdf" in result.stderr and "不完整" in result.stderr
