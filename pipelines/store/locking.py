"""Locks that let several processes open one database at once: the first open of a fresh SQLite file
switches it to WAL and every open may migrate the schema, and neither may run twice concurrently.

- SQLite: an exclusive ``flock`` on ``<database>.lock`` beside the file (every process that can open
  the file sees it; the OS drops it when the process dies);
- PostgreSQL: a session-level advisory lock, held on its own connection while the migration runs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; concurrent first opens are not serialised
    fcntl = None  # type: ignore[assignment]

# pg_advisory_lock(int, int) keys: "docl" and what is locked (a key space of its own: the scheduler's
# holder locks use the one-bigint form)
PG_LOCK_CLASS = 0x646F636C
PG_LOCK_MIGRATIONS = 1
PG_LOCK_NEARDUP = 2  # linking near-duplicates: reads the index, then writes what it found


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite engine (None: in memory, a ``file:`` URI, or not SQLite)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:") or engine.url.query.get("uri"):
        return None
    return Path(database)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created when missing), released on exit."""
    if fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def lock_file_of(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Held while one process migrates: the others wait, then find the schema up to date."""
    path = sqlite_path(engine)
    if path is not None:
        with file_lock(lock_file_of(path)):
            yield
        return
    if engine.dialect.name != "postgresql":
        yield
        return
    keys = {"c": PG_LOCK_CLASS, "k": PG_LOCK_MIGRATIONS}
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:c, :k)"), keys)
        conn.commit()  # the lock belongs to the session: no transaction stays open while we wait
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:c, :k)"), keys)
            conn.commit()


def serialise(session: Session, what: int) -> None:
    """Until this transaction ends, no other process's transaction passes the same point.

    For a read-then-write step that must see what the others committed (near-duplicate linking: two
    processes storing two copies of one text at once would each miss the other). SQLite needs nothing:
    write transactions begin with BEGIN IMMEDIATE, one at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:c, :k)"), {"c": PG_LOCK_CLASS, "k": what})


def prepare(engine: Engine) -> None:
    """SQLite: switch the file to WAL once (persistent; it needs the file to itself, so take turns).

    Done outside any transaction, on the raw connection (the journal mode cannot change inside one)."""
    path = sqlite_path(engine)
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert conn is not None
        if _journal_mode(conn) == "wal":
            return
        if path is None:  # in memory: its own journal mode, nobody else can open it
            conn.execute("PRAGMA journal_mode=WAL")
            return
        with file_lock(lock_file_of(path)):
            if _journal_mode(conn) != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
    finally:
        raw.close()


def _journal_mode(conn: object) -> str:
    row = conn.execute("PRAGMA journal_mode").fetchone()  # type: ignore[attr-defined]
    return str(row[0]).lower() if row else ""
