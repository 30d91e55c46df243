"""The crawl's progress line counts what is stored: comments seen through the REST API, the HTML and the
comment feeds are one row each after the merge, and the line counts rows, not sightings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, func, select

from pipelines.store.models import Comment, Post
from tests.conftest import FAST, run_cli


def last_progress(stderr: str) -> dict[str, int]:
    lines = [line for line in stderr.splitlines() if line.startswith("crawling…")]
    assert lines, stderr
    return {name: int(n) for n, name in re.findall(r"(\d+) ([a-z][a-z ]*?)(?= ·|$)", lines[-1])}


def stored(db: str) -> tuple[int, int]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return (
                conn.execute(select(func.count(Post.id))).scalar_one(),
                conn.execute(select(func.count(Comment.id))).scalar_one(),
            )
    finally:
        engine.dispose()


@pytest.mark.slow
def test_progress_counts_stored_posts_and_comments(demo_site, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    run_cli("sources", "add", *[b.homepage for b in demo_site.blogs.values()], *FAST, db=sqlite_url)
    first = run_cli("crawl", *FAST, db=sqlite_url)
    posts, comments = stored(sqlite_url)
    assert comments > 0
    counts = last_progress(first.stderr)  # the closing line has the totals
    assert counts["new posts"] == posts and counts["new comments"] == comments, (counts, posts, comments)
    again = run_cli("crawl", *FAST, db=sqlite_url)
    counts = last_progress(again.stderr)
    assert counts["new comments"] == 0 and stored(sqlite_url) == (posts, comments)  # nothing new was stored
