"""Stance of a part of a document: does it report results or set goals?

``retrospective`` parts (2023年工作回顾, "十三五"时期取得显著成就, 取得了哪些进展)
report what was achieved; ``forward`` parts (主要目标任务, 远景目标, 下一步) set
goals and tasks. A heading's own wording decides its stance; a heading without
decisive wording inherits its parent's. Top-level parts weigh weak cues too,
their children only strong ones, so that "(一)…在取得更多成果成效上展现新作为"
under a goals part stays forward-looking.
"""

from __future__ import annotations

from typing import Literal

from luoshi.text.lazy import Pattern, lazy

Stance = Literal["retrospective", "forward"]

_STRONG_RETRO = lazy(
    r"回顾|总结|显著成就|主要成就|取得了|取得的|已经|一年来|五年来|过去|以来|进展情况|完成情况|工作情况|成绩|"
    r"现状|基本情况|发展基础|工作基础|主要成效|取得成效|进展成效"
)
_STRONG_FORWARD = lazy(
    r"目标|任务|下一步|今后|计划|将要|将会|展望|远景|部署|如何|怎样|安排|打算|举措|建议"
)
_WEAK_RETRO = lazy(r"成就|成效|进展|取得|实现了|完成了")
_WEAK_FORWARD = lazy(r"将|要|努力|推动|加快|推进|力争|着力|坚持|全力|打造|建设")


# Most headings hold no cue at all: one search answers them.
_ANY = lazy(
    "|".join(p.pattern for p in (_STRONG_RETRO, _STRONG_FORWARD, _WEAK_RETRO, _WEAK_FORWARD))
)


def heading_stance(text: str, parent: Stance | None, top_level: bool) -> Stance | None:
    """The stance a heading gives its part; ``parent`` is the enclosing part's."""
    if _ANY.search(text) is None:
        return parent
    strong = _vote(_STRONG_RETRO, _STRONG_FORWARD, text)
    if strong is not None:
        return strong
    if strong is None and _STRONG_RETRO.search(text) and _STRONG_FORWARD.search(text):
        return None  # mixed: 显著成就和远景目标
    if top_level:
        weak = _vote(_WEAK_RETRO, _WEAK_FORWARD, text)
        if weak is not None:
            return weak
    return parent


def _vote(retro: Pattern, forward: Pattern, text: str) -> Stance | None:
    r = len(retro.findall(text))
    f = len(forward.findall(text))
    if r > f:
        return "retrospective"
    if f > r:
        return "forward"
    return None
