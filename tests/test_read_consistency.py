"""One definition of each figure: the dashboard, the bulletin, open data and ``plan status``
show the same overall, per-category and per-unit figures and the same attention list,
today and on past --as-of days."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

from luoshi.cli import cli
from luoshi.ledger import users
from tests.builders import ADMIN, build_cycle
from tests.web_support import API, PASSWORD, make_app

# Today (everything counted), after the Q2 reports came in but before one was returned
# (28 June), and when only the first round was over.
DAYS = [None, date(2024, 6, 27), date(2024, 5, 15)]


@dataclass(frozen=True)
class Shown:
    """What one view says, at one decimal."""

    overall: tuple[str, str]  # progress, expected
    counts: dict[str, int]
    categories: list[tuple[str, int, str]]  # name, tasks, progress
    units: list[tuple[str, int, str, int]]  # name, tasks, progress, behind (most behind first)
    attention: list[str]  # codes, worst first


def pct(value: float) -> str:
    return f"{value:.1f}%"


def from_record(f: dict[str, Any]) -> Shown:
    return Shown(
        (pct(f["progress"]), pct(f["expected"])),
        f["counts"],
        [(t["name"], t["tasks"], pct(t["progress"])) for t in f["by_category"]],
        [(t["name"], t["tasks"], pct(t["progress"]), t["behind"]) for t in f["by_unit"]],
        [r["code"] for r in f["attention"]],
    )


HEALTH_COLUMNS = {
    "已完成": "done",
    "正常": "green",
    "滞后": "amber",
    "严重滞后": "red",
    "停滞": "stalled",
}


def from_bulletin(path: Path) -> Shown:
    tables = {t.rows[0].cells[0].text: t for t in docx.Document(str(path)).tables}

    def rows(first: str) -> list[list[str]]:
        return [[c.text for c in r.cells] for r in tables[first].rows] if first in tables else []

    header, values = rows("末级任务")
    summary = dict(zip(header, values, strict=True))
    counts = {key: int(summary[label]) for label, key in HEALTH_COLUMNS.items()}

    def groups(first: str) -> list[list[str]]:
        return rows(first)[1:]

    categories = [(r[0], int(r[1]), r[-1]) for r in groups("类别")]
    units = [(r[0], int(r[1]), r[-1], int(r[5]) + int(r[6])) for r in groups("责任单位")]
    attention = [r[0] for r in groups("编号")]
    return Shown((summary["总体进度"], summary["应有进度"]), counts, categories, units, attention)


def from_status(out: str) -> Shown:
    lines = out.splitlines()
    head = lines[0]
    overall = (head.split("总体进度 ")[1].split("，")[0], head.split("应有进度 ")[1].split("；")[0])
    labels = lines[1].split()
    counts = {HEALTH_COLUMNS[labels[i]]: int(labels[i + 1]) for i in range(0, len(labels), 2)}
    end = next((i for i, line in enumerate(lines) if line.startswith("需关注")), len(lines))
    groups = next(i for i, line in enumerate(lines) if line.startswith("类别"))
    units = []
    for line in lines[4:groups]:
        name, tasks, progress, behind = line.split()
        units.append((name, int(tasks), progress, int(behind)))
    categories = []
    for line in lines[groups + 2 : end]:
        name, tasks, progress = line.rsplit(maxsplit=2)
        categories.append((name.strip(), int(tasks), progress))
    attention = [line.split()[0] for line in lines[end + 3 :] if line.strip()]
    return Shown(overall, counts, categories, units, attention)


@pytest.fixture
def views(tmp_path: Path) -> Any:
    app, db = make_app(tmp_path)
    c = build_cycle(db)
    with db.transaction() as s:
        admin = users.get_user(s, ADMIN)
        users.set_password(s, admin, users.get_user(s, "boss"), PASSWORD)
    url = f"sqlite:///{tmp_path / 'web.db'}"
    from fastapi.testclient import TestClient

    client = TestClient(app)
    token = client.post(
        f"{API}/auth/login", json={"username": "boss", "password": PASSWORD}
    ).json()["token"]

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--database-url", url, *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    def shown(day: date | None) -> dict[str, Shown]:
        as_of = ["--as-of", day.isoformat()] if day else []
        params = {"as_of": day.isoformat()} if day else {}
        r = client.get(
            f"{API}/plans/{c.world.plan_id}/dashboard",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 200, r.text
        bulletin, opendata = tmp_path / "b.docx", tmp_path / "open.json"
        run("export", "bulletin", "b24", str(bulletin), *as_of)
        run("export", "json", "b24", str(opendata), *as_of)
        return {
            "dashboard": from_record(r.json()),
            "bulletin": from_bulletin(bulletin),
            "open data": from_record(json.loads(opendata.read_text("utf-8"))["figures"]),
            "plan status": from_status(run("plan", "status", "b24", *as_of)),
        }

    yield shown
    db.dispose()


@pytest.mark.parametrize("day", DAYS, ids=["today", "27 June", "15 May"])
def test_every_view_shows_the_same_figures(views: Any, day: date | None) -> None:
    shown: dict[str, Shown] = views(day)
    dashboard = shown["dashboard"]
    assert dashboard.attention and dashboard.units and dashboard.categories
    for name, view in shown.items():
        assert view.overall == dashboard.overall, name
        assert view.counts == dashboard.counts, name
        assert view.units == dashboard.units, name
        assert view.attention == dashboard.attention, name
        assert view.categories == dashboard.categories, name


def test_the_days_differ(views: Any) -> None:
    """The figures compared above do change with the day: they are not one constant."""
    overall = {views(day)["dashboard"].overall for day in DAYS}
    assert len(overall) == len(DAYS)
