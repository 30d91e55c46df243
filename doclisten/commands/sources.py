"""What the CLI commands do, as plain functions (the CLI only parses and prints)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from crawler.spiders.discover import DiscoveredItem
from crawler.urls import InvalidURL, web_url
from doclisten.config import Config
from doclisten.runner import Session, run
from pipelines.exceptions import SourceError
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import Comment, FetchError, Post, Source, SourceCrawl
from pipelines.store.sources import find_sources
from pipelines.store.sources import list_sources as _list_sources
from pipelines.store.sources import remove_source as _remove


def add_sources(config: Config, urls: Sequence[str], overrides: dict[str, Any]) -> list[tuple]:
    """(item, source id, created) per URL; ``item.error`` says why a URL was not added."""
    valid, rejected = [], []
    for url in urls:
        try:
            valid.append(web_url(url, default_scheme="https"))
        except InvalidURL as exc:
            rejected.append((DiscoveredItem(url, error=exc.reason), None, False))
    if not valid:
        return rejected

    async def steps(session: Session) -> list[tuple]:
        return session.save_discovered(await session.discover(valid))

    return rejected + run(config, steps, overrides)


@dataclass
class SourceRow:
    source: Source
    posts: int
    comments: int


def list_sources(config: Config) -> list[SourceRow]:
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            posts = dict(
                s.execute(select(Post.source_id, func.count(Post.id)).group_by(Post.source_id)).all()
            )
            comments = dict(
                s.execute(
                    select(Post.source_id, func.count(Comment.id))
                    .join(Comment, Comment.post_id == Post.id)
                    .group_by(Post.source_id)
                ).all()
            )
            return [SourceRow(src, posts.get(src.id, 0), comments.get(src.id, 0)) for src in _list_sources(s)]
    finally:
        engine.dispose()


def remove_source(config: Config, ref: str) -> str:
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            source = _remove(s, ref)
            return f"{source.id} ({source.home_url})"
    finally:
        engine.dispose()


def crawl(config: Config, refs: Sequence[str], overrides: dict[str, Any]) -> tuple[int, list]:
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            if not find_sources(s, list(refs)):
                raise SourceError("no sources to crawl: add blogs with `doclisten sources add URL`")
    finally:
        engine.dispose()

    async def steps(session: Session) -> int:
        return await session.crawl(refs)

    crawl_id = run(config, steps, overrides)
    return crawl_id, crawl_summary(config, crawl_id)


def crawl_summary(config: Config, crawl_id: int) -> list[tuple[Source, SourceCrawl, list[str]]]:
    """Per source: its row, what the crawl did, and the errors the crawl recorded ("URL: message")."""
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            rows = s.execute(
                select(Source, SourceCrawl)
                .join(SourceCrawl, SourceCrawl.source_id == Source.id)
                .where(SourceCrawl.crawl_id == crawl_id)
                .order_by(Source.id)
            ).all()
            errors: dict[int | None, list[str]] = {}
            for source_id, url, error in s.execute(
                select(FetchError.source_id, FetchError.url, FetchError.error)
                .where(FetchError.crawl_id == crawl_id)
                .order_by(FetchError.id)
            ):
                errors.setdefault(source_id, []).append(f"{url}: {error}")
            return [(r[0], r[1], errors.get(r[0].id, [])) for r in rows]
    finally:
        engine.dispose()


def ago(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"
