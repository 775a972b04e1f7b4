"""The CLI loads a command's modules only when it runs: stateless commands start without
the database, web or spreadsheet layers (issue 15)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import click

import luoshi.cli
from luoshi.cli import COMMANDS, cli, load_command

HEAVY = ("sqlalchemy", "alembic", "fastapi", "starlette", "openpyxl", "uvicorn", "jinja2")


def command_modules() -> list[str]:
    """Every ``luoshi.cli.*_cmds`` module."""
    return sorted(
        m.name for m in pkgutil.iter_modules(luoshi.cli.__path__) if m.name.endswith("_cmds")
    )


def test_the_table_names_every_command_of_every_module() -> None:
    everything = click.Group()
    for name in command_modules():
        importlib.import_module(f"luoshi.cli.{name}").register(everything)
    assert sorted(everything.commands) == sorted(COMMANDS)
    listed = {m for modules in COMMANDS.values() for m in modules}
    assert listed == set(command_modules())


def test_a_lazily_loaded_group_has_the_subcommands_of_all_its_modules() -> None:
    everything = click.Group()
    for name in command_modules():
        importlib.import_module(f"luoshi.cli.{name}").register(everything)
    for name in COMMANDS:
        loaded = load_command(name)
        assert loaded is not None
        full = everything.commands[name]
        if isinstance(full, click.Group):
            assert isinstance(loaded, click.Group)
            assert sorted(loaded.commands) == sorted(full.commands), name
    assert load_command("no-such-command") is None
    assert sorted(cli.list_commands(click.Context(cli))) == sorted(COMMANDS)


def test_the_help_lists_each_command_as_its_own_help_would() -> None:
    from click.testing import CliRunner

    from luoshi.cli.summaries import SUMMARIES, summary

    assert sorted(SUMMARIES) == sorted(COMMANDS)
    for name in COMMANDS:
        command = load_command(name)
        assert command is not None
        for limit in (30, 45, 80, 200):
            assert summary(name, limit) == command.get_short_help_str(limit), name
    shown = CliRunner().invoke(cli, ["--help"], terminal_width=100).output
    assert "提取文件中的数量（目标与实绩）。Extract quantities from FILES." in shown


def test_help_imports_no_command_module(tmp_path: Path) -> None:
    loaded = imported_by(["--help"], tmp_path)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def imported_by(args: list[str], tmp_path: Path) -> set[str]:
    """Top-level packages imported by a whole ``luoshi`` process running ``args``."""
    probe = (
        "import sys, json, atexit\n"
        "atexit.register(lambda: print(json.dumps(sorted({m.split('.')[0] for m in"
        " sys.modules})), file=sys.stderr))\n"
        "from luoshi.cli import main\n"
        f"sys.argv = ['luoshi', *{args!r}]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_extract_imports_no_database_web_or_spreadsheet_library(tmp_path: Path) -> None:
    doc = tmp_path / "small.txt"
    doc.write_text("一、总体目标\n集装箱吞吐量突破2300万标准箱。\n", encoding="utf-8")
    loaded = imported_by(["extract", str(doc)], tmp_path)
    assert "luoshi" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_a_ledger_command_does_load_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    loaded = imported_by(["--database-url", url, "plan", "list"], tmp_path)
    assert "sqlalchemy" in loaded
    assert "fastapi" not in loaded


COLLECTOR_AFTER = """
import gc, sys
from luoshi.cli import main
sys.argv = ["luoshi", "outline", sys.argv[1]]
try:
    main()
except SystemExit:
    pass
print(gc.get_threshold()[0], gc.get_freeze_count(), file=sys.stderr)
"""


def test_a_whole_command_process_collects_cyclic_garbage_less_often(tmp_path: Path) -> None:
    from luoshi.collector import YOUNG

    sample = tmp_path / "a.txt"
    sample.write_text("一、总体目标\n全年地区生产总值增长5%左右。\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", COLLECTOR_AFTER, str(sample)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert "总体目标" in done.stdout  # the command ran
    threshold, frozen = map(int, done.stderr.split()[-2:])
    assert threshold == YOUNG and frozen > 10_000  # the imports' objects left out of passes


def test_a_command_run_in_process_leaves_the_collector_alone(tmp_path: Path) -> None:
    import gc

    from click.testing import CliRunner

    sample = tmp_path / "a.txt"
    sample.write_text("一、总体目标\n", encoding="utf-8")
    before = gc.get_threshold(), gc.get_freeze_count()
    result = CliRunner().invoke(cli, ["outline", str(sample)])
    assert result.exit_code == 0 and "总体目标" in result.output
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
