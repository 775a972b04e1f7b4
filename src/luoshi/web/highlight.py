"""The reading view's text: quantities highlighted and linked to their tasks, headings
anchored for the outline. Built from spans; the raw text itself is never altered."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup


def marked_text(raw: str, spans: Sequence[dict[str, Any]]) -> Markup:
    """``raw`` as HTML: an anchor before each heading, a <mark> round each quantity
    (a link when a task's target came from it). Overlapping quantities keep the first."""
    anchors = {sp["start"]: i for i, sp in enumerate(spans) if sp["kind"] == "heading"}
    marks = sorted((sp for sp in spans if sp["kind"] == "quantity"), key=lambda sp: sp["start"])
    out: list[str] = []
    pos = 0
    for sp in marks:
        a, b = sp["start"], sp["end"]
        if a < pos:
            continue
        out.append(_plain(raw, pos, a, anchors))
        out.append(_mark(raw[a:b], sp))
        pos = b
    out.append(_plain(raw, pos, len(raw), anchors))
    return Markup("".join(out))


def _plain(raw: str, a: int, b: int, anchors: dict[int, int]) -> str:
    cuts = sorted(k for k in anchors if a <= k < b)
    out, pos = [], a
    for k in cuts:
        out.append(escape(raw[pos:k]))
        out.append(f'<a id="h{anchors[k]}" class="anchor"></a>')
        pos = k
    out.append(escape(raw[pos:b]))
    return "".join(out)


def _mark(text: str, sp: dict[str, Any]) -> str:
    attrs = sp.get("attrs") or {}
    kind = attrs.get("kind", "")
    tip = escape(f"{attrs.get('indicator') or ''} {kind}".strip())
    inner = escape(text)
    if sp.get("task_id"):
        inner = f'<a href="/tasks/{sp["task_id"]}">{inner}</a>'
    return f'<mark class="q q-{escape(str(kind))}" title="{tip}">{inner}</mark>'
