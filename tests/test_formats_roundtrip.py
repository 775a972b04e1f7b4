"""One report, three formats: .txt, .docx and .pdf give the same quantities and headings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from luoshi.extract.pipeline import Extraction, extract
from luoshi.text.sources import load_document
from tests.fixtures.documents import FIXTURES, build_docx, build_pdf, fixture_paragraphs
from tests.test_properties import check_spans

REPORT = "work_report.txt"


def quantities(x: Extraction) -> list[tuple[Any, ...]]:
    return [(q.text, q.value, q.unit, q.kind, q.indicator) for q in x.quantities]


def headings(x: Extraction) -> list[tuple[int, str]]:
    assert x.outline is not None
    return [(n.heading.level, n.heading.text) for n in x.outline.nodes]


@pytest.fixture(scope="module")
def from_text() -> Extraction:
    return extract(load_document(FIXTURES / REPORT))


def test_the_fixture_has_what_the_comparison_needs(from_text: Extraction) -> None:
    levels = {level for level, _ in headings(from_text)}
    kinds = {q.kind for q in from_text.quantities}
    assert levels >= {1, 2} and len(from_text.quantities) >= 20
    assert kinds == {"target", "actual"}


@pytest.mark.parametrize(
    "layout",
    [
        {},  # 公文 style: indented first lines, no space between paragraphs
        {"indent": 0, "space_after": 0.5, "size": 12},  # block paragraphs
        {"size": 22},  # large type: more wrapping, more pages
    ],
)
def test_pdf_matches_text(tmp_path: Path, from_text: Extraction, layout: dict[str, Any]) -> None:
    path = tmp_path / "report.pdf"
    built = build_pdf(fixture_paragraphs(REPORT), path, **layout)
    assert built.pages >= 2
    same_as_text(extract(load_document(path)), from_text)


def test_docx_matches_text(tmp_path: Path, from_text: Extraction) -> None:
    path = build_docx(fixture_paragraphs(REPORT), tmp_path / "report.docx")
    same_as_text(extract(load_document(path)), from_text)


def same_as_text(x: Extraction, from_text: Extraction) -> None:
    assert quantities(x) == quantities(from_text)
    assert headings(x) == headings(from_text)
    check_spans(x.doc.raw)
