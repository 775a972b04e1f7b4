"""Open any supported file as a Document (plain text today; see ``SUFFIXES``)."""

from __future__ import annotations

from pathlib import Path

from luoshi.text.document import Document

SUFFIXES = (".txt", ".text", ".md")


def load_document(path: str | Path) -> Document:
    """Read ``path`` into a Document; raise ReadError with a clerk-readable reason."""
    return Document.from_path(path)
