"""robots.txt as RFC 9309 reads it, on top of Scrapy's ``RobotsTxtMiddleware``.

- 2xx: the rules apply (Scrapy's parser).
- 4xx (missing, forbidden): everything is allowed. Scrapy would parse the error page's body as rules.
- 5xx (after the retries): everything is disallowed, for ``DOCLISTEN_ROBOTS_UNAVAILABLE_SECONDS``; then the
  robots.txt is asked again. Requests to the site are refused with a one-line reason.
- no answer at all (timeout, refused connection): Scrapy's rule, the requests go ahead — and fail with the
  same network error, which is then what the crawl records.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self.unavailable_seconds = crawler.settings.getfloat("DOCLISTEN_ROBOTS_UNAVAILABLE_SECONDS", 600.0)
        self.unavailable: dict[str, tuple[float, int]] = {}  # netloc -> (ask again after, status)

    async def robot_parser(self, request: Any) -> Any:
        netloc = urlparse_cached(request).netloc
        until, _status = self.unavailable.get(netloc, (None, None))
        if until is not None and time.monotonic() >= until:
            del self.unavailable[netloc]
            self._parsers.pop(netloc, None)  # ask again
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Any, netloc: str, request: Any) -> None:
        if 400 <= response.status < 500:
            response = response.replace(body=b"")
        elif response.status >= 500:
            self.unavailable[netloc] = (time.monotonic() + self.unavailable_seconds, response.status)
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp: Any, request: Any) -> None:
        _until, status = self.unavailable.get(urlparse_cached(request).netloc, (None, None))
        if status is not None:
            self._stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest(
                f"Forbidden by robots.txt: it answered HTTP {status}, which disallows the whole site "
                "until it answers again (RFC 9309)"
            )
        super().process_request_2(rp, request)
