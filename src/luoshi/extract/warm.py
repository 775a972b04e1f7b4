"""Every extraction rule loaded and compiled: imported by the uploads' forkserver, so
that each upload's child, forked from it, starts with them instead of compiling
them again (the rules compile on first use, ``text.lazy``)."""

from __future__ import annotations

from luoshi.extract import pipeline  # noqa: F401 - imported for its rules
from luoshi.text.lazy import compile_all

COMPILED = compile_all()
