"""Discovery spider for ``doclisten sources add``: homepage or feed URL in, source facts out.

Every fetch goes through Scrapy (robots, User-Agent, SSRF guard). Yields one
``DiscoveredItem`` per URL given, with ``error`` set when nothing usable was found.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from scrapy import Request, Spider
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.discovery import Discovery, DiscoveryError, discover
from crawler.extract.model import GENERIC
from crawler.feeds import FeedError, parse_feed
from crawler.spiders.errors import error_message
from crawler.urls import canonical_url, short_url


@dataclass
class DiscoveredItem:
    url: str  # as given by the user
    discovery: Discovery | None = None
    error: str | None = None  # why nothing usable was found (without the URL: printers add it)


def _headers(response: Any) -> dict[str, list[str]]:
    return {
        k.decode("latin-1").lower(): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()
    }


class DiscoverSpider(Spider):
    name = "discover"

    def __init__(self, urls: list[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.urls = list(urls or [])

    async def start(self) -> AsyncIterator[Any]:
        for url in self.urls:
            yield Request(
                url, callback=self.parse_start, errback=self.on_error, meta={"given": url}, dont_filter=True
            )

    def parse_start(self, response: Any) -> Iterator[Any]:
        given = response.meta["given"]
        try:
            found = discover(response.body, response.url, headers=_headers(response))
        except DiscoveryError as exc:
            where = "" if response.url == given else f" (at {short_url(response.url)})"
            yield DiscoveredItem(given, error=f"{exc}{where}")
            return
        if not found.home_url:
            found.home_url = response.url
        found.home_url = canonical_url(found.home_url)
        if found.is_feed:  # learn the REST root, platform and comment feed from the homepage
            yield self._follow(found.home_url, self.parse_home, given, found)
        elif not found.feed_url and found.candidate_feed_urls:
            yield self._try_candidates(given, found)
        else:
            yield DiscoveredItem(given, found)

    def parse_home(self, response: Any) -> Iterator[Any]:
        found: Discovery = response.meta["found"]
        try:
            home = discover(response.body, response.url, headers=_headers(response))
        except DiscoveryError:
            yield DiscoveredItem(response.meta["given"], found)
            return
        found.rest_root = found.rest_root or home.rest_root
        found.comments_feed_url = found.comments_feed_url or home.comments_feed_url
        found.title = home.title or found.title
        found.facts = {**home.facts, **found.facts}
        if found.platform == GENERIC:
            found.platform = home.platform
        yield DiscoveredItem(response.meta["given"], found)

    def parse_candidate(self, response: Any) -> Iterator[Any]:
        found: Discovery = response.meta["found"]
        try:
            feed = parse_feed(
                response.body, response.url, response.headers.get(b"Content-Type", b"").decode("latin-1")
            )
        except FeedError:
            yield self._try_candidates(response.meta["given"], found)
            return
        found.feed_url, found.feed_kind = response.url, feed.kind
        yield DiscoveredItem(response.meta["given"], found)

    def _try_candidates(self, given: str, found: Discovery) -> Any:
        if not found.candidate_feed_urls:
            return DiscoveredItem(given, found)  # no feed: crawled through its archive pages
        url = found.candidate_feed_urls.pop(0)
        return self._follow(url, self.parse_candidate, given, found)

    def _follow(self, url: str, callback: Any, given: str, found: Discovery) -> Request:
        meta = {"given": given, "found": found}
        return Request(url, callback=callback, errback=self.on_error, meta=meta, dont_filter=True)

    def on_error(self, failure: Any) -> Iterator[Any]:
        request = failure.request
        given, found = request.meta["given"], request.meta.get("found")
        if found is not None:  # a follow-up failed: keep what we have
            if request.callback == self.parse_candidate:
                yield self._try_candidates(given, found)
            else:
                yield DiscoveredItem(given, found)
            return
        if failure.check(HttpError):
            message = f"HTTP {failure.value.response.status}"
        else:
            message = error_message(failure)
        yield DiscoveredItem(given, error=f"fetch failed: {message}")
