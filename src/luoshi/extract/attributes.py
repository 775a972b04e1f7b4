"""Comparator, measure and kind of a quantity, from the words around it.

All rules look at the folded text of the quantity's clause (comparators,
measures) or sentence (kind) and pick the cue nearest to the number, because
Chinese puts the governing verb right before the amount ("累计建成…7.2万个",
"力争…突破20家").
"""

from __future__ import annotations

from typing import Literal

from luoshi.extract.cues import Cues
from luoshi.extract.lexicon import (
    CHANGE_VERBS,
    FIVE_YEAR_NAMES,
    FIVE_YEAR_PERIODS,
    NEUTRAL_VERBS,
    STOCK_NOUNS,
    STOCK_VERBS,
    word_pattern,
)
from luoshi.extract.numbers import Reading
from luoshi.text.lazy import Pattern, lazy
from luoshi.text.stance import Stance

Kind = Literal["target", "actual"]
Measure = Literal["growth", "change", "level"]

# --- comparator ---------------------------------------------------------------

_PREFIX_COMPARATORS: tuple[tuple[Pattern, str], ...] = (
    (lazy(r"(?:不少于|不低于|至少|不小于|不下于)$"), ">="),
    (lazy(r"(?:不超过|不高于|不大于|控制在|低于|少于|小于)$"), "<="),
    (lazy(r"(?:突破|超过|超出|多于|高于|大于|逾|超)$"), ">"),
    (lazy(r"(?:大约|约为|约|接近|将近|近)$"), "~"),
)
_SUFFIX_COMPARATORS: tuple[tuple[Pattern, str], ...] = (
    (lazy(r"^(?:以上|及以上|之上)"), ">="),
    (lazy(r"^(?:以内|以下|之内|及以下)"), "<="),
    (lazy(r"^(?:左右|上下)"), "~"),
)


def own_comparator(folded: str, r: Reading, clause_start: int) -> tuple[str | None, str | None]:
    """(prefix comparator, suffix comparator) written next to this quantity."""
    left = folded[max(clause_start, r.start - 6) : r.start].rstrip()
    right = folded[r.end : r.end + 4]
    prefix = next((c for p, c in _PREFIX_COMPARATORS if p.search(left)), None)
    suffix = next((c for p, c in _SUFFIX_COMPARATORS if p.search(right)), None)
    if suffix is None and r.approx_more:
        suffix = ">"
    return prefix, suffix


def combine_comparator(prefix: str | None, suffix: str | None) -> str:
    """The suffix (以上/左右/余) is the more specific statement when both are present."""
    return suffix or prefix or "="


# --- measure -------------------------------------------------------------------

# 增加值 is a noun (value added), not the verb 增加.
_GROWTH = lazy(
    r"增长(?!到|至)|增速|增幅|涨幅|下降|降低|回落|上涨|下跌|增加(?!值|到|至)|减少|提高(?!到|至)|"
    r"缩短(?!到|至)|压缩(?!到|至)|压减(?!到|至)|"
    r"提升(?!到|至)|年均增|同比|环比|涨|降"
)
# A percentage reached (提高到3%, 达到60%) is a level even after a growth word.
_PERCENT_REACHED = lazy(r"(?:到|至|达到|达|为|在)(?:突破|超过)?\s*$")
_RATIO = lazy(r"率|比重|占比|比例|占|份额|覆盖|达标|程度|水平|指数|贡献")
_STOCK = word_pattern(STOCK_VERBS)
# A stock noun (总额, 余额) before the number makes it a level unless a change
# verb governs the phrase (新增社会融资规模 is still an addition).
_STOCK_NOUN = word_pattern(STOCK_NOUNS)
_CHANGE_BEFORE = word_pattern(CHANGE_VERBS)
# Verbs that state how many things there are, not how many were added: when one
# of these governs the number (提出16项, 形成4个, 明确6个方面), it is a level.
_NEUTRAL = word_pattern(NEUTRAL_VERBS)
_WEAK_CHANGE = lazy(r"(?:完成|实现)$")
_CUMULATIVE = lazy("累计")
# Text between the previous quantity and this one that is read as its own words;
# beyond this the quantity has no words of its own (a list's item is short).
_OWN_MAX = 200
_REACH_WINDOW = 16
_AGGREGATE = lazy(
    r"总值|收入|总额|产值|规模|增加值|销售额|成交额|投资|利润|税收|进出口|吞吐量|产量|客流量|营业额|交易额"
)
# Number first, verb after (210项关键核心技术获得突破, 52个贫困县全部摘帽).
_CHANGE_AFTER = lazy(
    r"[^,;。]{0,16}?(?:获批|获评|落户|布局|入选|建成|投产|开工|落地|签约|新设|通过|实现|进行|整顿|完成"
    r"|获得突破|取得突破|摘帽|竣工|完工|投用|上线|消除|解决|改造|脱贫|出台|办结)"
)


