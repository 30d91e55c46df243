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
from pathlib import Path
from typing import Any

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
    from pipelines.store.sqlite_files import check_doclisten_file, sqlite_path

    if path is None:
        path = sqlite_path(url)
        if path is None:
            raise CommandError(SNAPSHOT_HINT)
    if not path.name or not path.is_file():
        raise CommandError(f"no doclisten database at {path}: crawl one (`doclisten demo`) or pass its file")
    check_doclisten_file(path)
    return path


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build(path: Path) -> Any:
    """A Datasette instance on ``path`` (read-only), with doclisten's metadata and plugin."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from doclisten.commands import serve_plugin
    from pipelines.analyst.serve_metadata import DATABASE, metadata
    from pipelines.store.sqlite_files import schema_objects

    if not pm.is_registered(serve_plugin):
        pm.register(serve_plugin, name="doclisten-serve")
    # Datasette prints every error, a mistyped query's 400 included, as a rich traceback with its local
    # variables (values of rows among them): keep only the plain traceback of a real error (a 500). Imported
    # after datasette.app, which registers it as a plugin (importing it first would register it half-made).
    import datasette.handle_exception

    datasette.handle_exception.rich = None
    names = schema_objects(path)
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
