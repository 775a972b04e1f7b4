"""What the promise check knows about indicators: direction, scope, names.

The knowledge is data (``luoshi/data/indicators.toml``); this module reads it
and answers three questions about an indicator phrase (指标): which way is
better, whether its yearly figure is an average, and whether two phrases name
the same figure. Phrases are compared on a *key*: synonyms rewritten, the verbs,
modal words and neutral scope words at either end removed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from luoshi.errors import InputError
from luoshi.extract.similarity import bigrams
from luoshi.text.lazy import lazy
from luoshi.text.normalize import fold

Direction = Literal["higher", "lower"]
Polarity = Literal["decrease", "increase"]
TimeScope = Literal["year_end", "whole_year"]

_PUNCT = lazy(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】、，,。.:：;；!！?？·\-—]")
# Two phrases whose keys differ only by a short leading qualifier are a close
# paraphrase (城镇新增就业 / 新增就业); a longer one narrows the scope more.
_SHORT_QUALIFIER = 2
_MIN_KEY = 2


@dataclass(frozen=True)
class IndicatorBook:
    """指标词表: indicator words for pairing targets with actuals and judging them."""

    lower: tuple[str, ...]
    higher: tuple[str, ...]
    averaged: tuple[str, ...]
    year_end: tuple[str, ...]
    whole_year: tuple[str, ...]
    neutral: tuple[str, ...]
    leading: tuple[str, ...]
    trailing: tuple[str, ...]
    synonyms: tuple[tuple[str, str], ...]  # (word, canonical), longest word first
    decrease: tuple[str, ...] = ()
    increase: tuple[str, ...] = ()
    between: tuple[str, ...] = ()
    stock: tuple[str, ...] = ()

    def direction(self, phrase: str) -> Direction | None:
        """``lower`` or ``higher`` from the listed word nearest the end of the phrase
        (the head of a Chinese noun phrase comes last: 单位生产总值能耗 is about 能耗);
        of two ending at the same place, the longer."""
        text = self.canonical(phrase)
        best: tuple[int, int, Direction] | None = None
        for words, way in ((self.lower, "lower"), (self.higher, "higher")):
            for w in words:
                at = text.rfind(w)
                if at >= 0 and (best is None or (at + len(w), len(w)) > best[:2]):
                    best = (at + len(w), len(w), way)  # type: ignore[assignment]
        return best[2] if best else None

    def polarity(self, left: str) -> Polarity | None:
        """Whether the verb right before a change figure makes it a decrease or an
        increase; ``left`` is the text before the figure in its clause."""
        text = _PUNCT.sub("", fold(left))
        changed = True
        while changed:
            changed = False
            for w in self.between:
                if text.endswith(w):
                    text, changed = text[: -len(w)], True
        for w in self.polarity_words:
            if text.endswith(w):
                return "decrease" if w in self.decrease else "increase"
        return None

    @property
    def polarity_words(self) -> tuple[str, ...]:
        return tuple(sorted(self.decrease + self.increase, key=len, reverse=True))

    def is_stock(self, left: str) -> bool:
        """Whether the words before a figure make it a total so far (累计建成…)."""
        folded = fold(left)
        return any(w in folded for w in self.stock)

    def is_averaged(self, phrase: str) -> bool:
        """Whether the phrase names a figure whose yearly value is an average."""
        text = self.canonical(phrase)
        return any(w in text for w in self.averaged)

    def time_scope(self, text: str) -> TimeScope | None:
        """``year_end`` for 年末/年底 figures, ``whole_year`` for 平均/全年, else None."""
        folded = fold(text)
        found: tuple[int, TimeScope] | None = None
        for words, scope in ((self.year_end, "year_end"), (self.whole_year, "whole_year")):
            for w in words:
                at = folded.rfind(w)
                if at >= 0 and (found is None or at > found[0]):
                    found = (at, scope)  # type: ignore[assignment]
        return found[1] if found else None

    def canonical(self, phrase: str) -> str:
        """The phrase folded, without punctuation, with synonyms rewritten."""
        text = _PUNCT.sub("", fold(phrase or ""))
        for word, name in self.synonyms:
            if word in text and name not in text:
                text = text.replace(word, name)
        return text

    def key(self, phrase: str) -> str:
        """What two phrases are compared on: the canonical text minus edge words."""
        text = self.canonical(phrase)
        lead = self.leading + self.neutral + self.year_end + self.whole_year
        changed = True
        while changed:
            changed = False
            for w in lead:
                if text.startswith(w) and len(text) - len(w) >= _MIN_KEY:
                    text, changed = text[len(w) :], True
            for w in self.trailing:
                if text.endswith(w) and len(text) - len(w) >= _MIN_KEY:
                    text, changed = text[: -len(w)], True
        return text

    def similarity(self, a: str, b: str) -> float:
        """How surely two phrases name the same figure, 0 to 1 (see ``key_similarity``)."""
        return key_similarity(self.key(a), self.key(b))


def key_similarity(a: str, b: str) -> float:
    """1 for equal keys; less for a leading qualifier only one has; 0 for different
    heads (the last character: 能耗 is not 生产总值) or conflicting qualifiers
    (银行业金融机构… against 大型商业银行…); else the bigram Dice coefficient."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long_ = sorted((a, b), key=len)
    if long_.endswith(short):
        extra = len(long_) - len(short)
        return 0.9 if extra <= _SHORT_QUALIFIER else 0.75
    if a[-1] != b[-1]:
        return 0.0
    common = _common_suffix(a, b)
    pa, pb = a[: -len(common)], b[: -len(common)]
    if len(common) >= 2 and _dice(pa, pb) < 0.5:
        return 0.0
    return _dice(a, b)


