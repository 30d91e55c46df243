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
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Table, select

from pipelines.exceptions import DatabaseError
from pipelines.store import search_index
from pipelines.store.db import create_db_engine, open_database
from pipelines.store.locking import lock_file_of
from pipelines.store.models import Base

logger = logging.getLogger(__name__)

BATCH = 1000


def _copy_table(src: Connection, dst: Connection, table: Table, progress: Callable[[str, int], None]) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    n = 0
    for rows in result.partitions():
        dst.execute(table.insert(), [row._asdict() for row in rows])
        n += len(rows)
        progress(table.name, n)
    return n


def snapshot(
    src: Connection, target: Path, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy the database of ``src`` into a new SQLite file ``target`` (replaced when it exists);
    returns the rows copied per table."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.partial")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        stale.unlink(missing_ok=True)
    if src.dialect.name == "sqlite" and src.engine.url.database and target.exists():
        if target.resolve() == Path(src.engine.url.database).resolve():
            raise DatabaseError(f"{target} is the database being exported: choose another file")
    url = f"sqlite:///{tmp}"
    try:
        open_database(url).dispose()  # the schema, views and search index, at the latest revision
        engine = create_db_engine(url)
        counts: dict[str, int] = {}
        try:
            with engine.begin() as dst:
                dst.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # self-references in any order
                for table in Base.metadata.sorted_tables:
                    counts[table.name] = _copy_table(src, dst, table, progress or (lambda _t, _n: None))
                search_index.reindex_all(dst)
            with engine.connect() as conn:  # one self-contained file: no -wal beside it
                conn.exec_driver_sql("PRAGMA journal_mode = DELETE")
        finally:
            engine.dispose()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        lock_file_of(tmp).unlink(missing_ok=True)
    logger.info("snapshot written to %s: %s", target, counts)
    return counts
