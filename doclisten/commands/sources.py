"""What `doclisten sources add/list/remove/import` do, as plain functions (the CLI only parses and prints)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.opml import OpmlError, parse_opml
from crawler.spiders.discover import DiscoveredItem
from crawler.urls import InvalidURL, web_url
from doclisten.config import Config
from doclisten.runner import Session, run
from pipelines.store import privacy
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import Source
from pipelines.store.sources import list_sources as _list_sources
from pipelines.store.sources import remove_source as _remove
from pipelines.store.status import volumes


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


def opml_urls(path: Path) -> list[str]:
    """The feed (else home page) URL of every outline of an OPML file; none is an error."""
    try:
        outlines = parse_opml(path.read_bytes())
    except OSError as exc:
        raise OpmlError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except OpmlError as exc:
        raise OpmlError(f"{path}: {exc}") from None
    urls = [url for o in outlines if (url := o.xml_url or o.html_url)]
    if not urls:
        raise OpmlError(f"{path}: no feeds in this OPML file")
    return urls


@dataclass
class SourceRow:
    source: Source
    posts: int
    comments: int
    noindex: int = 0  # post pages not stored: they asked not to be indexed (consent, docs/privacy.md)
    noarchive: int = 0  # posts kept without text: their pages said noarchive


def list_sources(config: Config) -> list[SourceRow]:
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            posts, comments = volumes(s)
            noindex, noarchive = privacy.consent_counts(s)
            return [
                SourceRow(
                    src,
                    posts.get(src.id, 0),
                    comments.get(src.id, 0),
                    noindex.get(src.id, 0),
                    noarchive.get(src.id, 0),
                )
                for src in _list_sources(s)
            ]
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
