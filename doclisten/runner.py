"""Runs doclisten's spiders in one Scrapy process: discovery, crawls, or both in sequence.

The CLI calls these; tests and the demo too. Database work happens between spider runs
(in the reactor thread, with no crawl active), never inside a spider.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings
from scrapy.utils.ossignal import install_shutdown_handlers
from sqlalchemy import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from crawler.spiders.blogs import BlogSpider
from crawler.spiders.discover import DiscoveredItem, DiscoverSpider
from crawler.spiders.fetch import FetchedPage, FetchSpider
from doclisten.config import Config
from doclisten.processes import StopLine
from pipelines.store import privacy
from pipelines.store.crawls import start_crawl
from pipelines.store.db import open_database, session_factory, utcnow
from pipelines.store.jobs import load_jobs
from pipelines.store.models import Source
from pipelines.store.sources import add_source, find_sources

logger = logging.getLogger(__name__)

# `doclisten run` purges what is due (deleted upstream past the grace period, past the retention period)
# at its start and then this often (docs/privacy.md)
PURGE_EVERY_SECONDS = 3600.0

# Per-crawler settings must beat the process settings that Scrapy merges into each crawler.
CRAWLER_PRIORITY = 50

# on_stop(session, signum, forced): the first SIGINT/SIGTERM (forced=False: a graceful stop begins) or the
# second (forced=True: the process aborts); called in the reactor thread, never inside the signal handler
OnStop = Callable[["Session", int, bool], None]


def counting(say: StopLine) -> OnStop:
    """An ``OnStop`` that tells ``say`` how many sources the running crawls have begun."""
    return lambda session, signum, forced: say(session.in_progress(), signum, forced)


def build_settings(config: Config, overrides: dict[str, Any] | None = None) -> Settings:
    config.retention()  # a bad DOCLISTEN_RETENTION_DAYS fails here, in one line
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in {**config.settings(), **(overrides or {})}.items():
        settings.set(key, value, priority="cmdline")
    return settings


# the settings whose values are {class path: order}, and those whose value is one class path, that a crawler
# imports by name when it starts
COMPONENT_SETTINGS = [
    f"{name}{suffix}"
    for name in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES")
    for suffix in ("_BASE", "")
]
CLASS_SETTINGS = [
    "DOWNLOADER",
    "SCHEDULER",
    "SCHEDULER_PRIORITY_QUEUE",
    "SCHEDULER_DISK_QUEUE",
    "SCHEDULER_MEMORY_QUEUE",
    "DUPEFILTER_CLASS",
    "STATS_CLASS",
    "LOG_FORMATTER",
    "REQUEST_FINGERPRINTER_CLASS",
    "DOWNLOADER_HTTPCLIENTFACTORY",
    "DOWNLOADER_CLIENTCONTEXTFACTORY",
]


def preload(settings: Settings | None = None) -> None:
    """Do here, once, what each crawling process does before its first request: import the components
    Scrapy loads by name when a crawler starts (download handlers, middlewares, extensions, pipelines:
    about 300 modules, one of which walks the stack with ``inspect`` as it is imported) and load the
    language model. Processes forked from this one afterwards (``doclisten.processes``) skip that second
    of CPU each. Installs no reactor: a forked process installs its own."""
    from scrapy.utils.misc import load_object

    from pipelines.enrich import load_identifier

    settings = settings or build_settings(Config())
    paths = [path for name in COMPONENT_SETTINGS for path in settings.getdict(name) if isinstance(path, str)]
    paths += [settings[name] for name in CLASS_SETTINGS if isinstance(settings.get(name), str)]
    handlers = {**settings.getdict("DOWNLOAD_HANDLERS_BASE"), **settings.getdict("DOWNLOAD_HANDLERS")}
    paths += [handlers[scheme] for scheme in ("http", "https") if isinstance(handlers.get(scheme), str)]
    for path in paths:
        try:
            load_object(path)
        except Exception:  # an optional component whose library is missing fails in the crawl, as ever
            logger.debug("preload: %s does not load", path, exc_info=True)
    load_identifier(tuple(settings.getlist("DOCLISTEN_LANGUAGES")))


class Session:
    """One Scrapy process running a sequence of steps (see :func:`run`)."""

    def __init__(self, config: Config, settings: Settings, database: bool = True):
        self.config = config
        self.settings = settings
        self.process = AsyncCrawlerProcess(settings)
        if settings.get("LOG_LEVEL") not in ("DEBUG", "INFO"):
            quiet_scrapy_noise()
        # opened (and migrated) before any request, so that a bad database fails the command at once
        self._engine = open_database(config.database_url) if database else None
        self._sessions = session_factory(self._engine) if self._engine is not None else None
        self.aborted = False

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("this Session runs without a database (database=False)")
        return self._engine

    @property
    def sessions(self) -> sessionmaker[OrmSession]:
        if self._sessions is None:
            raise RuntimeError("this Session runs without a database (database=False)")
        return self._sessions

    def watch_signals(self, on_stop: OnStop) -> None:
        """Tell ``on_stop`` about Scrapy's shutdown signals (which keep their meaning: the first stops
        gracefully, the second aborts). Installed at once, so no signal of the startup is missed."""
        from twisted.internet import reactor

        process = self.process
        graceful, kill = process._signal_shutdown, process._signal_kill

        def shutdown(signum: int, frame: Any) -> None:
            reactor.callFromThread(on_stop, self, signum, False)
            graceful(signum, frame)  # installs process._signal_kill, i.e. ``forced``, for the next signal

        def forced(signum: int, frame: Any) -> None:
            self.aborted = True
            reactor.callFromThread(on_stop, self, signum, True)
            kill(signum, frame)

        process._signal_shutdown = shutdown  # type: ignore[method-assign,assignment]
        process._signal_kill = forced  # type: ignore[method-assign,assignment]
        install_shutdown_handlers(shutdown)

    def in_progress(self) -> int:
        """Sources the running crawls have begun and not finished."""
        return sum(len(getattr(crawler.spider, "started", ())) for crawler in self.process.crawlers)

    async def collect(self, spider: type[Spider], **kwargs: Any) -> list[Any]:
        """Run ``spider`` without item pipelines or progress; returns the items it scraped."""
        found: list[Any] = []
        settings = self.settings.copy()
        settings.set("ITEM_PIPELINES", {}, priority=CRAWLER_PRIORITY)
        settings.set("DOCLISTEN_PROGRESS", False, priority=CRAWLER_PRIORITY)
        crawler = Crawler(spider, settings)

        def scraped(item: Any, **_: Any) -> None:
            found.append(item)

        # signal receivers are weak references: ``scraped`` lives until the crawl ends
        crawler.signals.connect(scraped, signal=signals.item_scraped)
        await self.process.crawl(crawler, **kwargs)
        return found

    async def discover(self, urls: Sequence[str]) -> list[DiscoveredItem]:
        found: list[DiscoveredItem] = await self.collect(DiscoverSpider, urls=list(urls))
        by_url = {item.url: item for item in found}
        return [
            by_url.get(url) or DiscoveredItem(url, error="no answer (-v shows Scrapy's log)") for url in urls
        ]

    async def fetch(self, url: str) -> FetchedPage:
        """One page, through Scrapy (robots.txt, User-Agent, SSRF guard); ``.error`` says why it failed."""
        found: list[FetchedPage] = await self.collect(FetchSpider, url=url)
        return found[0] if found else FetchedPage(url, error=f"cannot fetch {url}: no answer")

    def save_discovered(
        self, items: Sequence[DiscoveredItem]
    ) -> list[tuple[DiscoveredItem, int | None, bool]]:
        """Store discovered sources. Returns (item, source id, created) per item."""
        out: list[tuple[DiscoveredItem, int | None, bool]] = []
        with self.sessions.begin() as s:
            for item in items:
                if item.discovery is None:
                    out.append((item, None, False))
                    continue
                source, created = add_source(s, item.discovery, utcnow())
                out.append((item, source.id, created))
        return out

    async def crawl(
        self, refs: Sequence[str] = (), *, share: Sequence[int] | None = None, crawl_id: int | None = None
    ) -> int:
        """Crawl the named (or all enabled) sources once; returns the crawl id.

        ``share`` and ``crawl_id``: one process's share (source ids) of a crawl split over several
        processes, reporting into that crawl's row, which the parent finishes."""
        with self.sessions.begin() as s:
            sources = find_sources(s, list(refs)) if share is None else [s.get_one(Source, i) for i in share]
            jobs = load_jobs(s, sources)
            split = crawl_id is not None
            if crawl_id is None:
                crawl_id = start_crawl(s, utcnow())
        settings = self.settings.copy()
        settings.set("DOCLISTEN_CRAWL_ID", crawl_id, priority=CRAWLER_PRIORITY)
        if split:
            settings.set("DOCLISTEN_FINISH_CRAWL", False, priority=CRAWLER_PRIORITY)
        await self.process.crawl(Crawler(BlogSpider, settings), jobs=jobs)
        return crawl_id

    async def work(self, reconcile_every: float | None = None) -> None:
        """Run as a long-lived worker: claim due sources until stopped (SIGINT/SIGTERM)."""
        from scheduler.claimer import open_claimer
        from scheduler.service import periodic_alerts, periodic_reconcile

        claimer = open_claimer(self.settings, self.engine, self.sessions)
        reconciler = (
            periodic_reconcile(claimer.queue, self.sessions, reconcile_every) if reconcile_every else None
        )
        alerts = periodic_alerts(self.settings, self.engine, reconcile_every) if reconcile_every else None
        purger = self.periodic_purge() if reconcile_every else None  # (one process of `run` purges)
        settings = self.settings.copy()
        settings.set("DOCLISTEN_WORKER", True, priority=CRAWLER_PRIORITY)
        try:
            await self.process.crawl(Crawler(BlogSpider, settings), jobs=[], claimer=claimer)
        finally:
            for loop in (reconciler, alerts, purger):
                if loop is not None and loop.running:
                    loop.stop()
            claimer.queue.close()

    def periodic_purge(self, every: float = PURGE_EVERY_SECONDS) -> Any:
        """Purge now and every ``every`` seconds, in a thread (the reactor keeps crawling)."""
        from scheduler.service import periodic

        return periodic(self.purge_once, every, "purge", now=True, in_thread=True)

    def purge_once(self) -> None:
        """One purge; a failure (the database busy) is logged and the next round tries again."""
        try:
            with self.sessions.begin() as s:
                done = privacy.purge(s, utcnow(), self.config.deletion_grace(), self.config.retention())
            counts = {k: (p.posts, p.comments) for k, p in done.items() if p.posts or p.comments}
            if counts:
                logger.info("purged (posts, comments): %s", counts)
                privacy.forget_sqlite(self.engine)
        except Exception as exc:
            logger.warning("purge failed, retried in an hour: %s", exc)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def quiet_scrapy_noise() -> None:
    """Failures Scrapy logs with tracebacks that doclisten records itself (fetch_errors, summary)."""
    for name in ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def run(
    config: Config,
    steps: Callable[[Session], Awaitable[Any]],
    overrides: dict[str, Any] | None = None,
    on_stop: OnStop | None = None,
    *,
    database: bool = True,
) -> Any:
    """Run ``steps(session)`` inside a Scrapy process; returns its result (re-raises its error).

    With ``on_stop``, shutdown signals are reported to it, and an abort (a second signal) raises
    KeyboardInterrupt once the reactor has stopped. ``database=False``: steps that store nothing
    (``session.fetch``) run without opening the database.
    """
    session = Session(config, build_settings(config, overrides), database)
    if on_stop is not None:
        session.watch_signals(on_stop)
    outcome = Outcome()

    async def main() -> None:
        try:
            outcome.value = await steps(session)
        except BaseException as exc:  # handed to the caller below
            outcome.error = exc
        finally:
            session.process._stop_reactor()

    asyncio.get_event_loop().create_task(main())
    try:
        session.process.start(stop_after_crawl=False)
    finally:
        session.close()
    if outcome.error is not None:
        raise outcome.error
    if session.aborted:
        raise KeyboardInterrupt
    return outcome.value
