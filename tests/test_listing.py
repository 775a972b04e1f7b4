"""The ledger's filtered list: every filter alone, together, and Chinese text search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from luoshi.ledger import board
from luoshi.ledger.db import Database
from luoshi.ledger.listing import TaskFilter, filter_rows, leaf_codes, source_texts
from tests.builders import build_world


def lister(db: Database) -> Callable[[TaskFilter], list[str]]:
    """The codes a filter lets through, on the builders' plan."""
    world = build_world(db)
    with db.transaction() as s:
        rows = board.task_rows(s, world.plan_id)
        sources = source_texts(s, world.plan_id)
    return lambda f: [r.code for r in filter_rows(rows, f, sources, leaf_codes(rows))]


def test_two_character_words_are_found_in_titles_and_source_sentences(db: Database) -> None:
    codes = lister(db)
    assert codes(TaskFilter(text="港口")) == ["1.1", "1.1.1"]


def test_source_sentences_of_leaves_are_searched(db: Database) -> None:
    codes = lister(db)
    # "标准箱" is in the sentence of 1.1.1.1, not in any title; the groups above it
    # contain that sentence in their part, but only a leaf's own sentence counts.
    assert codes(TaskFilter(text="标准箱")) == ["1.1.1.1"]


def test_unit_matches_lead_and_co_units(db: Database) -> None:
    codes = lister(db)
    assert codes(TaskFilter(unit="市水务局")) == ["1.2", "1.2.1"]
    assert codes(TaskFilter(unit="市商务局", leaves_only=True)) == ["1.1.2.1"]


def test_deadline_range_and_category(db: Database) -> None:
    codes = lister(db)
    f = TaskFilter(deadline_from=date(2024, 5, 1), deadline_to=date(2024, 5, 31))
    assert codes(f) == ["1.2.1"]
    assert codes(TaskFilter(category="（二）办好民生实事")) == ["1.2", "1.2.1"]
    assert codes(TaskFilter(category="（二）办好民生实事", text="港口")) == []


def test_source_texts_are_slices_of_the_document(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        texts = source_texts(s, world.plan_id)
        row = next(r for r in board.task_rows(s, world.plan_id) if r.code == "1.1.1.2")
    assert texts[row.id] == "年内建成智慧码头"
