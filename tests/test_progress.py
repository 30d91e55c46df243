"""The crawl's progress line counts what is stored: comments seen through the REST API, the HTML and the
comment feeds are one row each after the merge, and the line counts rows, not sightings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, func, select

from pipelines.store.models import Comment, Post
from tests.conftest import SampleCrawl


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
def test_progress_counts_stored_posts_and_comments(
    sample_crawl_sqlite: SampleCrawl, sample_second_crawl_sqlite: SampleCrawl
) -> None:
    first = sample_crawl_sqlite.result  # the session's first crawl of the sample site
    posts, comments = stored(sample_crawl_sqlite.db)
    assert comments > 0
    counts = last_progress(first.stderr)  # the closing line has the totals
    assert counts["new posts"] == posts and counts["new comments"] == comments, (counts, posts, comments)
    again = sample_second_crawl_sqlite  # a copy of its database, crawled again
    counts = last_progress(again.result.stderr)
    assert counts["new comments"] == 0 and stored(again.db) == (posts, comments)  # nothing new was stored
