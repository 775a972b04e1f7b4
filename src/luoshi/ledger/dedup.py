"""Recognising the same document in other clothes (重复文件).

Two copies of a report that differ only in punctuation, full/half width or line
breaks have the same *text key*: the hash of the text with every punctuation
mark and space removed. Copies that also differ in a few added lines (a news
site's lead-in, a comment prompt) are caught by character-shingle Jaccard.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

NEAR_DUPLICATE = 0.9
SHINGLE = 5
_NOT_TEXT = re.compile(r"[\W_]+")


def normalized(text: str) -> str:
    """The text's letters, digits and characters only (width folded)."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_key(text: str) -> str:
    return sha256(normalized(text))


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    norm = normalized(text)
    if len(norm) <= k:
        return {norm} if norm else set()
    return {norm[i : i + k] for i in range(len(norm) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def length_window(length: int, threshold: float = NEAR_DUPLICATE) -> tuple[int, int]:
    """Normalised lengths a near-duplicate can have: Jaccard ≥ t needs |A|/|B| ≥ t."""
    return int(length * threshold), int(length / threshold) + 1
