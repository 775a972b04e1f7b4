"""Task lists as offices write them: Word tables, annotated text, Excel ledgers."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from luoshi.errors import ReadError
from luoshi.extract.drafts import TaskDraft
from luoshi.extract.pipeline import extract
from luoshi.extract.tasks import draft
from luoshi.text.document import Document
from luoshi.text.sources import load_document
from tests import office_fixtures as of


def drafted(path: Path) -> tuple[Document, list[TaskDraft]]:
    doc = load_document(path)
    return doc, draft(extract(doc)).drafts


def leaves(drafts: list[TaskDraft]) -> list[TaskDraft]:
    parents = {d.parent for d in drafts}
    return [d for d in drafts if d.code not in parents]


@pytest.fixture
def office_files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "word": tmp_path / "分解表.docx",
        "text": tmp_path / "方案.txt",
        "excel": tmp_path / "台账.xlsx",
    }
    paths["word"].write_bytes(of.word_table())
    paths["text"].write_text(of.annotated_text(), encoding="utf-8")
    paths["excel"].write_bytes(of.excel_ledger())
    return paths


@pytest.mark.parametrize("kind", ["word", "text", "excel"])
def test_a_breakdown_keeps_the_documents_units_and_deadlines(
    office_files: dict[str, Path], kind: str
) -> None:
    _, drafts = drafted(office_files[kind])
    s = of.score(drafts, of.items())
    assert s.exact_share >= 0.95, s
    assert s.junk_share <= 0.05, s
    named = [d for d in leaves(drafts) if d.lead_unit]
    assert named and all(d.unit_origin == "document" for d in named)


@pytest.mark.parametrize("kind", ["word", "excel"])
def test_header_title_and_intro_are_never_tasks(office_files: dict[str, Path], kind: str) -> None:
    doc, drafts = drafted(office_files[kind])
    titles = {d.title for d in drafts}
    assert not titles & {"序号", of.TITLE, of.INTRO}
    assert not any("\t" in t or "牵头单位" in t or t == "工作任务" for t in titles)
    # Categories are groups, each task under its category (merged cells filled down).
    groups = [d for d in drafts if d.kind == "group"]
    assert [g.title for g in groups] == list(of.CATEGORIES)
    by_code = {d.code: d for d in drafts}
    for d in leaves(drafts):
        expected = next(it for it in of.items() if it.title == d.title)
        assert by_code[d.parent or ""].title == expected.category
        # The span points into the text `luoshi text` prints.
        assert d.title in doc.raw[d.start : d.end]


def test_annotations_fill_fields_and_are_neither_tasks_nor_titles(
    office_files: dict[str, Path],
) -> None:
    _, drafts = drafted(office_files["text"])
    for d in drafts:
        assert not any(w in d.title for w in ("牵头", "责任单位", "【", "完成时限", "配合"))
    assert not any(d.title.startswith(("责任单位", "（牵头")) for d in drafts)


def test_an_excel_ledger_keeps_its_progress_column(office_files: dict[str, Path]) -> None:
    _, drafts = drafted(office_files["excel"])
    notes = {d.title: d.progress_note for d in leaves(drafts)}
    for it in of.items():
        assert notes[it.title] == (it.progress or None)


def test_a_legacy_xls_ledger_is_read_with_its_merged_cells(tmp_path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("任务")
    ws.write_merge(0, 0, 0, 3, "2025年重点工作台账")
    for c, name in enumerate(("类别", "任务名称", "责任单位", "完成时间")):
        ws.write(1, c, name)
    ws.write_merge(2, 3, 0, 0, "港口")
    rows = [("拓展远洋航线", "市港航发展局、市口岸服务中心", "2025年6月底"),
            ("建设智慧闸口", "市港航发展局", "2025年11月")]  # fmt: skip
    for r, (title, unit, due) in enumerate(rows, 2):
        ws.write(r, 1, title)
        ws.write(r, 2, unit)
        ws.write(r, 3, due)
    path = tmp_path / "ledger.xls"
    wb.save(str(path))
    _, drafts = drafted(path)
    got = [(d.title, d.lead_unit, d.co_units, d.deadline, d.category) for d in leaves(drafts)]
    assert got == [
        ("拓展远洋航线", "市港航发展局", ["市口岸服务中心"], date(2025, 6, 30), "港口"),
        ("建设智慧闸口", "市港航发展局", [], date(2025, 11, 30), "港口"),
    ]


def test_tasks_with_measures_and_one_unit_column(tmp_path: Path) -> None:
    """重点任务 merged over its 具体措施; 责任单位 lists the lead first; 备注 ignored."""
    import docx

    d = docx.Document()
    d.add_paragraph("附件：重点任务清单")
    table = d.add_table(rows=5, cols=5)
    for c, name in enumerate(
        ("序号", "重点任务", "具体措施", "责任单位（牵头单位列前）", "完成时限")
    ):
        table.cell(0, c).text = name
    table.cell(1, 1).merge(table.cell(3, 1)).text = "提升口岸通关效率"
    measures = [("推行船边直提", "市口岸服务中心、市港航发展局", "2025年5月底前"),
                ("上线单一窗口新功能", "市口岸服务中心", "2025年第二季度"),
                ("压缩集装箱查验时间", "市口岸服务中心，市港航发展局", "长期坚持")]  # fmt: skip
    for r, (m, unit, due) in enumerate(measures, 1):
        table.cell(r, 0).text = str(r)
        table.cell(r, 2).text = m
        table.cell(r, 3).text = unit
        table.cell(r, 4).text = due
    table.cell(4, 1).text = "建设跨境电商产业园"
    table.cell(4, 2).text = "引进跨境电商企业20家"
    table.cell(4, 3).text = "市商贸流通局"
    table.cell(4, 4).text = "2025年12月"
    out = io.BytesIO()
    d.save(out)
    path = tmp_path / "清单.docx"
    path.write_bytes(out.getvalue())
    _, drafts = drafted(path)
    tree = [(x.kind, x.title, x.lead_unit, x.co_units, x.deadline) for x in drafts]
    assert tree == [
        ("task", "提升口岸通关效率", "市口岸服务中心", ["市港航发展局"], date(2025, 12, 31)),
        ("measure", "推行船边直提", "市口岸服务中心", ["市港航发展局"], date(2025, 5, 31)),
        ("measure", "上线单一窗口新功能", "市口岸服务中心", [], date(2025, 6, 30)),
        ("measure", "压缩集装箱查验时间", "市口岸服务中心", ["市港航发展局"], date(2025, 12, 31)),
        ("task", "建设跨境电商产业园", "市商贸流通局", [], date(2025, 12, 31)),
        ("measure", "引进跨境电商企业20家", "市商贸流通局", [], date(2025, 12, 31)),
    ]
    assert drafts[3].deadline_text == "长期坚持"
    assert [t.text for t in drafts[5].targets] == ["20家"]


def test_a_sheet_with_a_far_cell_is_refused_before_it_is_read(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "台账"
    ws["A1"] = "序号"
    ws["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    assert path.stat().st_size < 20_000
    with pytest.raises(ReadError, match=r"工作表「台账」的已用区域过大.*XFD1048576"):
        load_document(path)


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(of.excel_ledger())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/filler.bin", b"\0" * (51 * 1024 * 1024))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ReadError, match=r"解压后过大.*压缩炸弹"):
        load_document(path)


def test_a_legacy_xls_with_a_far_cell_is_refused(tmp_path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("明细")
    ws.write(0, 0, "序号")
    ws.write(65535, 255, "x")
    path = tmp_path / "far.xls"
    wb.save(str(path))
    with pytest.raises(ReadError, match=r"工作表「明细」的已用区域过大.*IV65536"):
        load_document(path)


def test_spreadsheet_text_and_cells_agree(office_files: dict[str, Path]) -> None:
    doc = load_document(office_files["excel"])
    [table] = doc.reader_tables
    assert table.name == "重点任务台账"
    assert doc.raw.splitlines()[2].split("\t") == list(of.LEDGER_HEADER)
    merged = [c for r in table.rows for c in r.cells if c.merged]
    assert merged and all(c.start == c.end for c in merged)
    for row in table.rows:
        assert doc.raw[row.start : row.end] == "\t".join(
            doc.raw[c.start : c.end] for c in row.cells
        )


PLAN_WITH_NOTES = """青禾区推进义务教育优质均衡发展三年行动方案
为推动全区义务教育优质均衡发展，结合实际，制定本方案。
一、重点任务
（一）扩充优质学位。新建改扩建中小学6所。（责任单位：区教育局、区财政局；完成时限：2027年8月底前）
（二）加强教师队伍建设。实施名师培育工程，每年培训骨干教师300人次。（区教育局负责）
（三）推进集团化办学。组建教育集团5个，实现优质资源覆盖。
责任单位：区教育局
完成时限：2026年12月
二、保障措施
到2027年，全区学校全部达到办学标准。
"""


def test_a_district_plan_with_annotation_lines() -> None:
    drafts = draft(extract(Document.from_text("p.txt", PLAN_WITH_NOTES))).drafts
    got = {d.title: (d.lead_unit, d.co_units, d.deadline, d.unit_origin) for d in drafts}
    assert got["新建改扩建中小学6所"] == (
        "区教育局",
        ["区财政局"],
        date(2027, 8, 31),
        "document",
    )
    # No deadline of its own: the last year the plan sets a goal for.
    assert got["实施名师培育工程，每年培训骨干教师300人次"][2] == date(2027, 12, 31)
    assert got["组建教育集团5个，实现优质资源覆盖"][:3] == ("区教育局", [], date(2026, 12, 31))
    # A district's plan is given district units where it names none.
    suggested = [u for u, _, _, origin in got.values() if origin == "suggested"]
    assert suggested and all(u.startswith("区") for u in suggested)
