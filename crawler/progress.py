"""A live progress line while crawling (rich on a terminal, periodic log lines otherwise, and the totals
when the crawl ends).

Posts and comments are counted as stored: what the storage pipeline wrote for the first time (the same
numbers as the crawl's summary), after a comment seen through the REST API, the page and a comment feed has
become one row.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from rich.console import Console
from rich.live import Live
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.items import FetchErrorItem
from crawler.stats import total_key

STORED = {"new posts": "new_posts", "new comments": "new_comments"}  # shown as: storage's counter


class CrawlProgress:
    """Counts what the crawl does; enabled with the ``DOCLISTEN_PROGRESS`` setting."""

    def __init__(self, console: Console, stats: Any, interval: float = 5.0):
        self.console = console
        self.stats = stats
        self.interval = interval
        self.counts = {"requests": 0, "not modified": 0, "errors": 0}
        self.live: Live | None = None
        self.last_print = 0.0
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProgress:
        if not crawler.settings.getbool("DOCLISTEN_PROGRESS"):
            raise NotConfigured
        ext = cls(Console(stderr=True), crawler.stats)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response, signal=signals.response_received)
        crawler.signals.connect(ext.item, signal=signals.item_scraped)
        return ext

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        counts = {
            "requests": self.counts["requests"],
            "not modified": self.counts["not modified"],
            **{label: int(self.stats.get_value(total_key(name), 0) or 0) for label, name in STORED.items()},
            "errors": self.counts["errors"],
        }
        parts = " · ".join(f"{v} {k}" for k, v in counts.items())
        return f"crawling… {parts} · {elapsed:.0f}s"

    def opened(self, spider: Any) -> None:
        if self.console.is_terminal:
            self.live = Live(self.line(), console=self.console, refresh_per_second=4, transient=True)
            self.live.start()

    def closed(self, spider: Any, reason: str) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
        else:  # a log gets the totals too
            print(self.line(), file=sys.stderr, flush=True)

    def response(self, response: Any, request: Any, spider: Any) -> None:
        self.counts["requests"] += 1
        if response.status == 304:
            self.counts["not modified"] += 1
        self.update()

    def item(self, item: Any, response: Any, spider: Any) -> None:
        """Called once the pipelines (storage included) are done with the item."""
        if isinstance(item, FetchErrorItem):
            self.counts["errors"] += 1
        self.update()

    def update(self) -> None:
        if self.live is not None:
            self.live.update(self.line())
        elif time.monotonic() - self.last_print >= self.interval:
            self.last_print = time.monotonic()
            print(self.line(), file=sys.stderr, flush=True)
