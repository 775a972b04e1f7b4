"""Running lines of a PDF: page headers, footers and page numbers, which are not the text.

A line counts as running only when it sits in the page's top or bottom band
and either reads as a page number or repeats (digits aside) on at least 40%
of the pages (odd and even pages may carry different headers). Both
conditions are needed: the first line of a page of body text is in the band
too, and a page number alone in the body is still text.
"""

from __future__ import annotations

import re
from collections import Counter

from luoshi.text.formats.layout import Line, Page

BAND = 0.12  # share of the page height at the top and at the bottom
MAX_RUNNING = 50  # running headers are short; a longer line is body text

_PAGE_NUMBER = re.compile(
    r"""
    [-—–－_~·•\s]*\d{1,4}[-—–－_~·•\s]*                      # 3, - 3 -, — 3 —
    | 第\s*\d{1,4}\s*页(?:\s*[,，/／、]?\s*共\s*\d{1,4}\s*页)?   # 第3页 / 第3页 共9页
    | 共\s*\d{1,4}\s*页\s*[,，/／、]?\s*第\s*\d{1,4}\s*页       # 共9页 第3页
    | \d{1,4}\s*[/／]\s*\d{1,4}                               # 3/9
    | [Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?                   # Page 3 of 9
    """,
    re.VERBOSE,
)
_DIGITS = re.compile(r"\d+")


def drop_running_lines(pages: list[Page]) -> list[Page]:
    """The pages without their headers, footers and page numbers."""
    repeated = _repeated_keys(pages)
    return [
        Page([ln for ln in page.lines if not _is_running(ln, page, repeated)], page.height)
        for page in pages
    ]


def is_page_number(text: str) -> bool:
    return _PAGE_NUMBER.fullmatch(text.strip()) is not None


def _repeated_keys(pages: list[Page]) -> set[str]:
    counts = Counter(
        key for page in pages for key in {_key(ln) for ln in page.lines if _in_band(ln, page)}
    )
    least = max(2, 0.4 * len(pages))
    return {key for key, n in counts.items() if key and n >= least}


def _is_running(line: Line, page: Page, repeated: set[str]) -> bool:
    if not _in_band(line, page):
        return False
    return is_page_number(line.text) or _key(line) in repeated


def _in_band(line: Line, page: Page) -> bool:
    margin = BAND * page.height
    return line.bottom >= page.height - margin or line.top <= margin


def _key(line: Line) -> str:
    """What a running line looks like on every page: its text with numbers masked.

    Empty for lines too long to be running headers, which never count as repeated.
    """
    text = line.text.strip()
    return _DIGITS.sub("#", text) if len(text) <= MAX_RUNNING else ""
