"""``doclisten serve``: the database in a browser, read-only, on Datasette.

The SQLite file is opened read-only (``mode=ro`` and ``PRAGMA query_only``) on every connection Datasette
makes, and any connection for writing is refused, so neither the ``?sql=`` box, a canned query nor a plugin
can write; none of the canned queries is writable. Datasette 0.65 has no write API. The metadata (what each
table and view means, canned queries, facets, the full-text search, the chart) is
:mod:`pipelines.analyst.serve_metadata`; doclisten's own Datasette plugin (:mod:`doclisten.commands.serve_plugin`)
is registered in-process.
"""

from __future__ import annotations

import ipaddress
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from doclisten.exceptions import CommandError

LOOPBACK = "127.0.0.1"
SNAPSHOT_HINT = (
    "doclisten serve reads a SQLite file: for a PostgreSQL database run "
    "`doclisten export --format sqlite snapshot.db` first, then `doclisten serve snapshot.db` "
    "(or connect your own BI tool as the read-only analyst role, docs/deployment.md)"
)


def database_file(url: str, path: Path | None) -> Path:
    """The SQLite file to serve: ``path`` when given, else the one of ``url``; checked to be an existing
    doclisten database at the latest revision (a one-line error otherwise)."""
    from pipelines.store.db import open_existing, sqlite_file_uri

    if path is None:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            raise CommandError(SNAPSHOT_HINT)
        path = Path(parsed.database or "")
    if not path.name or not path.is_file():
        raise CommandError(f"no doclisten database at {path}: crawl one (`doclisten demo`) or pass its file")
    try:
        sqlite3.connect(sqlite_file_uri(str(path)), uri=True).execute("SELECT 1 FROM sqlite_master").close()
    except sqlite3.DatabaseError as exc:
        raise CommandError(f"{path} is not a doclisten database (not SQLite: {exc})") from None
    open_existing(f"sqlite:///{path.resolve()}").dispose()  # "not a doclisten database", "run migrate"
    return path


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def table_names(path: Path) -> dict[str, str]:
    """Name -> ``table`` or ``view`` of everything in the file."""
    from pipelines.store.db import sqlite_file_uri

    conn = sqlite3.connect(sqlite_file_uri(str(path)), uri=True)
    try:
        rows = conn.execute(
            "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
        )
        return {name: kind for name, kind in rows}
    finally:
        conn.close()


def build(path: Path) -> Any:
    """A Datasette instance on ``path`` (read-only), with doclisten's metadata and plugin."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from doclisten.commands import serve_plugin
    from pipelines.analyst.serve_metadata import DATABASE, metadata

    if not pm.is_registered(serve_plugin):
        pm.register(serve_plugin, name="doclisten-serve")
    # Datasette prints every error, a mistyped query's 400 included, as a rich traceback with its local
    # variables (values of rows among them): keep only the plain traceback of a real error (a 500). Imported
    # after datasette.app, which registers it as a plugin (importing it first would register it half-made).
    import datasette.handle_exception

    datasette.handle_exception.rich = None  # type: ignore[attr-defined]
    names = table_names(path)
    ds = Datasette(
        metadata=metadata(names),
        settings={"sql_time_limit_ms": 5000, "allow_download": False, "allow_csv_stream": True},
    )
    ds.remove_database("_memory")  # Datasette's scratch database, added when it is given no file
    ds.add_database(
        serve_plugin.ReadOnlyDatabase(ds, path, frozenset(n for n, k in names.items() if k == "view")),
        name=DATABASE,
    )
    return ds


def serve(path: Path, host: str, port: int) -> None:
    """Serve ``path`` until interrupted (blocks)."""
    import asyncio

    import uvicorn

    ds = build(path)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
