"""Task lists as offices write them, built from tasks of our own invention.

One fictional 24-task breakdown (three categories) written three ways: a Word
task table with merged category cells and a header repeated on its second
page, running text with annotations of every kind, and an office's Excel
ledger with title rows, merged cells and a progress column. ``score`` tells
how many drafted tasks carry the exact lead unit, co-units and deadline, and
how many leaves are junk. Used by the tests and by ``benchmarks/eval_office.py``.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date

from luoshi.extract.drafts import TaskDraft

CATEGORIES = ("一、培育临港产业", "二、建设宜居新城", "三、提升治理效能")
VERBS = ("推进", "加快", "完善", "实施", "打造", "建立", "优化", "开展")
OBJECTS = (
    "海铁联运示范线建设",
    "渔港避风锚地改造",
    "海上风电运维基地",
    "冷链物流分拨中心",
    "跨境数据服务试点",
    "滨江绿道贯通工程",
    "老街区微更新行动",
    "社区嵌入式托育点",
    "校外实践营地建设",
    "智慧停车诱导系统",
    "城市照明节能改造",
    "山塘水库除险加固",
    "基层网格融合治理",
    "涉企检查统筹机制",
    "政务服务自助专区",
    "公共法律服务驿站",
    "应急物资储备网点",
    "农村客运公交化改造",
    "闲置厂房盘活清单",
    "人才公寓配租机制",
    "夜间消费集聚街区",
    "湿地候鸟保护监测",
    "居家适老化改造",
    "重点企业用工服务",
)
UNITS = (
    "市港航发展局",
    "市临港产业促进局",
    "市海洋渔业局",
    "市数字经济局",
    "市城乡建设局",
    "市园林绿化中心",
    "市托育服务中心",
    "市教育体育局",
    "市城市运行管理局",
    "市水利水电局",
    "市网格服务中心",
    "市营商环境局",
    "市行政审批局",
    "市法律援助中心",
    "市应急保障局",
    "市交通发展局",
    "市资源规划局",
    "市人才发展局",
    "市商贸流通局",
    "市生态保护局",
    "市老龄服务局",
    "市就业促进中心",
)
DEADLINES = (
    ("2025年6月底", date(2025, 6, 30)),
    ("2025年12月底前", date(2025, 12, 31)),
    ("2025年9月30日", date(2025, 9, 30)),
    ("2025年第三季度", date(2025, 9, 30)),
    ("2025年10月", date(2025, 10, 31)),
    ("2025年底", date(2025, 12, 31)),
    ("2026年3月底前", date(2026, 3, 31)),
    ("2025年4月15日", date(2025, 4, 15)),
)
PROGRESS = ("已完成方案编制", "正在开展前期调研", "完成招标，进场施工", "")


@dataclass(frozen=True)
class Item:
    """One task of the breakdown and the fields a clerk expects on it."""

    category: str
    title: str
    lead: str
    co: tuple[str, ...]
    deadline_text: str
    deadline: date
    progress: str


def items(seed: int = 7) -> list[Item]:
    rng = random.Random(seed)
    out: list[Item] = []
    for i, obj in enumerate(OBJECTS):
        lead = UNITS[i % len(UNITS)]
        others = [u for u in UNITS if u != lead]
        co = tuple(rng.sample(others, rng.choice((0, 1, 2, 2, 3))))
        text, due = DEADLINES[rng.randrange(len(DEADLINES))]
        title = f"{VERBS[i % len(VERBS)]}{obj}"
        out.append(Item(CATEGORIES[i // 8], title, lead, co, text, due, PROGRESS[i % 4]))
    return out


TITLE = "临江市2025年重点任务分解表"
INTRO = "为抓好年度重点任务落实，现将任务分解如下，各责任单位要明确专人、按期推进。"
HEADER = ("序号", "类别", "重点任务", "牵头单位", "配合单位", "完成时限")


def word_table(seed: int = 7) -> bytes:
    """A Word task table: category cells merged down, the header repeated on page two."""
    import docx

    doc = docx.Document()
    doc.add_paragraph(TITLE)
    doc.add_paragraph(INTRO)
    all_items = items(seed)
    for page in (all_items[:14], all_items[14:]):
        table = doc.add_table(rows=1 + len(page), cols=len(HEADER))
        for c, name in enumerate(HEADER):
            table.cell(0, c).text = name
        for r, it in enumerate(page, 1):
            n = all_items.index(it) + 1
            values = (str(n), it.category, it.title, it.lead, "、".join(it.co), it.deadline_text)
            for c, value in enumerate(values):
                if c != 1 or r == 1 or page[r - 2].category != it.category:
                    table.cell(r, c).text = value
        _merge_categories(table, page)
        doc.add_paragraph("")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _merge_categories(table: object, page: list[Item]) -> None:
    start = 0
    for r in range(1, len(page) + 1):
        last = r == len(page) or page[r].category != page[start].category
        if last:
            if r - 1 > start:
                top = table.cell(start + 1, 1)  # type: ignore[attr-defined]
                bottom = table.cell(r, 1)  # type: ignore[attr-defined]
                text = top.text
                merged = top.merge(bottom)
                merged.text = text
            start = r


def annotated_text(seed: int = 7) -> str:
    """Running text: category headings, numbered measures, annotations of four kinds."""
    lines = [TITLE.replace("分解表", "实施方案"), INTRO]
    category = ""
    for n, it in enumerate(items(seed), 1):
        if it.category != category:
            category = it.category
            lines.append(category)
        co = "、".join(it.co)
        style = n % 4
        body = f"{n}.{it.title}。细化工作方案，明确节点目标"
        if style == 0:
            fields = [f"牵头单位：{it.lead}"]
            if co:
                fields.append(f"配合单位：{co}")
            fields.append(f"完成时限：{it.deadline_text}")
            lines.append(f"{body}。（{'；'.join(fields)}）")
        elif style == 1:
            tail = f"【牵头单位】{it.lead}" + (f"【配合单位】{co}" if co else "")
            lines.append(f"{body}。{tail}【完成时限】{it.deadline_text}")
        elif style == 2:
            helpers = f"，{co}等配合" if co else ""
            due = it.deadline_text + ("" if it.deadline_text.endswith("前") else "前")
            lines.append(f"{body}，{due}完成（{it.lead}牵头{helpers}）。")
        else:
            lines.append(f"{body}。")
            units = "、".join((it.lead, *it.co))
            lines.append(f"责任单位：{units}；完成时限：{it.deadline_text}")
    return "\n".join(lines) + "\n"


LEDGER_HEADER = ("序号", "领域", "工作任务", "责任单位", "协办单位", "时间节点", "进展情况")


def excel_ledger(seed: int = 7) -> bytes:
    """An office's ledger: a merged title row, a note row, the header on row 3,
    category cells merged down, and a progress column."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "重点任务台账"
    ws.append([TITLE.replace("分解表", "推进台账")])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LEDGER_HEADER))
    ws.append(["填报单位：市督查室", None, None, None, None, "更新日期：2025-03-01"])
    ws.append(list(LEDGER_HEADER))
    rows = items(seed)
    first = 4
    for n, it in enumerate(rows, 1):
        ws.append([n, it.category, it.title, it.lead, "，".join(it.co), it.deadline_text,
                   it.progress or None])  # fmt: skip
    start = first
    for r in range(first, first + len(rows) + 1):
        i = r - first
        if i == len(rows) or rows[i].category != rows[start - first].category:
            if r - 1 > start:
                ws.merge_cells(start_row=start, start_column=2, end_row=r - 1, end_column=2)
            start = r
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Score:
    tasks: int
    exact: int  # lead unit, co-units and deadline all as the document states them
    leaves: int
    junk: int  # leaves that are none of the document's tasks

    @property
    def exact_share(self) -> float:
        return self.exact / self.tasks if self.tasks else 0.0

    @property
    def junk_share(self) -> float:
        return self.junk / self.leaves if self.leaves else 0.0


