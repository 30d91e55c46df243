"""A SQLite database file as a file: which one a URL names, whether it is SQLite, what it holds.

For the commands that hand the file itself to another program (``doclisten serve`` gives it to Datasette).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from pipelines.exceptions import DatabaseError
from pipelines.store.db import open_existing, sqlite_file_uri


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL; None for another database (or an unparseable URL)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite":
        return None
    return Path(parsed.database or "")


def check_doclisten_file(path: Path) -> None:
    """Raise DatabaseError unless ``path`` is a SQLite doclisten database at the latest revision."""
    try:
        conn = sqlite3.connect(sqlite_file_uri(str(path)), uri=True)
        try:
            conn.execute("SELECT 1 FROM sqlite_master").close()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a doclisten database (not SQLite: {exc})") from None
    open_existing(f"sqlite:///{path.resolve()}").dispose()  # "no doclisten schema", "run migrate"


def schema_objects(path: Path) -> dict[str, str]:
    """Name -> ``table`` or ``view`` of everything in the file."""
    conn = sqlite3.connect(sqlite_file_uri(str(path)), uri=True)
    try:
        rows = conn.execute(
            "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
        )
        return {name: kind for name, kind in rows}
    finally:
        conn.close()
