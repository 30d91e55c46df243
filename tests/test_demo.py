"""`doclisten demo` end to end, as the README's first command runs it: the sample DOC site crawled offline into
SQLite, with the Disqus-commented blog and the Discourse forum, and the threads shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from doclisten.demo_site.disqus import POSTS as DISQUS_POSTS
from pipelines.store.models import Comment, Post, Source

pytestmark = pytest.mark.slow


def test_the_demo_crawls_the_sample_site_and_shows_its_threads(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCLISTEN_")}
    result = subprocess.run(
        [sys.executable, "-m", "doclisten.cli.main", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "Traceback" not in out and "HTTP 404" not in out, out
    assert "a forum topic (Discourse): Dexcom G7 warm-up failing after the update?" in result.stdout
    assert "a Disqus thread: Lentil soup, counted three ways" in result.stdout
    engine = create_engine(f"sqlite:///{tmp_path / 'doclisten.db'}")
    try:
        with engine.connect() as conn:
            platforms = set(conn.execute(select(Source.platform)).scalars())
            disqus = conn.execute(select(func.count(Comment.id)).where(Comment.via == "disqus")).scalar()
            forum = conn.execute(
                select(func.count(Post.id))
                .join(Source, Source.id == Post.source_id)
                .where(Source.platform == "discourse")
            ).scalar()
    finally:
        engine.dispose()
    assert {"wordpress", "wordpress.com", "blogger", "generic", "discourse"} <= platforms
    assert disqus == sum(len(p.comments) for p in DISQUS_POSTS)
    assert forum == 3
