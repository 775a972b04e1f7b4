"""Word lists and tables shipped with Luoshi (TOML files beside this module)."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent


def read_text(name: str) -> str:
    """The text of the data file ``name``. Read from the package's folder: importing
    importlib.resources (tempfile, shutil, random…) took 12 ms of every stateless
    command's start."""
    return (FOLDER / name).read_text(encoding="utf-8")
