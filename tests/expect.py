"""Ground-truth checks of a database filled by crawling the sample site (shared by e2e tests)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC

from sqlalchemy import select

from crawler.consent import page_consent
from crawler.urls import canonical_url
from pipelines.store.models import Comment, Post

BOILERPLATE = [
    "Leave a Reply",
    "Fill in your details below or click an icon to log in",
    "You are commenting using your",
    "Your email address will not be published",
    "Share this:",
    "Like this:",
    "bloggers like this",
    "Post a Comment",
    "Email This",
    "BlogThis!",
    "says:",
    "Notify me of new comments",
    "Newer Post",
    "Subscribe to: Post Comments",
    "Share to Twitter",
    "Like Loading",
]


# What check_posts / check_comments raise while the database is still incomplete.
AssertionErrorsOnly = (AssertionError, KeyError, AttributeError)


def tokens(value: str) -> list[str]:
    return re.findall(r"\w+", value.lower())


def token_f1(got: str, want: str) -> float:
    a, b = Counter(tokens(got)), Counter(tokens(want))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def rows(engine, model):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(select(model)).all()


def noindex(post) -> bool:  # type: ignore[no-untyped-def]
    """A sample post whose page asks not to be indexed (robots meta or X-Robots-Tag): never stored."""
    return page_consent([("robots", post.robots)] if post.robots else [], [post.x_robots or ""]).noindex


def noarchive(post) -> bool:  # type: ignore[no-untyped-def]
    """A sample post whose page says noarchive: stored without its text (nor its comments' texts)."""
    return page_consent([("robots", post.robots)] if post.robots else [], [post.x_robots or ""]).noarchive


def stored_posts(blog) -> list:  # type: ignore[no-untyped-def]
    """The posts of a sample blog that a crawl stores (the noindex ones are not)."""
    return [p for p in blog.content.posts if not noindex(p)]


def check_posts(engine, site) -> None:  # type: ignore[no-untyped-def]
    """Every post of the sample site stored once, with its metadata and a clean body (no body when the
    page said noarchive; never a noindex page)."""
    stored = {r.url: r for r in rows(engine, Post)}
    expected = {
        site.post_url(key, post.slug): post for key, blog in site.blogs.items() for post in stored_posts(blog)
    }
    assert set(stored) == {canonical_url(u) for u in expected}  # older posts too (pagination, sitemaps)
    for url, post in expected.items():
        row = stored[canonical_url(url)]
        assert row.title == post.title
        assert row.author == post.author
        assert row.published_at.replace(tzinfo=UTC) == post.published.replace(microsecond=0), url
        if noarchive(post):
            assert row.content_text == "" and row.text_withheld, url
            continue
        f1 = token_f1(row.content_text, post.text)
        assert f1 >= 0.95, (url, f1, row.content_text[:300])
        for phrase in BOILERPLATE:
            assert phrase not in row.content_text, (url, phrase)


def check_comments(engine, site) -> None:  # type: ignore[no-untyped-def]
    """Every comment stored once with author, date, text and parent."""
    with engine.connect() as conn:
        stored = conn.execute(select(Comment, Post.url).join(Post, Post.id == Comment.post_id)).all()
    by_key = {(r.url, r.external_id): r for r in stored}
    ids = {r.id: r for r in stored}
    expected = [
        (canonical_url(site.post_url(key, post.slug)), post, c)
        for key, blog in site.blogs.items()
        for post, c in blog.content.all_comments()
        if not noindex(post)
    ]
    pings = {
        (canonical_url(site.post_url(key, post.slug)), str(ping.id))
        for key, blog in site.blogs.items()
        for post, ping in blog.content.all_pings()
    }
    assert not pings & set(by_key), "a pingback was stored as a comment"
    assert len(stored) == len(expected)  # no duplicates, nothing missing
    for url, _post, comment in expected:
        row = by_key[(url, str(comment.id))]
        assert row.author == comment.author
        assert row.published_at.replace(tzinfo=UTC) == comment.published.replace(second=0, microsecond=0) or (
            row.published_at.replace(tzinfo=UTC) == comment.published.replace(microsecond=0)
        ), (url, comment.id, row.published_at, comment.published)
        if noarchive(_post):
            assert row.content_text == "", (url, comment.id)
        else:
            assert token_f1(row.content_text, comment.text) >= 0.95, (url, comment.id, row.content_text)
        if comment.author_url:
            assert row.author_url == comment.author_url
        parent = ids.get(row.parent_id)
        assert (parent.external_id if parent else None) == (
            str(comment.parent_id) if comment.parent_id else None
        )
        for phrase in BOILERPLATE + ["Reply"]:
            assert phrase not in row.content_text
