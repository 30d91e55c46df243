"""Loads crawl jobs for `scrapy crawl blogs` (the doclisten CLI loads them itself)."""

from __future__ import annotations

from typing import Any

from crawler.jobs import SourceJob
from pipelines.store.db import open_database, session_factory
from pipelines.store.repository import load_jobs
from pipelines.store.sources import find_sources


def load_jobs_for_crawler(settings: Any, sources: str | None = None) -> list[SourceJob]:
    """``sources``: comma-separated ids or URLs (``-a sources=1,2``); all enabled sources when empty."""
    engine = open_database(settings["DOCLISTEN_DATABASE_URL"])
    try:
        refs = [s for s in (sources or "").split(",") if s.strip()]
        with session_factory(engine).begin() as session:
            return load_jobs(session, find_sources(session, refs))
    finally:
        engine.dispose()
