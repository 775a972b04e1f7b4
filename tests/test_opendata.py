"""Open data: JSON and CSV read back equal the ledger, spans point into the source."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from luoshi.errors import InputError
from luoshi.io import opendata
from luoshi.ledger.db import Database
from luoshi.ledger.health import HEALTH_LABELS
from luoshi.ledger.read.asof import AsOf, end_of_day
from luoshi.ledger.read.opendata import open_data
from luoshi.ledger.read.rows import TaskRow
from luoshi.ledger.read.views import plan_view
from luoshi.settings import HealthRules
from tests.builders import SECOND_REPORT, Cycle, build_cycle

TODAY = date(2024, 7, 1)


def rows(c: Cycle) -> dict[str, TaskRow]:
    with c.world.db.transaction() as s:
        b = plan_view(s, c.world.plan(s), HealthRules(), AsOf(TODAY))
    return {r.code: r for r in b.rows}


def export_json(c: Cycle, path: Path) -> dict[str, Any]:
    with c.world.db.transaction() as s:
        data = open_data(s, c.world.plan(s), HealthRules(), AsOf(TODAY))
    opendata.export_json(data, path)
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def export_csv(c: Cycle, out: Path) -> tuple[Path, Path]:
    with c.world.db.transaction() as s:
        data = open_data(s, c.world.plan(s), HealthRules(), AsOf(TODAY))
    return opendata.export_csv(data, out)


def read_csv(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel looks for
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_json_is_one_versioned_document_of_the_plan(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    data = export_json(c, tmp_path / "plan.json")
    assert (data["schema"], data["version"], data["as_of"]) == ("luoshi.plan", 2, "2024-07-01")
    assert data["health_labels"] == HEALTH_LABELS
    assert data["plan"]["name"] == "b24" and data["plan"]["progress"] == 41.9
    [doc] = data["documents"]
    assert doc["text"] == SECOND_REPORT and len(doc["sha256"]) == 64
    ledger = rows(c)
    assert [t["code"] for t in data["tasks"]] == list(ledger)
    for t in data["tasks"]:
        r = ledger[t["code"]]
        assert (t["title"], t["category"], t["lead_unit"]) == (r.title, r.category, r.lead_unit)
        assert (t["health"], t["progress"]) == (r.health, round(r.progress, 1))
        assert t["health_label"] == HEALTH_LABELS[r.health]
        assert t["deadline"] == (r.deadline.isoformat() if r.deadline else None)
        assert t["doc"] == doc["id"]
        assert doc["text"][t["start"] : t["end"]].startswith(t["title"])
    overdue = [t["code"] for t in data["tasks"] if t["overdue"]]
    assert overdue == ["1.2.2"]


def test_targets_carry_baseline_and_the_latest_counted_value(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    tasks = {t["code"]: t for t in export_json(c, tmp_path / "plan.json")["tasks"]}
    text = SECOND_REPORT
    [port] = tasks["1.2.1"]["targets"]
    assert (port["indicator"], port["comparator"], port["value"], port["unit"]) == (
        "集装箱吞吐量",
        ">",
        3200000,
        "标准箱",
    )
    assert text[port["start"] : port["end"]] == port["text"] == "320万标准箱"
    assert port["baseline"]["value"] == 3000000
    assert text[port["baseline"]["start"] : port["baseline"]["end"]] == "300万标准箱"
    # 3.3 million came with a report that was returned: 1.5 million (2024-05) stands.
    assert port["latest"] == {"value": 1500000, "period": "2024-05"}
    assert all(t["latest"] is None for t in tasks["1.3.1"]["targets"])


def test_a_past_as_of_takes_the_values_reported_by_then(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    path = tmp_path / "plan.json"
    for day, latest in [
        (date(2024, 5, 15), None),  # 1.5 million came on 3 June
        (date(2024, 6, 27), {"value": 3300000, "period": "2024-Q2"}),  # returned on 28 June
        (TODAY, {"value": 1500000, "period": "2024-05"}),
    ]:
        with c.world.db.transaction() as s:
            plan = c.world.plan(s)
            data = open_data(s, plan, HealthRules(), AsOf(day, end_of_day(day)))
        opendata.export_json(data, path)
        tasks = {t["code"]: t for t in json.loads(path.read_text(encoding="utf-8"))["tasks"]}
        assert tasks["1.2.1"]["targets"][0]["latest"] == latest


def test_csv_tables_equal_the_json(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    data = export_json(c, tmp_path / "plan.json")
    tasks_path, targets_path = export_csv(c, tmp_path / "open")
    assert (tasks_path.name, targets_path.name) == ("tasks.csv", "targets.csv")
    tasks = read_csv(tasks_path)
    assert list(tasks[0]) == list(opendata.TASK_COLUMNS)
    assert len(tasks) == len(data["tasks"])
    for row, t in zip(tasks, data["tasks"], strict=True):
        assert row["plan"] == "b24"
        for key in ("code", "title", "category", "health", "health_label"):
            assert row[key] == t[key]
        assert row["lead_unit"] == (t["lead_unit"] or "")
        assert float(row["progress"]) == t["progress"]
        assert (int(row["start"]), int(row["end"])) == (t["start"], t["end"])
        assert row["overdue"] == ("true" if t["overdue"] else "false")
        assert row["document"] == "滨河市2024年政府工作报告"
    targets = read_csv(targets_path)
    expected = [(t["code"], x) for t in data["tasks"] for x in t["targets"]]
    assert [(r["code"], r["indicator"]) for r in targets] == [
        (code, x["indicator"]) for code, x in expected
    ]
    port = next(r for r in targets if r["code"] == "1.2.1")
    assert (port["value"], port["baseline_value"], port["baseline_text"]) == (
        "3200000",
        "3000000",
        "300万标准箱",
    )
    assert (port["latest_value"], port["latest_period"]) == ("1500000", "2024-05")


def test_a_csv_file_name_puts_targets_beside_it(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    tasks_path, targets_path = export_csv(c, tmp_path / "b24.csv")
    assert (tasks_path, targets_path) == (tmp_path / "b24.csv", tmp_path / "b24_targets.csv")
    assert read_csv(tasks_path)[0]["code"] == "1"
    assert read_csv(targets_path)[0]["code"] == "1.1.1.1"


def test_unwritable_paths_are_input_errors(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    with pytest.raises(InputError, match="无法写入"):
        export_json(c, tmp_path / "missing" / "plan.json")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="无法创建目录"):
        export_csv(c, tmp_path / "file" / "sub")


def test_csv_cells_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    opendata.write_csv(path, ["title", "n"], [["=HYPERLINK(1)", -3], ["@cmd", None]])
    got = read_csv(path)
    assert [r["title"] for r in got] == ["'=HYPERLINK(1)", "'@cmd"]
    assert [r["n"] for r in got] == ["-3", ""]


# -- streaming: the same bytes as the whole plan in memory ---------------------------


def _whole_json(data: opendata.OpenData) -> bytes:
    """Open data as it was written before it streamed: one dumps of the whole document."""
    return (json.dumps(opendata.plan_json(data), ensure_ascii=False, indent=2) + "\n").encode()


def _whole_csv(header: tuple[str, ...], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows([opendata._cell(v) for v in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode()


def _open(c: Cycle, at: AsOf, computed: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Open data of the cycle's plan, from kept figures or (``computed``) the records."""
    from luoshi.ledger.read import stream

    with monkeypatch.context() as m:
        if computed:
            m.setattr(stream, "answers", lambda *_: False)
        with c.world.db.transaction() as s:
            data = open_data(s, c.world.plan(s), HealthRules(), at)
            assert data.stream.streamed is not computed
            return (
                _whole_json(data),
                _whole_csv(opendata.TASK_COLUMNS, list(opendata.task_rows(data))),
                _whole_csv(opendata.TARGET_COLUMNS, list(opendata.target_rows(data))),
                b"".join(c.encode() for c in opendata.json_chunks(data)),
            )


