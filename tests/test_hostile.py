"""Hostile inputs at small sizes: correct results, bombs refused (timing lives in benchmarks/)."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest

from luoshi.errors import ReadError
from luoshi.extract.pipeline import extract
from luoshi.extract.quantities import CROWDED, MAX_PER_SENTENCE
from luoshi.text.document import Document
from luoshi.text.formats.html import read_html, tame_tags
from luoshi.text.formats.limits import MB, ReadLimits, check_pdf_inflation
from luoshi.text.sources import load_document
from tests.conftest import corpus_file


def test_a_crowded_sentence_describes_its_first_counts_and_lists_the_rest() -> None:
    text = "学校5所" * (MAX_PER_SENTENCE + 50) + "。新建医院2家。"
    x = extract(Document.from_text("s.txt", text))
    schools = [q for q in x.quantities if q.unit == "所"]
    assert len(schools) == MAX_PER_SENTENCE
    assert {(q.value, q.indicator) for q in schools} == {(5, "学校")}
    crowded = [e for e in x.excluded if e.reason == CROWDED]
    assert len(crowded) == 50 and all(e.text == "5所" for e in crowded)
    assert min(e.start for e in crowded) > max(q.start for q in schools)
    # the next sentence is read as usual
    assert [(q.value, q.unit, q.indicator) for q in x.quantities if q.unit == "家"] == [
        (2, "家", "医院")
    ]


def test_many_headings_are_all_found_at_one_level() -> None:
    x = extract(Document.from_text("h.txt", "一、标题\n" * 3000))
    assert x.outline is not None
    assert len(x.outline.nodes) == 3000
    assert {n.heading.level for n in x.outline.nodes} == {1}
    assert all(n.parent is None for n in x.outline.nodes)


def test_a_tag_with_many_attributes_keeps_its_text_and_useful_attributes() -> None:
    attrs = " ".join(f'data-x{i}="1"' for i in range(3000))
    page = f'<html><body><div class="article" {attrs}><p>新建学校5所。</p></div></body></html>'
    assert read_html(page.encode(), "p.html") == "新建学校5所。\n"
    tamed = tame_tags(page)
    assert '<div class="article">' in tamed and "data-x1" not in tamed


def test_a_quoted_closing_bracket_does_not_end_a_tag() -> None:
    long_value = ">" * 9000
    assert tame_tags(f'<p title="{long_value}" id="a">正文</p>') == '<p id="a">正文</p>'


def test_html_nested_past_the_parser_depth_is_refused_not_truncated() -> None:
    page = "<html><body>" + "<div>" * 300 + "新建学校5所。" + "</div>" * 300
    with pytest.raises(ReadError, match="嵌套超过 256 层"):
        read_html(page.encode(), "deep.html")


def _pdf_with_stream(body: bytes) -> bytes:
    return (
        b"%PDF-1.4\n4 0 obj\n<< /Length "
        + str(len(body)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + body
        + b"\nendstream\nendobj\n%%EOF\n"
    )


def test_a_pdf_stream_inflating_past_the_limit_is_refused(tmp_path: Path) -> None:
    bomb = _pdf_with_stream(zlib.compress(b" " * (3 * MB), 9))
    with pytest.raises(ReadError, match="解压后太大"):
        check_pdf_inflation(bomb, "bomb.pdf", ReadLimits(max_unpacked_bytes=2 * MB))
    check_pdf_inflation(bomb, "bomb.pdf", ReadLimits(max_unpacked_bytes=4 * MB))
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb)
    with pytest.raises(ReadError, match=r"bomb\.pdf.*解压后太大"):
        load_document(path, ReadLimits(max_unpacked_bytes=2 * MB))


def test_images_and_non_zlib_streams_are_not_counted() -> None:
    image = (
        b"%PDF-1.4\n5 0 obj\n<< /Type /XObject /Subtype /Image /Filter /FlateDecode >>\n"
        b"stream\n" + zlib.compress(b"\0" * (3 * MB)) + b"\nendstream\nendobj\n"
    )
    plain = b"6 0 obj\n<< /Length 8 >>\nstream\nBT ET   \nendstream\nendobj\n%%EOF\n"
    check_pdf_inflation(image + plain, "img.pdf", ReadLimits(max_unpacked_bytes=1 * MB))


def test_a_docx_unzipping_past_the_limit_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b" " * (3 * MB))
    path = tmp_path / "bomb.docx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(ReadError, match=r"bomb\.docx.*解压后太大"):
        load_document(path, ReadLimits(max_unpacked_bytes=2 * MB))


def test_too_much_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("新建学校5所。" * 100, encoding="utf-8")
    with pytest.raises(ReadError, match="文字太多"):
        load_document(path, ReadLimits(max_text_chars=500))
    assert len(load_document(path, ReadLimits(max_text_chars=None)).raw) == 700


@pytest.mark.corpus
def test_corpus_results_do_not_depend_on_the_text_around_them() -> None:
    # The cue index looks up matches of the whole text; a document's quantities must
    # be the same whether it stands alone or follows another document's paragraphs.
    doc = Document.from_path(corpus_file("003"))
    alone = [(q.start, q.kind, q.measure, q.period) for q in extract(doc).quantities]
    prefix = "附件\n"
    shifted = extract(Document.from_text("x.txt", prefix + doc.raw)).quantities
    assert [(q.start - len(prefix), q.kind, q.measure, q.period) for q in shifted] == alone


def test_extraction_collects_less_often_and_restores_the_thresholds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from luoshi.extract import pipeline

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    def record(x: pipeline.Extraction) -> pipeline.Extraction:
        seen.append(gc.get_threshold())
        return x

    def fail(x: pipeline.Extraction) -> pipeline.Extraction:
        raise RuntimeError("step failed")

    monkeypatch.setattr(pipeline, "STEPS", (record,))
    pipeline.extract(Document.from_text("a.txt", "新建学校5所。"))
    assert seen[0][0] >= 50_000 and seen[0][1:] == before[1:]
    assert gc.get_threshold() == before
    monkeypatch.setattr(pipeline, "STEPS", (fail,))
    with pytest.raises(RuntimeError):
        pipeline.extract(Document.from_text("a.txt", "新建学校5所。"))
    assert gc.get_threshold() == before
