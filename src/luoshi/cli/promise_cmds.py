"""The stateless ``promises`` command: were last year's targets met?"""

from __future__ import annotations

import json
import sys

import click

from luoshi.cli.table import render
from luoshi.extract.promise_records import promise_record
from luoshi.extract.promises import Knowledge, Promise, PromiseCheck, check_promises
from luoshi.extract.verdict import VERDICT_LABELS, VERDICTS
from luoshi.text.sources import load_document

EXCERPT = 40
COMPARATOR_WORDS = {">": "超过", ">=": "不低于", "<=": "不超过", "~": "左右", "=": ""}


@click.command("promises")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option(
    "--jsonl", is_flag=True, help="每个目标输出一条 JSON 记录（见 eval/SPEC.md「Promise check」）。"
)
@click.option(
    "--year",
    type=int,
    help="目标所属年份（默认取 OLD 报告自身的年份）。",
)
@click.option(
    "--indicators",
    type=click.Path(dir_okay=False, exists=True),
    help="指标词表 TOML 文件（指标方向、口径词、同义词；默认用内置 indicators.toml）。",
)
def promises_cmd(old: str, new: str, jsonl: bool, year: int | None, indicators: str | None) -> None:
    """核对上年目标完成情况：OLD 报告为本年设定的目标，对照 NEW 报告对该年的回顾。

    Check the targets OLD sets for its own year against what NEW's review of
    that year states. Verdicts: 完成 met, 未完成 missed, 未报告 not_reported,
    口径不一 unclear (e.g. a whole-year target against a year-end figure).
    """
    check = check_promises(load_document(old), load_document(new), Knowledge.load(indicators), year)
    if jsonl:
        for p in check.promises:
            sys.stdout.write(json.dumps(promise_record(check, p), ensure_ascii=False) + "\n")
        return
    click.echo(promise_table(check))


def promise_table(check: PromiseCheck) -> str:
    """A table a clerk reads: indicator, target, actual, verdict, then both sentences."""
    counts = {v: sum(p.verdict == v for p in check.promises) for v in VERDICTS}
    summary = "，".join(f"{VERDICT_LABELS[v]} {n}" for v, n in counts.items() if n)
    title = (
        f"{check.old.doc.name} 的 {check.year} 年目标 {len(check.promises)} 项，"
        f"对照 {check.new.doc.name} 的回顾：{summary or '无'}"
    )
    rows = [_row(i, p) for i, p in enumerate(check.promises, 1)]
    header = ["#", "指标", "目标", "实绩", "结论"]
    parts = [title, render(header, rows, [4, 30, 18, 12, 10]), ""]
    for i, p in enumerate(check.promises, 1):
        parts.append(f"{i}. 目标原文：{_sentence(check, p, old=True)}")
        if p.actual is not None:
            parts.append(f"   实绩原文：{_sentence(check, p, old=False)}")
        if p.scope_note:
            parts.append(f"   口径：{p.scope_note}")
    return "\n".join(parts) + "\n"


def _row(i: int, p: Promise) -> list[str]:
    t = p.target
    target = f"{t.text}{COMPARATOR_WORDS.get(t.comparator, '')}"
    actual = p.actual.text if p.actual is not None else "—"
    if p.actual is not None and p.actual_value is not None and p.actual_value < 0 < p.actual.value:
        actual = f"{actual}（降）"
    return [str(i), t.indicator, target, actual, VERDICT_LABELS[p.verdict]]


def _sentence(check: PromiseCheck, p: Promise, old: bool) -> str:
    """The figure's sentence, cut to about ``EXCERPT`` characters each side, the figure in 【】."""
    x, q = (check.old, p.target) if old else (check.new, p.actual)
    assert q is not None
    raw, (lo, hi) = x.doc.raw, q.sentence
    a, b = max(lo, q.start - EXCERPT), min(hi, q.end + EXCERPT)
    text = f"{raw[a : q.start]}【{raw[q.start : q.end]}】{raw[q.end : b]}"
    text = " ".join(text.split())
    return f"{'…' if a > lo else ''}{text}{'…' if b < hi else ''}"


def register(group: click.Group) -> None:
    group.add_command(promises_cmd)
