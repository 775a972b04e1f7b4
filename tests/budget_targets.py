"""Work for the budget tests' child processes: stdlib only, so a child starts at once."""

from __future__ import annotations

import os
import time
from pathlib import Path

from luoshi.errors import ReadError

MB = 1024 * 1024


def sleep_forever(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    while True:
        time.sleep(0.01)


def allocate(pid_file: str, megabytes: int) -> int:
    Path(pid_file).write_text(str(os.getpid()))
    block = bytearray(megabytes * MB)
    return len(block)


def refuse(path: str) -> None:
    raise ReadError(path, "不是文本文件")


def add(a: int, b: int) -> int:
    return a + b
