"""The ledger's filtered list: every filter alone, together, and Chinese text search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from luoshi.errors import InputError
from luoshi.ledger.db import Database
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import task_rows
from luoshi.ledger.read.listing import (
    Sort,
    TaskFilter,
    beyond_end,
    code_needle,
    filter_rows,
    list_computed,
    paginate,
    source_texts,
)
from luoshi.ledger.read.views import plan_view
from luoshi.ledger.read.visibility import Viewer
from luoshi.settings import HealthRules
from tests.builders import World, build_world


def lister(db: Database) -> Callable[[TaskFilter], list[str]]:
    """The codes a filter lets through, on the builders' plan."""
    world = build_world(db)
    with db.transaction() as s:
        rows = task_rows(s, world.plan_id)
        sources = source_texts(s, world.plan_id)
    return lambda f: [r.code for r in filter_rows(rows, f, sources, None)]


def test_two_character_words_are_found_in_titles_and_source_sentences(db: Database) -> None:
    codes = lister(db)
    assert codes(TaskFilter(text="港口")) == ["1.1", "1.1.1"]


def test_source_sentences_of_leaves_are_searched(db: Database) -> None:
    codes = lister(db)
    # "标准箱" is in the sentence of 1.1.1.1, not in any title; the groups above it
    # contain that sentence in their part, but only a leaf's own sentence counts.
    assert codes(TaskFilter(text="标准箱")) == ["1.1.1.1"]


def test_a_code_finds_its_task_and_the_tasks_under_it(db: Database) -> None:
    codes = lister(db)
    assert codes(TaskFilter(text="1.1.1")) == ["1.1.1", "1.1.1.1", "1.1.1.2"]
    assert codes(TaskFilter(text="１．２．")) == ["1.2", "1.2.1"]  # full width, trailing dot
    assert codes(TaskFilter(text="1.1.2.1")) == ["1.1.2.1"]
    assert codes(TaskFilter(text="2.1")) == []  # not a part of 1.2.1
    assert code_needle("港口") is None and code_needle("1.") == "1"


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
        row = next(r for r in task_rows(s, world.plan_id) if r.code == "1.1.1.2")
    assert texts[row.id] == "年内建成智慧码头"


def listed(
    world: World, viewer: Viewer | None = None, sort: str = "", page: int = 1, per_page: int = 50
) -> tuple[list[str], int]:
    with world.db.transaction() as s:
        view = plan_view(s, world.plan(s), HealthRules(), AsOf(date(2024, 7, 1)))
        found = list_computed(s, view, viewer, TaskFilter(), Sort.parse(sort), page, per_page)
    return [r.code for r in found.items], found.total


def test_a_reporter_lists_only_the_tasks_of_its_unit(db: Database) -> None:
    world = build_world(db)
    everything, total = listed(world)
    mine, n = listed(world, Viewer(1, "reporter", 1, "市水务局"))
    assert (mine, n) == (["1.2", "1.2.1"], 2) and total == len(everything) > n
    assert listed(world, Viewer(1, "reporter", None, None)) == ([], 0)


def test_sorting_by_a_column_keeps_code_order_among_equals(db: Database) -> None:
    world = build_world(db)
    by_code, _ = listed(world)
    assert listed(world, sort="-code")[0] == by_code[::-1]
    by_deadline, _ = listed(world, sort="deadline")
    assert by_deadline[0] == "1.2.1"  # due in May; the rest at year end or without one
    assert listed(world, sort="-deadline")[0][-1] == "1.2.1"
    with pytest.raises(InputError, match=r"排序（sort）「colour」无效，可选：code（编号）、"):
        Sort.parse("colour")


def test_pages_cut_the_list_and_say_how_long_it_is(db: Database) -> None:
    world = build_world(db)
    everything, total = listed(world)
    first, n = listed(world, per_page=3)
    second, _ = listed(world, page=2, per_page=3)
    assert n == total and first == everything[:3] and second == everything[3:6]
    assert paginate(list(range(10)), 1, 1000).per_page == 200  # capped
    assert paginate(list(range(10)), 4, 3).pages == 4
    assert beyond_end(4, 4) is None and beyond_end(1, paginate([], 1, 3).pages) is None
    assert beyond_end(5, 4) == "第 5 页超出范围，共 4 页"


def test_a_filter_refuses_what_cannot_be_meant() -> None:
    with pytest.raises(InputError, match="起始日期晚于截止日期"):
        TaskFilter(deadline_from=date(2024, 6, 1), deadline_to=date(2024, 5, 1))
    with pytest.raises(InputError, match="状态（health）「purple」无效，可选：green（正常）、"):
        TaskFilter(health="purple")
