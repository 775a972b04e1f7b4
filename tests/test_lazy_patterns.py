"""Patterns compiled on first use answer as ``re.compile`` would (text.lazy)."""

from __future__ import annotations

import re

from luoshi.text import lazy as lazy_module
from luoshi.text.lazy import LazyPattern, compile_all, lazy

SOURCE = r"(?P<n>\d+)(?:万|亿)?"
TEXT = "新增就业1.2万人，建成学校5所。"


def test_a_lazy_pattern_is_compiled_on_first_use_only() -> None:
    p = lazy(SOURCE)
    assert p._compiled is None
    assert p.pattern == SOURCE
    p.search(TEXT)
    compiled = p._compiled
    assert compiled is not None
    p.findall(TEXT)
    assert p._compiled is compiled  # once


def test_every_method_answers_as_the_compiled_pattern() -> None:
    eager = re.compile(SOURCE)
    for first_use in ("finditer", "groupindex"):  # compiled by a method or an attribute
        p = lazy(SOURCE)
        getattr(p, first_use)
        assert [m.span() for m in p.finditer(TEXT)] == [m.span() for m in eager.finditer(TEXT)]
        assert p.findall(TEXT, 5) == eager.findall(TEXT, 5)
        assert p.sub("#", TEXT) == eager.sub("#", TEXT)
        assert p.subn("#", TEXT, 1) == eager.subn("#", TEXT, 1)
        assert p.split(TEXT) == eager.split(TEXT)
        m, e = p.match(TEXT, 4), eager.match(TEXT, 4)
        assert m is not None and e is not None and m.group("n") == e.group("n")
        assert p.fullmatch("12万") is not None and p.search(TEXT, 0, 4) is None
        assert p.groupindex == eager.groupindex


def test_flags_are_kept() -> None:
    p = LazyPattern("^b$", re.MULTILINE)
    assert p.findall("a\nb\nc") == ["b"]


def test_compile_all_compiles_every_pattern_not_yet_used() -> None:
    p = lazy(r"第\d+条")
    assert compile_all() >= 1
    assert p._compiled is not None
    assert compile_all() == 0


def test_the_uploads_forkserver_preload_leaves_no_rule_to_compile() -> None:
    import luoshi.extract.warm  # noqa: F401 - what the forkserver imports

    assert all(p._compiled is not None for p in lazy_module._MADE)
