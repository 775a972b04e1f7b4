"""Word documents: body order, one line per paragraph and per table row, clear errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from luoshi.errors import ReadError
from luoshi.text.formats.docx import read_docx
from luoshi.text.formats.signatures import OLE
from tests.fixtures.documents import HEADER, build_docx

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def replace_last_paragraph(document: docx.document.Document, xml: str) -> None:
    para = document.add_paragraph()._p
    para.getparent().replace(para, parse_xml(xml))


def test_paragraphs_in_order_one_per_line_without_page_header(tmp_path: Path) -> None:
    paras = ["一、总体要求", "全年新建学校8所。", "二、主要任务"]
    path = build_docx(paras, tmp_path / "a.docx")
    text = read_docx(path.read_bytes(), "a.docx")
    assert text.splitlines() == paras
    assert HEADER not in text


def test_table_rows_are_lines_with_tab_joined_cells(tmp_path: Path) -> None:
    table = [["序号", "任务", "责任单位"], ["1", "新建学校8所", "区教育局"], ["", "", ""]]
    path = build_docx(["重点任务清单"], tmp_path / "t.docx", table=table)
    lines = read_docx(path.read_bytes(), "t.docx").splitlines()
    assert lines == ["重点任务清单", "序号\t任务\t责任单位", "1\t新建学校8所\t区教育局"]


def test_merged_cells_appear_once() -> None:
    document = docx.Document()
    grid = document.add_table(rows=1, cols=3)
    grid.cell(0, 0).text = "任务"
    merged = grid.cell(0, 1).merge(grid.cell(0, 2))
    merged.text = "区发展改革委"
    assert read_docx(docx_bytes(document), "m.docx") == "任务\t区发展改革委\n"


def test_tracked_changes_fields_and_line_breaks() -> None:
    document = docx.Document()
    replace_last_paragraph(
        document,
        f"<w:p {W}><w:r><w:t>新建学校</w:t></w:r>"
        '<w:del w:id="1" w:author="a"><w:r><w:delText>10</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>8</w:t></w:r></w:ins>'
        "<w:r><w:t>所，见第</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:t>页。</w:t><w:br/><w:t>下一行</w:t></w:r>"
        "</w:p>",
    )
    assert read_docx(docx_bytes(document), "c.docx") == "新建学校8所，见第3页。\n下一行\n"


def test_content_controls_are_read() -> None:
    document = docx.Document()
    replace_last_paragraph(
        document,
        f"<w:sdt {W}><w:sdtPr/><w:sdtContent>"
        "<w:p><w:r><w:t>城镇新增就业12万人。</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    )
    assert read_docx(docx_bytes(document), "s.docx") == "城镇新增就业12万人。\n"


def compound_file(stream_name: str) -> bytes:
    """The bytes that identify an OLE compound file and name one of its streams."""
    return OLE + bytes(504) + stream_name.encode("utf-16-le") + bytes(64)


def not_word_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (compound_file("EncryptedPackage"), "密码"),
        (compound_file("WordDocument"), "旧版 Word（.doc）"),
        (not_word_zip(), "不是 Word 文档"),
        (docx_bytes(docx.Document())[:3000], "已损坏或不完整"),
        (b"PK\x03\x04" + bytes(200), "已损坏或不完整"),
        (docx_bytes(docx.Document()), "没有文字"),
        ("一、总体要求".encode(), "不是 .docx 格式"),
    ],
)
def test_unreadable_documents_get_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError) as e:
        read_docx(data, "bad.docx")
    assert e.value.message.startswith("bad.docx：")
    assert reason in e.value.reason
    assert "\n" not in e.value.message
