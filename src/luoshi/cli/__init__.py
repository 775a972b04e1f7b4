"""The ``luoshi`` command. Library errors become one-line messages here, and only here."""

from __future__ import annotations

import sys
from typing import Any

import click

from luoshi import __version__
from luoshi.cli import (
    align_cmds,
    cycle_cmds,
    db_cmds,
    doc_cmds,
    export_cmds,
    extract_cmds,
    link_cmds,
    manage_cmds,
    people_cmds,
    plan_cmds,
    promise_cmds,
    target_cmds,
    web_cmds,
    workflow_cmds,
    xlsx_cmds,
)
from luoshi.cli.context import AppContext
from luoshi.errors import LuoshiError
from luoshi.settings import LOCAL_CONFIG, Settings


class LuoshiGroup(click.Group):
    """Turn expected errors into ``错误：…`` on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LuoshiError as e:
            click.echo(f"错误：{e.message}{flag_hint(e)}", err=True)
            sys.exit(2)


# The ledger names fields in Chinese; how to give each on the command line is the CLI's.
FIELD_FLAGS = {
    "reason": "--reason",
    "unit": "--unit",
    "lead_unit": "--unit",
    "person": "--person",
    "co_units": "--co-unit",
    "values": "--value",
}


def flag_hint(e: LuoshiError) -> str:
    """（--reason） after a message whose fields the CLI gives by those flags."""
    fields = getattr(e, "fields", ())
    flags = list(dict.fromkeys(FIELD_FLAGS[f] for f in fields if f in FIELD_FLAGS))
    return f"（{'、'.join(flags)}）" if flags else ""


@click.group(cls=LuoshiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="luoshi")
@click.option(
    "--database-url",
    envvar="LUOSHI_DATABASE_URL",
    help=(
        "台账数据库地址（也可设 LUOSHI_DATABASE_URL；默认为 ./luoshi.toml 中的设置，"
        "否则 sqlite:///./luoshi.db）"
    ),
)
@click.option("--as", "username", help="以此用户身份操作（默认本地管理员）")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, username: str | None) -> None:
    """落实 Luoshi：把政策文件变成可追踪的落实台账。

    Turn policy documents into a tracked implementation ledger.
    """
    app = AppContext(Settings.from_env(config=LOCAL_CONFIG, database_url=database_url), username)
    ctx.obj = app
    ctx.call_on_close(app.close)


for module in (
    extract_cmds,
    align_cmds,
    promise_cmds,
    doc_cmds,
    plan_cmds,
    target_cmds,
    people_cmds,
    cycle_cmds,
    xlsx_cmds,
    export_cmds,
    db_cmds,
    web_cmds,
    workflow_cmds,
    link_cmds,
    manage_cmds,
):
    module.register(cli)


def main() -> None:
    for stream in (sys.stdout, sys.stderr):
        # Pipes on a C locale would otherwise reject Chinese text.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    cli(prog_name="luoshi")
