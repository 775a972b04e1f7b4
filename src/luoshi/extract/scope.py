"""What is not a quantity: dates, ordinals, names and identifiers, section numbers.

Each rule returns a short reason so that excluded digit runs can be listed and
reviewed (``luoshi extract --explain``), the same way the gold files list theirs.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from luoshi.extract.measures import COUNTERS, is_time_unit
from luoshi.extract.numbers import Reading, is_cjk
from luoshi.text.lazy import lazy

_DATES = lazy(
    r"\d{4} ?[—\-~至到] ?\d{4} ?年"  # 2021—2025年
    r"|\d{4} ?年(?: ?\d{1,2} ?[—\-~至到] ?\d{1,2} ?月| ?\d{1,2} ?月(?: ?\d{1,2} ?[日号])?)?"
    r"|\d{1,2} ?[—\-~至到] ?\d{1,2} ?月"  # 1—8月份
    r"|\d{1,2} ?月(?: ?\d{1,2} ?[—\-~至到] ?\d{1,2} ?[日号]| ?\d{1,2} ?[日号])?"
    r"|\d{1,2} ?[日号](?![线楼院])"
    r"|\d{4}[\-./]\d{1,2}[\-./]\d{1,2}"  # 2024-09-30
    r"|\d{1,2}:\d{2}(?::\d{2})?"  # 00:08
)
_DATE_REACH = 14  # longest date prefix before a number: "2024 年 1 — 12 月"
# Quoted or bracketed short names: “871”生态工程, “1+3+4”, 《…2024…》.
_QUOTED = lazy(
    r"“[^“”\n]{1,24}”|\"[^\"\n]{1,24}\"|《[^《》\n]{1,40}》|「[^「」\n]{1,24}」|【[^【】\n]{1,24}】"
)
_LEAD = lazy(r"[ (]*")
_SECTION_NUMBER = lazy(r"(?:\d{1,3}|\(\d{1,3}\))(?=[.、)]|$)")
# A number of years (or an age) is a quantity when it is an amount reached or
# changed (平均受教育年限提高到11.7年, 延长30年, 寿命提高1岁); a stretch of time a
# thing lasts (历时12年, 连续3年, 为期5年, 用3年时间) is not.
_DURATION_CUE = lazy(
    r"(?:延长|缩短|压缩|提前|提高到|提高至|提高|提升到|提升至|提升|增加到|增加|达到|达|满|期限|超过|再"
    r"|年限|寿命|年龄)\s?$"
)
_LASTING = lazy(r"(?:连续|历时|长达|为期|用了?|花了?|经过|持续|近|前|后|每)\s?$")
_LABEL_FOLLOW_OK = lazy(r"(?:以上|以内|以下|左右|之内|内|的|、|和|及|或)")

# Characters that end a verb, an adverb or a function word: a quantity after
# one of them starts a phrase of its own. After any other Chinese character a
# measured amount is part of a name (中石化南港120万吨乙烯).
_OPENERS = set(
    "建成设立育选施出放造增加进入引现到达破过超约近共计为有至于在完开办动实推提升改扩新投产"
    "收售训助扶捐赠落创获评批整转移置发修复治理护障植种养招聘吸纳务盘活拓展用减降少占比是均"
    "各等和及与或了将把让使给向从由对按以其逾仅只再又也都还就亦累"
)


@dataclass(frozen=True)
class Context:
    """Precomputed per-document lookups the scope rules need."""

    folded: str
    quoted_spans: list[tuple[int, int]]
    paragraph_starts: list[int]

    @classmethod
    def of(cls, folded: str, paragraph_starts: list[int]) -> Context:
        return cls(folded, [m.span() for m in _QUOTED.finditer(folded)], paragraph_starts)

    def in_date(self, start: int, end: int) -> bool:
        """Whether a date or time expression covers any of ``[start, end)``.

        Dates are short, so only a window around the number is searched.
        """
        for m in _DATES.finditer(self.folded, max(0, start - _DATE_REACH), end + _DATE_REACH):
            if m.start() < end and start < m.end():
                return True
        return False


def exclusion(ctx: Context, r: Reading) -> str | None:
    """Why ``r`` is not a quantity, or None when it is one."""
    f = ctx.folded
    before = f[r.start - 1] if r.start else ""
    after_digits = f[r.digits_end] if r.digits_end < len(f) else ""
    for rule in _RULES:
        reason = rule(ctx, r, before, after_digits)
        if reason:
            return reason
    return None


def _date(ctx: Context, r: Reading, before: str, after: str) -> str | None:
    if ctx.in_date(r.start, r.digits_end):
        return "date"
    if r.unit == "年" and r.value >= 1000:
        return "date"
    return None


def _ordinal(ctx: Context, r: Reading, before: str, after: str) -> str | None:
    if before == "第" or (before == "前" and r.unit in ("名", "位")):
        return "ordinal"
    return None


def _identifier(ctx: Context, r: Reading, before: str, after: str) -> str | None:
    if before.isascii() and before.isalpha():
        return "name (letters before digits)"
    if after.isascii() and after.isalpha() and not r.unit.isascii():
        return "name (letters after digits)"
    if "+" in (before, after) or (before and before in "@#/_"):
        return "identifier"
    if _overlaps_any(ctx.quoted_spans, r.start, r.end):
        return "name (quoted)"
    return None


def _section_number(ctx: Context, r: Reading, before: str, after: str) -> str | None:
    i = bisect_right(ctx.paragraph_starts, r.start) - 1
    # Only spaces and an opening bracket between the paragraph's start and the number
    # (matched in place: copying the paragraph up to every number is quadratic).
    at_start = i >= 0 and _LEAD.fullmatch(ctx.folded, ctx.paragraph_starts[i], r.start) is not None
    if at_start and _SECTION_NUMBER.match(ctx.folded, r.start - (before == "(")):
        return "section number"
    return None


def _starts_cjk(text: str) -> bool:
    """Whether ``text`` opens with a Chinese character (compared, not matched: see
    ``numbers.is_cjk``)."""
    return bool(text) and is_cjk(text[0])


def _time_label(ctx: Context, r: Reading, before: str, after: str) -> str | None:
    """15分钟生活圈, 24小时: a span of time used as a label; 延长30年 is a quantity."""
    if not is_time_unit(r.unit):
        return None
    if r.unit in ("年", "岁"):
        head = ctx.folded[max(0, r.start - 4) : r.start]
        if _LASTING.search(head):
            return "duration (how long something lasts)"
        return None if _DURATION_CUE.search(head) else "duration (no measuring verb)"
    nxt = ctx.folded[r.end : r.end + 2]
    if _starts_cjk(nxt) and not _LABEL_FOLLOW_OK.match(nxt):
        return "name (time span as a label)"
    return None


def _embedded_name(ctx: Context, r: Reading, before: str, after: str) -> str | None:
    """A measured amount inside a project's name: 南港120万吨乙烯."""
    if (
        r.unit in COUNTERS
        or r.unit in ("%", "百分点", "元", "美元", "", "个")
        or "/" in r.unit  # a rate (元/吨) is never part of a name
        or is_time_unit(r.unit)
    ):
        return None
    nxt = ctx.folded[r.end] if r.end < len(ctx.folded) else ""
    if (
        _starts_cjk(before)
        and before not in _OPENERS
        and _starts_cjk(nxt)
        and nxt not in "的以等和及或与、余多"
    ):
        return "name (amount inside a project name)"
    return None


_RULES = (_date, _ordinal, _identifier, _section_number, _time_label, _embedded_name)


def _overlaps_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Spans are sorted and disjoint; check the one that could contain ``start``."""
    i = bisect_right(spans, (start, 1 << 62)) - 1
    for j in (i, i + 1):
        if 0 <= j < len(spans) and spans[j][0] < end and start < spans[j][1]:
            return True
    return False
