"""``doclisten sql``: read-only queries as a table or CSV; every kind of write is refused in one line."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import text

from pipelines.db import open_database
from tests.analyst_data import fill
from tests.conftest import run_cli


def test_select_as_table_and_csv(db_url: str) -> None:
    fill(db_url)
    out = run_cli("sql", "SELECT keyword, sum(mentions) AS n FROM mentions_per_week GROUP BY keyword ORDER BY n DESC, keyword",
                  db=db_url).stdout  # fmt: skip
    lines = out.splitlines()
    assert lines[0].split() == ["keyword", "n"]
    assert [line.split() for line in lines[2:]] == [["Dexcom", "7"], ["Abbott", "5"], ["insulin", "2"]]
    out = run_cli("sql", "SELECT content_text FROM posts WHERE content_text LIKE '%nothing%'", "--format", "csv",
                  db=db_url).stdout  # fmt: skip
    assert list(csv.reader(io.StringIO(out))) == [
        ["content_text"],
        ["Insulin prices are high; Abbott\nsaid nothing."],
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM posts",
        "UPDATE posts SET title = 'x'",
        "DROP TABLE comments",
        "CREATE TABLE evil (x int)",
        "INSERT INTO sources (home_url, added_at) VALUES ('http://x.test/', '2024-01-01')",
        "SELECT 1; DELETE FROM posts",
        "COMMIT; DELETE FROM posts",
    ],
)
def test_writes_are_refused(db_url: str, statement: str) -> None:
    fill(db_url)
    proc = run_cli("sql", statement, db=db_url, check=False)
    assert proc.returncode == 1
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1 and message.startswith("Error: refused:"), message
    engine = open_database(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM posts")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM comments")).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM sources")).scalar() == 2
    engine.dispose()


@pytest.mark.parametrize("statement", ["SELEC nonsense", "SELECT nosuch FROM posts", "SELECT FROM WHERE ("])
def test_sql_error_is_one_line(sqlite_url: str, statement: str) -> None:
    open_database(sqlite_url).dispose()
    proc = run_cli("sql", statement, db=sqlite_url, check=False)
    assert proc.returncode == 1 and proc.stderr.startswith("Error: SQL error:"), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
