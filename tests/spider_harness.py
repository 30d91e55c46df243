"""The blog spider without a reactor: its callbacks fed with answers the sample site renders in memory.

    site = OfflineSite().start()              # the sample site's renderers, no sockets
    harness = SpiderHarness(site, [job_for(site, "wp-classic")])
    out = harness.start()                     # what the spider asks for first (requests and items)
    out = harness.answer(out.requests[0])     # the site's answer to one request, through its callback
    crawl = harness.crawl()                   # every request answered, until none is left

Each request is answered the way the crawl's downloader would answer it, with nothing but
``scrapy.http`` objects: the spider's validators become conditional headers (the project's
``ConditionalGetMiddleware``), robots.txt is obeyed (Scrapy's Protego parser; a missing one allows all),
redirects are followed with the request's meta, and an answer the request does not accept (404, 410,
500, …) reaches the errback as an ``HttpError``, as Scrapy's ``HttpErrorMiddleware`` sends it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.responsetypes import responsetypes
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler import settings as project_settings
from crawler.discovery import discover
from crawler.items import CommentsItem, PostItem, SourceUpdateItem, ValidatorItem
from crawler.jobs import CachedRobots, KnownPost, SourceJob
from crawler.middlewares.conditional import ConditionalGetMiddleware
from crawler.spiders.blogs import BlogSpider
from crawler.stats import stat_key
from crawler.urls import canonical_url
from doclisten.demo_site.server import RENDERERS, DemoSite, ServedBlog

OFFLINE_PORT_BASE = 8401  # the ports written in the offline site's URLs (nothing listens on them)
MAX_REDIRECTS = 5


class OfflineSite(DemoSite):
    """The sample site answering in memory (``respond``): the renderers, routes and conditional-GET rules of
    the served site, with URLs naming ports that nothing listens on. Mutations work as on the served site."""

    def start(self) -> OfflineSite:
        for index, (key, blog) in enumerate(self._content.items()):
            base = f"http://{self.public_host}:{OFFLINE_PORT_BASE + index}/"
            self.blogs[key] = ServedBlog(key, blog.platform, blog, base)
            self._renderers[key] = RENDERERS[key](blog, base)
        return self

    def stop(self) -> None:
        pass

    def blog_of(self, url: str) -> str:
        netloc = urlsplit(url).netloc
        for key, blog in self.blogs.items():
            if urlsplit(blog.base_url).netloc == netloc:
                return key
        raise KeyError(f"not a URL of the sample site: {url}")

    def response(self, request: Request) -> Response:
        """The answer to ``request`` as a ``scrapy.http`` response of the type Scrapy's downloader picks."""
        parts = urlsplit(request.url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {k.decode("latin-1"): v[-1].decode("latin-1") for k, v in request.headers.items() if v}
        status, out, body = self.respond(self.blog_of(request.url), request.method, target, headers)
        encoded = {k.encode("latin-1"): v.encode("latin-1") for k, v in out.items()}
        cls = responsetypes.from_args(headers=encoded, url=request.url, body=body)
        return cls(url=request.url, status=status, headers=out, body=body, request=request)


def job_for(site: OfflineSite, key: str, source_id: int = 1, **changes: Any) -> SourceJob:
    """The job of a blog just added with ``doclisten sources add`` (discovery of its homepage), as the store
    would load it: not yet backfilled, nothing known. ``changes`` override fields."""
    blog = site.blogs[key]
    home = site.response(Request(blog.homepage))
    headers = {
        k.decode("latin-1").lower(): [v.decode("latin-1") for v in vs] for k, vs in home.headers.items()
    }
    found = discover(home.body, home.url, headers=headers)
    job = SourceJob(
        source_id=source_id,
        home_url=canonical_url(found.home_url or blog.homepage),
        feed_url=found.feed_url,
        comments_feed_url=found.comments_feed_url,
        rest_root=found.rest_root,
        platform=found.platform,
        needs_backfill=True,
        validators={},
        known_posts={},
    )
    # the store keeps robots.txt per host (RFC 9309: up to 24 h): as after ``sources add``'s first look,
    # the job carries a kept copy, so the spider asks robots.txt only for its Sitemap: lines
    robots = site.response(Request(urljoin(blog.homepage, "/robots.txt")))
    job.robots = {
        urlsplit(job.home_url).netloc: CachedRobots(
            robots.status, robots.body, datetime.now(UTC) + timedelta(days=1)
        )
    }
    for name, value in changes.items():
        setattr(job, name, value)
    return job


def known_from(items: Iterable[Any]) -> dict[str, KnownPost]:
    """``known_posts`` as the store loads them after storing these items: each ``PostItem`` with the comments
    it and the ``CommentsItem``s brought (counted once per comment id)."""
    items = list(items)
    comments: dict[str, dict[str, Any]] = {}
    for item in items:
        if isinstance(item, PostItem | CommentsItem):
            url = item.url if isinstance(item, PostItem) else item.post_url
            for n, comment in enumerate(item.comments):
                comments.setdefault(url, {})[comment.external_id or f"{type(item).__name__}-{n}"] = comment
    known: dict[str, KnownPost] = {}
    for n, item in enumerate(i for i in items if isinstance(i, PostItem)):
        seen = comments.get(item.url, {}).values()
        known[item.url] = KnownPost(
            post_id=n + 1,
            updated_at=item.updated_at,
            comment_count=len(seen),
            last_comment_at=max((c.published_at for c in seen if c.published_at), default=None),
            external_id=item.external_id,
            entry_hash=item.entry_hash,
        )
    return known


def validators_from(items: Iterable[Any]) -> dict[str, tuple[str | None, str | None]]:
    """``validators`` as the store keeps them after storing these items (feeds, pages, comment feeds)."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for item in items:
        url = {ValidatorItem: "url", PostItem: "fetched_url", CommentsItem: "fetched_url"}.get(type(item))
        if url and getattr(item, url):
            if item.etag or item.last_modified:
                out[getattr(item, url)] = (item.etag, item.last_modified)
            else:
                out.pop(getattr(item, url), None)
    return out


def next_round(job: SourceJob, items: Iterable[Any]) -> SourceJob:
    """The job of the source's next crawl, after these items of this one were stored."""
    items = [i for i in items if getattr(i, "source_id", None) == job.source_id]
    backfilled = any(isinstance(i, SourceUpdateItem) and i.backfilled for i in items)
    return replace(
        job,
        needs_backfill=job.needs_backfill and not backfilled,
        validators={**job.validators, **validators_from(items)},
        known_posts={**job.known_posts, **known_from(items)},
    )


@dataclass
class Yielded:
    """What the spider yielded: requests to send, items for the pipelines."""

    requests: list[Request] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)

    def add(self, outputs: Iterable[Any]) -> Yielded:
        for output in outputs:
            (self.requests if isinstance(output, Request) else self.items).append(output)
        return self

    def of(self, kind: type) -> list[Any]:
        return [i for i in self.items if isinstance(i, kind)]

    def urls(self, kind: str | None = None) -> list[str]:
        """URLs of the requests (of one ``meta["kind"]``: feed, listing, post, rest, comment-feed, …)."""
        return [r.url for r in self.requests if kind is None or r.meta.get("kind") == kind]


