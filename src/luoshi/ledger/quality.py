"""报送质量检查: flags on a progress report for its reviewer, each with a reason.

* near_copy     the narrative is a near-copy of the unit's previous one on the task;
* no_evidence   100% claimed without evidence (no link, no file);
* contradicts   a number in the narrative (read by the extractor) disagrees with the
                reported value or percent;
* backwards     progress lower than the unit's previous report on the task;
* beyond_target a value beyond the target, claimed without evidence.

``check`` is pure (facts in, flags out); ``report_flags`` reads the facts. The
thresholds and cue words are in data/quality.toml.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.extract.records import number
from luoshi.ledger.clock import local_day
from luoshi.ledger.models import NOT_COUNTED, Attachment, ProgressReport, Target
from luoshi.text.document import Document

FLAG_LABELS = {
    "near_copy": "与上次雷同",
    "no_evidence": "100%无佐证",
    "contradicts": "数字矛盾",
    "backwards": "进度倒退",
    "beyond_target": "超目标无佐证",
    "no_narrative": "未写进展情况",
    "negative": "数值为负",
}
# Flags that more often mean a slip of the keyboard than the truth: the reporter is
# shown them at once, wherever it reported from.
LIKELY_SLIPS = frozenset({"backwards", "contradicts", "negative"})
# Units whose values may well be below zero (a growth rate, a change in points).
SIGNED_UNITS = ("%", "个百分点", "百分点")


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str

    @property
    def label(self) -> str:
        return FLAG_LABELS.get(self.code, self.code)

    def record(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "reason": self.reason}


@dataclass(frozen=True)
class TargetFact:
    value: float
    unit: str
    comparator: str
    measure: str


@dataclass(frozen=True)
class ReportFact:
    id: int
    percent: float
    value: float | None
    narrative: str
    evidence: int  # links and files
    target: TargetFact | None = None
    submitted: date | None = None  # named when the report is cited as the previous one

    @property
    def cited(self) -> str:
        """How a flag names this report as the previous one: its day, for the reporter,
        and its number, for the reviewer."""
        return f"{self.submitted.isoformat()}，#{self.id}" if self.submitted else f"#{self.id}"


@dataclass(frozen=True)
class QualityRules:
    similarity: float = 0.9
    min_chars: int = 12
    full_percent: float = 100.0
    value_tolerance: float = 0.05
    percent_tolerance: float = 5.0
    percent_cues: tuple[str, ...] = ("完成", "进度", "目标", "任务", "工程", "建设")
    percent_drop: float = 0.0


def check(report: ReportFact, previous: ReportFact | None, rules: QualityRules) -> list[Flag]:
    """Every flag ``report`` earns; ``previous``: the unit's last counted report on the task."""
    flags: list[Flag] = []
    if previous is not None:
        flags += _near_copy(report, previous, rules) + _backwards(report, previous, rules)
    if report.percent >= rules.full_percent and report.evidence == 0:
        flags.append(Flag("no_evidence", f"填报完成 {number(report.percent)}%，但未附任何佐证材料"))
    flags += _contradictions(report, rules)
    if not report.narrative.strip():
        flags.append(Flag("no_narrative", "只填了数字，没有写进展情况（做了什么、下一步）"))
    if _negative(report):
        t = report.target
        assert t is not None and report.value is not None
        flags.append(Flag("negative", f"填报数值 {number(report.value)}{t.unit} 为负数，请核实"))
    if report.evidence == 0 and _beyond(report):
        t = report.target
        assert t is not None and report.value is not None
        flags.append(
            Flag(
                "beyond_target",
                f"填报数值 {number(report.value)}{t.unit} 超过目标 {number(t.value)}{t.unit}，"
                "但未附佐证材料",
            )
        )
    return flags


def _near_copy(r: ReportFact, prev: ReportFact, rules: QualityRules) -> list[Flag]:
    a, b = r.narrative.strip(), prev.narrative.strip()
    if min(len(a), len(b)) < rules.min_chars:
        return []
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    if ratio < rules.similarity:
        return []
    return [Flag("near_copy", f"进展情况与本单位上次报告（{prev.cited}）{ratio:.0%} 相同")]


def _backwards(r: ReportFact, prev: ReportFact, rules: QualityRules) -> list[Flag]:
    if r.percent < prev.percent - rules.percent_drop:
        return [
            Flag(
                "backwards",
                f"完成进度 {number(r.percent)}% 低于上次报告（{prev.cited}）的 "
                f"{number(prev.percent)}%",
            )
        ]
    t = r.target
    if (
        t is not None
        and t.measure == "level"
        and r.value is not None
        and prev.value is not None
        and r.value < prev.value
    ):
        return [
            Flag(
                "backwards",
                f"填报数值 {number(r.value)}{t.unit} 低于上次报告（{prev.cited}）的 "
                f"{number(prev.value)}{t.unit}",
            )
        ]
    return []