def score(drafts: list[TaskDraft], expected: list[Item]) -> Score:
    """Each expected task is matched to the draft whose title starts with it; it is
    exact when that draft and every leaf under it carry its lead unit, co-units and
    deadline. A leaf under no matched task is junk."""
    children: dict[str | None, list[TaskDraft]] = {}
    for d in drafts:
        children.setdefault(d.parent, []).append(d)
    leaves = [d for d in drafts if d.code not in children]
    exact, covered, used = 0, set(), set()
    for it in expected:
        found = next((d for d in drafts if _names(d, it) and d.code not in used), None)
        if found is None:
            continue
        used.add(found.code)
        under = [found, *_leaves_under(found, children)]
        covered.update(d.code for d in under)
        want = (it.lead, it.co, it.deadline)
        exact += all((d.lead_unit, tuple(d.co_units), d.deadline) == want for d in under)
    junk = sum(1 for d in leaves if d.code not in covered)
    return Score(len(expected), exact, len(leaves), junk)


def _leaves_under(d: TaskDraft, children: dict[str | None, list[TaskDraft]]) -> list[TaskDraft]:
    out: list[TaskDraft] = []
    for k in children.get(d.code, []):
        out.extend(_leaves_under(k, children) if k.code in children else [k])
    return out


def _names(d: TaskDraft, it: Item) -> bool:
    title = d.title.lstrip("0123456789.、 ")
    return title.startswith(it.title)