def measure_of(cues: Cues, r: Reading, clause: tuple[int, int], own_from: int) -> Measure:
    """Growth, change or level. ``own_from`` is where this quantity's own words
    begin (after the previous quantity of the clause): in 实施项目80个、总投资500亿元
    the second figure names its own stock (总投资) and is a level, while the verb
    of a list (新增A企业20家、B企业500家) still governs every item."""
    f, lo = cues.folded, clause[0]
    if r.unit == "%":
        return _percent_measure(cues, lo, r.start)
    if r.unit == "百分点":
        return "change" if cues.has(_GROWTH, lo, r.start) else "level"
    if cues.has(_CUMULATIVE, lo, r.start):
        return "level"
    own = f[own_from : r.start] if r.start - own_from <= _OWN_MAX else ""
    if own_from > lo and _STOCK_NOUN.search(own) and not _CHANGE_BEFORE.search(own):
        return "level"
    found = [
        (pos, measure)
        for pattern, measure in ((_CHANGE_BEFORE, "change"), (_STOCK, "level"), (_NEUTRAL, "level"))
        if (pos := cues.last_end(pattern, lo, r.start)) is not None
    ]
    if found:
        pos, measure = max(found)
        # 完成/实现 an aggregate (地区生产总值完成1200亿元) states a total reached.
        weak = _WEAK_CHANGE.search(f, max(lo, pos - 2), pos) is not None
        if measure == "change" and weak and cues.has(_AGGREGATE, lo, r.start):
            return "level"
        return "change" if measure == "change" else "level"
    if cues.has(_STOCK_NOUN, lo, r.start):
        return "level"
    return "change" if _CHANGE_AFTER.match(f, r.end, clause[1]) else "level"


def _percent_measure(cues: Cues, lo: int, at: int) -> Measure:
    # The reaching words sit right before the number: a short window is enough.
    if _PERCENT_REACHED.search(cues.folded, max(lo, at - _REACH_WINDOW), at):
        return "level"
    growth = cues.last_end(_GROWTH, lo, at)
    ratio = cues.last_end(_RATIO, lo, at)
    if growth is not None and (ratio is None or growth > ratio):
        return "growth"
    return "level"


# --- kind ----------------------------------------------------------------------

# 今年 and 全年 are not cues: "今年上半年增长5%" reports a fact in a press release.
_FUTURE = lazy(
    r"预计|力争|争取|(?<!模)拟|(?:预期|主要|奋斗|发展)?目标(?:是|为)|预期目标|确保|年内|明年|今后|未来|"
    r"到20\d\d年|至20\d\d年|"
    r"计划(?=在|于|将|投资|完成|新增|建设|实施|开工|到|达到)|"
    r"将(?=会|要|达|逐步|增加|实现|建成|新|突破|超过|完成|提升|形成|带动|全面|持续|进一步|力争|"
    r"确保|有|在|于|继续|再|进入|成为|启动|推动|加快|开工|投产|建设)"
)
_PAST = lazy(
    r"已经|已|目前|截至|截止|去年|上年末|过去|此前|以来|"
    r"(?:增长|达到|建成|完成|实现|取得|提出|制定|建立|出台|形成|开展|推出|发布|引进|新增|明确|突破)了"
)
# A year after 比/较 is a comparison base (比2020年增长40%), not when the figure is.
_YEAR = lazy(r"(?<![比较])(20\d\d)年(?:末|底)?(?!以来)")
_FIVE_YEAR = lazy(rf"(?<![比较])(?:{FIVE_YEAR_NAMES})(?:末|期末)?")


def kind_of(
    cues: Cues,
    r: Reading,
    sentence: tuple[int, int],
    stance: Stance | None,
    default: Kind,
    doc_year: int | None,
) -> Kind:
    """Target or actual: the nearest tense cue in the sentence, else the part's stance.

    ``doc_year`` is the year the document speaks from: a year or five-year
    period named before the number that ends earlier is a past cue, one that
    ends later a future cue.
    """
    lo = sentence[0]
    future = cues.last_end(_FUTURE, lo, r.start)
    past = cues.last_end(_PAST, lo, r.start)
    dated = _last_dated(cues, lo, r.start)
    if doc_year is not None and dated is not None:
        (first, last), pos = dated
        if first > doc_year and (future is None or pos > future):
            future = pos
        elif last < doc_year and (past is None or pos > past):
            past = pos
    if future is not None or past is not None:
        return "target" if (past is None or (future is not None and future > past)) else "actual"
    if stance == "retrospective":
        return "actual"
    if stance == "forward":
        return default if default == "actual" else "target"
    return default


def _last_dated(cues: Cues, lo: int, hi: int) -> tuple[tuple[int, int], int] | None:
    """The last year (2023年) or five-year period (十三五) named: ((first, last), end)."""
    found = None
    year = cues.last(_YEAR, lo, hi)
    if year is not None:
        y = int(year.group(1))
        found = ((y, y), year.end())
    five = cues.last(_FIVE_YEAR, lo, hi)
    if five is not None and (found is None or five.end() > found[1]):
        found = (FIVE_YEAR_PERIODS[five.group()[:3]], five.end())
    return found
