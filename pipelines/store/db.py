"""Engine, sessions and automatic migrations.

``open_database(url)`` returns an engine whose schema is at the latest Alembic revision
(migrations run on first use): for commands that write. ``open_existing(url)`` is for commands that
only read: it never creates, migrates or writes (SQLite is opened read-only) and refuses a database
that is missing, is not a doclisten database, or is at another schema revision.
Callers own transactions: ``with sessions.begin() as s: ...``.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from crawler.exceptions import one_line
from pipelines.exceptions import DatabaseError
from pipelines.store.locking import prepare, schema_lock

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def utcnow() -> datetime:
    return datetime.now(UTC)


SECRET_PARAMS = ("password", "passwd", "pwd", "secret", "token", "key", "sslpassword")


def mask_url(url: str) -> str:
    """A database/Redis URL safe for logs and error messages (password hidden, also in the query)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "<unparseable URL>"
    query = {k: ("***" if k.lower() in SECRET_PARAMS else v) for k, v in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=True)


def is_in_memory(url: str) -> bool:
    """``sqlite://`` and ``sqlite:///:memory:``: a database that vanishes with its connection."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return False
    if parsed.get_backend_name() != "sqlite":
        return False
    return parsed.database in (None, "", ":memory:") or parsed.query.get("mode") == "memory"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite's own transaction handling off: SQLAlchemy's "begin" event issues BEGIN IMMEDIATE
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, not left in free pages (privacy)
    cur.close()


def _begin_immediate(conn: Any) -> None:
    """A write transaction takes SQLite's write lock at BEGIN, waiting up to busy_timeout for it.

    A deferred transaction that reads and then writes asks for the lock at its first write and, in
    WAL mode, gets SQLITE_BUSY ("database is locked") at once, without waiting, when another process
    wrote since its read began."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str, *, write: bool = True) -> Engine:
    """An engine on ``url``; ``write=False``: one that never takes SQLite's write lock at BEGIN."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(
            "invalid database URL: expected e.g. sqlite:///doclisten.db or postgresql://host/db"
        ) from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database {mask_url(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        if write:
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _begin_immediate)
        else:
            event.listen(engine, "connect", _sqlite_read_pragmas)
    return engine


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@cache
def head_revision() -> str | None:
    """The latest migration's id (read once per process: Alembic loads every migration file to know it,
    and ``open_database`` asks each time)."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (idempotent; several processes at once take turns)."""
    prepare(engine)
    if current_revision(engine) == head_revision():
        return
    with schema_lock(engine):
        if current_revision(engine) == head_revision():  # another process migrated while we waited
            return
        logger.info("migrating database %s to %s", mask_url(str(engine.url)), head_revision())
        alembic_logger = logging.getLogger("alembic")
        level = alembic_logger.level
        alembic_logger.setLevel(max(level, logging.WARNING))
        try:
            command.upgrade(alembic_config(engine), "head")
        finally:
            alembic_logger.setLevel(level)


def open_database(url: str, *, auto_migrate: bool = True) -> Engine:
    engine = create_db_engine(url)
    try:
        if auto_migrate:
            migrate(engine)
        else:
            prepare(engine)
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {mask_url(url)}: {one_line(exc)}") from exc
    return engine


CREATE_HINT = "create one with `doclisten migrate` (or `doclisten sources add URL`), or pass --database-url"


def sqlite_file_uri(path: str, mode: str = "ro") -> str:
    """A SQLite ``file:`` URI for ``path`` (``#``, ``?``, ``%`` and spaces escaped), e.g. mode ``ro``."""
    return f"{Path(path).resolve().as_uri()}?mode={mode}"


def _sqlite_read_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA foreign_keys=ON")
    dbapi_conn.execute("PRAGMA busy_timeout=30000")


def _existing_sqlite_engine(path: str | None) -> tuple[Engine, str]:
    if not path or path == ":memory:":
        raise DatabaseError(f"no doclisten database at {path or 'sqlite://'} (in memory): {CREATE_HINT}")
    if not Path(path).is_file():
        raise DatabaseError(f"no doclisten database at {path}: {CREATE_HINT}")
    uri = sqlite_file_uri(path, "ro")
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False),
        poolclass=NullPool,
    )
    event.listen(engine, "connect", _sqlite_read_pragmas)
    return engine, path


def open_existing(url: str) -> Engine:
    """An engine on an existing doclisten database at the latest revision, for reading.

    Never creates or migrates; SQLite files are opened read-only (``mode=ro``).
    """
    engine, where = create_db_engine(url, write=False), mask_url(url)
    parsed = engine.url
    if parsed.get_backend_name() == "sqlite" and not parsed.query.get("uri"):
        engine.dispose()
        engine, where = _existing_sqlite_engine(parsed.database)
    try:
        revision = current_revision(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {where}: {one_line(exc)}") from exc
    if revision != head_revision():
        engine.dispose()
        raise DatabaseError(_revision_problem(where, revision))
    return engine


def _revision_problem(where: str, revision: str | None) -> str:
    if revision is None:
        return f"no doclisten database at {where} (it has no doclisten schema): {CREATE_HINT}"
    try:
        known = ScriptDirectory(str(MIGRATIONS)).get_revision(revision) is not None
    except RevisionError:
        known = False
    if known:
        return (
            f"the database at {where} has an older doclisten schema ({revision}, this version needs "
            f"{head_revision()}): run `doclisten migrate` first"
        )
    return f"the database at {where} was written by a newer doclisten (schema {revision}): upgrade doclisten"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


TRANSIENT_PG_CODES = {"40001", "40P01"}  # serialization failure, deadlock detected


def is_transient(exc: BaseException) -> bool:
    """A conflict the server resolved by aborting this transaction: retrying it is safe (upserts)."""
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code in TRANSIENT_PG_CODES:
        return True
    return "database is locked" in str(orig or exc)


def insert_for(session: Session, table: Any) -> Any:
    """The dialect's INSERT (which has on_conflict_do_* methods; typed Any: two dialect classes)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
