"""Task edits (ledger/tasks.py): the values people give are checked before anything is
written, with a message that names the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from luoshi.errors import InputError
from luoshi.ledger import audit, tasks
from luoshi.ledger.db import Database
from tests.builders import build_world


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"co_units": ["市商务局", "市水务局", "市商务局"]}, "配合单位「市商务局」重复"),
        ({"weight": float("inf")}, "权重「inf」应为不小于 0 的数"),
        ({"weight": float("nan")}, "权重「nan」应为不小于 0 的数"),
        ({"weight": -1}, "权重「-1」应为不小于 0 的数"),
        ({"lead_unit": "市天文馆"}, "责任单位「市天文馆」不存在"),
        ({"co_units": ["市商务局", "市天文馆"]}, "配合单位「市天文馆」不存在"),
        ({"title": "  "}, "任务名称不能为空"),
        ({"deadline": "明年"}, "完成时限「明年」不是有效日期"),
        ({"start_date": date(2099, 1, 1)}, "晚于完成时限"),
        ({"person": "张" * 201}, "责任人「" + "张" * 20 + "…」过长（201 个字符），最多 200 个字符"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_written(
    db: Database, values: dict[str, Any], message: str
) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.1.1.2")
        version, events = t.version, len(audit.history(s))
        with pytest.raises(InputError) as err:
            tasks.edit_task(s, world.user(s, "boss"), t, "x", version, values)
        assert message in err.value.message
    with db.transaction() as s:
        assert world.task(s, "1.1.1.2").version == version
        assert len(audit.history(s)) == events


def test_a_unit_may_lead_and_support_in_one_edit(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.1.1.2")
        values = {"lead_unit": "市商务局", "co_units": ["市水务局", "市教委"], "weight": 2}
        assert tasks.edit_task(s, world.user(s, "boss"), t, "x", t.version, values)
        now = tasks.current_values(s, t)
        assert (now["lead_unit"], now["co_units"], now["weight"]) == (
            "市商务局",
            ["市水务局", "市教委"],
            2,
        )


def test_edited_text_is_stored_without_surrounding_spaces(db: Database) -> None:
    world = build_world(db)
    values = {
        "title": " 新建学校8所 ",
        "lead_unit": " 市商务局",
        "co_units": ["市水务局 ", " "],
        "person": "  张三 ",
        "expected_outcome": "   ",
    }
    with db.transaction() as s:
        t = world.task(s, "1.1.1.2")
        tasks.edit_task(s, world.user(s, "boss"), t, "x", t.version, values)
        now = tasks.current_values(s, t)
    assert (now["title"], now["lead_unit"], now["co_units"]) == (
        "新建学校8所",
        "市商务局",
        ["市水务局"],
    )
    assert (now["person"], now["expected_outcome"]) == ("张三", None)


def test_a_person_as_long_as_the_column_allows_is_stored(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.1.1.2")
        tasks.assign(s, world.user(s, "boss"), t, "x", t.version, person="张" * 200)
    with db.transaction() as s:
        assert world.task(s, "1.1.1.2").person == "张" * 200


def test_a_task_with_its_dates_the_wrong_way_round_can_still_be_assigned(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.2.1")
        t.start_date = date(2024, 6, 30)  # stored before dates were checked; due 2024-05-31
    with db.transaction() as s:
        t = world.task(s, "1.2.1")
        assert tasks.assign(s, world.user(s, "boss"), t, "x", t.version, person="张三")
        with pytest.raises(InputError, match="开始日期「2024-06-30」晚于完成时限「2024-05-30」"):
            tasks.edit_task(s, world.user(s, "boss"), t, "x", None, {"deadline": date(2024, 5, 30)})
        values = {"start_date": date(2024, 1, 1), "deadline": date(2024, 5, 30)}
        assert tasks.edit_task(s, world.user(s, "boss"), t, "x", None, values)
