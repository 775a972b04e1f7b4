"""提醒的时间表: which reminders are due on a day, from facts read in the ledger.

Pure functions: ``due_messages(facts, schedule, day)`` says who gets what, one
message per unit, kind and plan (a digest naming every task concerned); the
rules come from ``data/reminders.toml`` (or LUOSHI_REMINDERS_FILE). Escalation:
提醒 (1) → 催办 (2) → 督办函 (3, a Word letter goes with it) → 通报 (4, the office and
leaders are told too).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from luoshi.errors import InputError

KIND_LABELS = {
    "deadline": "到期提醒",
    "overdue": "逾期督办",
    "round": "填报提醒",
    "returned": "退回未重报",
    "stalled": "停滞提醒",
    "unsigned": "签收提醒",
    "chase": "催办",
    "bulletin": "通报",
    "notice": "消息",
}
LEVEL_NAMES = {1: "提醒", 2: "催办", 3: "督办函", 4: "通报"}
LETTER_LEVEL = 3
BULLETIN_LEVEL = 4
OFFICE = None  # the unit_id of a message to the supervision office


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    after_days: int


@dataclass(frozen=True)
class Schedule:
    """The reminder rules (see data/reminders.toml for what each means)."""

    deadline_days_before: tuple[int, ...] = (7, 3, 1)
    round_days_before: tuple[int, ...] = (3, 1)
    round_on_due_day: bool = True
    round_after_due_every_days: int = 2
    returned_after_days: tuple[int, ...] = (2, 5)
    stalled_weekdays: tuple[int, ...] = (1,)
    unsigned_after_days: int = 3
    unsigned_every_days: int = 3
    overdue_levels: tuple[Level, ...] = (
        Level(1, "提醒", 1),
        Level(2, "催办", 3),
        Level(3, "督办函", 7),
        Level(4, "通报", 15),
    )
    overdue_repeat_days: int = 7


@dataclass(frozen=True)
class TaskFact:
    """A leaf task as the schedule needs it (lead unit, deadline, state)."""

    id: int
    code: str
    title: str
    plan_id: int
    unit_id: int | None
    deadline: date | None
    done: bool
    stalled: bool = False
    signed: bool = True
    assigned_on: date | None = None


@dataclass(frozen=True)
class RoundFact:
    """An open round: its due date and, by unit, the tasks still owed."""

    id: int
    plan_id: int
    period: str
    due: date | None
    pending: dict[int, list[TaskFact]] = field(default_factory=dict)


@dataclass(frozen=True)
class ReturnedFact:
    """A returned report its unit has not followed with another report on the task."""

    report_id: int
    task: TaskFact
    unit_id: int
    returned_on: date
    reason: str | None


@dataclass(frozen=True)
class Facts:
    tasks: Sequence[TaskFact] = ()
    rounds: Sequence[RoundFact] = ()
    returned: Sequence[ReturnedFact] = ()


@dataclass(frozen=True)
class Line:
    task_id: int
    code: str
    title: str
    detail: str


@dataclass
class Due:
    """One message due: a kind for a unit (None: the office) in a plan, naming tasks."""

    kind: str
    unit_id: int | None
    plan_id: int
    ref: str
    level: int = 1
    lines: list[Line] = field(default_factory=list)
    heading: str = ""

    @property
    def task_ids(self) -> list[int]:
        return [x.task_id for x in self.lines]


def due_messages(facts: Facts, rules: Schedule, day: date) -> list[Due]:
    """Every message due on ``day``, in a stable order."""
    out: dict[tuple[str, int | None, str], Due] = {}

    def add(kind: str, unit: int | None, plan: int, ref: str, line: Line, level: int = 1) -> None:
        due = out.setdefault((kind, unit, ref), Due(kind, unit, plan, ref))
        due.level = max(due.level, level)
        due.lines.append(line)

    for t in facts.tasks:
        if t.done or t.unit_id is None:
            continue
        ref = f"plan:{t.plan_id}"
        for kind, level, detail in _task_reminders(t, rules, day):
            add(kind, t.unit_id, t.plan_id, ref, _line(t, detail), level)
            if kind == "overdue" and level >= BULLETIN_LEVEL:
                add("bulletin", OFFICE, t.plan_id, ref, _line(t, detail), level)
    for r in facts.rounds:
        round_level = _round_level(r, rules, day)
        if round_level is None:
            continue
        for unit_id, tasks in r.pending.items():
            for t in tasks:
                add(
                    "round",
                    unit_id,
                    r.plan_id,
                    f"round:{r.id}",
                    _line(t, f"{r.period} 未报"),
                    round_level,
                )
    for ret in facts.returned:
        days = (day - ret.returned_on).days
        if days in rules.returned_after_days:
            detail = f"退回 {days} 天未重报" + (f"（{ret.reason}）" if ret.reason else "")
            add(
                "returned",
                ret.unit_id,
                ret.task.plan_id,
                f"plan:{ret.task.plan_id}",
                _line(ret.task, detail),
            )
    return sorted(out.values(), key=lambda d: (d.kind, d.unit_id or 0, d.ref))


def _line(t: TaskFact, detail: str) -> Line:
    return Line(t.id, t.code, t.title, detail)


def _task_reminders(t: TaskFact, rules: Schedule, day: date) -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []
    if t.deadline is not None:
        left = (t.deadline - day).days
        if left in rules.deadline_days_before:
            found.append(("deadline", 1, f"还剩 {left} 天（{t.deadline.isoformat()} 到期）"))
        level = overdue_level(-left, rules)
        if level is not None:
            name = LEVEL_NAMES.get(level, str(level))
            found.append(("overdue", level, f"逾期 {-left} 天（{name}）"))
    if t.stalled and day.isoweekday() in rules.stalled_weekdays:
        found.append(("stalled", 2, "连续未报，已停滞"))
    if not t.signed and t.assigned_on is not None:
        waited = (day - t.assigned_on).days - rules.unsigned_after_days
        if waited >= 0 and waited % max(rules.unsigned_every_days, 1) == 0:
            found.append(("unsigned", 1, f"交办 {(day - t.assigned_on).days} 天未签收"))
    return found


def overdue_level(days_over: int, rules: Schedule) -> int | None:
    """The level to send at ``days_over`` days past the deadline, on the days one is due:
    the day each level starts, then every ``repeat_days`` after the last one."""
    if days_over <= 0 or not rules.overdue_levels:
        return None
    for lv in rules.overdue_levels:
        if days_over == lv.after_days:
            return lv.level
    last = max(rules.overdue_levels, key=lambda lv: lv.after_days)
    past = days_over - last.after_days
    if past > 0 and rules.overdue_repeat_days > 0 and past % rules.overdue_repeat_days == 0:
        return last.level
    return None


def current_overdue_level(days_over: int, rules: Schedule) -> int:
    """The level a task ``days_over`` days late has reached (0 when not late)."""
    reached = [lv.level for lv in rules.overdue_levels if days_over >= lv.after_days]
    return max(reached, default=0)


def _round_level(r: RoundFact, rules: Schedule, day: date) -> int | None:
    if r.due is None:
        return None
    left = (r.due - day).days
    if left in rules.round_days_before or (left == 0 and rules.round_on_due_day):
        return 1
    every = rules.round_after_due_every_days
    if left < 0 and every > 0 and (-left) % every == 0:
        return 2
    return None


# -- the words of a message --


def subject_of(due: Due, unit: str, plan: str) -> str:
    label = KIND_LABELS.get(due.kind, due.kind)
    level = f"·{LEVEL_NAMES[due.level]}" if due.kind in ("overdue", "round") else ""
    who = unit if due.unit_id is not None else "督查室"
    return f"【{label}{level}】{who}：计划 {plan} 有 {len(due.lines)} 项任务需办理"


def body_of(due: Due, unit: str, plan: str, link: str = "") -> str:
    intro = {
        "deadline": "以下任务即将到期，请按时完成并填报进度：",
        "overdue": "以下任务已超过完成时限，请抓紧办理，确需延期的请提交延期申请：",
        "round": "以下任务在本轮调度中尚未填报，请在截止日期前填报：",
        "returned": "以下进度报告已被退回，请修改后重新填报：",
        "stalled": "以下任务已连续多轮未填报，请尽快填报进度：",
        "unsigned": "以下任务已交办但尚未签收，请及时签收：",
        "chase": "督查室催办：以下任务尚未填报，请尽快填报：",
        "bulletin": "以下任务逾期已达通报程度，请督查室阅知：",
    }.get(due.kind, "")
    lines = [f"{unit}：" if due.unit_id is not None else "督查室：", intro]
    if due.heading:
        lines.append(due.heading)
    lines += [f"  {x.code} {x.title}（{x.detail}）" for x in due.lines]
    if link:
        lines.append(f"办理入口：{link}")
    lines.append(f"（计划 {plan}；落实 Luoshi 自动发送）")
    return "\n".join(lines)


# -- the rules file --


def load_schedule(path: str | Path | None = None, unsigned_after_days: int = 3) -> Schedule:
    """The schedule of ``path`` (the shipped data/reminders.toml when None)."""
    try:
        if path is None:
            text = resources.files("luoshi.data").joinpath("reminders.toml").read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text)
        return _schedule(data, unsigned_after_days)
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as e:
        raise InputError(f"提醒规则文件 {path or '(内置)'} 无法读取：{e}") from None


def _days(data: dict[str, Any], key: str) -> tuple[int, ...]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, int) and v >= 0 for v in values):
        raise ValueError(f"{key} 应为非负整数列表")
    return tuple(values)


def _schedule(data: dict[str, Any], unsigned_after_days: int) -> Schedule:
    rnd, ovd = data.get("round", {}), data.get("overdue", {})
    levels = tuple(
        Level(int(lv["level"]), str(lv["name"]), int(lv["after_days"]))
        for lv in ovd.get("levels", [])
    )
    return Schedule(
        deadline_days_before=_days(data.get("deadline", {}), "days_before"),
        round_days_before=_days(rnd, "days_before"),
        round_on_due_day=bool(rnd.get("on_due_day", True)),
        round_after_due_every_days=int(rnd.get("after_due_every_days", 0)),
        returned_after_days=_days(data.get("returned", {}), "after_days"),
        stalled_weekdays=_days(data.get("stalled", {}), "weekdays"),
        unsigned_after_days=unsigned_after_days,
        unsigned_every_days=int(data.get("unsigned", {}).get("every_days", 3)),
        overdue_levels=levels,
        overdue_repeat_days=int(ovd.get("repeat_days", 0)),
    )
