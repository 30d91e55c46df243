"""robots.txt as RFC 9309 reads it, on top of Scrapy's ``RobotsTxtMiddleware``.

- 2xx: the rules apply (Scrapy's parser).
- 4xx (missing, forbidden): everything is allowed. Scrapy would parse the error page's body as rules.
- 5xx (after the retries): everything is disallowed, for ``DOCLISTEN_ROBOTS_UNAVAILABLE_SECONDS``; then the
  robots.txt is asked again. Requests to the site are refused with a one-line reason.
- no answer at all (timeout, refused connection): Scrapy's rule, the requests go ahead — and fail with the
  same network error, which is then what the crawl records.

Each host's robots.txt is asked at most once while its answer lives (``crawler.http.robots_lifetime``:
Cache-Control, at most 24 h; a 5xx is not kept): a copy the store kept comes in the source's job
(``SourceJob.robots``) and is used without a request. The spider reads a host's answer with a request
marked ``robots_txt`` in its meta, which this middleware answers itself, from the copy or the one fetch
(``robots_fresh`` in the meta says the answer was fetched now and is worth storing).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from crawler.http import robots_lifetime
from crawler.jobs import CachedRobots

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self.unavailable_seconds = crawler.settings.getfloat("DOCLISTEN_ROBOTS_UNAVAILABLE_SECONDS", 600.0)
        self.unavailable: dict[str, tuple[float, int]] = {}  # netloc -> (ask again after, status)
        self.expires: dict[str, float] = {}  # netloc -> when its parsed answer must be asked again
        self.answers: dict[str, tuple[CachedRobots, bool]] = {}  # netloc -> (answer, fetched now)

    async def process_request(self, request: Any, spider: Any = None) -> Any:
        if request.meta.get("robots_txt"):  # the spider asks what the robots.txt says: answered here
            return await self.answer(request)
        return await super().process_request(request)

    async def answer(self, request: Any) -> Response:
        netloc = urlparse_cached(request).netloc
        await self.robot_parser(request)
        if netloc not in self.answers:
            raise IgnoreRequest(f"no answer from {request.url}")
        robots, fresh = self.answers[netloc]
        if fresh:  # handed to the spider (and so to the store) once
            self.answers[netloc] = (robots, False)
        request.meta["robots_fresh"] = fresh
        request.meta["robots_expires_at"] = robots.expires_at
        return Response(request.url, status=robots.status, body=robots.body, request=request)

    async def robot_parser(self, request: Any) -> Any:
        netloc = urlparse_cached(request).netloc
        until, _status = self.unavailable.get(netloc, (None, None))
        expired = until is not None and time.monotonic() >= until
        if expired or (netloc in self.expires and time.monotonic() >= self.expires[netloc]):
            self.unavailable.pop(netloc, None)
            self.expires.pop(netloc, None)
            self.answers.pop(netloc, None)
            self._parsers.pop(netloc, None)  # ask again
        if netloc not in self._parsers and (kept := self.kept_copy(request, netloc)) is not None:
            self.use(netloc, kept, fresh=False)
            self._stats.inc_value("robotstxt/cached")
        return await super().robot_parser(request)

    def kept_copy(self, request: Any, netloc: str) -> CachedRobots | None:
        """The store's unexpired copy, from the job of the source the request belongs to."""
        jobs = getattr(self.crawler.spider, "jobs", None) or {}
        job = jobs.get(request.meta.get("source_id"))
        kept = job.robots.get(netloc) if job is not None else None
        if kept is None or kept.expires_at <= datetime.now(UTC):
            return None
        return kept

    def use(self, netloc: str, robots: CachedRobots, fresh: bool) -> None:
        body = b"" if 400 <= robots.status < 500 else robots.body
        self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, body)
        self.answers[netloc] = (robots, fresh)
        left = (robots.expires_at - datetime.now(UTC)).total_seconds()
        self.expires[netloc] = time.monotonic() + max(left, 0.0)

    async def _parse_robots(self, response: Any, netloc: str, request: Any) -> None:
        cache = response.headers.get(b"Cache-Control")
        lifetime = robots_lifetime(response.status, cache.decode("latin-1") if cache else None)
        expires_at = datetime.now(UTC) + timedelta(seconds=lifetime)
        self.answers[netloc] = (CachedRobots(response.status, response.body, expires_at), True)
        if response.status >= 500:
            self.unavailable[netloc] = (time.monotonic() + self.unavailable_seconds, response.status)
            response = response.replace(body=DISALLOW_ALL)
        else:  # even a robots.txt that may not be kept is asked once per crawl, not once per request
            self.expires[netloc] = time.monotonic() + max(lifetime, self.unavailable_seconds)
            if response.status >= 400:
                response = response.replace(body=b"")
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