def _contradictions(r: ReportFact, rules: QualityRules) -> list[Flag]:
    if not r.narrative.strip():
        return []
    from luoshi.extract.pipeline import extract  # the rules load on first use

    found: list[Flag] = []
    for q in extract(Document.from_text("narrative.txt", r.narrative)).quantities:
        t = r.target
        if t is not None and r.value is not None and q.unit == t.unit and q.unit != "%":
            if abs(q.value - r.value) > rules.value_tolerance * max(abs(r.value), 1e-9):
                found.append(
                    Flag(
                        "contradicts",
                        f"进展情况写「{q.text}」，与填报数值 {number(r.value)}{t.unit} 不符",
                    )
                )
        elif (
            q.unit == "%"
            and q.measure == "level"
            and _completion(q.indicator, rules)
            and abs(q.value - r.percent) > rules.percent_tolerance
        ):
            found.append(
                Flag(
                    "contradicts",
                    f"进展情况写「{q.text}」，与填报的完成进度 {number(r.percent)}% 不符",
                )
            )
    return found


def _completion(indicator: str, rules: QualityRules) -> bool:
    return not indicator or any(cue in indicator for cue in rules.percent_cues)


def _negative(r: ReportFact) -> bool:
    """A count or amount below zero: a slip of the keyboard more often than a fact."""
    t = r.target
    return t is not None and r.value is not None and r.value < 0 and t.unit not in SIGNED_UNITS


def _beyond(r: ReportFact) -> bool:
    t = r.target
    if t is None or r.value is None or t.comparator not in (">", ">=", "=", "~"):
        return False
    return r.value > t.value


# -- rules and facts --


@cache
def load_rules() -> QualityRules:
    data = tomllib.loads(resources.files("luoshi.data").joinpath("quality.toml").read_text("utf-8"))
    return rules_from(data)


def rules_from(data: dict[str, Any]) -> QualityRules:
    d = QualityRules()
    nc, ev = data.get("near_copy", {}), data.get("evidence", {})
    nums, back = data.get("numbers", {}), data.get("backwards", {})
    return QualityRules(
        similarity=float(nc.get("similarity", d.similarity)),
        min_chars=int(nc.get("min_chars", d.min_chars)),
        full_percent=float(ev.get("full_percent", d.full_percent)),
        value_tolerance=float(nums.get("value_tolerance", d.value_tolerance)),
        percent_tolerance=float(nums.get("percent_tolerance", d.percent_tolerance)),
        percent_cues=tuple(nums.get("percent_cues", d.percent_cues)),
        percent_drop=float(back.get("percent_drop", d.percent_drop)),
    )


def report_flags(
    s: Session, report_ids: Iterable[int], rules: QualityRules | None = None
) -> dict[int, list[Flag]]:
    """The flags of each report, by id (reports with none are left out)."""
    rules = rules or load_rules()
    reports = list(s.scalars(select(ProgressReport).where(ProgressReport.id.in_(list(report_ids)))))
    if not reports:
        return {}
    files = _file_counts(s, [r.id for r in reports])
    targets = _targets(s, [r.target_id for r in reports if r.target_id is not None])
    out: dict[int, list[Flag]] = {}
    for r in reports:
        prev = _previous(s, r)
        fact = _fact(r, files, targets)
        prev_fact = _fact(prev, _file_counts(s, [prev.id]), targets) if prev else None
        flags = check(fact, prev_fact, rules)
        if flags:
            out[r.id] = flags
    return out


def _fact(r: ProgressReport, files: dict[int, int], targets: dict[int, TargetFact]) -> ReportFact:
    return ReportFact(
        r.id,
        r.percent,
        r.value,
        r.narrative or "",
        len([e for e in r.evidence or [] if e]) + files.get(r.id, 0),
        targets.get(r.target_id) if r.target_id is not None else None,
        local_day(r.submitted_at) if r.submitted_at else None,
    )


def _previous(s: Session, r: ProgressReport) -> ProgressReport | None:
    """The unit's last report on the task before ``r`` that still stands: not returned,
    nor replaced by a newer one (a correction is not a copy of what it corrects)."""
    q = (
        select(ProgressReport)
        .where(
            ProgressReport.task_id == r.task_id,
            ProgressReport.unit_id == r.unit_id,
            ProgressReport.id < r.id,
            ProgressReport.state.not_in(NOT_COUNTED),
        )
        .order_by(ProgressReport.id.desc())
        .limit(1)
    )
    return s.scalars(q).first()


def _file_counts(s: Session, report_ids: Sequence[int]) -> dict[int, int]:
    q = (
        select(Attachment.report_id, func.count())
        .where(Attachment.report_id.in_(report_ids))
        .group_by(Attachment.report_id)
    )
    return {rid: n for rid, n in s.execute(q) if rid is not None}


def _targets(s: Session, ids: Sequence[int]) -> dict[int, TargetFact]:
    q = select(Target).where(Target.id.in_(ids))
    return {t.id: TargetFact(t.value, t.unit, t.comparator, t.measure) for t in s.scalars(q)}
