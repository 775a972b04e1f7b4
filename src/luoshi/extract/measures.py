"""Magnitude words and units of measure, as regex fragments and lookups.

Units are matched on folded text (full-width forms already ASCII). The unit
recorded for a quantity is its base unit as written, without magnitude:
``2300万标准箱`` → 标准箱; ``4.5个百分点`` → 百分点.
"""

from __future__ import annotations

from luoshi.extract.lexicon import trie_alternation

# Longest first so that 万亿 wins over 万, 千万 over 千.
MAGNITUDES: dict[str, float] = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
    "千": 1e3,
    "百": 1e2,
}

# Measure words for counted things (量词). A count takes the word as its unit.
COUNTERS = (
    "家 个 项 条 座 张 套 所 场 户 辆 台 件 类 处 名 位 人次 人 次 批 艘 架 列 株 棵 头 只 "
    "部 本 份 间 栋 幢 片 块 支 队 宗 笔 例 篇 门 款 种 根 眼 口 盏 副 对 层 期 届 轮 "
    "趟 班 车次 架次 航次 班次 艘次 辆次 列次 台次 户次 场次 批次"
).split()

# Units of measurement. Time units are listed separately: they are quantities
# only in some contexts (see scope.py).
MEASURES = (
    "个百分点 百分点 % ‰ 标准箱 标箱 TEU 元 美元 欧元 港元 日元 英镑 "
    "平方公里 平方千米 平方米 立方米 公里 千米 厘米 毫米 米 公顷 亩 "
    "吨标准煤 吨标煤 吨 千克 公斤 克 斤 升 毫升 "
    "千瓦时 千瓦 兆瓦 吉瓦 瓦 千伏安 千伏 伏 度 "
    "倍 床 户 km kg MW GW kW kWh t 微克/立方米 毫克/立方米 微克每立方米 毫克/升 分贝"
).split()

# 岁 is listed with them: an age is a quantity when it is reached (寿命提高到79岁),
# not as a threshold (60岁以上老人).
TIME_UNITS = "个工作日 工作日 小时 分钟 秒 天 周 年 岁".split()

# Words that begin like a unit but are not one: 75周年 is an anniversary, 2个月 a
# stretch of time, 3个季度 likewise (see scope.py).
NOT_UNITS = ("周年", "个月", "个季度", "季度", "年度", "年代", "年级", "个年度")

_ALL_UNITS = sorted(set(COUNTERS + MEASURES + TIME_UNITS), key=len, reverse=True)
# ASCII units must not run into further letters (5G is a name, 5GW is a unit).
_UNIT_ALT = trie_alternation({u: "(?![A-Za-z])" if u.isascii() else "" for u in _ALL_UNITS})
UNIT_PATTERN = f"(?:{_UNIT_ALT})"

# 千/百 are magnitudes except where they begin a unit (千瓦, 千米, 百分点).
MAGNITUDE_PATTERN = "(?:万亿|千亿|百亿|亿|千万|百万|十万|万|千(?!瓦|米|克|伏)|百(?!分))"

UNIT_CANONICAL = {"个百分点": "百分点"}

# The second half of a compound unit: 万元/人 (yuan per person), 元/吨, 美元/桶.
PER_UNITS = "人 户 年 月 日 天 次 亩 吨 桶 件 平方米 千瓦时 公里 立方米 公斤 千克 kg t".split()
PER_PATTERN = trie_alternation({u: "(?![A-Za-z])" if u.isascii() else "" for u in PER_UNITS})


def canonical_unit(surface: str) -> str:
    return UNIT_CANONICAL.get(surface, surface)


def is_time_unit(unit: str) -> bool:
    return unit in TIME_UNITS
