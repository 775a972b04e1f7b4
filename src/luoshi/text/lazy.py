"""Regular expressions compiled when first used, not when their module is imported.

Python's ``re`` compiles in Python: the extraction rules' few hundred patterns took
most of ``luoshi extract``'s start, and every web worker paid for them at import
though only uploads extract. A ``LazyPattern`` is written where the pattern was
(``_X = lazy(r"…")``) and used the same way (``_X.match(text, pos)``); its first call
compiles it and puts the compiled pattern's own methods in place, so later calls
cost what ``re.Pattern``'s do.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

_METHODS = ("match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split")
# Every pattern made, for ``compile_all`` (they are module constants: none is freed).
_MADE: list[LazyPattern] = []


class LazyPattern:
    """A ``re.Pattern[str]`` compiled on first use; ``pattern`` is its source."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None
        _MADE.append(self)

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiling it now, once)."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
            for name in _METHODS:
                # Instance attributes shadow the methods below from now on.
                setattr(self, name, getattr(self._compiled, name))
        return self._compiled

    @property
    def groupindex(self) -> Any:
        return self.compiled.groupindex

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def subn(
        self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0
    ) -> tuple[str, int]:
        return self.compiled.subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return LazyPattern(pattern, flags)


def compile_all() -> int:
    """Compile every pattern made so far (for a process that forks workers which all
    need them: the uploads' forkserver); how many were compiled now."""
    todo = [p for p in _MADE if p._compiled is None]
    for p in todo:
        p.compiled  # noqa: B018 - compiling is the point
    return len(todo)


# What a rule may be given: a pattern compiled already or one compiled on first use.
Pattern = re.Pattern[str] | LazyPattern
