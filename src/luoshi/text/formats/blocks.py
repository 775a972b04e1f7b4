"""An HTML element tree as lines of text: one line per block element, one per table row.

Whitespace is collapsed as a browser would, except that a source line break
between two Chinese characters disappears instead of becoming a space (the
CSS rule for East Asian text), so text wrapped in the HTML source stays whole.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

BLOCK = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol
    p section summary table tbody tfoot thead tr ul""".split()
)
CELLS = frozenset({"td", "th"})
_CELL = "\x1f"  # stands for the tab between two cells until whitespace is collapsed
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAPPED = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\r\n\f]+")
_CELL_GAP = re.compile(rf" ?{_CELL} ?")


def block_lines(root: HtmlElement) -> list[str]:
    """Non-empty lines of text under ``root``, in document order."""
    lines = _Lines()
    lines.walk(root)
    lines.flush()
    return lines.out


class _Lines:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.buf: list[str] = []

    def flush(self) -> None:
        text = clean("".join(self.buf))
        self.buf.clear()
        if text:
            self.out.append(text)

    def walk(self, el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""  # comments and PIs have no tag
        if tag == "pre":
            self._preformatted(el)
        elif tag:
            self._element(el, tag)
        if el.tail:
            self.buf.append(el.tail)

    def _element(self, el: HtmlElement, tag: str) -> None:
        if tag in BLOCK or tag == "br":
            self.flush()
        elif tag in CELLS and "".join(self.buf).strip():
            self.buf.append(_CELL)
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child)
        if tag in BLOCK:
            self.flush()

    def _preformatted(self, el: HtmlElement) -> None:
        self.flush()
        for line in el.text_content().split("\n"):
            self.buf.append(line)
            self.flush()


def clean(text: str) -> str:
    """Collapse HTML whitespace; keep cell tabs; trim the line."""
    text = _WRAPPED.sub("", text)
    text = _SPACES.sub(" ", text)
    return _CELL_GAP.sub("\t", text).strip()
