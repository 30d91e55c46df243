"""``doclisten sql`` cannot write, create files, read server files or run programs (issue 10, item 1).

Each lock is tried on its own: the statement allow-list (``run_sql``), and the connection without it
(``execute_read_only``: read-only transaction + ``doclisten_readonly`` role on PostgreSQL, ``mode=ro`` +
authorizer on SQLite). Side effects are looked for, not only error messages: files in a directory the
database server can write to, row counts, the SQLite header (user_version, journal mode).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from pipelines.analyst.filters import AnalystError
from pipelines.analyst.sql import execute_read_only, run_sql
from pipelines.store.db import open_database, open_existing
from tests.analyst_data import fill
from tests.conftest import _pg_connect, run_cli

COUNTS = (
    "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM comments), (SELECT count(*) FROM sources)"
)
FILLED = (4, 3, 2)


@pytest.fixture
def server_dir() -> Iterator[Path]:
    """A world-writable directory: a statement that got through to the server would leave a file here."""
    path = Path(tempfile.mkdtemp(prefix="doclisten-sql-"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        shutil.rmtree(path)


def pg_server_writes_to(path: Path) -> None:
    """The control: the PostgreSQL server (as superuser) can create files there, so absence means refusal."""
    with _pg_connect() as admin:
        # cat reads all COPY writes (a program that does not can make the server fail with EPIPE)
        admin.execute(f"COPY (SELECT 1) TO PROGRAM 'cat > {path}/control'")
    if not (path / "control").exists():
        pytest.skip("the PostgreSQL server does not share this file system")
    (path / "control").unlink()


def query(url: str, sql: str) -> list[tuple]:
    _, rows = run_sql(url, sql)
    return list(rows)


def refusal(call, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(AnalystError) as info:
        _, rows = call(*args)
        list(rows)
    message = str(info.value)
    assert "\n" not in message and message.startswith(("refused:", "SQL error:")), message
    return message


def assert_untouched(url: str, server_dir: Path) -> None:
    engine = open_database(url)
    with engine.connect() as conn:
        assert tuple(conn.execute(text(COUNTS)).one()) == FILLED
    engine.dispose()
    assert list(server_dir.iterdir()) == []
    if url.startswith("sqlite"):
        with sqlite3.connect(make_url(url).database) as conn:
            assert conn.execute("PRAGMA user_version").fetchone() == (0,)
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert conn.execute("PRAGMA writable_schema").fetchone() == (0,)


ATTACKS = [
    "SELECT 1; DELETE FROM posts",
    "SELECT 1; SELECT 2",
    "DELETE FROM posts; SELECT 1",
    "/* SELECT */ DELETE FROM posts",
    "-- SELECT\nDELETE FROM posts",
    "SELECT 'a\\'; DELETE FROM posts; --'",
    "WITH gone AS (DELETE FROM posts RETURNING id) SELECT count(*) FROM gone",
    "WITH x AS (UPDATE posts SET title = 'x' RETURNING id) SELECT count(*) FROM x",
    "WITH x AS (INSERT INTO sources (home_url, added_at) VALUES ('http://x.test/', '2024-01-01') RETURNING id) "
    "SELECT * FROM x",
    "SELECT * FROM (WITH g AS (DELETE FROM comments RETURNING id) SELECT id FROM g) AS s",
    "EXPLAIN ANALYZE DELETE FROM posts",
    "EXPLAIN (ANALYZE) DELETE FROM posts",
    "EXPLAIN QUERY PLAN DELETE FROM posts",
    "SELECT * INTO evil FROM posts",
    "SELECT id FROM posts FOR UPDATE",
    "SELECT set_config('role', 'postgres', true), 1",
    "VACUUM INTO '{dir}/vacuumed.db'",
    "ATTACH DATABASE '{dir}/attached.db' AS evil",
    "DETACH DATABASE main",
    "PRAGMA user_version = 7",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA writable_schema = ON",
    "COPY (SELECT 1) TO PROGRAM 'id > {dir}/program'",
    "COPY posts TO '{dir}/posts.csv'",
    "SELECT load_extension('{dir}/evil')",
    "CREATE TABLE evil (x int)",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_allow_list_refuses_before_running(db_url: str, server_dir: Path, attack: str) -> None:
    fill(db_url)
    refusal(run_sql, db_url, attack.format(dir=server_dir))
    assert_untouched(db_url, server_dir)


def test_copy_to_program_through_the_cli(pg_url: str, server_dir: Path) -> None:
    pg_server_writes_to(server_dir)
    fill(pg_url)
    target = server_dir / "pwned"
    proc = run_cli("sql", f"COPY (SELECT 1) TO PROGRAM 'id > {target}'", db=pg_url, check=False)
    assert proc.returncode == 1 and proc.stderr.startswith("Error: refused:"), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not target.exists()


def test_attach_and_vacuum_into_through_the_cli(sqlite_url: str, server_dir: Path) -> None:
    fill(sqlite_url)
    for statement in (f"ATTACH DATABASE '{server_dir}/a.db' AS a", f"VACUUM INTO '{server_dir}/v.db'"):
        proc = run_cli("sql", statement, db=sqlite_url, check=False)
        assert proc.returncode == 1 and proc.stderr.startswith("Error: refused:"), proc.stderr
    assert_untouched(sqlite_url, server_dir)


PG_SERVER_ATTACKS = [
    "COPY (SELECT 1) TO PROGRAM 'id > {dir}/program'",
    "COPY posts TO '{dir}/posts.csv'",
    "SELECT pg_read_file('/etc/hostname')",
    "SELECT pg_ls_dir('.')",
    "SELECT lo_export(lo_from_bytea(0, 'x'), '{dir}/lo')",
    "DELETE FROM posts",
    "CREATE TABLE evil (x int)",
    "WITH gone AS (DELETE FROM posts RETURNING id) SELECT count(*) FROM gone",
    "SELECT nextval('posts_id_seq')",
    "SELECT 1; DELETE FROM posts",
    "COMMIT; DELETE FROM posts",
    "COMMIT; RESET ROLE; COPY (SELECT 1) TO PROGRAM 'id > {dir}/program'",
    "COMMIT",  # alone: the role and read-only mode are the session's, not only the transaction's
]


@pytest.mark.parametrize("attack", PG_SERVER_ATTACKS)
def test_postgresql_connection_refuses_without_the_allow_list(
    pg_url: str, server_dir: Path, attack: str
) -> None:
    pg_server_writes_to(server_dir)
    fill(pg_url)
    refusal(execute_read_only, open_existing(pg_url), attack.format(dir=server_dir))
    assert_untouched(pg_url, server_dir)


SQLITE_CONNECTION_ATTACKS = [
    "ATTACH DATABASE '{dir}/attached.db' AS evil",
    "VACUUM INTO '{dir}/vacuumed.db'",
    "VACUUM",
    "DETACH DATABASE main",
    "PRAGMA user_version = 7",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA writable_schema = ON",
    "PRAGMA wal_checkpoint(TRUNCATE)",
    "SELECT load_extension('{dir}/evil')",
    "SELECT * FROM pragma_user_version",
    "DELETE FROM posts",
    "CREATE TABLE evil (x int)",
    "CREATE TEMP TABLE evil (x int)",
    "WITH gone AS (DELETE FROM posts RETURNING id) SELECT count(*) FROM gone",
    "SELECT 1; DELETE FROM posts",
]


@pytest.mark.parametrize("attack", SQLITE_CONNECTION_ATTACKS)
def test_sqlite_connection_refuses_without_the_allow_list(
    sqlite_url: str, server_dir: Path, attack: str
) -> None:
    fill(sqlite_url)
    refusal(execute_read_only, open_existing(sqlite_url), attack.format(dir=server_dir))
    assert_untouched(sqlite_url, server_dir)


READS = [
    ("SELECT count(*) FROM posts", [(4,)]),
    ("WITH t AS (SELECT id FROM posts) SELECT count(*) FROM t", [(4,)]),
    ("VALUES (1, 'a'), (2, 'b')", [(1, "a"), (2, "b")]),
    ("SELECT 1 UNION SELECT 2 ORDER BY 1", [(1,), (2,)]),
    ("SELECT '; DELETE FROM posts' AS s", [("; DELETE FROM posts",)]),
    ("SELECT 'WITH x AS (DELETE FROM posts)' AS s", [("WITH x AS (DELETE FROM posts)",)]),
    ("SELECT count(*) FROM posts -- ; DELETE FROM posts", [(4,)]),
    ("/* DELETE FROM posts; */ SELECT count(*) FROM posts;", [(4,)]),
    ("SELECT keyword, sum(mentions) FROM mentions_per_week GROUP BY keyword ORDER BY 2 DESC LIMIT 1", [("Dexcom", 7)]),
    ("SELECT title FROM posts WHERE title LIKE 'Pump%'", [("Pump day",)]),
]  # fmt: skip


@pytest.mark.parametrize(("statement", "expected"), READS)
def test_queries_still_work(db_url: str, statement: str, expected: list[tuple]) -> None:
    fill(db_url)
    assert query(db_url, statement) == expected


@pytest.mark.parametrize(
    "statement",
    [
        "EXPLAIN SELECT * FROM posts WHERE id = 1",
        "EXPLAIN QUERY PLAN SELECT * FROM posts WHERE id = 1",
        "SELECT name FROM pragma_table_info('posts')",
        "SELECT count(*) FROM search_posts WHERE search_posts MATCH 'dexcom'",
    ],
)
def test_sqlite_explain_and_introspection(sqlite_url: str, statement: str) -> None:
    fill(sqlite_url)
    assert query(sqlite_url, statement)


@pytest.mark.parametrize(
    "statement",
    [
        "EXPLAIN SELECT * FROM posts WHERE id = 1",
        "EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM posts",
        "EXPLAIN ANALYZE VERBOSE SELECT 1",
        "(SELECT count(*) FROM comments)",
        "SELECT count(*) FROM search_posts WHERE body @@ to_tsquery('simple', 'dexcom')",
    ],
)
def test_postgresql_explain_and_search(pg_url: str, statement: str) -> None:
    fill(pg_url)
    assert query(pg_url, statement)


def test_postgresql_runs_as_the_readonly_role_in_a_read_only_transaction(pg_url: str) -> None:
    fill(pg_url)
    row = query(pg_url, "SELECT current_user, session_user, current_setting('transaction_read_only')")
    assert row == [("doclisten_readonly", make_url(pg_url).username or "postgres", "on")]
    with _pg_connect() as admin:
        attributes = admin.execute(
            "SELECT rolsuper, rolcanlogin, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles "
            "WHERE rolname = 'doclisten_readonly'"
        ).fetchone()
    assert attributes == (False, False, False, False, False)


@pytest.fixture
def pg_user(pg_url: str) -> Iterator[tuple[str, str]]:
    """A login role without superuser or CREATEROLE that may read the tables; (its name, its URL)."""
    name = f"doclisten_test_{uuid.uuid4().hex[:10]}"
    database = make_url(pg_url).database
    fill(pg_url)
    with _pg_connect() as admin:
        admin.execute(f"CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEROLE")
    with _pg_connect(database) as admin:
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name}")
    try:
        yield name, make_url(pg_url).set(username=name).render_as_string(hide_password=False)
    finally:
        with _pg_connect(database) as admin:
            admin.execute(f"DROP OWNED BY {name}")
        with _pg_connect() as admin:
            admin.execute(f"DROP ROLE {name}")


def test_a_user_who_cannot_enter_the_role_is_refused(pg_user: tuple[str, str]) -> None:
    _, url = pg_user
    message = refusal(run_sql, url, "SELECT count(*) FROM posts")
    assert message.startswith("refused: doclisten sql runs queries as the read-only role doclisten_readonly")
    assert "cannot create or enter" in message


def test_a_member_of_the_role_runs_as_it(pg_url: str, pg_user: tuple[str, str]) -> None:
    name, url = pg_user
    assert query(pg_url, "SELECT count(*) FROM posts") == [(4,)]  # as the superuser: creates and grants
    with _pg_connect() as admin:
        admin.execute(f"GRANT doclisten_readonly TO {name}")
    assert query(url, "SELECT current_user, session_user, count(*) FROM posts") == [
        ("doclisten_readonly", name, 4)
    ]


def test_a_role_that_became_privileged_is_not_used(pg_url: str) -> None:
    fill(pg_url)
    assert query(pg_url, "SELECT 1") == [(1,)]
    with _pg_connect() as admin:
        admin.execute("GRANT pg_read_server_files TO doclisten_readonly")
    try:
        message = refusal(run_sql, pg_url, "SELECT 1")
        assert "is not read-only" in message
    finally:
        with _pg_connect() as admin:
            admin.execute("REVOKE pg_read_server_files FROM doclisten_readonly")