def _common_suffix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return a[len(a) - n :]


def _dice(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def load_indicator_book(path: str | Path | None = None) -> IndicatorBook:
    """Read an indicator word file (the shipped ``indicators.toml`` when ``path`` is None)."""
    name = str(path) if path is not None else "(内置 indicators.toml)"
    try:
        if path is None:
            source = resources.files("luoshi.data").joinpath("indicators.toml").read_text("utf-8")
        else:
            source = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"指标词表 {name} 无法读取：{e}") from None
    return _book(data, name)


def _book(data: dict[str, Any], name: str) -> IndicatorBook:
    def words(section: str, key: str) -> tuple[str, ...]:
        value = data.get(section, {}).get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            raise InputError(f"指标词表 {name}：[{section}] 的 {key} 必须是非空字符串列表")
        return tuple(fold(w) for w in value)

    synonyms: list[tuple[str, str]] = []
    table = data.get("synonyms", {})
    if not isinstance(table, dict):
        raise InputError(f"指标词表 {name}：[synonyms] 必须是「规范名 = [同义词…]」的表")
    for canonical, variants in table.items():
        if not isinstance(variants, list) or not all(isinstance(w, str) and w for w in variants):
            raise InputError(f"指标词表 {name}：同义词「{canonical}」必须是非空字符串列表")
        synonyms += [(fold(w), fold(canonical)) for w in variants]
    synonyms.sort(key=lambda p: len(p[0]), reverse=True)
    return IndicatorBook(
        lower=words("direction", "lower"),
        higher=words("direction", "higher"),
        averaged=words("scope", "averaged"),
        year_end=words("scope", "year_end"),
        whole_year=words("scope", "whole_year"),
        neutral=words("scope", "neutral"),
        leading=_longest_first(words("noise", "leading")),
        trailing=_longest_first(words("noise", "trailing")),
        synonyms=tuple(synonyms),
        decrease=words("polarity", "decrease"),
        increase=words("polarity", "increase"),
        between=_longest_first(words("polarity", "between")),
        stock=words("scope", "stock"),
    )


def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))
