"""doclisten's Datasette plugin (registered in-process by ``doclisten serve``, not by an entry point).

- :class:`ReadOnlyDatabase`: every connection to the file is ``mode=ro`` with ``PRAGMA query_only``; a
  connection for writing is refused.
- ``asgi_wrapper``: any request but GET, HEAD and OPTIONS is answered ``405 Method Not Allowed`` before it
  reaches Datasette (no form, canned query or plugin endpoint takes a POST).
- ``render_cell``: in views and query results, ``post_id``, ``comment_id`` and ``source_id`` link to their
  row (tables have foreign keys, which Datasette links by itself).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.database import Database
from markupsafe import Markup, escape

from pipelines.store.db import sqlite_file_uri

READ_METHODS = ("GET", "HEAD", "OPTIONS")
REFUSAL = b"doclisten serve is read-only: nothing can be written here\n"
LINKS = {"post_id": "posts", "comment_id": "comments", "source_id": "sources"}


class WriteRefused(PermissionError):
    pass


class ReadOnlyDatabase(Database):
    """A Datasette database whose file can only be read."""

    def __init__(self, ds: Any, path: Path, views: frozenset[str] = frozenset()) -> None:
        super().__init__(ds, path=str(path), is_mutable=True)
        self.doclisten_views = views  # whose id columns render_cell links

    def connect(self, write: bool = False) -> sqlite3.Connection:
        if write:
            raise WriteRefused("doclisten serve is read-only")
        conn = sqlite3.connect(sqlite_file_uri(str(self.path), "ro"), uri=True, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        self._all_file_connections.append(conn)
        return conn


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    target = LINKS.get(column)
    if target is None or not isinstance(value, int) or table == target:
        return None
    db = datasette.databases.get(database)
    if table is not None and table not in getattr(db, "doclisten_views", ()):
        return None  # a table: its foreign keys are linked by Datasette
    href = datasette.urls.row(database, target, str(value))
    return Markup(f'<a href="{escape(href)}">{value}</a>')


@hookimpl
def asgi_wrapper() -> Any:
    def wrap(app: Any) -> Any:
        async def read_only(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 405,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"allow", ", ".join(READ_METHODS).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": REFUSAL})
                return
            await app(scope, receive, send)

        return read_only

    return wrap
