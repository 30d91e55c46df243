"""``doclisten sql``: one statement on a read-only connection.

SQLite: the file is opened with ``mode=ro`` and ``PRAGMA query_only``. PostgreSQL: the session has
``default_transaction_read_only`` and the transaction is ``READ ONLY``; the statement goes through the
extended protocol, which refuses a second statement (so ``COMMIT; DROP …`` cannot slip through).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from pipelines.analyst.filters import AnalystError
from pipelines.store.db import create_db_engine, open_database

READ_ONLY_HINTS = ("readonly", "read-only", "read only", "query_only")


def readonly_engine(url: str) -> Engine:
    open_database(url).dispose()  # the schema exists (and is migrated) before we look at it
    engine = create_db_engine(url)
    if engine.dialect.name == "sqlite":
        path = make_url(url).database
        engine.dispose()
        if not path or path == ":memory:":
            raise AnalystError("doclisten sql needs a database file or server, not an in-memory database")
        ro = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        return ro
    engine.dispose()
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, connect_args={"options": "-c default_transaction_read_only=on"})


def _explain(exc: Exception) -> AnalystError:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if any(h in message.lower() for h in READ_ONLY_HINTS):
        return AnalystError(f"refused: doclisten sql is read-only ({message})")
    if "multiple commands" in message or "one statement at a time" in message:
        return AnalystError("refused: doclisten sql runs one statement at a time")
    return AnalystError(f"SQL error: {message}")


def run_sql(url: str, sql: str, batch: int = 500) -> tuple[list[str], Iterator[tuple]]:
    """Run one statement read-only; returns column names and the rows (fetched in batches)."""
    engine = readonly_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            cur.execute("PRAGMA query_only = ON")
            cur.execute(sql)
        else:
            cur.execute("SET TRANSACTION READ ONLY")
            cur.execute(sql.replace("%", "%%"), ())
    except Exception as exc:
        raw.close()
        engine.dispose()
        raise _explain(exc) from exc
    if cur.description is None:
        raw.close()
        engine.dispose()
        raise AnalystError("refused: doclisten sql runs queries that return rows (SELECT, WITH, EXPLAIN …)")
    names = [d[0] for d in cur.description]
    return names, _rows(cur, raw, engine, batch)


def _rows(cur: Any, raw: Any, engine: Engine, batch: int) -> Iterator[tuple]:
    try:
        while chunk := cur.fetchmany(batch):
            yield from (tuple(r) for r in chunk)
    finally:
        raw.rollback()
        raw.close()
        engine.dispose()
