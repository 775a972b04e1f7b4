"""The stateless commands: bad files are reported, the rest still processed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from luoshi.cli import cli

GOOD = "二、主要任务\n更加注重扩大开放。全年实际使用外资30亿美元。\n"


def write(tmp_path: Path, name: str, data: bytes) -> str:
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


def test_bad_files_get_one_line_and_exit_2_but_others_are_processed(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", GOOD.encode("gb18030"))
    binary = write(tmp_path, "pic.png", b"\x89PNG\x00\x00\x01\x02")
    empty = write(tmp_path, "empty.txt", b"")
    result = CliRunner().invoke(cli, ["extract", binary, good, empty, "--jsonl"])
    assert result.exit_code == 2
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["text"] for r in records] == ["30亿美元"]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert "pic.png" in errors[0] and "二进制" in errors[0]
    assert "empty.txt" in errors[1] and "为空" in errors[1]


def test_human_table_and_outline(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", GOOD.encode())
    table = CliRunner().invoke(cli, ["extract", good])
    assert table.exit_code == 0
    assert "30亿美元" in table.output and "实际使用外资" in table.output
    outline = CliRunner().invoke(cli, ["outline", good, "--jsonl"])
    heads = [json.loads(x) for x in outline.output.splitlines()]
    assert [(h["level"], h["text"]) for h in heads] == [(1, "二、主要任务")]


def test_text_prints_the_raw_text_offsets_refer_to(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", "\ufeff".encode() + GOOD.encode())
    result = CliRunner().invoke(cli, ["text", path])
    assert result.output == "\ufeff" + GOOD


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for name, cmd in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert cmd.help, name
