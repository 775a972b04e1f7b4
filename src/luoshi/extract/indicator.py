"""The indicator: the shortest noun phrase naming what a quantity measures.

Chinese states a measured amount in one of two orders, and we try both:

* noun first: ``集装箱吞吐量突破2300万标准箱`` — the words before the number,
  minus the verb and comparator in between and any leading scope or verb;
* number first: ``新建100家智能工厂和数字化车间`` — the words after the unit.

The search is confined to the quantity's *segment*: its clause, cut at the
neighbouring quantities, so that in ``燃气管网623公里、供热管网150公里`` each
number gets its own noun. A segment with no noun of its own (``增长5.5%``)
borrows the indicator of the previous quantity in the same sentence.
"""

from __future__ import annotations

import re

from luoshi.extract.lexicon import (
    ADVERBS,
    AFTER_NOUN_STOPS,
    CHANGE_VERBS,
    NEUTRAL_VERBS,
    SCOPE_WORDS,
    STOCK_VERBS,
    alternation,
)
from luoshi.extract.numbers import is_cjk
from luoshi.text.lazy import lazy

# Comparators, connectives and time words that sit between a noun and its number.
TRAILING_WORDS = """
超出 超 逾 约为 约 接近 将近 近 为 是 至 到 增长 增加 提高 提升 下降 降低 减少 缩短 压缩 压减 不少于
不低于 不超过 至少 均 各 共 新增 实现 完成 比上年 比去年 同比 较上月 较上年 年均 平均 全年 预计 将
逐步 每年 每家 每人 每个 单个 最高 最低 最多 一次性 已 已经 的 从 由 不到 不足 分别 再
""".split()

# Leading words to drop: scope, manner and the governing verb. Single
# characters are left out on purpose: 新, 共, 各, 和 too often begin a noun
# (新型农业经营主体, 共青团, 各类人才, 和平区).
# A leading time expression is context, not part of what is measured.
_TIME = (
    r"(?:到|至|在|于)?(?:19|20)\d\d\s?年(?:底|末|前)?|“?十[二三四五]五”?(?:时期|期间|以来)?|"
    r"上半年|下半年|前三季度|[一二三四]季度|\d{1,2}\s?[—\-~至到]\s?\d{1,2}\s?月份?|"
    r"\d{1,2}\s?月(?:份|底|末)?(?:前)?|汛前|年底前|年内"
)
_TIME_ONLY = lazy(rf"(?:{_TIME})+")
# One leading token: a time, a scope word, an adverb, or a verb (with an
# auxiliary before it or 了 after it: 将新开工, 再新增, 推出了). 新 before any
# verb is one token with it (新招聘), so that a listed 新招 does not cut 招聘.
_LEAD_TOKEN = lazy(
    rf"(?:{_TIME}|{alternation(SCOPE_WORDS)}|"
    rf"[将再又还并也]?新?(?:{alternation(ADVERBS + CHANGE_VERBS + NEUTRAL_VERBS)})了?)"
)
# A comparison between the noun and its number (比2020年, 高于全国, 较上年末).
_COMPARISON = (
    r"(?:比|较|高于|低于|快于|慢于|好于|优于)"
    r"(?:(?:19|20)\d\d\s?年(?:末|底|同期)?|上年(?:末|底|同期)?|去年(?:同期)?|全国|全省|全市"
    r"|平均水平|同期|年初)+"
)
_TRAIL = lazy(rf"(?:{alternation(STOCK_VERBS + ADVERBS + TRAILING_WORDS)}|{_COMPARISON})+$")
_RIGHT_LEAD = lazy(r"(?:以上|以内|以下|左右|上下|之内|余|多)?(?:的)?")
# Where the noun after a number ends: the verb or adverb that follows it.
# A digit after the noun starts a time or another figure (10个项目6月底前开工).
_RIGHT_STOP = lazy(rf"{alternation(AFTER_NOUN_STOPS)}|[,;:。\d]")
_APPROX_AFTER = lazy(r"(?:以上|以内|以下|左右|上下|之内|余|多)")
_VERB_NEXT = lazy(
    rf"(?:{alternation(STOCK_VERBS)}|增加|提高|提升|下降|降低|减少|增长|缩短|扩大|压减|压缩)"
)
_RIGHT_TRAIL = lazy(r"(?:(?<=..)(?:建设|扶持|改造|整治)任务|改造提升|提升改造|之一|和|及|与|等)+$")
# Words that name an aspect of the previous quantity's indicator, not a thing.
_RATIO_WORDS = (
    *("占比", "比重", "增速", "增幅", "涨幅", "比例", "总数", "总量", "总额", "规模"),
    *("总长", "全长", "总面积", "长度", "面积"),
)
_NOT_A_NOUN_START = set("以左余多等和及与或之上内的为是将在于")
_RATE_SUFFIX = lazy(r"(?:增速|增幅|涨幅|增长率|增长)$")
_PUNCT_EDGES = " \t,;:、。()“”\"'《》"
_PAIRS = {"“": "”", "(": ")", "《": "》"}
_OPENERS = {v: k for k, v in _PAIRS.items()}


