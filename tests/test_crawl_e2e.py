"""End to end: `doclisten sources add` + `doclisten crawl` over the sample site, for real.

The first crawl is the session's (``sample_crawl_sqlite`` in conftest.py, shared with the other tests that
only read it); the second (incremental) crawl runs on a copy of its database; changes on the site are picked
up by a crawl of a site of this module's own, which they change.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text

from crawler.urls import canonical_url
from pipelines.store.models import Comment, FetchError, Post, Source, SourceCrawl
from tests.conftest import FAST, SampleCrawl, run_cli
from tests.expect import check_comments, check_posts, rows

pytestmark = pytest.mark.slow


def is_site_comment_feed(path: str) -> bool:
    return path.startswith(("/comments/feed", "/feeds/comments/default"))


@pytest.fixture(scope="module")
def first_crawl(sample_crawl_sqlite: SampleCrawl):  # type: ignore[no-untyped-def]
    return sample_crawl_sqlite.result, sample_crawl_sqlite.requests


@pytest.fixture(scope="module")
def site(sample_crawl_sqlite: SampleCrawl):  # type: ignore[no-untyped-def]
    return sample_crawl_sqlite.site


@pytest.fixture(scope="module")
def engine(sample_crawl_sqlite: SampleCrawl):  # type: ignore[no-untyped-def]
    eng = create_engine(sample_crawl_sqlite.db)
    yield eng
    eng.dispose()


def test_sources_discovered(first_crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    by_home = {r.home_url: r for r in rows(engine, Source)}
    for blog in site.blogs.values():
        src = by_home[canonical_url(blog.homepage)]
        assert src.platform == blog.platform
        assert src.feed_url == blog.feed_url
    classic = by_home[canonical_url(site.blogs["wp-classic"].homepage)]
    assert classic.rest_root and classic.rest_root.endswith("/wp-json/")
    assert by_home[canonical_url(site.blogs["wp-block"].homepage)].rest_root is None


def test_every_post_once_with_clean_body(first_crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    check_posts(engine, site)


def test_every_comment_with_author_date_parent(first_crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    check_comments(engine, site)


def test_politeness_robots_and_user_agent(first_crawl, site) -> None:  # type: ignore[no-untyped-def]
    _, requests = first_crawl
    paths = [r.path for r in requests]
    assert not [p for p in paths if p.startswith("/private/")]  # disallowed by robots.txt
    blogger = [r.path for r in requests if r.blog_key == "blogger"]
    assert not [p for p in blogger if p.startswith("/search")]
    assert not [p for p in paths if "replytocom" in p or "utm_" in p or "share=" in p]
    assert all("doclisten" in r.headers.get("User-Agent", "") for r in requests)


def test_complete_comment_lists_need_no_comment_feed(first_crawl, site) -> None:  # type: ignore[no-untyped-def]
    """A post page that shows all its comments (the count it states, no comment pages) is enough."""
    _, requests = first_crawl
    rest = [r.path for r in requests if r.blog_key == "wp-classic" and "/wp-json/" in r.path]
    silent = [p for p in site.blogs["wp-classic"].content.posts if not p.comments]  # state no count
    assert len(rest) <= len(silent), rest


def test_summary_printed(first_crawl, engine) -> None:  # type: ignore[no-untyped-def]
    result, _ = first_crawl
    assert "new posts" in result.stdout and "total" in result.stdout
    summary = rows(engine, SourceCrawl)
    assert sum(r.new_posts for r in summary) == len(rows(engine, Post))
    assert sum(r.new_comments for r in summary) == len(rows(engine, Comment))
    assert not rows(engine, FetchError)


def test_second_crawl_is_incremental(first_crawl, engine, sample_second_crawl_sqlite) -> None:  # type: ignore[no-untyped-def]
    _, first = first_crawl
    before_posts, before_comments = len(rows(engine, Post)), len(rows(engine, Comment))  # the first crawl's
    second = sample_second_crawl_sqlite.requests  # the second crawl, on a copy of the first one's database
    again = create_engine(sample_second_crawl_sqlite.db)
    try:
        assert len(second) <= 0.4 * len(first), (len(second), len(first))
        # robots.txt is kept from the first crawl (RFC 9309: up to 24 h); the site comment feeds were just
        # polled and the sample blogs are quiet: not due again yet
        assert not [r for r in second if r.path == "/robots.txt"]
        assert not [r for r in second if is_site_comment_feed(r.path)]
        assert sum(r.path == "/robots.txt" for r in first) == len({r.blog_key for r in first})
        not_robots = [r for r in second if r.path != "/robots.txt"]
        assert sum(r.status == 304 for r in not_robots) >= 0.9 * len(not_robots)
        assert sum(r.status == 304 for r in second) > len(second) / 2
        assert len(rows(again, Post)) == before_posts
        assert len(rows(again, Comment)) == before_comments
        with again.connect() as conn:
            last = conn.execute(text("SELECT max(crawl_id) FROM source_crawls")).scalar()
            totals = conn.execute(
                text(
                    "SELECT sum(new_posts), sum(updated_posts), sum(new_comments) FROM source_crawls "
                    "WHERE crawl_id=:c"
                ),
                {"c": last},
            ).one()
        assert tuple(totals) == (0, 0, 0)
    finally:
        again.dispose()


@pytest.fixture(scope="module")
def own_site():  # type: ignore[no-untyped-def]
    from doclisten.demo_site import DemoSite

    with DemoSite() as demo:
        yield demo


@pytest.fixture(scope="module")
def crawled_own_site(own_site, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A first crawl of this module's own site (the next test changes it)."""
    db = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'doclisten.db'}"
    homes = [blog.homepage for blog in own_site.blogs.values()]
    added = run_cli("sources", "add", *homes, *FAST, db=db)
    assert added.stdout.count("added source") == len(homes), added.stdout + added.stderr
    run_cli("crawl", *FAST, db=db)
    eng = create_engine(db)
    yield own_site, db, eng
    eng.dispose()


