"""For any text: extraction never raises and every span slices its own text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.extract.pipeline import extract
from luoshi.text.document import Document

# Text biased towards what the rules look at: digits, units, markers, punctuation.
PIECES = st.sampled_from(
    list("0123456789０１２.．,，、。：:；;（）()“”《》—-~%％万亿千百个家项年月日号第是\n ")
    + ["一、", "（一）", "1.", "——", "一是", "增长", "突破", "以上", "左右", "分别", "余", "多"]
)
MIXED = st.one_of(st.text(), st.lists(PIECES | st.characters(), max_size=80).map("".join))


def check_spans(raw: str) -> None:
    x = extract(Document.from_text("p.txt", raw))
    assert x.outline is not None
    for node in x.outline.nodes:
        h = node.heading
        assert 0 <= h.start < h.end <= len(raw)
        assert raw[h.start : h.end] == h.text
    for q in x.quantities:
        assert 0 <= q.start < q.end <= len(raw)
        assert raw[q.start : q.end] == q.text
        assert q.kind in ("target", "actual")
        assert q.comparator in (">", ">=", "<=", "~", "=")
        assert q.measure in ("growth", "change", "level")
    for e in x.excluded:
        assert raw[e.start : e.end] == e.text


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED)
def test_extract_and_outline_never_raise_and_spans_hold(raw: str) -> None:
    check_spans(raw)
