"""`doclisten crawl --processes N` and `doclisten run --processes N`: the same crawl on several cores, and
never "database is locked" on SQLite, even with two crawls started at once on one file."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select

from doclisten.processes import auto_processes, can_fork, site_of, sites_of, split
from pipelines.store.models import Comment, Crawl, Post, Source, SourceCrawl
from tests.conftest import FAST, SampleCrawl, launch, run_cli, run_python
from tests.expect import check_comments, check_posts, stored_posts
from tests.faults import FaultSite, hanging_feeds
from tests.test_recurring import wait_for

READY = "Ctrl-C to stop"


# ---------------------------------------------------------------------------------------------- the split


def test_a_site_stays_in_one_process_and_the_work_is_balanced() -> None:
    sources = [
        (1, "https://a.example/", 10),
        (2, "https://a.example/other-blog/", 10),  # the same site: with source 1
        (3, "https://b.example/", 15),
        (4, "https://c.example:8080/", 1),
        (5, "https://c.example:8081/", 1),  # another port: another site
        (6, "https://D.EXAMPLE/", 0),
    ]
    shares = split(sources, 2)
    assert len(shares) == 2 and sorted(i for share in shares for i in share) == [1, 2, 3, 4, 5, 6]
    assert [1, 2] in shares  # a.example (20) alone, b.example (15) + the small ones (3)
    assert split(sources, 1) == [[1, 2, 3, 4, 5, 6]]
    assert split(sources[:2], 4) == [[1, 2]]  # never more processes than sites
    assert site_of("https://c.example:8080/x") != site_of("https://c.example:8081/x")
    assert site_of("https://User@D.example/") == site_of("https://d.example/feed/")


def test_the_default_splits_only_a_crawl_worth_another_process() -> None:
    # another interpreter costs seconds of CPU and ~240 MB: one per core, but one per 10 sites at most
    assert auto_processes(5, cores=2) == 1  # the sample site, the demo: in this process
    assert auto_processes(19, cores=2) == 1
    assert auto_processes(20, cores=2) == 2
    assert auto_processes(2000, cores=2) == 2
    assert auto_processes(2000, cores=8) == 8
    assert auto_processes(0, cores=8) == 1
    assert sites_of(["https://a.example/", "https://a.example/b/", "https://b.example/"]) == 2


# ---------------------------------------------------------------------------------------------- helpers


def post_urls(db: str) -> set[str]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return set(conn.execute(select(Post.url)).scalars())
    finally:
        engine.dispose()


def duplicate_links(db: str) -> set[tuple[str, str]]:
    """(post URL, URL of the post it near-duplicates)."""
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            urls = dict(conn.execute(select(Post.id, Post.url)).all())
            links = conn.execute(select(Post.url, Post.duplicate_of).where(Post.duplicate_of.is_not(None)))
            return {(url, urls[target]) for url, target in links}
    finally:
        engine.dispose()


def counts(db: str) -> dict[str, int]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return {
                "posts": conn.execute(select(func.count(Post.id))).scalar_one(),
                "distinct posts": conn.execute(select(func.count(func.distinct(Post.url)))).scalar_one(),
                "comments": conn.execute(select(func.count(Comment.id))).scalar_one(),
                "crawls": conn.execute(select(func.count(Crawl.id))).scalar_one(),
            }
    finally:
        engine.dispose()


def check_site(db: str, site: object) -> None:
    engine = create_engine(db)
    try:
        check_posts(engine, site)
        check_comments(engine, site)
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------- crawl


@pytest.mark.slow
def test_a_crawl_over_two_processes_stores_what_one_process_does(
    sample_site, sample_crawl: SampleCrawl, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    homes = [blog.homepage for blog in sample_site.blogs.values()]
    run_cli("sources", "add", *homes, *FAST, db=db_url)
    result = run_cli("crawl", *FAST, "--processes", "2", db=db_url)
    split_crawl_is_one_crawl(result, db_url, sample_site, sample_crawl)


@pytest.mark.slow
def test_children_are_fresh_interpreters_where_the_parent_cannot_fork(
    sample_site, sample_crawl_sqlite: SampleCrawl, sqlite_url: str
) -> None:  # type: ignore[no-untyped-def]
    env = sample_sources_added(sample_site, sqlite_url)
    # the children are fresh interpreters (tests/no_fork_cli.py)
    result = run_python("-m", "tests.no_fork_cli", "crawl", *FAST, "--processes", "2", env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    split_crawl_is_one_crawl(result, sqlite_url, sample_site, sample_crawl_sqlite)


def test_a_parent_with_a_thread_or_a_reactor_does_not_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.delitem(sys.modules, "twisted.internet.reactor", raising=False)
    assert can_fork() == (sys.platform != "darwin")
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not can_fork()
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setitem(sys.modules, "twisted.internet.reactor", object())
    assert not can_fork()


def sample_sources_added(sample_site: Any, db: str) -> dict[str, str]:
    """The sample site's blogs added as the sources of ``db``; the environment of a process that crawls them."""
    run_cli("sources", "add", *[blog.homepage for blog in sample_site.blogs.values()], *FAST, db=db)
    env = dict(os.environ, DOCLISTEN_DATABASE_URL=db, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1")
    env.pop("DOCLISTEN_REDIS_URL", None)
    return env


def split_crawl_is_one_crawl(
    result: subprocess.CompletedProcess[str], db_url: str, sample_site: object, sample_crawl: SampleCrawl
) -> None:
    """``result``, a crawl of the sample site split over processes, stored what the session's one-process
    crawl stored, and said it as one crawl."""
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "locked" not in out, out
    assert post_urls(db_url) == post_urls(sample_crawl.db)  # the one-process crawl of the same site
    mine, theirs = counts(db_url), counts(sample_crawl.db)
    assert mine["posts"] == mine["distinct posts"] == theirs["posts"]
    assert mine["comments"] == theirs["comments"] and mine["crawls"] == 1
    # the syndicated copy on another blog (another process) is linked to its original all the same
    assert duplicate_links(db_url) == duplicate_links(sample_crawl.db) != set()
    check_site(db_url, sample_site)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            crawl = conn.execute(select(Crawl)).one()
            assert crawl.status == "finished" and crawl.finished_at is not None
            per_source = conn.execute(select(SourceCrawl.source_id)).scalars().all()
            titles = conn.execute(select(Source.title)).scalars().all()
            assert sorted(per_source) == sorted(conn.execute(select(Source.id)).scalars())  # each once
    finally:
        engine.dispose()
    for title in titles:  # the summary lists every source once (titles are cut at 40 characters)
        assert result.stdout.count(title[:30]) == 1, (title, result.stdout)
    stored = re.findall(r"(\d+) new posts · (\d+) new comments", result.stderr)
    assert stored and stored[-1] == (str(mine["posts"]), str(mine["comments"])), result.stderr  # the totals


@pytest.mark.slow
def test_two_crawls_started_at_once_on_a_fresh_sqlite_file(sample_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    homes = [blog.homepage for blog in sample_site.blogs.values()]
    env = dict(os.environ, DOCLISTEN_DATABASE_URL=db, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1")
    env.pop("DOCLISTEN_REDIS_URL", None)

    def at_once(*commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
        logs = [(tmp_path / f"{i}.out", tmp_path / f"{i}.err") for i in range(len(commands))]
        procs = [
            launch(*args, env=env, out=out, err=err) for args, (out, err) in zip(commands, logs, strict=True)
        ]
        done = []
        for args, proc, (out, err) in zip(commands, procs, logs, strict=True):
            code = proc.wait(timeout=600)
            done.append(subprocess.CompletedProcess(args, code, out.read_text(), err.read_text()))
        return done

    # the file does not exist yet: both create and migrate it at once
    added = at_once(["sources", "add", *homes[:3], *FAST], ["sources", "add", *homes[3:], *FAST])
    crawls = at_once(["crawl", *FAST, "--processes", "2"], ["crawl", *FAST, "--processes", "2"])  # 4 writers
    for run in [*added, *crawls]:
        assert run.returncode == 0, run.stdout + run.stderr
        assert "locked" not in run.stdout + run.stderr, run.stdout + run.stderr
        assert "Traceback" not in run.stderr, run.stderr
    found = counts(db)
    assert found["posts"] == found["distinct posts"] and found["crawls"] == 2
    check_site(db, sample_site)  # every post and comment once


@pytest.fixture
def hanging_site() -> Iterator[tuple[FaultSite, threading.Event]]:
    """Two blogs whose feed hangs while ``hold`` is set."""
    hold = threading.Event()
    with FaultSite(hanging_feeds(hold)) as fault_site:
        yield fault_site, hold


def child_processes(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def command_line(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def crawl_statuses(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(Crawl.status)).scalars())


@pytest.mark.slow
def test_ctrl_c_stops_every_process_and_says_so_once(hanging_site, sqlite_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site, hold = hanging_site
    run_cli("sources", "add", *(site.home(k) for k in ("ann", "ben")), *FAST, db=sqlite_url)
    hold.set()
    env = dict(os.environ, DOCLISTEN_DATABASE_URL=sqlite_url, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1")
    log = tmp_path / "crawl.log"
    proc = launch("crawl", *FAST, "--processes", "2", env=env, out=log)
    engine = create_engine(sqlite_url)
    try:
        wait_for(
            lambda: all(site.hits(k, "/feed/") for k in ("ann", "ben")),
            120,
            "both feeds to be requested (two processes)",
        )
        children = child_processes(proc.pid)
        assert len(children) == 2  # forked from the crawl itself: its command line, not `-m doclisten.child`
        assert all(command_line(pid) == command_line(proc.pid) for pid in children), children
        proc.send_signal(signal.SIGINT)
        stopping = "stopping: finishing 2 sources (Ctrl-C again to abort)"
        wait_for(lambda: stopping in log.read_text(), 60, f"{stopping!r} in the output")
        assert proc.poll() is None  # the feeds still hang: it is finishing them
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        hold.clear()
    text = log.read_text()
    assert code != 0 and "aborted: the next crawl redoes the 2 unfinished sources" in text, text
    assert text.count("stopping") == 1, text
    assert "Traceback" not in text, text
    assert crawl_statuses(engine) == ["interrupted"]
    run_cli("crawl", *FAST, db=sqlite_url)  # the next crawl does it all
    assert crawl_statuses(engine) == ["interrupted", "finished"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count(Post.id))).scalar_one() == 4
    engine.dispose()


# ---------------------------------------------------------------------------------------------- run


@pytest.mark.slow
def test_run_over_two_processes_keeps_the_site_current_and_stops_cleanly(
    sample_site, db_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    env = sample_sources_added(sample_site, db_url)
    log = tmp_path / "run.log"
    args = ["run", "--processes", "2", "--poll", "0.3", "--min-interval", "600", *FAST]
    proc = launch(*args, env=env, out=log)
    engine = create_engine(db_url)
    expected = sum(len(stored_posts(blog)) for blog in sample_site.blogs.values())  # (noindex: never)
    try:
        wait_for(lambda: READY in log.read_text() or proc.poll() is not None, 120, "the run to be ready")
        assert proc.poll() is None, log.read_text()

        def all_stored() -> bool:
            with engine.connect() as conn:
                return conn.execute(select(func.count(Post.id))).scalar_one() >= expected

        wait_for(all_stored, 300, "every post of the sample site")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert code == 0, text
    assert text.count(READY) == 1 and "Traceback" not in text and "locked" not in text, text
    check_site(db_url, sample_site)
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count(Source.id)).where(Source.lease_token.is_not(None))).scalar() == 0
        )
    engine.dispose()
