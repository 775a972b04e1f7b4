"""The word lists alignment (对接) uses, read from ``luoshi/data/align.toml``.

Knowledge lives in the data file; this module only compiles it: the patterns
of part headings that set no tasks, the generic words left out of comparisons,
and the synonym groups that let 展会 meet 会展经济.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from luoshi.errors import InputError
from luoshi.extract.lexicon import word_pattern


@dataclass(frozen=True)
class AlignLexicon:
    """对接词表: compiled word lists for alignment."""

    not_task_parts: re.Pattern[str]
    generic: re.Pattern[str]
    synonyms: re.Pattern[str]
    concept_of: dict[str, tuple[str, ...]]

    def not_a_task_part(self, heading: str) -> bool:
        """Whether a part heading names guidance, goals, review or self-building."""
        return self.not_task_parts.search(heading) is not None

    def concepts(self, text: str) -> list[str]:
        """The synonym groups named in ``text``, once per mention."""
        return [c for m in self.synonyms.finditer(text) for c in self.concept_of[m.group()]]


def _strings(data: dict[str, object], table: str, key: str, where: str) -> list[str]:
    value = data.get(table, {})
    words = value.get(key) if isinstance(value, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise InputError(f"对接词表 {where} 中 [{table}] {key} 必须是非空字符串列表")
    return list(words)


def _synonyms(data: dict[str, object], where: str) -> dict[str, tuple[str, ...]]:
    groups = data.get("synonyms")
    if not isinstance(groups, dict) or not groups:
        raise InputError(f"对接词表 {where} 中没有 [synonyms] 同义词组")
    concept_of: dict[str, tuple[str, ...]] = {}
    for name, words in groups.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise InputError(f"对接词表 {where} 中同义词组「{name}」必须是非空字符串列表")
        for w in words:
            # A word may belong to several groups: 医保 is health care and social security.
            concept_of[w] = (*concept_of.get(w, ()), name)
    return concept_of


def parse_lexicon(text: str, where: str = "(内置)") -> AlignLexicon:
    """Compile the TOML text of an alignment word list."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"对接词表 {where} 无法读取：{e}") from None
    patterns = _strings(data, "parts", "not_tasks", where)
    try:
        not_tasks = re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as e:
        raise InputError(f"对接词表 {where} 中 [parts] not_tasks 有无效的正则表达式：{e}") from None
    concept_of = _synonyms(data, where)
    return AlignLexicon(
        not_task_parts=not_tasks,
        generic=word_pattern(_strings(data, "words", "generic", where)),
        synonyms=word_pattern(concept_of),
        concept_of=concept_of,
    )


@cache
def default_lexicon() -> AlignLexicon:
    """The word list shipped with Luoshi."""
    text = resources.files("luoshi.data").joinpath("align.toml").read_text("utf-8")
    return parse_lexicon(text)


def load_lexicon(path: str | Path | None = None) -> AlignLexicon:
    """A word list from ``path``, or the shipped one when ``path`` is None."""
    if path is None:
        return default_lexicon()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"对接词表 {path} 无法读取：{e}") from None
    return parse_lexicon(text, str(path))
