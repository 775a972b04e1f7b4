from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.extract.pipeline import extract
from luoshi.text.document import Document
from luoshi.text.normalize import fold, plain_pairs, traditional_table


def test_full_width_forms_fold_to_ascii() -> None:
    assert fold("增长４．５％，（一）：") == "增长4.5%,(一):"
    assert fold("「１２０」　") == "「120」 "


@given(st.text())
def test_fold_keeps_length_so_offsets_are_shared(s: str) -> None:
    assert len(fold(s)) == len(s)


def test_traditional_characters_fold_one_for_one() -> None:
    raw = "全年新增就業1.2萬個崗位，實施項目30項，總投資5億元。"
    folded = fold(raw)
    assert len(folded) == len(raw)
    assert folded == "全年新增就业1.2万个岗位,实施项目30项,总投资5亿元。"


def test_characters_simplified_text_uses_are_not_folded() -> None:
    # 乾 (乾坤), 著 (著名), 於 (a surname) are simplified characters too.
    assert fold("乾坤著名於") == "乾坤著名於"


def test_the_traditional_table_is_one_code_point_each_way() -> None:
    table = traditional_table()
    assert len(table) > 2000
    assert all(chr(k) != chr(v) for k, v in table.items())
    assert table[ord("萬")] == ord("万") and table[ord("億")] == ord("亿")
    # A simplified character is never folded into another one.
    assert not set(table) & set(table.values())


def test_the_shipped_table_reads_the_same_without_tomllib() -> None:
    text = resources.files("luoshi.data").joinpath("traditional.toml").read_text("utf-8")
    assert plain_pairs(text, "fold") == tomllib.loads(text)["fold"]


@pytest.mark.parametrize(
    "text",
    [
        '[fold]\n"萬" = "万"  # a comment after the pair\n',
        '[fold]\n"萬" = "万"\n"萬" = "万"\n',  # a repeated key: tomllib refuses it
        '"萬" = "万"\n',  # no table
        '[fold]\n"\\"" = "万"\n',  # an escape
        '[fold]\n"萬"="万"\n',
        '[fold]\n"萬" = "万"\n[other]\n',
    ],
)
def test_anything_but_plain_pairs_is_left_to_tomllib(text: str) -> None:
    assert plain_pairs(text, "fold") is None


def test_plain_pairs_take_comments_blank_lines_and_astral_characters() -> None:
    text = '# 说明\n\n[fold]\n"萬" = "万"\n\n# 另一段\n"𠵾" = "𠵾"\n'
    assert plain_pairs(text, "fold") == {"萬": "万", "𠵾": "𠵾"}


def test_traditional_document_gives_the_same_quantities() -> None:
    simp = "二、今年目标\n新增就业1.2万人，建成学校5所，实施项目30项。\n"
    trad = "二、今年目標\n新增就業1.2萬人，建成學校5所，實施項目30項。\n"
    a = extract(Document.from_text("s.txt", simp)).quantities
    b = extract(Document.from_text("t.txt", trad)).quantities
    assert [(q.start, q.value, q.unit, q.kind) for q in b] == [
        (q.start, q.value, q.unit, q.kind) for q in a
    ]
    assert [q.text for q in b] == ["1.2萬人", "5所", "30項"]
