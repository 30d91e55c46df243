"""Docs match the code: every table column is documented, README and CI run the same tests."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from sqlalchemy import inspect

from pipelines.store import search_index
from pipelines.store.db import open_database

ROOT = Path(__file__).resolve().parents[1]


def documented_columns() -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    current = None
    for line in (ROOT / "docs" / "schema.md").read_text().splitlines():
        if m := re.match(r"^## (\w+)$", line):
            current = m.group(1)
            tables[current] = set()
        elif current and (m := re.match(r"^\| (\w+) \|", line)) and m.group(1) != "column":
            tables[current].add(m.group(1))
    return {t: cols for t, cols in tables.items() if cols}


def is_fts_shadow(table: str) -> bool:
    """SQLite FTS5 keeps its index in tables named after the virtual table (search_posts_data, …)."""
    return search_index.is_index_table(table) and table not in search_index.TABLES


def test_every_view_is_documented(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    try:
        views = set(inspect(engine).get_view_names())
    finally:
        engine.dispose()
    assert views, "the analyst views exist"
    assert views <= set(documented_columns())


def test_every_column_is_documented(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    try:
        insp = inspect(engine)
        names = [*insp.get_table_names(), *insp.get_view_names()]
        actual = {
            t: {c["name"] for c in insp.get_columns(t)}
            for t in names
            if t != "alembic_version" and not is_fts_shadow(t)
        }
    finally:
        engine.dispose()
    assert documented_columns() == actual


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", text, re.S)
    return [line.strip() for line in blocks[0].splitlines() if line.strip() and not line.startswith("#")]


def test_readme_starts_with_demo_and_tests_and_ci_runs_the_same() -> None:
    demo, tests = readme_commands()[:2]
    assert demo.endswith("doclisten demo")
    assert "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text()


def test_ci_runs_the_static_checks_after_the_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    tests = readme_commands()[1]
    for check in (
        ".venv/bin/ruff check .",
        ".venv/bin/ruff format --check .",
        ".venv/bin/mypy",
        ".venv/bin/lint-imports",
    ):
        assert check in ci, f".ci/run does not run {check}"
        assert ci.index(check) > ci.index(tests), f"{check} runs before the tests"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    layers = pyproject["tool"]["importlinter"]["contracts"][0]["layers"]
    assert layers == ["doclisten", "scheduler", "pipelines", "crawler"]


def test_every_env_var_and_setting_is_documented() -> None:
    import crawler.settings as settings

    doc = (ROOT / "docs" / "configuration.md").read_text()
    names = [n for n in dir(settings) if n.startswith("DOCLISTEN_")]
    assert names
    for name in [*names, "DOCLISTEN_REDIS_URL"]:
        assert f"`{name}`" in doc, f"{name} is not documented in docs/configuration.md"


def command_sections() -> dict[str, str]:
    """``docs/commands.md``: one ``### `doclisten PATH` `` section per command."""
    text = (ROOT / "docs" / "commands.md").read_text()
    parts = re.split(r"^### `doclisten ([a-z -]+)`\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_command_and_option_is_documented() -> None:
    import click

    from tests.test_cli import leaf_commands

    sections = command_sections()
    for path, cmd in leaf_commands().items():
        assert path in sections, f"`doclisten {path}` has no section in docs/commands.md"
        for param in cmd.params:
            if not isinstance(param, click.Option) or param.name == "help":
                continue
            names = [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
            assert any(re.search(re.escape(n) + r"(?![\w-])", sections[path]) for n in names), (
                f"doclisten {path} {names[0]} is not documented in docs/commands.md"
            )
    assert set(sections) == set(leaf_commands()), "docs/commands.md documents a command that does not exist"


def test_architecture_names_only_modules_that_exist() -> None:
    """docs/architecture.md draws the packages; every module or folder it names must exist."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"`((?:doclisten|crawler|pipelines|scheduler)/[\w/]*(?:\.py)?)`", text))
    named |= set(re.findall(r"\b((?:doclisten|crawler|pipelines|scheduler)/[\w/]+\.py)\b", text))
    assert len(named) > 20, named
    missing = sorted(n for n in named if not (ROOT / n).exists())
    assert not missing, f"docs/architecture.md names modules that do not exist: {missing}"
    assert "docs/architecture.md" in (ROOT / "README.md").read_text()


def test_the_environment_is_read_in_one_place() -> None:
    """Configuration flows one way: only doclisten/config.py reads os.environ (Config.from_env)."""
    readers = []
    for package in ("doclisten", "crawler", "pipelines", "scheduler"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"\bos\.environ\b|\bos\.getenv\b|\bgetenv\(", text):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == ["doclisten/config.py"], readers
