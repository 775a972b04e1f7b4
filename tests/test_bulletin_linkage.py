"""承接情况 in the Word bulletin: a plan with accepted links gets the section (coverage of
the plan above, progress from the plans below) from ``luoshi export bulletin`` and the
web's bulletin.docx; a plan without links gets none."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from click.testing import CliRunner

from luoshi.cli import cli
from luoshi.io.bulletin import write_bulletin
from luoshi.io.bulletin_linkage import linkage_heading, linkage_section
from luoshi.ledger import links, users
from luoshi.ledger.db import Database
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.bulletin import bulletin_figures, bulletin_linkage
from luoshi.settings import HealthRules
from tests.builders import admin
from tests.link_support import Levels, build_levels
from tests.web_support import API, PASSWORD, make_app

RULES = HealthRules()


def linked(db: Database) -> tuple[Levels, str, str]:
    """East's 壮大制造业集群 answers the city's 加快发展先进制造业: (levels, both codes)."""
    lv = build_levels(db)
    with db.transaction() as s:
        maker = lv.task_titled(s, "east", "壮大制造业集群")
        city_task = lv.task_titled(s, "city", "加快发展先进制造业")
        links.create_link(s, admin(s), maker, city_task)
        return lv, maker.code, city_task.code


def texts(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def table_headed(document: docx.document.Document, header: str) -> list[list[str]]:
    """The table whose last header cell is ``header``."""
    [found] = [t for t in document.tables if t.rows[0].cells[-1].text == header]
    return [[c.text for c in row.cells] for row in found.rows]


def test_the_section_shows_coverage_above_and_progress_below(db: Database, tmp_path: Path) -> None:
    lv, maker, city_task = linked(db)
    with db.transaction() as s:
        east, city, west = (lv.plan(s, n) for n in ("east", "city", "west"))
        assert bulletin_linkage(s, west, RULES, AsOf.today()) is None  # no links, no section
        up = bulletin_linkage(s, east, RULES, AsOf.today())
        down = bulletin_linkage(s, city, RULES, AsOf.today())
        fig = bulletin_figures(s, east, RULES, AsOf.today())
    assert up is not None and down is not None
    write_bulletin(fig, tmp_path / "east.docx", "督查室", [linkage_section(up, linkage_heading(0))])
    east_doc = docx.Document(str(tmp_path / "east.docx"))
    lines = texts(east_doc)
    assert "六、承接情况" in lines
    [cov] = up.linkage.upward
    answered = cov.leaves - len(cov.unanswered)
    assert any(f"末级任务{cov.leaves}项中的{answered}项" in t for t in lines)
    rows = table_headed(east_doc, "下级进度")
    assert rows[1][0] == city_task and rows[1][1] == "加快发展先进制造业" and rows[1][2] == maker
    write_bulletin(fig, tmp_path / "city.docx", "督查室", [linkage_section(down, "七、承接情况")])
    city_doc = docx.Document(str(tmp_path / "city.docx"))
    assert "七、承接情况" in texts(city_doc)
    [row] = table_headed(city_doc, "承接任务数")[1:]
    assert row[0] == city_task and row[1] == "加快发展先进制造业" and row[4] == "1"


def test_export_bulletin_adds_it_only_for_a_plan_with_links(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    db = Database.open(url)
    linked(db)
    db.dispose()
    for plan, expected in (("east", True), ("west", False)):
        out = tmp_path / f"{plan}.docx"
        result = CliRunner().invoke(
            cli, ["--database-url", url, "export", "bulletin", plan, str(out)]
        )
        assert result.exit_code == 0, result.output
        lines = texts(docx.Document(str(out)))
        assert any(t.endswith("、承接情况") for t in lines) is expected, plan


def test_the_webs_bulletin_has_it_for_a_plan_with_links(tmp_path: Path) -> None:
    app, db = make_app(tmp_path)
    lv, _maker, city_task = linked(db)
    with db.transaction() as s:
        users.set_password(s, admin(s), users.get_user(s, "boss"), PASSWORD)
        city, west = lv.plan(s, "city").id, lv.plan(s, "west").id
    from fastapi.testclient import TestClient

    client = TestClient(app)
    login = client.post(f"{API}/auth/login", json={"username": "boss", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    for plan_id, expected in ((city, True), (west, False)):
        for plain in ("true", "false"):  # the plain layout and the office's template
            r = client.get(f"{API}/plans/{plan_id}/bulletin.docx?plain={plain}", headers=headers)
            assert r.status_code == 200, r.text
            document = docx.Document(io.BytesIO(r.content))
            assert any(t.endswith("、承接情况") for t in texts(document)) is expected
            if expected:
                assert table_headed(document, "承接任务数")[1][0] == city_task
    db.dispose()
