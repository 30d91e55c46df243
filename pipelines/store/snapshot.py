"""``doclisten export --format sqlite``: a snapshot of a doclisten database (SQLite or PostgreSQL) in a
SQLite file, e.g. to hand to ``doclisten serve``.

The file is made by the migrations (so it has the analyst views and the full-text index, and is a
doclisten database at the latest revision), then every table is copied in batches from a server-side
cursor (``yield_per``: memory does not grow with the rows), then the search index is rebuilt from the copied
posts and comments (on PostgreSQL it is a ``tsvector``, not FTS5). Everything goes into a temporary file
beside the target, in one transaction, and replaces the target only when complete.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, Table, Text, cast, column, select
from sqlalchemy import table as sql_table
from sqlalchemy.engine import make_url

from pipelines.store import search_index
from pipelines.store.db import create_db_engine, open_database
from pipelines.store.locking import lock_file_of
from pipelines.store.models import Base

logger = logging.getLogger(__name__)

BATCH = 1000


def _as_stored(table: Table) -> tuple[Any, list[Any]]:
    """``table`` for the copy, and what to select from it: JSON columns as their text (SQL NULL stays
    NULL, not the JSON ``null`` that the JSON type would write for None)."""
    columns = [column(c.name, Text if isinstance(c.type, JSON) else c.type) for c in table.columns]
    selected = [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in table.columns]
    return sql_table(table.name, *columns), selected


def _copy_table(src: Connection, dst: Connection, table: Table, progress: Callable[[str, int], None]) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    target, selected = _as_stored(table)
    result = src.execution_options(yield_per=BATCH).execute(select(*selected).order_by(*order))
    n = 0
    for rows in result.partitions():
        dst.execute(target.insert(), [row._asdict() for row in rows])
        n += len(rows)
        progress(table.name, n)
    return n


def _one_snapshot(src: Connection) -> None:
    """Make every table of ``src`` read from one snapshot of the database, even while a crawl writes to
    it (else a comment could be copied without its post). The copy reads in a transaction of its own: one
    already open on ``src`` is committed first."""
    if src.in_transaction():
        src.commit()
    if src.dialect.name == "sqlite":
        src.exec_driver_sql("SELECT 1")  # SQLAlchemy's own begin, if the engine has one
        if not src.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
            src.exec_driver_sql("BEGIN")  # pysqlite begins none before a SELECT; WAL: a read snapshot
    elif src.dialect.name == "postgresql":
        src.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def is_same_file(url: str, target: Path) -> bool:
    """Whether ``target`` is the SQLite file of the database URL ``url``."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or not target.exists():
        return False
    return target.resolve() == Path(parsed.database).resolve()


def snapshot(
    src: Connection, target: Path, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy the database of ``src`` into a new SQLite file ``target`` (replaced when it exists: the
    caller checks it is not the database itself, :func:`is_same_file`); returns the rows copied per table."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.partial")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{tmp}"
    try:
        open_database(url).dispose()  # the schema, views and search index, at the latest revision
        _one_snapshot(src)
        engine = create_db_engine(url)
        counts: dict[str, int] = {}
        try:
            with engine.begin() as dst:
                dst.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # self-references in any order
                for table in Base.metadata.sorted_tables:
                    counts[table.name] = _copy_table(src, dst, table, progress or (lambda _t, _n: None))
                search_index.reindex_all(dst)
        finally:
            engine.dispose()
        conn = sqlite3.connect(tmp)  # one self-contained file: no -wal beside it
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        lock_file_of(tmp).unlink(missing_ok=True)
    logger.info("snapshot written to %s: %s", target, counts)
    return counts
