"""Read commands (export, sql, report, search) never create, migrate or write a database (issue 10, item 4)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from pipelines.store.db import (
    alembic_config,
    create_db_engine,
    current_revision,
    head_revision,
    open_database,
)
from tests.analyst_data import fill
from tests.conftest import run_cli

READS = [
    ("export", "posts"),
    ("sql", "SELECT 1"),
    ("report",),
    ("search", "dexcom"),
]


def one_line_error(proc) -> str:  # type: ignore[no-untyped-def]
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message, message
    return message


@pytest.mark.parametrize("args", READS, ids=lambda a: a[0])
def test_a_missing_database_file_is_an_error_and_is_not_created(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "typo.db"
    message = one_line_error(run_cli(*args, db=f"sqlite:///{missing}", check=False))
    assert message.startswith(f"Error: no doclisten database at {missing}"), message
    assert "doclisten migrate" in message  # says how to create one
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_is_not_created_by_a_read(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCLISTEN_")}
    proc = subprocess.run(
        [sys.executable, "-m", "doclisten.cli.main", "export", "posts"],
        cwd=tmp_path, env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1 and "no doclisten database at doclisten.db" in proc.stderr, proc.stderr
    assert "exported" not in proc.stderr
    assert not (tmp_path / "doclisten.db").exists()


def test_a_sqlite_file_that_is_not_a_doclisten_database_is_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    before = other.read_bytes()
    for args in READS:
        message = one_line_error(run_cli(*args, db=f"sqlite:///{other}", check=False))
        assert message.startswith(f"Error: no doclisten database at {other}"), message
    assert other.read_bytes() == before  # no alembic_version, no tables added


def test_an_older_schema_asks_for_migrate_and_is_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    command.upgrade(alembic_config(engine), "0004")
    engine.dispose()
    for args in READS:
        message = one_line_error(run_cli(*args, db=url, check=False))
        assert "older doclisten schema" in message and "run `doclisten migrate`" in message, message
    engine = create_db_engine(url)
    assert current_revision(engine) == "0004"
    engine.dispose()
    run_cli("migrate", db=url)
    assert run_cli("export", "posts", db=url).stderr.strip() == "exported 0 posts"


def test_an_empty_postgresql_database_is_not_a_doclisten_database(pg_url: str) -> None:
    message = one_line_error(run_cli("report", db=pg_url, check=False))
    assert message.startswith("Error: no doclisten database at postgresql"), message
    engine = create_db_engine(pg_url)
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()
    engine.dispose()
    assert tables == 0


def test_a_path_with_a_hash_opens_that_file(tmp_path: Path) -> None:
    path = tmp_path / "x#1 b.db"  # a SQLite URI would end the file name at "#"
    url = f"sqlite:///{path}"
    fill(url)
    assert run_cli("sql", "SELECT count(*) AS n FROM posts", "--format", "csv", db=url).stdout.split() == [
        "n",
        "4",
    ]
    assert run_cli("export", "posts", db=url).stderr.strip() == "exported 4 posts"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(path.name)) == []


def test_reads_work_on_a_migrated_empty_database(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    engine = create_db_engine(sqlite_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
    assert run_cli("search", "dexcom", db=sqlite_url).stderr.strip() == "0 results"