class SpiderHarness:
    """One ``BlogSpider`` (built by ``from_crawler`` with the project's settings) for the given jobs."""

    def __init__(self, site: OfflineSite, jobs: list[SourceJob], **settings: Any):
        defaults = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
        self.site = site
        self.crawler = get_crawler(BlogSpider, {**defaults, **settings})
        self.spider: BlogSpider = BlogSpider.from_crawler(self.crawler, jobs=jobs)
        self.conditional = ConditionalGetMiddleware()
        self.user_agent = self.crawler.settings["USER_AGENT"]
        self.robots: dict[str, ProtegoRobotParser | None] = {}

    def stat(self, source_id: int, name: str) -> Any:
        return self.crawler.stats.get_value(stat_key(source_id, name))

    def start(self) -> Yielded:
        """The spider's first requests for every job (one-shot mode, as ``start()`` yields them)."""
        out = Yielded()
        for job in list(self.spider.jobs.values()):
            out.add(self.spider.begin(job))
        return out

    def answer(self, request: Request, response: Response | None = None) -> Yielded:
        """Send ``request`` (or hand it ``response``) and run what the spider does with the answer."""
        request.headers.setdefault(b"User-Agent", self.user_agent)
        self.conditional.process_request(request)
        if response is None:
            if not self._allowed(request):
                return self._fail(request, IgnoreRequest("Forbidden by robots.txt"))
            response = self._follow(request)
        if self._accepted(request, response):
            return Yielded().add(request.callback(response) or ())
        return self._fail(request, HttpError(response, f"Ignoring non-200 response ({response.status})"))

    def crawl(self, first: Yielded | None = None, limit: int = 2000) -> Yielded:
        """Answer every request (those of ``first``, else the first requests) until none is left; returns
        everything yielded, the first requests included."""
        out = first or self.start()
        queue = deque(out.requests)
        while queue:
            if len(out.requests) > limit:
                raise AssertionError(f"more than {limit} requests: the crawl does not end")
            step = self.answer(queue.popleft())
            out.items.extend(step.items)
            out.requests.extend(step.requests)
            queue.extend(step.requests)
        return out

    # ------------------------------------------------------------------ the downloader's part

    def _follow(self, request: Request) -> Response:
        response = self.site.response(request)
        for _ in range(MAX_REDIRECTS):
            if response.status not in (301, 302, 303, 307, 308) or b"Location" not in response.headers:
                break
            location = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
            request = request.replace(url=location)
            response = self.site.response(request)
        return response

    def _accepted(self, request: Request, response: Response) -> bool:
        meta = request.meta
        return (
            200 <= response.status < 300
            or bool(meta.get("handle_httpstatus_all"))
            or response.status in meta.get("handle_httpstatus_list", ())
        )

    def _fail(self, request: Request, exc: Exception) -> Yielded:
        failure = Failure(exc)
        failure.request = request  # type: ignore[attr-defined]  # as Scrapy hands it to errbacks
        return Yielded().add(request.errback(failure) or ())

    def _allowed(self, request: Request) -> bool:
        if request.meta.get("dont_obey_robotstxt"):
            return True
        netloc = urlsplit(request.url).netloc
        if netloc not in self.robots:
            answer = self.site.response(Request(urljoin(request.url, "/robots.txt")))
            ok = answer.status == 200
            self.robots[netloc] = ProtegoRobotParser.from_crawler(self.crawler, answer.body) if ok else None
        parser = self.robots[netloc]
        return parser is None or parser.allowed(request.url, self.user_agent)
