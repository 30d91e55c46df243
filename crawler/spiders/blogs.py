"""The blog spider: feeds, archive pages, sitemaps, post pages and their comments.

Thin on purpose: it builds requests and hands bodies to the pure extraction functions
(``crawler.extract``, ``crawler.feeds``, ``crawler.sitemaps``); what to fetch is decided by
``crawler.plan``; items go to the pipelines. It knows the sources it crawls through
``SourceJob`` objects (loaded by the runner), never through the database.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.misc import load_object

from crawler import plan
from crawler.connectors.blog import BlogConnector
from crawler.connectors.discourse import DiscourseConnector
from crawler.connectors.disqus import DisqusConnector
from crawler.connectors.substack import SubstackConnector
from crawler.extract.model import DISCOURSE
from crawler.items import (
    FetchErrorItem,
    PostGoneItem,
    RobotsItem,
    SourceUpdateItem,
)
from crawler.jobs import SourceJob
from crawler.middlewares.retry_after import HostPaused, retry_until
from crawler.sitemaps import sitemaps_from_robots
from crawler.spiders.base import Output, SourceSpider
from crawler.spiders.errors import error_message
from crawler.stats import stat_key

logger = logging.getLogger(__name__)


class BlogSpider(BlogConnector, DiscourseConnector, SubstackConnector, DisqusConnector, SourceSpider):
    """The crawl spider: the connectors' callbacks (``crawler/connectors/``) over the sources' bookkeeping
    (``SourceSpider``), the robots.txt of every host, the optional endpoints a source closed, and one errback."""

    name = "blogs"

    def __init__(self, jobs: list[SourceJob] | None = None, claimer: Any = None, **kwargs: Any):
        super().__init__(jobs=jobs, claimer=claimer, **kwargs)
        self.seen: dict[int, set[str]] = defaultdict(set)
        self.backfilled: dict[int, int] = defaultdict(int)
        self.max_pages = 20
        self.max_posts = 1000
        self.unconditional_every = 10
        self.closed: dict[int, set[str]] = defaultdict(set)  # optional endpoints closed this crawl
        self.spent: dict[int, int] = defaultdict(int)  # requests to a forum this crawl (its budget)
        self.forum_budget = 300

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BlogSpider:
        if (
            kwargs.get("jobs") is None and kwargs.get("claimer") is None
        ):  # `scrapy crawl blogs [-a sources=1,2]`
            loader = load_object(crawler.settings["DOCLISTEN_JOB_LOADER"])
            kwargs["jobs"] = loader(crawler.settings, kwargs.pop("sources", None))
        spider = cast(BlogSpider, super().from_crawler(crawler, *args, **kwargs))
        spider.max_pages = crawler.settings.getint("DOCLISTEN_BACKFILL_MAX_PAGES")
        spider.max_posts = crawler.settings.getint("DOCLISTEN_BACKFILL_MAX_POSTS")
        spider.unconditional_every = crawler.settings.getint("DOCLISTEN_UNCONDITIONAL_EVERY")
        spider.forum_budget = crawler.settings.getint("DOCLISTEN_FORUM_MAX_REQUESTS")
        return spider

    def reset_source(self, job: SourceJob) -> None:
        super().reset_source(job)
        self.seen[job.source_id] = set()
        self.backfilled[job.source_id] = 0
        self.closed[job.source_id] = set()
        self.spent[job.source_id] = 0

    # ------------------------------------------------------------------ requests

    def first_requests(self, job: SourceJob) -> Output:
        yield from self.robots_requests(job)
        if job.platform == DISCOURSE:
            yield from self.discourse_first_requests(job)
        else:
            yield from self.blog_first_requests(job)
            yield from self.disqus_first_requests(job)

    def after_post_page(self, job: SourceJob, post: Any, post_url: str) -> Output:
        """After a post page: the connectors that read its comments elsewhere (Substack's JSON, Disqus)."""
        yield from self.substack_requests(job, post_url)
        yield from self.disqus_requests(job, post, post_url)

    def robots_requests(self, job: SourceJob) -> Output:
        """The robots.txt of each host the crawl will ask, unless the store kept an unexpired copy: the
        robots.txt middleware fetches each once and answers these from that fetch, so the answer is stored."""
        hosts: dict[str, str] = {}
        for url in (job.home_url, job.feed_url, job.comments_feed_url, job.rest_root):
            if url and (host := urlsplit(url).netloc) and host not in job.robots:
                hosts.setdefault(host, url)
        for url in hosts.values():
            yield self.robots_request(job, url, sitemaps=False)

    def robots_request(self, job: SourceJob, url: str, sitemaps: bool) -> Any:
        robots = urljoin(url, "/robots.txt")
        meta = {"robots_txt": True, "handle_httpstatus_all": True, "dont_retry": True}
        return self.request(job, robots, self.parse_robots, "robots", False, sitemaps=sitemaps, **meta)

    def endpoint_open(self, job: SourceJob, name: str) -> bool:
        """An optional endpoint that answered 401/403/404 is not asked again for a week (nor this crawl)."""
        if name in self.closed[job.source_id]:
            return False
        return plan.endpoint_open(job.closed_endpoints.get(name), datetime.now(UTC))

    def endpoint_closed(self, job: SourceJob, name: str, status: int) -> Output:
        """Remembered in the source's health (``sources.closed_endpoints``), not as a fetch error."""
        if name not in self.closed[job.source_id]:
            self.closed[job.source_id].add(name)
            logger.info(
                "source %s: %s answered HTTP %s; not asked again for a week", job.source_id, name, status
            )
            yield SourceUpdateItem(job.source_id, closed_endpoints={name: status})

    def count(self, job: SourceJob, name: str) -> None:
        self.crawler.stats.inc_value(stat_key(job.source_id, name))

    def fail(
        self,
        job: SourceJob,
        url: str,
        message: str,
        status: int | None = None,
        retry_at: Any = None,
        entry: bool = False,
    ) -> Any:
        """A recorded error of the source (``fetch_errors``, the summary's count); an ``entry`` error (the
        feed or listing could not be read: the crawl failed) is also the source's ``last_error``."""
        self.count(job, "errors")
        return FetchErrorItem(job.source_id, url, message, status, retry_at, source_level=entry)

    def is_entry(self, job: SourceJob, meta: Any) -> bool:
        """Whether a request is the entry point of the crawl: the posts feed, or (no feed) the homepage."""
        if meta.get("page", 1) != 1 or meta.get("gap"):
            return False
        if job.feed_url:
            return meta.get("kind") == "feed" and meta.get("key_url") == job.feed_url
        return meta.get("kind") == "listing" and meta.get("key_url") == job.home_url

    def listing_read(self, job: SourceJob, response: Any) -> None:
        if self.is_entry(job, response.meta):
            self.crawler.stats.set_value(stat_key(job.source_id, "listing_read"), 1)

    def job_of(self, response: Any) -> SourceJob:
        return self.jobs[response.meta["source_id"]]

    # ------------------------------------------------------------------ feeds

    # ------------------------------------------------------------------ backfill

    def parse_robots(self, response: Any) -> Output:
        """Sitemaps to backfill from. A robots.txt that is missing (4xx) allows everything (RFC 9309): the
        default sitemaps; one that fails (5xx) is no error here (the robots.txt middleware keeps the site
        off limits, and the feed's error says so)."""
        job = self.job_of(response)
        if response.meta.get("robots_fresh") and response.status < 500:  # worth keeping (RFC 9309 2.4)
            yield RobotsItem(
                urlsplit(response.url).netloc,
                response.status,
                response.body,
                datetime.now(UTC),
                response.meta["robots_expires_at"],
            )
        if not response.meta.get("sitemaps"):
            return
        if response.status >= 500:
            logger.debug("%s answered %s: no sitemaps from it", response.url, response.status)
            return
        text = response.body.decode("utf-8", "replace") if response.status == 200 else ""
        sitemaps = sitemaps_from_robots(text, job.home_url) or plan.default_sitemaps(
            job.home_url, job.platform
        )
        for url in sitemaps:
            yield self.request(job, url, self.parse_sitemap, "sitemap", False, quiet=True)

    # ------------------------------------------------------------------ posts and comments

    # ------------------------------------------------------------------ errors

    def on_error(self, failure: Any) -> Output:
        request = failure.request
        job = self.jobs[request.meta["source_id"]]
        kind = request.meta.get("kind")
        status, retry_at = None, None
        entry = self.is_entry(job, request.meta)
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.count(job, "robots_denied")
            if entry:  # nothing of the source can be read
                yield self.fail(job, request.meta["key_url"], error_message(failure), entry=True)
            return
        if kind == "robots":  # only asked for its Sitemap: lines
            logger.debug("no robots.txt from %s: %s", request.url, error_message(failure))
            return
        if failure.check(HttpError):
            response = failure.value.response
            status = response.status
            retry_at = retry_until(response) if status in (429, 503) else None
            message = f"HTTP {status}"
        elif failure.check(HostPaused):  # not sent: its host answered another request with a long Retry-After
            retry_at, message = failure.value.until, error_message(failure)
        else:
            message = error_message(failure)
        key_url = request.meta.get("key_url", request.url)
        if kind == "post" and status in plan.POST_GONE_STATUSES and key_url in job.known_posts:
            yield PostGoneItem(job.source_id, key_url, "gone", status)  # deleted upstream (a 5xx never is)
        closed = status in plan.ENDPOINT_CLOSED_STATUSES and kind in ("rest", "comments-feed")
        if closed and status is not None:  # (optional: remembered, not an error)
            yield from self.endpoint_closed(job, "rest" if kind == "rest" else "comments-feed", status)
        if kind == "rest":  # REST closed or broken: the comment feed is the next best source
            yield from self.comment_requests(
                job,
                request.meta["post_url"],
                None,
                request.meta.get("blogger_post_id"),
                request.meta.get("hinted"),
            )
        resting = status in (429, 503) or retry_at is not None
        if kind == "feed" and request.meta.get("page", 1) == 1 and not resting:
            yield from self.archive_fallback(job)  # no feed today (but a busy host asked us to wait)
        if closed or (request.meta.get("quiet") and status in (404, 410)):
            return
        # the URL the spider asked for (a redirect's target is in the message)
        yield self.fail(job, request.meta.get("key_url", request.url), message, status, retry_at, entry)
