"""The front door's shape: one registration list, one error guard, one one-line formatter, one CSV
writer, commands without SQL of their own, the environment read by ``Config.from_env`` only."""

from __future__ import annotations

import ast
import io
from datetime import datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crawler.exceptions import one_line
from doclisten.cli import common
from doclisten.cli.main import COMMANDS, main
from doclisten.config import Config

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "doclisten" / "cli"
COMMAND_BODIES = ROOT / "doclisten" / "commands"


def modules(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.py"))


def test_one_line_of_an_exception_or_a_text() -> None:
    class Wrapped(Exception):
        orig = ValueError("no such table: posts\n[SQL: SELECT * FROM posts]")

    assert one_line(Wrapped("outer")) == "no such table: posts"
    assert one_line(RuntimeError()) == "RuntimeError"
    assert one_line(KeyError("x"), named=True) == "KeyError: 'x'"
    assert one_line(AssertionError(), named=True) == "AssertionError"
    assert one_line("\n  connection   refused\n\tIs the server running?") == "connection refused"
    assert one_line("x" * 900) == "x" * 500 and one_line("abc", 2) == "ab"
    assert one_line("") == ""


def test_the_root_adds_every_command_in_one_list() -> None:
    assert list(main.commands.values()) == COMMANDS
    assert set(main.commands["sources"].commands) == {"add", "list", "remove", "import", "enable", "disable"}
    for path in modules(CLI):
        if path.name != "main.py":
            assert "add_command" not in path.read_text(), f"{path.name} registers commands itself"


def _raises_click_error_in_handler(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Raise) and "ClickException" in ast.unparse(inner.exc or inner):
                    lines.append(inner.lineno)
    return lines


def test_only_the_guard_turns_errors_into_messages() -> None:
    for path in modules(CLI):
        lines = _raises_click_error_in_handler(ast.parse(path.read_text()))
        if path.name == "common.py":
            assert lines, "the guard is in cli/common.py"
        else:
            assert not lines, (
                f"{path.name}:{lines} formats an error itself: raise a DoclistenError under guard()"
            )


def test_command_bodies_have_no_sql_of_their_own() -> None:
    for path in modules(COMMAND_BODIES):
        imported = [
            node.module or ""
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.ImportFrom)
        ]
        assert not [m for m in imported if m.split(".")[0] == "sqlalchemy" and m != "sqlalchemy.exc"], (
            f"{path.name} builds SQL: move the query into pipelines/store/"
        )


def test_unexpected_errors_are_one_line() -> None:
    def buggy() -> None:
        raise ValueError("first line\nsecond line")

    with pytest.raises(click.ClickException) as caught:
        common.guarded(buggy)
    assert caught.value.message.startswith("unexpected error: ValueError: first line (please report it;")


def test_debug_comes_from_the_config() -> None:
    assert Config.from_env({"DOCLISTEN_DEBUG": "1"}).debug
    assert not Config.from_env({}).debug

    @click.command()
    @click.pass_obj
    def boom(obj: common.Context) -> None:
        common.guarded(lambda: 1 / 0)

    debug = common.Context()
    debug.config = Config(debug=True)
    result = CliRunner().invoke(boom, obj=debug)
    assert isinstance(result.exception, ZeroDivisionError)  # the traceback, not a one-line message
    quiet = common.Context()
    quiet.config = Config(debug=False)
    result = CliRunner().invoke(boom, obj=quiet)
    assert result.exit_code == 1 and "unexpected error: ZeroDivisionError" in result.output


def test_one_csv_writer_writes_times_as_utc() -> None:
    from pipelines.analyst.export import write_csv

    out = io.StringIO()
    rows = [(1, datetime(2024, 1, 7, 23, 30), None), (2, "2024-01-07 23:30:00.000000", "text")]
    assert write_csv(out, ["id", "at", "note"], rows) == 2
    assert out.getvalue().splitlines() == [
        "id,at,note",
        "1,2024-01-07T23:30:00+00:00,",
        "2,2024-01-07T23:30:00+00:00,text",
    ]


@pytest.mark.slow
def test_extract_fetches_through_the_runner_without_a_database(demo_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import run_cli

    never = tmp_path / "never.db"
    url = demo_site.post_url("wp-classic", demo_site.blogs["wp-classic"].content.posts[0].slug)
    result = run_cli("extract", url, "--format", "json", db=f"sqlite:///{never}")
    assert '"platform": "wordpress"' in result.stdout
    assert not never.exists(), "extract opened (and migrated) a database it does not use"
