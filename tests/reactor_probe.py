"""Run a worker spider whose claimer blocks, and tell whether the reactor kept serving meanwhile.

``python -m tests.reactor_probe claim|heartbeat`` prints ``served N`` (reactor ticks counted while
the claimer's call was blocked) or ``frozen``; ``python -m tests.reactor_probe busy`` blocks the
reactor instead and prints ``beats N`` (leases extended meanwhile); ``python -m tests.reactor_probe
closing`` closes the spider while a claim is in flight, then lets the claim return a source, and prints
``released lease-7`` when the closing spider gave it back. A subprocess, because a reactor runs once per
process.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler.spiders.base import SourceSpider

TICKS_NEEDED = 5


class BlockingClaimer:
    """Its claim (or extend) blocks like a call to an unreachable Redis, until ``unblock`` is set."""

    lease_seconds = 3.0

    def __init__(self, block: str):
        self.block = block
        self.entered = threading.Event()
        self.unblock = threading.Event()
        self.extended = 0
        self.released: list[Any] = []

    def _wait(self) -> None:
        self.entered.set()
        self.unblock.wait(60)

    def claim(self, limit: int) -> list[Any]:
        if self.block in ("claim", "closing"):
            self._wait()
        if self.block == "closing":  # what the queue handed out while the crawl was closing
            return [SimpleNamespace(source_id=7, claim="lease-7")]
        return []

    def extend(self, claims: list[Any]) -> list[Any]:
        if self.block == "heartbeat":
            self._wait()
        self.extended += 1
        return []

    def release(self, claims: list[Any]) -> None:
        self.released.extend(claims)


class ProbeSpider(SourceSpider):
    name = "reactor-probe"


def reactor_of() -> Any:
    from twisted.internet import reactor  # installed by CrawlerProcess

    return reactor


def main(block: str) -> None:
    claimer = BlockingClaimer(block)
    ticks = [0]
    verdict: list[str] = []
    process = CrawlerProcess(
        {"LOG_LEVEL": "WARNING", "DOCLISTEN_WORKER_SOURCES": 2, "DOCLISTEN_POLL_SECONDS": 0.1}
    )
    crawler = process.create_crawler(ProbeSpider)

    def tick() -> None:
        ticks[0] += 1

    def watch() -> None:  # a thread: counts the reactor's ticks while the claimer's call blocks
        claimer.entered.wait(60)
        at_entry = ticks[0]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and ticks[0] - at_entry < TICKS_NEEDED:
            time.sleep(0.05)
        served = ticks[0] - at_entry
        verdict.append(f"served {served}" if served >= TICKS_NEEDED else "frozen")
        claimer.unblock.set()
        reactor_of().callFromThread(stop)

    def stop() -> None:
        deferred_from_coro(crawler.engine.close_spider_async(reason="probe done"))

    def busy() -> None:  # a reactor stuck in a long callback for three heartbeats
        before = claimer.extended
        time.sleep(3.5)
        verdict.append(f"beats {claimer.extended - before}")
        stop()

    def closing() -> None:  # a thread: close the spider while the claim is blocked, then let it return
        claimer.entered.wait(60)
        reactor_of().callFromThread(stop)
        deadline = time.monotonic() + 60
        while not crawler.spider.stopping and time.monotonic() < deadline:
            time.sleep(0.02)
        claimer.unblock.set()

    def closed() -> None:
        if block == "closing":
            verdict.append(" ".join(["released", *claimer.released]) if claimer.released else "kept")

    def opened(spider: Any) -> None:
        task.LoopingCall(tick).start(0.05)
        if block == "closing":
            threading.Thread(target=closing, daemon=True).start()
            return
        if block == "busy":
            spider.started[1] = datetime.now(UTC)
            spider.jobs[1] = SimpleNamespace(claim="lease-1")
            task.deferLater(reactor_of(), 0.2, busy)
            return
        if block == "heartbeat":  # a source being crawled, so the heartbeat has a lease to extend
            spider.started[1] = datetime.now(UTC)
            spider.jobs[1] = SimpleNamespace(claim="lease-1")
        threading.Thread(target=watch, daemon=True).start()

    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(closed, signal=signals.engine_stopped)
    process.crawl(crawler, claimer=claimer)
    process.start()
    print(verdict[0] if verdict else "no verdict")


if __name__ == "__main__":
    main(sys.argv[1])