def test_streamed_open_data_is_byte_for_byte_the_computed_document(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = build_cycle(db)
    today = AsOf(date.today())  # the day the kept figures are for
    want_json, want_tasks, want_targets, _ = _open(c, today, True, monkeypatch)
    from luoshi.ledger.read import kept

    monkeypatch.setattr(kept, "CHUNK", 3)  # many keyset pages, even on a small plan
    with c.world.db.transaction() as s:
        data = open_data(s, c.world.plan(s), HealthRules(), today)
        assert data.stream.streamed  # read from task_state a chunk at a time
        opendata.export_json(data, tmp_path / "plan.json")
        tasks_path, targets_path = opendata.export_csv(data, tmp_path / "open")
    assert (tmp_path / "plan.json").read_bytes() == want_json
    assert tasks_path.read_bytes() == want_tasks
    assert targets_path.read_bytes() == want_targets
    loaded = json.loads(want_json)
    assert len(loaded["tasks"]) == data.stream.tasks > 0
    assert loaded["figures"]["leaf_tasks"] == sum(t["leaf"] for t in loaded["tasks"])


def test_a_past_day_is_computed_and_says_so(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = build_cycle(db)
    want_json, *_, chunks = _open(c, AsOf(TODAY), True, monkeypatch)
    assert chunks == want_json
    with c.world.db.transaction() as s:
        data = open_data(s, c.world.plan(s), HealthRules(), AsOf(TODAY))
        assert not data.stream.streamed and data.stream.view is not None


def test_a_plan_without_tasks_is_an_empty_array(db: Database) -> None:
    c = build_cycle(db)
    with c.world.db.transaction() as s:
        data = open_data(s, c.world.plan(s), HealthRules(), AsOf(date.today()))
    nothing = replace(data, stream=replace(data.stream, read=lambda: iter([])))
    text = "".join(opendata.json_chunks(nothing))
    assert text.encode() == _whole_json(nothing)
    assert json.loads(text)["tasks"] == [] and text.endswith('"tasks": []\n}\n')
