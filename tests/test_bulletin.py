"""The Word bulletin (督查通报): read back, its figures are the ledger's."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from statistics import mean

import docx
import pypdfium2
import pytest
from docx.shared import Mm

from luoshi.errors import InputError, NotFound
from luoshi.io.bulletin import write_bulletin
from luoshi.ledger import cycle
from luoshi.ledger.db import Database
from luoshi.ledger.health import HEALTH_LABELS
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.bulletin import bulletin_figures
from luoshi.ledger.read.compute import plan_view
from luoshi.ledger.read.rows import PlanView, TaskRow
from luoshi.settings import HealthRules
from tests.builders import Cycle, build_cycle, build_world

TODAY = date(2024, 7, 1)
TITLE = "关于《滨河市2024年政府工作报告》重点任务落实情况的通报"


def export(c: Cycle, path: Path, period: str | None = None) -> Path:
    with c.world.db.transaction() as s:
        fig = bulletin_figures(s, c.world.plan(s), HealthRules(), AsOf(TODAY), period)
    write_bulletin(fig, path, "区督查室")
    return path


def tables(path: Path) -> dict[str, list[list[str]]]:
    """Every table of the document by the text of its first header cell."""
    doc = docx.Document(str(path))
    return {
        t.rows[0].cells[0].text: [[cell.text for cell in row.cells] for row in t.rows]
        for t in doc.tables
    }


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def ledger(c: Cycle) -> tuple[PlanView, list[TaskRow]]:
    """The view as plan show computes it, and its leaves found here independently."""
    with c.world.db.transaction() as s:
        b = plan_view(s, c.world.plan(s), HealthRules(), AsOf(TODAY))
    parents = {r.parent for r in b.rows}
    return b, [r for r in b.rows if r.code not in parents]


def pct(value: float) -> str:
    return f"{value:.1f}%"


def test_summary_figures_equal_the_ledger(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    path = export(c, tmp_path / "通报.docx")
    b, leaves = ledger(c)
    [header, values] = tables(path)["末级任务"]
    got = dict(zip(header, values, strict=True))
    colours = {s: sum(r.health == s for r in leaves) for s in ("done", "green", "amber")}
    assert (got["末级任务"], got["已完成"], got["正常"], got["滞后"]) == (
        str(len(leaves)),
        str(colours["done"]),
        str(colours["green"]),
        str(colours["amber"]),
    )
    assert (got["严重滞后"], got["停滞"], got["逾期"]) == ("2", "1", "1")
    assert got["总体进度"] == pct(b.total.progress) == "41.9%"
    assert got["应有进度"] == pct(b.total.expected)
    opening = next(p for p in paragraphs(path) if p.startswith("截至2024年7月1日"))
    assert "共有末级任务7项，已完成1项" in opening and "总体进度41.9%" in opening
    assert "2024年第二季度调度（2024年7月10日截止），4个单位的4项任务尚未报送进度" in opening


def test_progress_by_category_and_unit_are_the_means_of_their_leaves(
    db: Database, tmp_path: Path
) -> None:
    c = build_cycle(db)
    t = tables(export(c, tmp_path / "b.docx"))
    _, leaves = ledger(c)
    for key, table in (("category", t["类别"]), ("lead_unit", t["责任单位"])):
        header, *rows = table
        assert header[1:] == [
            "任务数",
            "已完成",
            "正常",
            "滞后",
            "严重滞后",
            "停滞",
            "逾期",
            "平均进度",
        ]
        for name, tasks, *_, progress in rows:
            mine = [r for r in leaves if getattr(r, key) == name]
            assert tasks == str(len(mine)), name
            assert progress == pct(mean(r.progress for r in mine)), name
        assert {r[0] for r in rows} == {getattr(r, key) for r in leaves}
    categories = [row[0] for row in t["类别"][1:]]
    assert categories == ["（一）发展现代产业", "（二）提升港口能级", "（三）办好民生实事"]
    units = {row[0]: row[1:] for row in t["责任单位"][1:]}
    assert units["市工业和信息化局"] == ["2", "0", "1", "0", "1", "0", "1", "62.5%"]
    assert units["市民政局"][5] == "1"  # stalled: never reported in two due rounds
    # Most behind first (one red or stalled task each), then the furthest behind its
    # expected progress: 市民政局 never reported.
    first = [row[0] for row in t["责任单位"][1:4]]
    assert set(first) == {"市工业和信息化局", "市交通运输委", "市民政局"}
    assert first[0] == "市民政局"


def test_red_stalled_and_overdue_tasks_are_listed_with_their_details(
    db: Database, tmp_path: Path
) -> None:
    c = build_cycle(db)
    _, leaves = ledger(c)
    rows = tables(export(c, tmp_path / "b.docx"))["编号"]
    assert rows[0] == ["编号", "任务", "责任单位", "完成时限", "进度", "状态"]
    by_code = {r.code: r for r in leaves}
    listed = [row[0] for row in rows[1:]]
    assert set(listed) == {
        r.code
        for r in leaves
        if r.health in ("red", "stalled")
        or (r.deadline is not None and r.deadline < TODAY and r.health != "done")
    }
    assert listed == ["1.3.3", "1.2.1", "1.2.2"]  # stalled first, then furthest behind
    for code, title, unit, deadline, progress, state in rows[1:]:
        r = by_code[code]
        assert (title, unit, deadline) == (r.title, r.lead_unit, str(r.deadline))
        assert progress == pct(r.progress)
        assert state.startswith(HEALTH_LABELS[r.health])
    assert rows[3][4:] == ["80.0%", "严重滞后（逾期）"]
    assert rows[2][4:] == ["10.0%", "严重滞后"]  # the returned 90% does not count
    assert rows[1][5] == "停滞"


def test_units_that_did_not_report_are_chased_in_the_bulletin(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    rows = tables(export(c, tmp_path / "b.docx"))["单位"]
    with db.transaction() as s:
        owing = cycle.pending(s, cycle.get_round(s, c.rounds["2024-Q2"]))
    assert rows[1:] == [
        [p.unit, str(len(p.tasks)), str(p.chases), "、".join(p.tasks)] for p in owing
    ]
    assert {row[0]: row[2] for row in rows[1:]}["市民政局"] == "2"
    assert "市交通运输委" in {row[0] for row in rows[1:]}  # its only report was returned


def test_an_earlier_period_shows_that_rounds_non_reporters(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    path = export(c, tmp_path / "q1.docx", "2024-Q1")
    assert "（2024年第一季度）" in paragraphs(path)
    assert [row[0] for row in tables(path)["单位"][1:]] == ["市工业和信息化局", "市民政局"]
    with pytest.raises(NotFound, match="2024-Q4"):
        export(c, tmp_path / "q4.docx", "2024-Q4")


def test_heading_layout_and_charts(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    path = export(c, tmp_path / "b.docx")
    doc = docx.Document(str(path))
    section = doc.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.left_margin)
    assert [round(x.mm) for x in sizes if x is not None] == [210, 297, 37, 28]
    text = paragraphs(path)
    assert text[:2] == [TITLE, "（2024年第二季度）"]
    assert text[-2:] == ["区督查室", "2024年7月1日"]
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、", "五、"]
    pictures = doc.inline_shapes
    assert len(pictures) == 3  # status donut, categories, units
    assert all(abs(p.width - Mm(150)) < Mm(1) for p in pictures)
    images = [r for r in doc.part.rels.values() if "image" in r.reltype]
    assert all(r.target_part.content_type == "image/png" for r in images)
    assert doc.core_properties.title == TITLE


def test_a_plan_without_rounds_still_gets_a_bulletin(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    path = tmp_path / "b.docx"
    with db.transaction() as s:
        fig = bulletin_figures(s, world.plan(s), HealthRules(), AsOf(TODAY))
    write_bulletin(fig, path)
    text = paragraphs(path)
    assert text[1] == "（截至2024年7月1日）"
    assert text.count("本计划尚未发起调度。") == 1
    assert "单位" not in tables(path)
    assert "督查室" in text


def test_an_unwritable_path_is_an_input_error(db: Database, tmp_path: Path) -> None:
    c = build_cycle(db)
    with db.transaction() as s:
        fig = bulletin_figures(s, c.world.plan(s), HealthRules(), AsOf(TODAY))
    with pytest.raises(InputError, match="无法写入"):
        write_bulletin(fig, tmp_path / "no" / "such" / "dir" / "b.docx")


def soffice() -> str:
    for name in ("libreoffice", "soffice"):
        if found := shutil.which(name):
            return found
    pytest.skip(
        "LibreOffice is not installed: `make test` installs libreoffice-writer-nogui "
        "with apt-get, which was not possible here"
    )


@pytest.mark.libreoffice
def test_the_bulletin_opens_in_libreoffice(db: Database, tmp_path: Path) -> None:
    program = soffice()
    c = build_cycle(db)
    path = export(c, tmp_path / "bulletin.docx")
    profile = (tmp_path / "lo-profile").as_uri()  # a private profile: no clash with a running one
    result = subprocess.run(
        [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    pdf = tmp_path / "bulletin.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        assert len(document) >= 2
        width, height = document[0].get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        text = document[0].get_textpage().get_text_range()
        assert TITLE in "".join(text.split())
    finally:
        document.close()
