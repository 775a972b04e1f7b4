"""Shared fixtures: paths to ../shared (tests that need it skip cleanly when absent)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LUOSHI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
GOLD = SHARED / "eval" / "gold"


def corpus_file(prefix: str) -> Path:
    """The corpus file whose name starts with ``prefix``; skip the test when absent."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    matches = sorted(CORPUS.glob(f"{prefix}*.txt"))
    if not matches:
        pytest.skip(f"no corpus file starting with {prefix}")
    return matches[0]


def gold_records(name: str) -> list[dict[str, Any]]:
    path = GOLD / name
    if not path.is_file():
        pytest.skip(f"gold file {name} is not available")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    return CORPUS
