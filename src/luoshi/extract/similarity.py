"""Whether two indicator phrases name the same thing (集装箱吞吐量 ≈ 天津港集装箱吞吐量)."""

from __future__ import annotations

from luoshi.text.lazy import lazy

_PUNCT = lazy(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】、，,。.:：;；!！?？·\-]")


def bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def indicator_similarity(a: str, b: str, min_contained: int = 1) -> float:
    """1.0 when one phrase contains the other, else the Dice coefficient of bigrams.

    ``min_contained`` is the shortest phrase allowed to match by containment:
    linking a baseline wants 4, so that 企业 does not match every kind of 企业.
    """
    a, b = _PUNCT.sub("", a or ""), _PUNCT.sub("", b or "")
    if not a or not b:
        return 0.0
    if min(len(a), len(b)) >= min_contained and (a in b or b in a):
        return 1.0
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def same_indicator(a: str, b: str, threshold: float = 0.6) -> bool:
    return indicator_similarity(a, b) >= threshold
