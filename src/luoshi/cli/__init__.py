"""The ``luoshi`` command. Library errors become one-line messages here, and only here."""

from __future__ import annotations

import sys
from typing import Any

import click

from luoshi import __version__
from luoshi.cli import extract_cmds
from luoshi.errors import LuoshiError


class LuoshiGroup(click.Group):
    """Turn expected errors into ``错误：…`` on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LuoshiError as e:
            click.echo(f"错误：{e.message}", err=True)
            sys.exit(2)


@click.group(cls=LuoshiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="luoshi")
def cli() -> None:
    """落实 Luoshi：把政策文件变成可追踪的落实台账。

    Turn policy documents into a tracked implementation ledger.
    """


extract_cmds.register(cli)


def main() -> None:
    for stream in (sys.stdout, sys.stderr):
        # Pipes on a C locale would otherwise reject Chinese text.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    cli(prog_name="luoshi")
