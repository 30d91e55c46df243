"""Engine, sessions and automatic migrations.

``open_database(url)`` returns an engine whose schema is at the latest Alembic revision
(migrations run on first use). Callers own transactions: ``with sessions.begin() as s: ...``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from pipelines.exceptions import DatabaseError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime | None) -> datetime | None:
    """Return ``value`` as an aware UTC datetime (SQLite hands back naive UTC values)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


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


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def create_db_engine(url: str) -> Engine:
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
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (idempotent)."""
    if current_revision(engine) == head_revision():
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
            with engine.connect():
                pass
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(f"cannot open database {mask_url(url)}: {reason}") from exc
    return engine


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
