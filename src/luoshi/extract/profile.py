"""What kind of document this is, and which year it speaks from.

The genre decides how a number with no tense cue is read: a work report or a
plan commits to goals in its forward-looking parts, while a press conference
mostly reports facts, even when the question asks about plans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from luoshi.extract.lexicon import FIVE_YEAR_PERIODS
from luoshi.text.lazy import lazy

Genre = Literal["work_report", "plan", "policy", "press", "review", "other"]

GENRE_LABELS: dict[str, str] = {
    "work_report": "政府工作报告",
    "plan": "规划",
    "policy": "政策措施",
    "press": "新闻发布",
    "review": "工作总结",
    "other": "其他",
}

_FULL_DATE = lazy(
    r"((?:19|20)\d\d) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日|((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})"
)
_YEAR = lazy(r"((?:19|20)\d\d) ?年")
_FIVE_YEAR = FIVE_YEAR_PERIODS
_FIVE_YEAR_TITLES = {
    "十二五": "第十二个五年",
    "十三五": "第十三个五年",
    "十四五": "第十四个五年",
    "十五五": "第十五个五年",
}
_QA = lazy(r"新闻发布会|发布会|答记者问|新闻办|^(?:记者|问)\s?:", re.MULTILINE)
_QUESTION_THEN_SPEAKER = lazy(r"\?\n+[^\n。?]{2,40}:\n")
_NEWS = lazy(r"记者|稿源|编辑:|通讯员|来源:")
# A title that announces a look back: 2024年工作总结, 关于…完成情况的报告.
_REVIEW_TITLE = lazy(r"工作总结|总结报告|完成情况|进展情况|执行情况|落实情况")
_REPORT_OPENING = lazy(r"向大会报告(?:政府)?工作|^各位代表", re.MULTILINE)
_PART_YEAR = lazy(r"^[一二三四五六七八九十]+、[^\n]{0,8}?((?:19|20)\d\d) ?年", re.MULTILINE)
_PLAN = lazy(r"五年规划|规划纲要|规划和二〇三五年|规划的建议|发展规划|行动计划|三年行动")
_POLICY = lazy(r"若干措施|若干政策|政策措施|实施方案|工作方案|实施意见|指导意见|管理办法")
# The issuer's level, from the names of its organs (委, 政府, 人民代表大会, 长).
_CONGRESS = r"(?:第[一二三四五六七八九十]+届)?人民代表大会"
_LEVELS = (
    ("国家", lazy(r"国务院|中共中央|国家发展改革委|中华人民共和国|全国人民代表大会")),
    ("省", lazy(rf"省委|省政府|省人民政府|省长|省{_CONGRESS}|自治区人民政府")),
    ("县", lazy(rf"县委|县政府|县人民政府|县长|县{_CONGRESS}")),
    ("区", lazy(rf"区委|区政府|区人民政府|新区|区长|区{_CONGRESS}")),
    ("市", lazy(rf"市委|市政府|市人民政府|市长|市{_CONGRESS}")),
)


@dataclass(frozen=True)
class Profile:
    """Facts about a document as a whole."""

    genre: Genre
    year: int | None  # the year the document speaks from (its date, else its first year)
    date: str | None  # ISO date when the text states one
    plan_period: tuple[int, int] | None  # 十四五 → (2021, 2025)
    level: str | None  # 国家 / 省 / 市 / 区 / 县

    @property
    def default_kind(self) -> Literal["target", "actual"]:
        """How a number without tense cues reads: facts in news and summaries."""
        return "actual" if self.genre in ("press", "review") else "target"

    @property
    def reference_year(self) -> int | None:
        """The year tense is judged from: the document's own, else its plan's first."""
        if self.year is not None:
            return self.year
        return self.plan_period[0] if self.plan_period else None


def profile_of(folded: str) -> Profile:
    head = folded[:1500]
    date, year = _date_and_year(folded)
    return Profile(_genre(head, folded), year, date, _plan_period(folded, head), _level(head))


def _genre(head: str, text: str) -> Genre:
    """Strongest evidence first: a report's title, a Q&A, a plan's or policy's
    name, and only then the trappings of a news page (稿源, 编辑, 记者)."""
    if "政府工作报告" in head or _REPORT_OPENING.search(head):
        return "work_report"
    if _QA.search(head) or _QUESTION_THEN_SPEAKER.search(text):
        return "press"
    if _PLAN.search(head) or any(k in head for k in _FIVE_YEAR):
        return "plan"
    if _POLICY.search(head):
        return "policy"
    if _NEWS.search(head):
        return "press"
    if _REVIEW_TITLE.search(head[:100].split("\n", 1)[0]):
        return "review"
    return "other"


def _date_and_year(text: str) -> tuple[str | None, int | None]:
    """The date in the head of the document (byline, dateline), else a year in its title.

    Only the head (and a signature date at the very end) counts: years in the
    body are what the document talks about (到2025年), not when it speaks.
    """
    m = _FULL_DATE.search(text[:600]) or _FULL_DATE.search(text[-300:])
    if m:
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else m.group(4, 5, 6)
        return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}", int(y)
    title = text[:200].split("\n", 3)[:3]
    for line in title:
        y = _YEAR.search(line)
        if y and ("报告" in line or "要点" in line or "计划" in line):
            return None, int(y.group(1))
    # A report without its title page: the latest year its parts are about
    # (一、2023年工作回顾 / 二、2024年主要目标任务 → 2024).
    part_years = [int(y) for y in _PART_YEAR.findall(text)]
    if part_years and _REPORT_OPENING.search(text[:1500]):
        return None, max(part_years)
    return None, None


def _plan_period(text: str, head: str) -> tuple[int, int] | None:
    """The five-year period of a plan: the one its title names (第十四个五年规划),
    else the one the text names most (a 十四五 plan reviews 十三五 less)."""
    title = head[:300].split("\n", 1)[0]
    for name, ordinal in _FIVE_YEAR_TITLES.items():
        if ordinal in head[:300] or name in title:
            return _FIVE_YEAR[name]
    counts = {k: text.count(k) for k in _FIVE_YEAR}
    best = max(counts, key=lambda k: counts[k])
    return _FIVE_YEAR[best] if counts[best] else None


_TITLE_PLACE = lazy(r"[\u4e00-\u9fff]{2,8}?(省|自治区|市|区|县)")


def _level(head: str) -> str | None:
    """The level of the issuer named first: 国家, 省, 市, 区 or 县; else the level of
    the place the title names (青禾区…方案 → 区)."""
    found = [(m.start(), level) for level, p in _LEVELS if (m := p.search(head))]
    if found:
        return min(found)[1]
    title = head.lstrip("\ufeff \n").split("\n", 1)[0]
    m = _TITLE_PLACE.match(title) if len(title) <= 80 and "。" not in title else None
    if m is None:
        return None
    return "省" if m.group(1) == "自治区" else m.group(1)
