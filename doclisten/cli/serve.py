"""``doclisten serve``: the database in a browser, read-only (thin; the work is in doclisten/commands/serve.py)."""

from __future__ import annotations

from pathlib import Path

import click

from doclisten.cli.common import Context, database_option, guard


@click.command()
@click.argument("database", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback lets other machines read the database (a warning).",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="Port to listen on."
)
@database_option
@click.pass_obj
def serve(obj: Context, database: Path | None, host: str, port: int) -> None:
    """Browse the database read-only in a web browser (Datasette): tables and views with their
    descriptions, the analyst queries, full-text search, facets and a chart of mentions over time.

    DATABASE is a SQLite file (default: the --database-url one). For PostgreSQL, serve a snapshot made by
    `doclisten export --format sqlite FILE.db`.
    """
    from doclisten.commands.serve import database_file, is_loopback
    from doclisten.commands.serve import serve as run

    with guard():
        path = database_file(obj.config.database_url, database)
        if not is_loopback(host):
            click.echo(
                f"warning: listening on {host}: anyone who can reach this machine can read the whole "
                "database (no login); keep the default 127.0.0.1 unless that is what you want",
                err=True,
            )
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"serving {path} read-only at http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
        run(path, host, port)
