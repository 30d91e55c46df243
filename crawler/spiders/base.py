"""Source bookkeeping shared by doclisten spiders: which sources are being crawled, and when
each one is finished.

Every request is counted against its source; callbacks run through ``_dispatch`` which
settles the count, and when a source has no request left the spider yields a
``SourceDoneItem`` (the pipelines then finish that source: deferred writes, summary, next due
time, claim completion).

Two modes: a one-shot crawl of given jobs, or a long-running worker that claims due sources
from a ``claimer`` (``scheduler.claimer.Claimer``) inside ``start()`` while it has capacity.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider, signals

from crawler.exceptions import one_line
from crawler.items import FetchErrorItem, SourceDoneItem
from crawler.jobs import SourceJob
from crawler.stats import stat_key

logger = logging.getLogger(__name__)

Output = Iterator[Any]


class SourceSpider(Spider):
    name = "sources-base"

    def __init__(self, jobs: list[SourceJob] | None = None, claimer: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.jobs = {job.source_id: job for job in jobs or []}
        self.claimer = claimer
        self.pending: dict[int, int] = defaultdict(int)
        self.started: dict[int, datetime] = {}
        self.capacity = 8
        self.poll_seconds = 5.0
        self.stopping = False
        self.heartbeat: Heartbeat | None = None
        self.claiming: asyncio.Task[list[SourceJob]] | None = None  # a claim call in flight (worker mode)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.capacity = crawler.settings.getint("DOCLISTEN_WORKER_SOURCES")
        spider.poll_seconds = crawler.settings.getfloat("DOCLISTEN_POLL_SECONDS")
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closing, signal=signals.spider_closed)
        return spider

    def first_requests(self, job: SourceJob) -> Output:  # pragma: no cover - abstract
        raise NotImplementedError

    # ------------------------------------------------------------------ start

    async def start(self) -> AsyncIterator[Any]:
        if self.claimer is None:
            for job in list(self.jobs.values()):
                for output in self.begin(job):
                    yield output
            return
        async for output in self.claim_loop():
            yield output

    async def claim_loop(self) -> AsyncIterator[Any]:
        """Worker mode: claim due sources while there is capacity, until the crawler stops."""
        while not self.stopping:
            free = self.capacity - len(self.started)
            # the claimer's Redis/SQL calls run in a thread: an unreachable queue never stalls downloads
            jobs = await self._claim(free) if free > 0 else []
            if self.stopping:  # closed while claiming: what came back is given back (by _closing)
                return
            outputs: list[Any] = []
            for (
                job
            ) in jobs:  # every claimed source is begun (so _closing knows it) before anything is yielded
                if job.source_id in self.started:  # our own lease ran out and we got it back: keep going
                    self.jobs[job.source_id].claim = job.claim
                    continue
                self.jobs[job.source_id] = job
                outputs.extend(self.begin(job))
            for output in outputs:
                yield output
            if not jobs:
                await asyncio.sleep(self.poll_seconds if not self.started else min(1.0, self.poll_seconds))

    async def _claim(self, free: int) -> list[SourceJob]:
        """One claim call, kept as ``claiming`` while in flight: a crawl closing meanwhile (SIGTERM) waits for
        it and gives back what it claimed, even when this coroutine itself is dropped with the start loop."""
        self.claiming = asyncio.ensure_future(asyncio.to_thread(self.claimer.claim, free))
        try:
            return await asyncio.shield(self.claiming)
        finally:
            if self.claiming is not None and self.claiming.done():
                self.claiming = None

    def _opened(self, spider: Any) -> None:
        if self.claimer is not None:  # heartbeat, whether or not the engine is asking for start requests
            self.heartbeat = Heartbeat(self, max(1.0, self.claimer.lease_seconds / 3))
            self.heartbeat.start()

    def held_claims(self) -> list[Any]:
        """The claims of the sources being crawled (safe from any thread: C-level copies under the GIL)."""
        jobs = dict(self.jobs)
        return [jobs[sid].claim for sid in list(self.started) if sid in jobs]

    def _lease_lost(self, claim: Any) -> None:
        job = self.jobs.get(claim.source_id)
        if job is not None and job.claim == claim and claim.source_id in self.started:  # not done meanwhile
            logger.warning("source %s: lease lost while crawling", claim.source_id)

    def begin(self, job: SourceJob) -> Output:
        self.started[job.source_id] = datetime.now(UTC)
        self.reset_source(job)
        outputs = list(self.first_requests(job))
        yield from outputs
        if self.pending[job.source_id] == 0:  # nothing to fetch at all
            yield self.source_done(job.source_id)

    def reset_source(self, job: SourceJob) -> None:
        """Per-round state of a source (subclasses extend)."""
        self.pending[job.source_id] = 0

    # ------------------------------------------------------------------ requests and callbacks

    def request(
        self,
        job: SourceJob,
        url: str,
        callback: Callable[..., Any],
        kind: str,
        conditional: bool = True,
        **meta: Any,
    ) -> Request:
        meta.update(source_id=job.source_id, kind=kind, key_url=url, cb=callback.__name__)
        if conditional and url in job.validators:
            meta["validators"] = job.validators[url]
        self.pending[job.source_id] += 1
        # dont_filter: posts are deduplicated per source by canonical URL; every other URL is asked once
        return Request(
            url, callback=self._dispatch, errback=self._dispatch_error, meta=meta, dont_filter=True
        )

    def _dispatch(self, response: Any) -> Output:
        source_id = response.meta["source_id"]
        if source_id not in self.jobs:  # an answer that outlived its source's round
            logger.info("ignoring late answer %s for source %s", response.url, source_id)
            return
        callback = getattr(self, response.meta["cb"])
        yield from self._guarded(callback, response, response.url, source_id)
        yield from self._settle(source_id)

    def _dispatch_error(self, failure: Any) -> Output:
        source_id = failure.request.meta["source_id"]
        if source_id not in self.jobs:
            return
        yield from self._guarded(self.on_error, failure, failure.request.url, source_id)
        yield from self._settle(source_id)

    def _guarded(self, func: Callable[[Any], Any], arg: Any, url: str, source_id: int) -> list[Any]:
        """Run a callback; a bug or a page it cannot handle becomes a recorded error, not a stalled source."""
        try:
            return list(func(arg) or ())
        except Exception as exc:  # recorded below; the crawl goes on
            logger.error("processing %s failed: %s: %s", url, type(exc).__name__, exc)
            logger.debug("traceback of the failure", exc_info=True)
            self.crawler.stats.inc_value(stat_key(source_id, "errors"))
            return [FetchErrorItem(source_id, url, f"processing failed: {one_line(exc, named=True)}")]

    def _settle(self, source_id: int) -> Output:
        self.pending[source_id] -= 1
        if self.pending[source_id] <= 0 and source_id in self.started:
            yield self.source_done(source_id)

    def source_done(self, source_id: int) -> SourceDoneItem:
        started = self.started.pop(source_id)
        job = self.jobs.get(source_id)
        item = SourceDoneItem(source_id, started, job.claim if job else None)
        if self.claimer is not None:
            self.jobs.pop(source_id, None)
        return item

    def on_error(self, failure: Any) -> Output:  # pragma: no cover - abstract
        raise NotImplementedError

    # ------------------------------------------------------------------ shutdown

    async def _closing(self, spider: Any, reason: str) -> None:
        self.stopping = True
        if self.heartbeat is not None:
            self.heartbeat.stop()
        if self.claimer is not None:
            unfinished = [self.jobs[sid].claim for sid in self.started if sid in self.jobs]
            claiming, self.claiming = self.claiming, None
            if claiming is not None:  # claimed while closing: nobody will crawl those
                try:
                    unfinished += [job.claim for job in await claiming if job.source_id not in self.started]
                except Exception as exc:  # the claim failed: nothing to give back
                    logger.debug("the claim in flight at close failed: %s", one_line(exc, named=True))
            if unfinished:
                logger.info("releasing %d unfinished claims", len(unfinished))
                await asyncio.to_thread(self.claimer.release, unfinished)


class Heartbeat(threading.Thread):
    """Every ``every`` seconds, extend the leases of the sources ``spider`` is crawling.

    A thread of its own, not a reactor timer: a busy reactor (a long parse) or a blocked queue call
    (Redis retrying) delays nothing else, and the leases stay extended on time.
    """

    def __init__(self, spider: SourceSpider, every: float):
        super().__init__(name="doclisten-heartbeat", daemon=True)
        self.spider, self.every = spider, every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            claims = self.spider.held_claims()
            if not claims:
                continue
            try:
                lost = self.spider.claimer.extend(claims)
            except Exception as exc:  # logged; the next beat tries again
                logger.error("heartbeat failed: %s", one_line(exc, named=True))
                continue
            for claim in lost or ():
                reactor_call(self.spider._lease_lost, claim)

    def stop(self) -> None:
        self.stopped.set()


def reactor_call(func: Callable[..., Any], *args: Any) -> None:
    from twisted.internet import reactor  # the installed one

    reactor.callFromThread(func, *args)
