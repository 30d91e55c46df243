"""Who holds the SQL queue's leases, and whether that process is provably gone.

Every process that claims from the SQL queue becomes a *holder*: a random id for which it holds a
lock that goes away the moment the process dies, kill -9 included, because the operating system or
the database server drops it, not the process:

- SQLite: an exclusive ``flock`` on ``<database>-holders/<id>``, beside the database file (which
  is on one machine, so every process that can open the database sees the same locks);
- PostgreSQL: a session-level advisory lock keyed by the id, on a connection the holder keeps open
  (the server ends the session when the client's connection closes, on any host).

The holder's id starts each lease token it writes (``<id>.<random>``), so a lease names its holder,
and "the holder is gone" is proved by taking its lock, never guessed from a pid, a host name or a
clock. A token without a holder (written by an older version) or a lock that cannot be checked
counts as alive: its lease expires as it always did. A PostgreSQL holder whose lock connection is
lost (a server restart) may see its leases taken back while it still crawls: delivery stays
at-least-once, and storage is idempotent.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import weakref
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

PREFIX = "h"  # holder ids are "h" + 15 hex digits: 60 bits, an advisory-lock key on PostgreSQL

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, leases simply expire
    fcntl = None  # type: ignore[assignment]


def holder_of(token: str | None) -> str | None:
    """The holder id a lease token names, or None (no token, or a token of an older version)."""
    head, dot, _ = (token or "").partition(".")
    if dot and len(head) == 16 and head.startswith(PREFIX):
        return head
    return None


def new_token(holder: str | None) -> str:
    """A lease token naming ``holder`` (a bare random token when there is none)."""
    return f"{holder}.{secrets.token_hex(16)}" if holder else secrets.token_hex(16)


class Holders(Protocol):
    def acquire(self) -> str | None:
        """Become a holder: its id, locked for this object's lifetime (None when no lock can be taken)."""

    def is_gone(self, holder: str) -> bool:
        """True only when ``holder``'s process provably ended (its lock is free)."""

    def forget(self, holder: str) -> None:
        """Clean up after a gone holder whose leases were taken back."""

    def close(self) -> None:
        """Stop being a holder (its lock is dropped)."""


def _new_id() -> str:
    return PREFIX + secrets.token_hex(8)[1:]


class FileHolders:
    """SQLite: one flock'd file per holder in ``<database>-holders/``."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._fd: int | None = None
        self._path: Path | None = None
        self._closer: weakref.finalize | None = None

    def acquire(self) -> str | None:
        holder = _new_id()
        path = self.directory / holder
        try:
            self.directory.mkdir(exist_ok=True)
            fd = os.open(path.with_suffix(".new"), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.replace(path.with_suffix(".new"), path)  # the name appears already locked
        except OSError as exc:
            logger.warning(
                "cannot lock %s (%s): leases of a killed run come back only when they expire", path, exc
            )
            return None
        self._fd, self._path = fd, path
        self._closer = weakref.finalize(self, _drop_file, fd, path)
        return holder

    def is_gone(self, holder: str) -> bool:
        return self._probe(holder, forget=False)

    def forget(self, holder: str) -> None:
        self._probe(holder, forget=True)

    def _probe(self, holder: str, forget: bool) -> bool:
        path = self.directory / holder
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:  # it exited (cleanly or not, and was cleaned up)
            return True
        except OSError as exc:
            logger.debug("cannot check holder %s: %s", holder, exc)
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its process holds the lock: alive
        except OSError as exc:
            logger.debug("cannot check holder %s: %s", holder, exc)
            return False
        else:
            if forget:
                path.unlink(missing_ok=True)
            return True
        finally:
            os.close(fd)

    def close(self) -> None:
        if self._closer is not None:
            self._closer()


def _drop_file(fd: int, path: Path) -> None:
    path.unlink(missing_ok=True)  # while still locked: nobody sees an unlocked holder file
    os.close(fd)


class AdvisoryHolders:
    """PostgreSQL: one session advisory lock per holder, on a connection the holder keeps."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._conn: Any = None
        self._closer: weakref.finalize | None = None

    def acquire(self) -> str | None:
        conn = self.engine.connect()
        conn.detach()  # its own session: closing it ends the session (and the lock), not back to the pool
        holder = _new_id()
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(holder)}).scalar():
            conn.close()  # 60 random bits taken by another holder: never in practice
            return None
        conn.commit()  # a session lock outlives the transaction; the connection then sits idle
        self._conn = conn
        self._closer = weakref.finalize(self, conn.close)
        return holder

    def is_gone(self, holder: str) -> bool:
        with self.engine.connect() as conn:
            free = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(holder)}).scalar())
            if free:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _key(holder)})
            conn.commit()
        return free

    def forget(self, holder: str) -> None:
        """Nothing to clean up: the server dropped the lock with the session."""

    def close(self) -> None:
        if self._closer is None or not self._closer.alive:
            return
        # Unlock before disconnecting: the server ends a closed session (and drops its locks) asynchronously,
        # so a holder asking right after our close() could still find the lock taken.
        with contextlib.suppress(SQLAlchemyError):  # on failure the server drops it with the session anyway
            self._conn.execute(text("SELECT pg_advisory_unlock_all()"))
            self._conn.commit()
        self._closer()


def _key(holder: str) -> int:
    return int(holder[len(PREFIX) :], 16)


def holders_for(engine: Engine) -> Holders | None:
    """The holder locks that fit ``engine``'s database (None: an in-memory database, or no flock)."""
    if engine.dialect.name == "postgresql":
        return AdvisoryHolders(engine)
    if engine.dialect.name != "sqlite" or fcntl is None:
        return None
    with engine.connect() as conn:
        files = {row[1]: row[2] for row in conn.exec_driver_sql("PRAGMA database_list")}
    path = files.get("main")
    return FileHolders(Path(f"{path}-holders")) if path else None
