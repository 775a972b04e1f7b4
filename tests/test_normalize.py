from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from luoshi.text.normalize import fold


def test_full_width_forms_fold_to_ascii() -> None:
    assert fold("增长４．５％，（一）：") == "增长4.5%,(一):"
    assert fold("「１２０」　") == "「120」 "


@given(st.text())
def test_fold_keeps_length_so_offsets_are_shared(s: str) -> None:
    assert len(fold(s)) == len(s)
