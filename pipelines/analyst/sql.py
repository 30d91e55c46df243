"""``doclisten sql``: one query, checked before it runs, on a connection that cannot write.

Three locks, each enough for the writes the others miss:

1. the statement allow-list (``sql_guard``): one SELECT / WITH … SELECT / VALUES / EXPLAIN of one,
   checked on sqlglot's parse tree before anything is sent;
2. SQLite: the file opened read-only (``mode=ro``) with ``PRAGMA query_only``; PostgreSQL: a
   ``READ ONLY`` transaction (and session), the statement sent as a prepared statement (the extended
   protocol: exactly one statement, so no ``COMMIT; RESET ROLE; …``);
3. SQLite: an authorizer that allows reading only (no ATTACH/DETACH, hence no ``VACUUM INTO``; no
   pragma but a few read-only ones; no ``load_extension``; no write of any kind) and no attached
   databases; PostgreSQL: the statement runs as ``doclisten_readonly``, a NOLOGIN role with SELECT on
   the schema's tables and nothing else (``SET ROLE``), never as the connecting user — a read-only
   transaction alone still allows ``COPY … TO PROGRAM`` and ``pg_read_file()`` to a superuser.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine

from crawler.exceptions import one_line
from pipelines.analyst.filters import AnalystError
from pipelines.analyst.pg_readonly import READONLY_ROLE, prepare_readonly_role
from pipelines.analyst.sql_guard import check_statement
from pipelines.store.db import open_existing

logger = logging.getLogger(__name__)

REFUSAL_HINTS = (
    "readonly", "read-only", "read only", "query_only", "permission denied", "not authorized",
    "too many attached databases", "must be superuser",
)  # fmt: skip
# pragmas that only report (their argument, if any, names a table or index); FTS5 reads data_version
READ_PRAGMAS = {
    "data_version", "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "collation_list", "function_list", "module_list", "pragma_list", "compile_options",
}  # fmt: skip
READ_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE}


def _authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
    if action in READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_DENY if (arg2 or "").lower() == "load_extension" else sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        return sqlite3.SQLITE_OK if (arg1 or "").lower() in READ_PRAGMAS else sqlite3.SQLITE_DENY
    # a virtual table (FTS5, pragma_*() functions) declares its schema through an "update" of
    # sqlite_master when it connects; a real one is impossible on a read-only, query_only file
    if action == sqlite3.SQLITE_UPDATE and arg1 in ("sqlite_master", "sqlite_schema"):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def lock_sqlite(conn: sqlite3.Connection) -> None:
    """Make an (already ``mode=ro``) SQLite connection unable to write, attach or load anything."""
    conn.execute("PRAGMA query_only = ON")
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)  # ATTACH and VACUUM INTO need an attached database
    conn.set_authorizer(_authorize)


def _explain(exc: Exception) -> AnalystError:
    message = one_line(exc)
    if "permission denied for table" in message or "permission denied for view" in message:
        hint = f"the tables' owner can run: GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READONLY_ROLE}"
        return AnalystError(f"refused: {message} ({READONLY_ROLE} may not read it; {hint})")
    if any(h in message.lower() for h in REFUSAL_HINTS):
        return AnalystError(f"refused: doclisten sql is read-only ({message})")
    if "multiple commands" in message or "one statement at a time" in message:
        return AnalystError("refused: doclisten sql runs one statement at a time")
    return AnalystError(f"SQL error: {message}")


def run_sql(url: str, sql: str, batch: int = 500) -> tuple[list[str], Iterator[tuple]]:
    """Run one read-only query; returns column names and the rows (fetched in batches)."""
    engine = open_existing(url)
    try:
        check_statement(sql, engine.dialect.name)
    except AnalystError:
        engine.dispose()
        raise
    return execute_read_only(engine, sql, batch)


def execute_read_only(engine: Engine, sql: str, batch: int = 500) -> tuple[list[str], Iterator[tuple]]:
    """Run ``sql`` on a locked-down connection of ``engine`` (locks 2 and 3; the caller checked it)."""
    if engine.dialect.name == "postgresql" and engine.dialect.driver != "psycopg":
        engine.dispose()
        raise AnalystError("doclisten sql needs the psycopg driver: use a postgresql:// URL")
    dbapi_error = engine.dialect.loaded_dbapi.Error
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            lock_sqlite(raw.driver_connection)  # type: ignore[arg-type]
            cur = raw.cursor()
            cur.execute(sql)
        else:
            prepare_readonly_role(raw, dbapi_error)
            cur = raw.cursor()
            # session-wide, so that a COMMIT inside the statement cannot leave the role or read-only mode
            cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            cur.execute("SET TRANSACTION READ ONLY")
            cur.execute(f"SET ROLE {READONLY_ROLE}")
            cur.execute(sql, prepare=True)  # type: ignore[call-arg]  # extended protocol: one statement, never "…; RESET ROLE; …"
    except AnalystError:
        _close(raw, engine)
        raise
    except dbapi_error as exc:
        _close(raw, engine)
        raise _explain(exc) from exc
    if cur.description is None:
        _close(raw, engine)
        raise AnalystError("refused: doclisten sql runs queries that return rows (SELECT, WITH, EXPLAIN …)")
    names = [d[0] for d in cur.description]
    return names, _rows(cur, raw, engine, batch, dbapi_error)


def _close(raw: Any, engine: Engine) -> None:
    raw.rollback()
    raw.close()
    engine.dispose()


def _rows(cur: Any, raw: Any, engine: Engine, batch: int, dbapi_error: type[Exception]) -> Iterator[tuple]:
    try:
        while chunk := cur.fetchmany(batch):
            yield from (tuple(r) for r in chunk)
    except dbapi_error as exc:  # met while fetching (e.g. a function refused on a later row)
        raise _explain(exc) from exc
    finally:
        _close(raw, engine)
