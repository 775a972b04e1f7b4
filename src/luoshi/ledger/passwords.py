"""密码规则: a password is long (12 characters at least) and not one people guess first.

What is guessed first lives in ``data/common_passwords.toml``: base words (refused
with digits or symbols around them, or repeated), keyboard walks and counting
(refused when the password is at most three runs along them), and whole passwords.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise

from luoshi.errors import InputError

MIN_LENGTH = 12
# A password of at most this many runs along keyboard rows or counting is a walk.
MAX_WALK_RUNS = 3
_ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SEPARATORS = re.compile(r"[\W\d_]+")


@dataclass(frozen=True)
class CommonPasswords:
    words: frozenset[str]
    adjacent: frozenset[tuple[str, str]]
    passwords: frozenset[str]


@cache
def common() -> CommonPasswords:
    text = resources.files("luoshi.data").joinpath("common_passwords.toml").read_text("utf-8")
    data = tomllib.loads(text)
    pairs = set()
    for walk in data["walks"]:
        for a, b in pairwise(walk):
            pairs |= {(a, b), (b, a)}
    return CommonPasswords(frozenset(data["words"]), frozenset(pairs), frozenset(data["passwords"]))


def check(password: str, username: str | None = None) -> None:
    """Refuse a password that is short or easily guessed, saying why (InputError)."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"密码至少 {MIN_LENGTH} 个字符")
    reason = weakness(password, username)
    if reason is not None:
        raise InputError(f"密码太容易被猜到（{reason}），请换一个：可用几个不相关的词或一句话")


def weakness(password: str, username: str | None = None) -> str | None:
    """Why ``password`` is easy to guess, or None."""
    p = password.lower()
    known = common()
    if p in known.passwords:
        return "是常见密码"
    name = (username or "").strip().lower()
    if len(name) >= 3 and (name in p or name[::-1] in p):
        return "含有用户名"
    core = _ENDS.sub("", p)
    if core in known.words or _repeats_of(core, known.words):
        return "是常见的词加数字或符号"
    parts = [w for w in _SEPARATORS.split(core) if w]
    if len(parts) > 1 and all(w in known.words for w in parts):
        return "由常见的词拼成"
    unit = _repeated_unit(p)
    if unit is not None and len(unit) < MIN_LENGTH:
        return "由一小段重复而成"
    if _walk_runs(p, known.adjacent) <= MAX_WALK_RUNS:
        return "是键盘上或数字的连续按键"
    return None


def _repeated_unit(text: str) -> str | None:
    """The shortest ``u`` with ``text == u * n`` for some n ≥ 2, or None."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return None


def _repeats_of(core: str, words: frozenset[str]) -> bool:
    unit = _repeated_unit(core)
    return unit is not None and _ENDS.sub("", unit) in words


def _walk_runs(text: str, adjacent: frozenset[tuple[str, str]]) -> int:
    """How many runs ``text`` splits into, each one step at a time along a walk (or
    the same key again): 1qaz2wsx3edc is one, qwer1234asdf three."""
    runs = 1
    for a, b in pairwise(text):
        if a != b and (a, b) not in adjacent:
            runs += 1
    return runs
