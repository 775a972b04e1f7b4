"""Quantities the promise check depends on: 斤, and a bare magnitude before a comparator."""

from __future__ import annotations

import pytest

from luoshi.extract.pipeline import extract
from luoshi.text.document import Document

REPORT = "某省2026年政府工作报告\n二、2026年主要目标\n{}\n"


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit", "comparator"),
    [
        ("今年粮食产量保持在1.3万亿斤以上。", "1.3万亿斤", 1.3e12, "斤", ">="),
        ("农村贫困人口减少1000万以上。", "1000万", 1e7, "", ">="),
        ("全年引进资金500万左右。", "500万", 5e6, "", "~"),
    ],
)
def test_read(sentence: str, text: str, value: float, unit: str, comparator: str) -> None:
    x = extract(Document.from_text("r.txt", REPORT.format(sentence)))
    q = next(q for q in x.quantities if q.text == text)
    assert (q.value, q.unit, q.comparator, q.kind) == (
        pytest.approx(value),
        unit,
        comparator,
        "target",
    )


def test_a_magnitude_running_into_a_word_is_still_no_quantity() -> None:
    x = extract(Document.from_text("r.txt", REPORT.format("常住人口突破1500万大关。")))
    assert [q.text for q in x.quantities] == []