def test_changes_are_picked_up(crawled_own_site) -> None:  # type: ignore[no-untyped-def]
    site, db, engine = crawled_own_site
    classic = site.blogs["wp-classic"].content
    busy = max(classic.posts, key=lambda p: len(p.comments))
    parent = busy.comments[-1]
    reply = site.add_comment(
        "wp-classic",
        busy.slug,
        "Dana Q.",
        "Replying late: the Accu-Chek Guide works for me.",
        parent_id=parent.id,
        author_url="https://dana.example/",
    )
    blogger = site.blogs["blogger"].content.posts[0]
    new_blogger = site.add_comment(
        "blogger", blogger.slug, "Theo", "First time commenting. Thank you for this."
    )
    block_post = site.blogs["wp-block"].content.posts[1]
    site.edit_post(
        "wp-block", block_post.slug, paragraphs=[*block_post.paragraphs, "Update: the pharmacy called back."]
    )
    fresh = site.add_post(
        "wpcom", "Glucagon training night", ["We practised with Baqsimi and a Gvoke pen tonight."] * 3
    )
    with engine.connect() as conn:
        block_id = conn.execute(
            select(Post.id).where(Post.url == canonical_url(site.post_url("wp-block", block_post.slug)))
        ).scalar()

    with engine.begin() as conn:  # a day later: the site comment feeds are due again
        conn.execute(text("UPDATE sources SET comments_feed_checked_at = :t"), {"t": "2000-01-01 00:00:00"})
    start = len(site.requests)
    run_cli("crawl", *FAST, db=db)
    third = site.requests[start:]
    assert [r for r in third if is_site_comment_feed(r.path)]
    assert not [r for r in third if r.path == "/robots.txt"]

    with engine.connect() as conn:
        got = conn.execute(select(Comment).where(Comment.external_id == str(reply.id))).one()
        parent_row = conn.execute(select(Comment).where(Comment.id == got.parent_id)).one()
        assert parent_row.external_id == str(parent.id) and got.author_url == "https://dana.example/"
        assert (
            conn.execute(select(Comment).where(Comment.external_id == str(new_blogger.id))).one().author
            == "Theo"
        )
        edited = conn.execute(select(Post).where(Post.id == block_id)).one()
        assert "pharmacy called back" in edited.content_text
        assert conn.execute(select(Post).where(Post.title == fresh.title)).one()
        urls = [r.url for r in conn.execute(select(Post)).all()]
    assert len(urls) == len(set(urls))