def indicator_of(
    folded: str,
    raw: str,
    span: tuple[int, int],
    segment: tuple[int, int],
    previous: str | None,
    growth_rate: bool,
) -> str:
    """The indicator for the quantity at ``span`` inside ``segment``.

    A number followed directly by a noun counts that noun (number-first order);
    otherwise the noun before the number is what it measures. ``growth_rate``
    drops 增速/增幅/涨幅 from the noun: the measure field already says so.
    """
    start, end = span
    # 新建5个以上产业园区: the noun follows 以上/左右/余.
    lead = _APPROX_AFTER.match(folded, end, segment[1])
    after = lead.end() if lead is not None and lead.end() > end else end
    nxt = folded[after] if after < segment[1] else ""
    rate = folded[end - 1] == "%" or folded.endswith("百分点", 0, end)
    number_first = (
        bool(nxt)
        and not rate
        and nxt not in _NOT_A_NOUN_START
        and (is_cjk(nxt) or nxt in "“《" or (nxt.isascii() and nxt.isalnum()))
    )
    sides = (_trim_right, _trim_left) if number_first else (_trim_left, _trim_right)
    for side in sides:
        found = side(folded, *((segment[0], start) if side is _trim_left else (end, segment[1])))
        if found is None:
            continue
        text = raw[found[0] : found[1]]
        if growth_rate:
            text = _RATE_SUFFIX.sub("", text) or text
        if text in _RATIO_WORDS and previous:
            return previous + text
        return text
    return previous or ""


def _trim_left(folded: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The noun before the number: drop trailing verbs/comparators, leading scope/verbs."""
    text = folded[lo:hi].rstrip()
    if text.endswith("等"):
        return None  # "荣程钢铁等3家企业": examples, the noun follows the number
    m = _TRAIL.search(text)
    begin, cut = _strip_edges(text, 0, m.start() if m else len(text))
    begin, cut = _strip_edges(text, _skip_lead(text, begin, cut), cut)
    if cut - begin < 2 or _TIME_ONLY.fullmatch(text, begin, cut):
        return None
    return lo + begin, lo + cut


def _skip_lead(text: str, begin: int, cut: int) -> int:
    """Skip leading tokens while at least two characters of noun remain
    (开工率 keeps its 开工: stripping would leave 率 alone)."""
    while (m := _LEAD_TOKEN.match(text, begin, cut)) and cut - m.end() >= 2:
        begin = m.end()
        while begin < cut and text[begin] in _PUNCT_EDGES and text[begin] not in _PAIRS:
            begin += 1
    return begin


def _trim_right(folded: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The noun after the number, up to the verb that follows it."""
    text = folded[lo:hi]
    lead = _RIGHT_LEAD.match(text)
    begin = lead.end() if lead else 0
    if _VERB_NEXT.match(text, begin):
        return None  # a verb follows the number: the noun is before it
    stop = _RIGHT_STOP.search(text, begin)
    cut = stop.start() if stop and stop.start() - begin >= 2 else len(text)
    m = _RIGHT_TRAIL.search(text, begin, cut)
    if m is not None and m.start() - begin >= 2:
        cut = m.start()
    begin, cut = _strip_edges(text, begin, cut)
    if cut - begin < 2:
        return None
    return lo + begin, lo + cut


def _strip_edges(text: str, begin: int, end: int) -> tuple[int, int]:
    """Trim punctuation at both ends, keeping quotes and brackets that are balanced."""
    while begin < end and text[begin] in _PUNCT_EDGES:
        closer = _PAIRS.get(text[begin])
        if closer and closer in text[begin + 1 : end]:
            break
        begin += 1
    while end > begin and text[end - 1] in _PUNCT_EDGES:
        opener = _OPENERS.get(text[end - 1])
        if opener and opener in text[begin : end - 1]:
            break
        end -= 1
    return begin, end


def segment_of(clause: tuple[int, int], neighbours: tuple[int, int]) -> tuple[int, int]:
    """The stretch of the clause that belongs to this quantity alone.

    ``neighbours`` are the end of the previous quantity and the start of the
    next one (or the clause edges): in 燃气管网623公里、供热管网150公里 each
    number sees only its own noun.
    """
    return max(clause[0], neighbours[0]), min(clause[1], neighbours[1])


def trim_lead(folded: str, lo: int, hi: int) -> int:
    """Position after any leading time, scope words, adverbs and verbs in ``[lo, hi)``."""
    return lo + _skip_lead(folded[lo:hi], 0, hi - lo)


def split_subjects(folded: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Items of a 、-list such as 全社会用电量、公路货物周转量、邮电业务总量."""
    items: list[tuple[int, int]] = []
    pos = lo
    for m in re.finditer(r"、", folded[lo:hi]):
        items.append((pos, lo + m.start()))
        pos = lo + m.end()
    items.append((pos, hi))
    return items
