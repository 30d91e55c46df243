"""A live progress line while crawling (rich on a terminal, periodic log lines otherwise, and the totals
when the crawl ends).

Posts and comments are counted as stored: what the storage pipeline wrote for the first time (the same
numbers as the crawl's summary), after a comment seen through the REST API, the page and a comment feed has
become one row.

A crawl split over several processes (``doclisten crawl --processes N``) shows one line: each process
hands its counts to ``DOCLISTEN_PROGRESS_REPORT`` (a callable) instead of showing them, and the parent
shows their sums with :class:`ProgressLine`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Console
from rich.live import Live

from crawler.stats import total_key

STORED = {"new posts": "new_posts", "new comments": "new_comments"}  # shown as: storage's counter
COUNTS = ("requests", "not modified", *STORED, "errors")  # in the order the line shows them
REPORT_EVERY = 0.25  # seconds between two reports of a process to its parent


class ProgressLine:
    """Shows counts: a live line on a terminal, else a line every ``interval`` seconds; the totals at the end."""

    def __init__(self, console: Console, interval: float = 5.0):
        self.console = console
        self.interval = interval
        self.live: Live | None = None
        self.last_print = 0.0
        self.started = time.monotonic()

    def text(self, counts: Mapping[str, int]) -> str:
        elapsed = time.monotonic() - self.started
        parts = " · ".join(f"{int(counts.get(name, 0))} {name}" for name in COUNTS)
        return f"crawling… {parts} · {elapsed:.0f}s"

    def start(self, counts: Mapping[str, int]) -> None:
        if self.console.is_terminal:
            self.live = Live(self.text(counts), console=self.console, refresh_per_second=4, transient=True)
            self.live.start()

    def show(self, counts: Mapping[str, int]) -> None:
        if self.live is not None:
            self.live.update(self.text(counts))
        elif time.monotonic() - self.last_print >= self.interval:
            self.last_print = time.monotonic()
            print(self.text(counts), file=sys.stderr, flush=True)

    def stop(self, counts: Mapping[str, int]) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
        else:  # a log gets the totals too
            print(self.text(counts), file=sys.stderr, flush=True)


class CrawlProgress:
    """Counts what the crawl does; enabled with the ``DOCLISTEN_PROGRESS`` setting. Shows the counts, or
    hands them to ``report`` (at most every ``REPORT_EVERY`` seconds, and once at the end)."""

    def __init__(
        self,
        console: Console,
        stats: Any,
        interval: float = 5.0,
        report: Callable[[dict[str, int]], None] | None = None,
    ):
        self.stats = stats
        self.counts = {"requests": 0, "not modified": 0, "errors": 0}
        self.display = ProgressLine(console, interval)
        self.report = report
        self.last_report = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProgress:
        from scrapy import signals  # here: the parent of a split crawl shows a ProgressLine without Scrapy
        from scrapy.exceptions import NotConfigured

        if not crawler.settings.getbool("DOCLISTEN_PROGRESS"):
            raise NotConfigured
        ext = cls(
            Console(stderr=True), crawler.stats, report=crawler.settings.get("DOCLISTEN_PROGRESS_REPORT")
        )
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response, signal=signals.response_received)
        crawler.signals.connect(ext.item, signal=signals.item_scraped)
        return ext

    def totals(self) -> dict[str, int]:
        stored = {label: int(self.stats.get_value(total_key(name), 0) or 0) for label, name in STORED.items()}
        return {**self.counts, **stored}

    def line(self) -> str:
        return self.display.text(self.totals())

    def opened(self, spider: Any) -> None:
        if self.report is None:
            self.display.start(self.totals())

    def closed(self, spider: Any, reason: str) -> None:
        if self.report is not None:
            self.report(self.totals())
        else:
            self.display.stop(self.totals())

    def response(self, response: Any, request: Any, spider: Any) -> None:
        self.counts["requests"] += 1
        if response.status == 304:
            self.counts["not modified"] += 1
        self.update()

    def item(self, item: Any, response: Any, spider: Any) -> None:
        """Called once the pipelines (storage included) are done with the item."""
        from crawler.items import FetchErrorItem

        if isinstance(item, FetchErrorItem):
            self.counts["errors"] += 1
        self.update()

    def update(self) -> None:
        if self.report is None:
            self.display.show(self.totals())
        elif time.monotonic() - self.last_report >= REPORT_EVERY:
            self.last_report = time.monotonic()
            self.report(self.totals())
