"""PDF documents: the text layer read with PDFium, rebuilt into paragraphs.

PDFium (through pypdfium2) gives each page's text with a line break wherever
the text moves to a new line, and the box of every character. Only the first
and last character of each line are measured, which is all paragraph
rebuilding needs and keeps a 200-page document well under a second or two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from luoshi.errors import ReadError
from luoshi.text.formats.layout import Line, Page
from luoshi.text.formats.limits import DEFAULT_LIMITS, ReadLimits, check_pdf_inflation
from luoshi.text.formats.reflow import reflow
from luoshi.text.formats.running import drop_running_lines
from luoshi.text.formats.signatures import PDF

NO_TEXT = "PDF 没有文字层（可能是扫描件），请先进行文字识别（OCR）后再导入"
ENCRYPTED = "PDF 设置了打开密码，请先取消密码后再导入"
SECURITY = "PDF 使用了不支持的加密方式，请先取消加密后再导入"
TRUNCATED = "PDF 文件不完整（可能在下载或复制时被截断）"
DAMAGED = "PDF 文件已损坏，无法打开"
NOT_PDF = "文件内容不是 PDF 格式（可能只是改了扩展名）"

_LINE = re.compile(r"[^\r\n]+")
# Characters PDFium reports that are not text: controls, its soft-hyphen mark, non-characters.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def read_pdf(data: bytes, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    """The PDF's text, one paragraph per line, without page headers, footers and numbers."""
    if PDF not in data[:1024]:
        raise ReadError(name, NOT_PDF)
    # PDFium inflates a content stream whole: a bomb is refused before it is opened.
    check_pdf_inflation(data, name, limits)
    # A file cut short loses its trailer; PDFium may still rebuild some pages from
    # what is left, which would silently drop the rest of the document.
    if b"%%EOF" not in data.rstrip(b"\x00\t\r\n ")[-1024:]:
        raise ReadError(name, TRUNCATED)
    pages = _read_pages(data, name)
    paragraphs = reflow(drop_running_lines(pages))
    if not paragraphs:
        raise ReadError(name, NO_TEXT)
    return "\n".join(paragraphs) + "\n"


def _read_pages(data: bytes, name: str) -> list[Page]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        reasons = {pdfium_c.FPDF_ERR_PASSWORD: ENCRYPTED, pdfium_c.FPDF_ERR_SECURITY: SECURITY}
        raise ReadError(name, reasons.get(e.err_code, DAMAGED)) from None
    try:
        return [_read_page(pdf, i, name) for i in range(len(pdf))]
    finally:
        pdf.close()


def _read_page(pdf: pdfium.PdfDocument, index: int, name: str) -> Page:
    try:
        page = pdf[index]
        textpage = page.get_textpage()
    except pdfium.PdfiumError:
        raise ReadError(name, f"PDF 第 {index + 1} 页已损坏，无法读取") from None
    try:
        return Page(list(_lines(textpage)), page.get_height())
    finally:
        textpage.close()
        page.close()


def _lines(textpage: pdfium.PdfTextPage) -> Iterator[Line]:
    text = str(textpage.get_text_range())
    for m in _LINE.finditer(text):
        raw = m.group()
        body = _NOT_TEXT.sub("", raw).strip()
        if not body:
            continue
        first = m.start() + len(raw) - len(raw.lstrip())
        last = m.start() + len(raw.rstrip()) - 1
        left_box = _first_box(textpage, range(first, last + 1))
        right_box = _first_box(textpage, range(last, first - 1, -1))
        if left_box is None or right_box is None:
            # No position known: keep the text, as a line of its own.
            yield Line(body, 0.0, 0.0, 0.0, 0.0)
            continue
        bottom = min(left_box[1], right_box[1])
        top = max(left_box[3], right_box[3])
        yield Line(body, left_box[0], right_box[2], bottom, top)


def _first_box(
    textpage: pdfium.PdfTextPage, text_indices: range
) -> tuple[float, float, float, float] | None:
    """(left, bottom, right, top) of the first character in ``text_indices`` PDFium can place."""
    for i in text_indices:
        char = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, i)
        if char >= 0:
            left, bottom, right, top = textpage.get_charbox(char, loose=True)
            return float(left), float(bottom), float(right), float(top)
    return None
