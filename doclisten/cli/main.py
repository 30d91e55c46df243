"""The ``doclisten`` command: the root group and the one list of its commands.

Each command group lives in its own module of ``doclisten/cli/`` (sources, crawl, schedule, keywords,
extract, analyst, serve) and exposes its click commands; they are added here, and only here.
``python -m doclisten`` and ``python -m doclisten.cli.main`` run it too.
"""

from __future__ import annotations

import click

from doclisten.cli import alerts, analyst, crawl, extract, keywords, privacy, schedule, serve, sources
from doclisten.cli.common import Context, database_option, private_networks_option
from doclisten.config import ENV_ALLOW_PRIVATE, ENV_DATABASE_URL


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@database_option(envvar=ENV_DATABASE_URL, show_envvar=True)
@private_networks_option(envvar=ENV_ALLOW_PRIVATE, show_envvar=True)
@click.version_option(package_name="doclisten")
@click.pass_context
def main(ctx: click.Context) -> None:
    """doclisten: collect posts and comments of diabetes blogs into a database analysts query with SQL.

    --database-url and --allow-private-networks are also taken after the command name, by the
    commands that use them.
    """
    ctx.ensure_object(Context)


COMMANDS: list[click.Command] = [
    sources.sources,  # add, list, remove, import, enable, disable
    crawl.crawl,
    crawl.demo,
    schedule.run_cmd,
    schedule.worker_cmd,
    schedule.scheduler_cmd,
    schedule.trigger_cmd,
    schedule.status_cmd,
    schedule.migrate_cmd,
    keywords.keywords,  # list, test, retag
    extract.extract,
    analyst.export,
    analyst.sql,
    analyst.search,
    analyst.report,
    analyst.thread,
    alerts.alerts,  # check, list
    serve.serve,
    privacy.erase_cmd,
    privacy.purge_cmd,
]
for command in COMMANDS:
    main.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    main()
