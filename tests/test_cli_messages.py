"""What a user reads when something is wrong: one line that says what, never a traceback (issue 10)."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from sqlalchemy.engine import make_url

from doclisten.config import Config
from pipelines.store.db import open_database
from scheduler.backends import open_queue
from scheduler.exceptions import QueueUnavailable
from scheduler.redis_queue import ONE_SHOT_TIMEOUT
from tests.conftest import migrated, run_cli
from tests.redis_server import free_port


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "javascript:alert(1): not an http(s) URL"),
        ("http://example.com:abc/", "http://example.com:abc/: invalid port 'abc'"),
        ("https://:443/feed", "no host name"),
    ],
)
def test_sources_add_refuses_what_is_not_a_web_address(url: str, message: str, sqlite_url: str) -> None:
    assert message in one_line_error(run_cli("sources", "add", url, db=sqlite_url, check=False))


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_to_a_missing_directory_names_the_file(fmt: str, sqlite_url: str) -> None:
    target = "/nonexistent/dir/x." + fmt
    result = run_cli("export", "posts", "--format", fmt, "-o", target, db=migrated(sqlite_url), check=False)
    line = one_line_error(result)
    assert target in line and "No such file or directory" in line and "unexpected" not in line


def test_invalid_redis_database_is_one_line(sqlite_url: str) -> None:
    base = os.environ.get("DOCLISTEN_TEST_REDIS", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    for command in ("status", "run", "scheduler"):
        env = {"DOCLISTEN_REDIS_URL": f"{base}/99"}
        result = run_cli(command, db=migrated(sqlite_url), env=env, check=False, timeout=120)
        lines = result.stderr.strip().splitlines()
        if command == "run":  # "running: Redis queue; Ctrl-C to stop" comes first
            assert lines[0].startswith("running:"), result.stderr
            result.stderr = "\n".join(lines[1:])
        line = one_line_error(result)
        assert "DB index is out of range" in line and "unexpected" not in line, command


def test_status_with_redis_down_answers_in_seconds(sqlite_url: str) -> None:
    """A one-shot read: a short timeout and no reconnect loop (the client's retries took ~15-19 s)."""
    assert ONE_SHOT_TIMEOUT <= 3
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    engine = open_database(migrated(sqlite_url))
    try:
        started = time.monotonic()
        with pytest.raises(QueueUnavailable, match="Redis unavailable"):
            open_queue(url, engine, one_shot=True)
        assert time.monotonic() - started < 3
    finally:
        engine.dispose()
    started = time.monotonic()
    result = run_cli("status", db=sqlite_url, env={"DOCLISTEN_REDIS_URL": url}, check=False, timeout=120)
    elapsed = time.monotonic() - started
    assert f"Redis unavailable at {url}" in one_line_error(result)
    assert elapsed < 6, f"status took {elapsed:.1f}s with Redis down"


def opml_file(tmp_path, urls: list[str]):  # type: ignore[no-untyped-def]
    outlines = "".join(f'<outline type="rss" text="b{i}" xmlUrl="{u}"/>' for i, u in enumerate(urls))
    path = tmp_path / "blogs.opml"
    path.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>')
    return path


def test_import_where_every_feed_fails_exits_non_zero_with_a_summary(tmp_path, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    refused = [f"http://127.0.0.1:{9000 + i}/feed/" for i in range(30)]  # the SSRF guard refuses loopback
    invalid = ["javascript:alert(1)", "javascript:alert(2)", "http://example.com:abc/"]
    opml = opml_file(tmp_path, refused + invalid)
    result = run_cli("sources", "import", str(opml), db=sqlite_url, allow_private=False, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) <= 8, result.stderr  # counted by reason, not one line per URL
    assert "33 of 33" in result.stderr
    assert any(line.lstrip().startswith("30 ×") for line in lines), result.stderr
    assert any(line.lstrip().startswith("2 ×") and "not an http(s) URL" in line for line in lines)
    assert any(line.lstrip().startswith("1 ×") and "invalid port" in line for line in lines)
    assert "http://127.0.0.1:9000/feed/" in result.stderr  # examples of each reason


@pytest.mark.parametrize(
    "args",
    [
        ["crawl"],
        ["sources", "add", "https://example.com/"],
        ["sources", "list"],
        ["migrate"],
        ["demo"],
        ["run"],
        ["crawl", "--database-url", "sqlite:///:memory:"],
    ],
    ids=" ".join,
)
def test_in_memory_sqlite_is_refused(args: list[str]) -> None:
    line = one_line_error(run_cli(*args, db="sqlite://", check=False, timeout=120))
    assert "in-memory" in line and "sqlite:///doclisten.db" in line


def test_long_urls_are_shortened_in_messages(sqlite_url: str) -> None:
    long = "http://127.0.0.1/" + "a" * 10_000
    for args in (["sources", "add", long], ["sources", "remove", long], ["sources", "add", long + ":x"]):
        result = run_cli(*args, db=migrated(sqlite_url), allow_private=False, check=False)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "http://127.0.0.1/aaaa" in result.stderr and "…" in result.stderr
        assert len(result.stderr) < 400, len(result.stderr)
        if args[1] == "add":  # refused before any request, with the reason (not "no answer")
            assert "too long" in result.stderr, result.stderr


def demo_hint(url: str, capsys: pytest.CaptureFixture[str]) -> str:
    from doclisten.demo import print_report

    print_report(Config(database_url=migrated(url)))
    return capsys.readouterr().out


def test_demo_hint_names_the_database_it_used(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = demo_hint(f"sqlite:///{tmp_path / 'other.db'}", capsys)
    hint = out[out.index("explore with SQL") :]
    assert "other.db" in hint and "doclisten.db" not in hint
    assert f"or in your browser (read-only):\n  doclisten serve '{tmp_path / 'other.db'}'" in hint


def test_demo_hint_masks_the_password(pg_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    url = make_url(pg_url).set(password="s3cret").render_as_string(hide_password=False)
    out = demo_hint(url, capsys)
    hint = out[out.index("explore with SQL") :]
    assert "s3cret" not in out and "***" in hint and str(make_url(pg_url).database) in hint
    assert "doclisten serve" not in out  # serve reads SQLite only


def test_added_line_shows_the_platform_and_text_as_is(capsys) -> None:  # type: ignore[no-untyped-def]
    from crawler.discovery import Discovery
    from crawler.spiders.discover import DiscoveredItem
    from doclisten.output.summary import print_added

    found = Discovery("https://t.example/", feed_url="https://t.example/feed/", title="Sugar :smile: [b]ops")
    found.platform = "wordpress"
    assert print_added([(DiscoveredItem("t.example", found), 1, True)]) == 0
    assert (
        "added source 1: Sugar :smile: [b]ops [wordpress] feed: https://t.example/feed/"
        in capsys.readouterr().out
    )
