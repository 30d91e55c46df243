"""The command line as a user meets it: --help everywhere, one-line errors, sources management."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from doclisten.cli.main import main
from tests.conftest import FAST, run_cli
from tests.expect import stored_posts


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += all_commands(cmd, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


@pytest.mark.parametrize("path", all_commands(main), ids=lambda p: " ".join(p) or "doclisten")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sources", "add", "ftp://example.com/feed"], "ftp://example.com/feed: not an http(s) URL"),
        (["sources", "remove", "42"], "no source '42'"),
        (["crawl"], "no sources to crawl"),
        (["crawl", "https://nowhere.example/"], "no source"),
    ],
)
def test_bad_input_gets_one_line_error(args: list[str], message: str, sqlite_url: str) -> None:
    result = run_cli(*args, db=sqlite_url, check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_bad_database_url_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for url in ("nonsense://", f"sqlite:///{tmp_path}/missing/dir/x.db", "postgresql://nobody@127.0.0.1:1/x"):
        result = run_cli("sources", "list", db=url, check=False)
        assert result.returncode == 1, url
        assert "Traceback" not in result.stderr and result.stderr.startswith("Error:"), result.stderr


@pytest.mark.slow
def test_sources_import_list_remove(demo_site, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wpcom, blogger = demo_site.blogs["wpcom"], demo_site.blogs["blogger"]
    opml = tmp_path / "blogs.opml"
    opml.write_text(
        f"""<?xml version="1.0"?><opml version="2.0"><head><title>DOC</title></head><body>
        <outline text="DOC blogs"><outline type="rss" text="wpcom" xmlUrl="{wpcom.feed_url}" htmlUrl="{wpcom.homepage}"/>
        <outline type="rss" text="blogger" xmlUrl="{blogger.feed_url}"/></outline></body></opml>"""
    )
    out = run_cli("sources", "import", str(opml), *FAST, db=sqlite_url).stdout
    assert out.count("added source") == 2
    listing = run_cli("sources", "list", db=sqlite_url).stdout
    assert "wordpress.com" in listing and "blogger" in listing and wpcom.feed_url in listing
    again = run_cli("sources", "add", blogger.homepage, *FAST, db=sqlite_url).stdout
    assert "updated source 2" in again  # the same blog by homepage or feed: one source
    run_cli("sources", "remove", "1", db=sqlite_url)
    listing = run_cli("sources", "list", db=sqlite_url).stdout
    assert wpcom.feed_url not in listing and blogger.feed_url in listing


def test_broken_opml_is_one_line(tmp_path, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline")
    result = run_cli("sources", "import", str(bad), db=sqlite_url, check=False)
    assert result.returncode == 1 and "bad.opml" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_scrapy_crawl_blogs_works_for_scrapy_users(demo_site, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    from sqlalchemy import create_engine, text

    from tests.conftest import ROOT

    run_cli(
        "sources",
        "add",
        demo_site.blogs["wp-block"].homepage,
        demo_site.blogs["generic"].homepage,
        *FAST,
        db=sqlite_url,
    )
    env = dict(os.environ, DOCLISTEN_DATABASE_URL=sqlite_url, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "blogs",
            "-a",
            "sources=1",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=0",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        per_source = dict(
            conn.execute(text("SELECT source_id, count(*) FROM posts GROUP BY source_id")).all()
        )
    engine.dispose()
    assert per_source == {1: len(stored_posts(demo_site.blogs["wp-block"]))}  # (its noindex post is not)


def leaf_commands() -> dict[str, click.Command]:
    out = {}
    for path in all_commands(main):
        cmd: click.Command = main
        for name in path:
            assert isinstance(cmd, click.Group)
            cmd = cmd.commands[name]
        if not isinstance(cmd, click.Group):
            out[" ".join(path)] = cmd
    return out


NO_DATABASE = {"keywords list", "keywords test", "extract"}
FETCHING = {"sources add", "sources import", "crawl", "run", "worker", "extract"}


def option_names(cmd: click.Command) -> set[str]:
    return {o for p in cmd.params for o in (*p.opts, *getattr(p, "secondary_opts", ()))}


@pytest.mark.parametrize("path", sorted(leaf_commands()))
def test_database_and_private_network_options_on_every_command(path: str) -> None:
    names = option_names(leaf_commands()[path])
    assert ("--database-url" in names) == (path not in NO_DATABASE), path
    assert ("--allow-private-networks" in names) == (path in FETCHING), path


def test_database_url_after_the_command(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner(env={"DOCLISTEN_DATABASE_URL": "nonsense://"})
    result = runner.invoke(main, ["migrate", "--database-url", sqlite_url])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "doclisten.db").exists()
    result = runner.invoke(main, ["sources", "list", "--database-url", sqlite_url])
    assert result.exit_code == 0 and "no sources yet" in result.output, result.output
    # before the command as well as after it; the one after the command wins
    result = runner.invoke(
        main, ["--database-url", "nonsense://", "sources", "list", "--database-url", sqlite_url]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--database-url", sqlite_url, "sources", "list"])
    assert result.exit_code == 0, result.output


def test_scheduler_verbose_help_says_what_it_logs() -> None:
    result = CliRunner().invoke(main, ["scheduler", "--help"])
    assert "every reconciliation" not in result.output
    assert "added or removed" in result.output
