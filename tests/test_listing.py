"""The ledger's filtered list: every filter alone, together, and Chinese text search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.ledger import board
from luoshi.ledger.db import Database
from luoshi.ledger.listing import (
    TaskFilter,
    build_index,
    filter_rows,
    leaf_codes,
    search,
    source_texts,
)
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


# -- the index gives the same answer as the row-by-row rules --

UNITS = ["市交通运输委", "市教委", "市水务局", None]
STATUSES = ["green", "amber", "red", "stalled", "done"]


@st.composite
def boards(draw: st.DrawFn) -> tuple[list[board.TaskRow], dict[int, str], set[str]]:
    n = draw(st.integers(1, 30))
    rows = []
    for i in range(n):
        row = board.TaskRow(
            id=i + 1, code=str(i + 1), parent=None, level=1,
            kind=draw(st.sampled_from(["group", "task", "measure"])),
            title=draw(st.sampled_from(["建设港口", "新建学校", "河道整治", "Port 建设"])),
            doc=1, start=None, end=None,
            category=draw(st.sampled_from(["", "（一）", "（二）"])),
            lead_unit=draw(st.sampled_from(UNITS)), person=None, start_date=None,
            deadline=draw(st.none() | st.dates(date(2024, 1, 1), date(2024, 12, 31))),
            expected_outcome=None, weight=1.0, state="open", version=1,
        )  # fmt: skip
        row.co_units = draw(st.lists(st.sampled_from(UNITS[:3]), max_size=2, unique=True))
        row.status = draw(st.sampled_from(STATUSES))
        rows.append(row)
    sources = {
        r.id: draw(st.sampled_from(["集装箱吞吐量", "港口建设", "学位8000个"])) for r in rows
    }
    leaves = {r.code for r in rows if draw(st.booleans())}
    return rows, sources, leaves


filters = st.builds(
    TaskFilter,
    unit=st.none() | st.sampled_from(UNITS[:3]),
    category=st.none() | st.sampled_from(["（一）", "（二）", "（三）"]),
    status=st.none() | st.sampled_from(STATUSES),
    deadline_from=st.none() | st.dates(date(2024, 1, 1), date(2024, 12, 31)),
    deadline_to=st.none() | st.dates(date(2024, 1, 1), date(2024, 12, 31)),
    text=st.none() | st.sampled_from(["港口", "PORT", "学位", "建", "无此词", "口\x00港", "设\n"]),
    kind=st.none() | st.sampled_from(["group", "measure"]),
    leaves_only=st.booleans(),
)


@given(board_=boards(), f=filters, scope=st.none() | st.sampled_from(UNITS[:3]))
@settings(max_examples=300, deadline=None)
def test_the_index_answers_like_the_rules(
    board_: tuple[list[board.TaskRow], dict[int, str], set[str]], f: TaskFilter, scope: str | None
) -> None:
    rows, sources, leaves = board_
    expected = filter_rows(rows, f, sources, leaves)
    if scope is not None:
        expected = [r for r in expected if r.lead_unit == scope or scope in r.co_units]
    assert search(build_index(rows, sources, leaves), f, scope) == expected
