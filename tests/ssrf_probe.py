"""SSRF probe, run by tests/test_security.py in a subprocess (a Twisted reactor runs once per process).

    python -m tests.ssrf_probe URL...      # one JSON line per URL: {"url", "outcome", "detail"}

A tiny Scrapy crawl with doclisten's own settings (``doclisten.runner.build_settings``: the SSRF guard is on
unless DOCLISTEN_ALLOW_PRIVATE_NETWORKS=1) asks for each URL. ``outcome`` is ``fetched``, ``refused`` (the
guard's message) or ``failed``.

Redirects: a URL ``http://public.example/?to=TARGET`` is a first hop that is public by name and answers
``302 Location: TARGET``. The answer is made up by ``FakeFirstHop``, a test-only downloader middleware
placed *after* the SSRF guard, so the guard sees and allows the first hop, which needs neither DNS nor
network; the redirect is then built by Scrapy's RedirectMiddleware and goes through the whole downloader
chain again, resolver included, exactly like a redirect from a real public server. (A real public first
hop is impossible offline, and an allow-list in production code to fake one would be a hole.)
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.http import Response

from crawler.spiders.errors import error_message
from doclisten.config import Config
from doclisten.runner import build_settings

FIRST_HOP = "public.example"


class FakeFirstHop:
    """Answers for ``public.example`` without the network: a 302 to ``?to=``, a 404 for robots.txt."""

    def process_request(self, request: Any) -> Response | None:
        parts = urlsplit(request.url)
        if parts.hostname != FIRST_HOP:
            return None
        target = parse_qs(parts.query).get("to")
        if not target:
            return Response(request.url, status=404, request=request)
        return Response(request.url, status=302, headers={"Location": target[0]}, request=request)


class Probe(Spider):
    name = "ssrf-probe"

    def __init__(self, urls: list[str], **kwargs: Any):
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(
                url, callback=self.fetched, errback=self.failed, meta={"given": url}, dont_filter=True
            )

    def fetched(self, response: Any) -> Iterator[Any]:
        report(response.meta["given"], "fetched", f"HTTP {response.status} from {response.url}")
        return iter(())

    def failed(self, failure: Any) -> Iterator[Any]:
        message = error_message(failure)
        refused = "non-public address" in message or "is not public" in message
        report(failure.request.meta["given"], "refused" if refused else "failed", message)
        return iter(())


def report(url: str, outcome: str, detail: str) -> None:
    print(json.dumps({"url": url, "outcome": outcome, "detail": detail}), flush=True)


def main(urls: list[str]) -> None:
    settings = build_settings(
        Config.from_env(), {"LOG_LEVEL": "ERROR", "ITEM_PIPELINES": {}, "EXTENSIONS": {}}
    )
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares[f"{__name__}.FakeFirstHop"] = 60  # after the SSRF guard (50), before everything else
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    settings.set("RETRY_ENABLED", False, priority="cmdline")
    settings.set("HTTPERROR_ALLOW_ALL", True, priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    process.crawl(Probe, urls=urls)
    process.start()


if __name__ == "__main__":
    main(sys.argv[1:])
