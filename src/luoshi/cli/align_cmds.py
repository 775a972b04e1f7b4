"""The stateless ``align`` command: which upper-level task does each task of a file answer?"""

from __future__ import annotations

import json
import sys

import click

from luoshi.cli.table import render
from luoshi.extract.align import (
    Alignment,
    AlignParams,
    aligner_for,
    alignment_record,
    unit_indicators,
)
from luoshi.extract.align_lexicon import load_lexicon
from luoshi.extract.align_units import child_units
from luoshi.extract.pipeline import extract
from luoshi.text.sources import load_document

LEVEL_LABELS = {2: "部分", 3: "任务", 4: "举措"}


@click.command("align")
@click.argument("child_file", type=click.Path(dir_okay=False))
@click.argument("parent_file", type=click.Path(dir_okay=False))
@click.option(
    "--jsonl", is_flag=True, help="每个下级任务输出一条 JSON 记录（见 eval/SPEC.md「Alignment」）。"
)
@click.option(
    "--lexicon",
    type=click.Path(dir_okay=False),
    envvar="LUOSHI_ALIGN_LEXICON",
    help="对接词表（TOML，默认内置 luoshi/data/align.toml；也可设 LUOSHI_ALIGN_LEXICON）。",
)
@click.option(
    "--baseline",
    is_flag=True,
    hidden=True,
    help="只用字符二元组 TF-IDF（对比用的基线）。",
)
def align_cmd(
    child_file: str, parent_file: str, jsonl: bool, lexicon: str | None, baseline: bool
) -> None:
    """对接：列出下级文件每项任务所落实的上级任务。Align CHILD_FILE's tasks with PARENT_FILE.

    每项下级任务（部分、任务标题和举措句）最多列出三个上级标题，按得分从高到低，
    并给出理由（共同的指标和词语）；上级没有对应任务时列表为空。

    For each task of CHILD_FILE, the headings of PARENT_FILE it implements, best first,
    with a score and the reason; an empty list when it answers nothing upstream.
    """
    child = extract(load_document(child_file))
    parent = extract(load_document(parent_file))
    params = AlignParams(baseline=True, abstain=0.0, evidence=0.0) if baseline else None
    words = load_lexicon(lexicon)
    aligner = aligner_for(parent, words, params)
    if not aligner.candidates:
        click.echo(f"提示：{parent_file} 中没有可作上级任务的标题（只读部署部分的标题）", err=True)
    assert child.outline is not None
    units = child_units(child.outline)
    if not units:
        click.echo(f"提示：{child_file} 中没有找到任务（部署部分的标题或举措句）", err=True)
    found = aligner.align(child.doc.raw, units, unit_indicators(child, units))
    if jsonl:
        out = sys.stdout
        for a in found:
            rec = alignment_record(child.doc.name, parent.doc.name, a)
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return
    click.echo(_table(child.doc.name, parent.doc.name, found))


def _table(child: str, parent: str, found: list[Alignment]) -> str:
    rows = []
    for a in found:
        first = a.parents[0] if a.parents else None
        rows.append(
            [
                str(a.child.start),
                LEVEL_LABELS.get(a.child.level, str(a.child.level)),
                a.child.text,
                f"{first.unit.text}（{first.score:.2f}）" if first else "（上级无对应任务）",
                "；".join(f"{m.unit.text}（{m.score:.2f}）" for m in a.parents[1:]),
                "、".join(
                    [*(first.indicators if first else ()), *(first.words[:4] if first else ())]
                ),
            ]
        )
    linked = sum(1 for a in found if a.parents)
    title = f"{child} → {parent}：{len(found)} 项任务，{linked} 项找到上级任务"
    header = ["位置", "类别", "下级任务", "上级任务（得分）", "其他候选", "理由"]
    return title + "\n" + render(header, rows, [7, 4, 30, 30, 36, 24]) + "\n"


def register(group: click.Group) -> None:
    group.add_command(align_cmd)
