"""The ``luoshi`` command. Library errors become one-line messages here, and only here."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from luoshi import __version__
from luoshi.cli.context import AppContext
from luoshi.collector import collect_less
from luoshi.errors import LuoshiError
from luoshi.settings import LOCAL_CONFIG, Settings

# Which modules make each top-level command, in the order they register into it (a
# later module may add subcommands to an earlier one's group). A command's modules are
# imported only when it runs, so ``luoshi extract`` never loads the database or web
# layers; tests/test_cli_startup.py checks this table against the modules themselves.
COMMANDS: dict[str, tuple[str, ...]] = {
    "text": ("extract_cmds",),
    "outline": ("extract_cmds",),
    "extract": ("extract_cmds",),
    "align": ("align_cmds",),
    "promises": ("promise_cmds",),
    "ingest": ("doc_cmds",),
    "documents": ("doc_cmds", "manage_cmds"),
    "plan": ("plan_cmds", "target_cmds", "link_cmds", "manage_cmds"),
    "assign": ("plan_cmds",),
    "tasks": ("plan_cmds",),
    "units": ("people_cmds", "link_cmds"),
    "users": ("people_cmds",),
    "rounds": ("cycle_cmds",),
    "report": ("cycle_cmds",),
    "reports": ("cycle_cmds",),
    "review": ("cycle_cmds",),
    "export": ("xlsx_cmds", "export_cmds"),
    "import": ("xlsx_cmds",),
    "db": ("db_cmds",),
    "audit": ("db_cmds",),
    "serve": ("web_cmds",),
    "demo": ("web_cmds",),
    "sign": ("workflow_cmds",),
    "unsigned": ("workflow_cmds",),
    "delay": ("workflow_cmds",),
    "close": ("workflow_cmds",),
    "comment": ("workflow_cmds",),
    "attachment": ("workflow_cmds",),
    "remind": ("workflow_cmds",),
    "notifications": ("workflow_cmds",),
    "scores": ("workflow_cmds",),
    "orgs": ("link_cmds", "org_cmds"),
    "links": ("link_cmds",),
}


def load_command(name: str) -> click.Command | None:
    """The command ``name``, built by importing and registering its modules."""
    modules = COMMANDS.get(name)
    if modules is None:
        return None
    group = click.Group()
    for module in modules:
        importlib.import_module(f"luoshi.cli.{module}").register(group)
    return group.commands.get(name)


class LuoshiGroup(click.Group):
    """Commands loaded on demand; expected errors become ``错误：…`` on stderr, exit 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``luoshi --help``, from ``SUMMARIES``: as click lists
        them, without importing every command's module to read its help."""
        from luoshi.cli.summaries import summary

        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = [(n, summary(n, limit)) for n in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
    whole_process = ctx.obj is WHOLE_PROCESS
    app = AppContext(Settings.from_env(config=LOCAL_CONFIG, database_url=database_url), username)
    ctx.obj = app
    if whole_process:
        # The subcommand's module is imported by now: the group resolved it first.
        collect_less()
    ctx.call_on_close(app.close)


# Passed by ``main`` only: a command run in-process (tests, CliRunner) leaves the
# collector of the process that runs it alone.
WHOLE_PROCESS = object()


def main() -> None:
    for stream in (sys.stdout, sys.stderr):
        # Pipes on a C locale would otherwise reject Chinese text.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    cli(prog_name="luoshi", obj=WHOLE_PROCESS)
