"""``doclisten sql``: read-only queries as a table or CSV; every kind of write is refused in one line."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import text

from pipelines.store.db import open_database
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


def test_times_are_iso_8601_utc_as_in_exports(db_url: str) -> None:
    fill(db_url)
    query = "SELECT id, published_at, max(published_at) AS latest FROM posts WHERE id = 4 GROUP BY id, published_at"
    table = run_cli("sql", query, db=db_url).stdout.splitlines()
    assert table[2].split() == ["4", "2024-01-07T23:30:00+00:00", "2024-01-07T23:30:00+00:00"]
    rows = list(csv.reader(io.StringIO(run_cli("sql", query, "--format", "csv", db=db_url).stdout)))
    assert rows[1] == ["4", "2024-01-07T23:30:00+00:00", "2024-01-07T23:30:00+00:00"]
    texts = run_cli("sql", "SELECT '2024-01-07 23:30:00' AS t", "--format", "csv", db=db_url).stdout
    assert texts.splitlines()[1] == "2024-01-07 23:30:00"  # a text that is not a stored time stays as it is


def test_table_fits_the_terminal(sqlite_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fill(sqlite_url)
    monkeypatch.setenv("COLUMNS", "60")
    query = "SELECT id, url, published_at, content_text, title FROM posts ORDER BY id"
    lines = run_cli("sql", query, db=sqlite_url).stdout.splitlines()
    assert lines[0].split() == ["id", "url", "published_at", "content_text", "title"]  # no column dropped
    assert max(map(len, lines)) <= 60, lines
    assert lines[2].split()[2] == "2024-01-01T10:00:00+00:00"  # times are never cut
    assert "…" in lines[2]


@pytest.mark.parametrize("statement", ["SELEC nonsense", "SELECT nosuch FROM posts", "SELECT FROM WHERE ("])
def test_sql_error_is_one_line(sqlite_url: str, statement: str) -> None:
    open_database(sqlite_url).dispose()
    proc = run_cli("sql", statement, db=sqlite_url, check=False)
    assert proc.returncode == 1 and proc.stderr.startswith("Error: SQL error:"), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
