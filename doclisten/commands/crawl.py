"""What `doclisten crawl` does: every (or the named) source once, now; then what the crawl did."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from doclisten.config import Config
from doclisten.runner import Session, run
from pipelines.exceptions import SourceError
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import Source, SourceCrawl
from pipelines.store.sources import find_sources
from pipelines.store.status import crawl_results


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
            return crawl_results(s, crawl_id)
    finally:
        engine.dispose()
