"""Read-side repository functions: what `status`, `sources list`, a crawl's summary and the demo show.

Each takes a Session and never commits: the caller owns the transaction.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipelines.store.models import Comment, Crawl, FetchError, Post, Source, SourceCrawl


@dataclass
class SourceCounts:
    total: int = 0
    enabled: int = 0
    due: int = 0  # enabled, due now
    overdue: int = 0  # enabled, due for longer than ``overdue_after``
    crawling: int = 0  # leased


def source_counts(session: Session, now: datetime, overdue_after: timedelta) -> SourceCounts:
    enabled = Source.disabled.is_(False)

    def count(*where: Any) -> int:
        return session.execute(select(func.count(Source.id)).where(*where)).scalar() or 0

    return SourceCounts(
        total=count(),
        enabled=count(enabled),
        due=count(enabled, Source.next_due_at <= now),
        overdue=count(enabled, Source.next_due_at <= now - overdue_after),
        crawling=count(Source.lease_until > now),
    )


def failing_sources(session: Session) -> list[Source]:
    """Enabled sources whose last crawls failed."""
    query = select(Source).where(Source.disabled.is_(False), Source.consecutive_failures > 0)
    return list(session.execute(query).scalars())


def disabled_sources(session: Session) -> list[Source]:
    return list(session.execute(select(Source).where(Source.disabled.is_(True))).scalars())


def recent_crawls(session: Session, limit: int = 10) -> list[tuple[Any, ...]]:
    """The last finished crawls of a source, newest first: (finished_at, title, home_url, new_posts,
    new_comments, requests, not_modified, errors)."""
    query = (
        select(
            Crawl.finished_at,
            Source.title,
            Source.home_url,
            SourceCrawl.new_posts,
            SourceCrawl.new_comments,
            SourceCrawl.requests,
            SourceCrawl.not_modified,
            SourceCrawl.errors,
        )
        .join(SourceCrawl, SourceCrawl.crawl_id == Crawl.id)
        .join(Source, Source.id == SourceCrawl.source_id)
        .where(Crawl.finished_at.is_not(None))
        .order_by(Crawl.finished_at.desc(), SourceCrawl.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(query)]


def volumes(session: Session) -> tuple[dict[int, int], dict[int, int]]:
    """Posts and comments per source id (a source without any is missing)."""
    posts = session.execute(select(Post.source_id, func.count(Post.id)).group_by(Post.source_id))
    comments = session.execute(
        select(Post.source_id, func.count(Comment.id))
        .join(Comment, Comment.post_id == Post.id)
        .group_by(Post.source_id)
    )
    return dict(posts.all()), dict(comments.all())


def crawl_results(session: Session, crawl_id: int) -> list[tuple[Source, SourceCrawl, list[str]]]:
    """Per source of a crawl: its row, what the crawl did, and the errors it recorded ("URL: message")."""
    rows = session.execute(
        select(Source, SourceCrawl)
        .join(SourceCrawl, SourceCrawl.source_id == Source.id)
        .where(SourceCrawl.crawl_id == crawl_id)
        .order_by(Source.id)
    ).all()
    errors: dict[int | None, list[str]] = {}
    for source_id, url, error in session.execute(
        select(FetchError.source_id, FetchError.url, FetchError.error)
        .where(FetchError.crawl_id == crawl_id)
        .order_by(FetchError.id)
    ):
        errors.setdefault(source_id, []).append(f"{url}: {error}")
    return [(source, sc, errors.get(source.id, [])) for source, sc in rows]


@dataclass
class Totals:
    posts: int
    comments: int
    replies: int  # comments with a parent


def totals(session: Session) -> Totals:
    def count(column: Any, *where: Any) -> int:
        return session.execute(select(func.count(column)).where(*where)).scalar() or 0

    return Totals(
        posts=count(Post.id),
        comments=count(Comment.id),
        replies=count(Comment.id, Comment.parent_id.is_not(None)),
    )


def newest_posts(session: Session, limit: int = 5) -> list[tuple[Post, str | None]]:
    """The newest posts with their source's title."""
    query = select(Post, Source.title).join(Source).order_by(Post.published_at.desc()).limit(limit)
    return [(post, title) for post, title in session.execute(query)]


def busiest_thread(
    session: Session, platform: str | None = None, via: str | None = None
) -> tuple[Post, list[Comment]] | None:
    """The post with the most comments and its comments, oldest first; None when no post has comments.
    ``platform``: among the posts of sources of that platform; ``via``: among posts with comments from there."""
    query = select(Post).order_by(Post.comment_count.desc()).limit(1)
    if platform is not None:
        query = query.join(Source, Source.id == Post.source_id).where(Source.platform == platform)
    if via is not None:
        query = query.where(Post.id.in_(select(Comment.post_id).where(Comment.via == via)))
    post = session.execute(query).scalar()
    if post is None or not post.comment_count:
        return None
    comments = select(Comment).where(Comment.post_id == post.id).order_by(Comment.published_at)
    return post, list(session.execute(comments).scalars())


def thread_of(session: Session, ref: str) -> tuple[Post, str | None, list[Comment]] | None:
    """A post (by id, or by URL: as given or canonical, a ``#comment-…`` fragment ignored), its source's
    title and its comments, oldest first (parents before their replies); None when there is no such post."""
    from crawler.urls import canonical_url

    post = None
    if ref.strip().isdigit():
        post = session.get(Post, int(ref))
    else:
        url = ref.strip().split("#", 1)[0]
        candidates = {url}
        with contextlib.suppress(ValueError):
            candidates.add(canonical_url(url))
        post = session.execute(select(Post).where(Post.url.in_(candidates)).limit(1)).scalar()
    if post is None:
        return None
    title = session.execute(select(Source.title).where(Source.id == post.source_id)).scalar()
    comments = select(Comment).where(Comment.post_id == post.id).order_by(Comment.published_at, Comment.id)
    return post, title, list(session.execute(comments).scalars())


def home_urls(session: Session) -> list[str]:
    return list(session.execute(select(Source.home_url)).scalars())
