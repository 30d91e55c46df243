"""The Discourse connector: a forum's topics from its JSON listings, each topic a post and each reply a
comment (``crawler/extract/discourse.py`` reads the answers).

- first crawl: ``/latest.json`` (or a category's ``/c/<slug>/<id>/l/latest.json``) and its next pages, at
  most ``DOCLISTEN_BACKFILL_MAX_PAGES`` pages and ``DOCLISTEN_BACKFILL_MAX_POSTS`` topics, and at most
  ``DOCLISTEN_FORUM_MAX_REQUESTS`` requests for topics and their posts (the per-forum budget: Discourse
  rate-limits crawlers, and a 429 rests the whole host, ``crawler/middlewares/retry_after.py``). A topic
  whose further posts the budget left out keeps no fingerprint (the next crawl fetches it again), and the
  source counts as backfilled only once a crawl read the listing to its end within the budget;
- recrawl: the first listing page; a topic is fetched again only when its listing entry changed (its
  highest post number or last post time: the entry fingerprint kept with the post), and further pages only
  while they still hold changed topics;
- a topic: ``/t/<id>.json``; replies beyond its first answer in chunks from ``/t/<id>/posts.json``.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler import plan
from crawler.connectors.base import Connector, Output
from crawler.connectors.registry import Recognition
from crawler.extract import discourse
from crawler.extract.model import DISCOURSE
from crawler.items import CommentsItem, PostItem, SourceUpdateItem
from crawler.jobs import SourceJob
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)

DISCOURSE_FEED = "discourse"  # sources.feed_kind of a forum's JSON listing


def listing_url(home_url: str) -> str:
    """The JSON listing of a forum's homepage or of one of its categories (``/c/<slug>/<id>``)."""
    path = urlsplit(home_url).path.rstrip("/")
    if path.startswith("/c/"):
        return discourse.as_json_url(f"{path}/l/latest", home_url)
    return urljoin(home_url, "/latest.json")


def fingerprint(topic: discourse.ListedTopic) -> str:
    """What changes in a topic's listing entry when it gets a reply (kept as the post's entry hash)."""
    return plan.entry_fingerprint(topic.title, str(topic.highest_post_number or ""), topic.last_posted_at)


RECOGNITIONS = (
    # Discourse prints <meta name="generator" content="Discourse 3.2.1 - https://github.com/discourse/...">;
    # read through its JSON listing, not a feed
    Recognition(
        DISCOURSE,
        rank=10,
        generator=re.compile(r"^discourse|(?:^|\s)discourse(?:\s|$)"),
        listing=listing_url,
        listing_kind=DISCOURSE_FEED,
    ),
)


class DiscourseConnector(Connector):
    """Callbacks of the crawl spider for sources whose platform is Discourse."""

    def discourse_first_requests(self, job: SourceJob) -> Output:
        url = job.feed_url or listing_url(job.home_url)
        yield self.request(job, url, self.parse_discourse_listing, "feed", page=1)

    def forum_request(self, job: SourceJob, url: str, callback: Any, kind: str, **meta: Any) -> list[Any]:
        """The request, if the forum's budget for this crawl allows it (else none: ``budget_left``)."""
        if self.spent[job.source_id] >= self.forum_budget:
            self.count(job, "budget_left")
            return []
        self.spent[job.source_id] += 1
        return [self.request(job, url, callback, kind, conditional=meta.pop("conditional", True), **meta)]

    def parse_discourse_listing(self, response: Any) -> Output:
        job = self.job_of(response)
        page = response.meta.get("page", 1)
        self.listing_read(job, response)
        if response.status == 304:
            return
        try:
            listing = discourse.parse_listing(response.body, job.home_url)
        except ValueError as exc:
            yield self.fail(job, response.url, str(exc), response.status, entry=page == 1)
            return
        changed = 0
        for topic in listing.topics:
            url = canonical_url(topic.url)
            known = job.known_posts.get(url)
            mark = fingerprint(topic)
            if known is not None and known.entry_hash == mark:
                self.count(job, "known_items")
                continue
            if url in self.seen[job.source_id] or self.backfilled[job.source_id] >= self.max_posts:
                continue
            asked = self.forum_request(
                job,
                topic.json_url,
                self.parse_discourse_topic,
                "post",
                conditional=False,
                post_url=url,
                mark=mark,
            )
            if asked:
                self.seen[job.source_id].add(url)
                self.backfilled[job.source_id] += 1
                changed += 1
                yield from asked
        following: list[Any] = []
        read_on = job.needs_backfill or changed > 0  # a recrawl reads on while pages still bring changes
        if listing.next_url and page < self.max_pages and read_on:
            following = [  # listing pages are few (max_pages): the budget is for topics and their posts
                self.request(
                    job,
                    listing.next_url,
                    self.parse_discourse_listing,
                    "feed",
                    page=page + 1,
                    conditional=False,
                )
            ]
            yield from following
        if job.needs_backfill and not following and self.spent[job.source_id] < self.forum_budget:
            yield SourceUpdateItem(job.source_id, backfilled=True)  # the listing was read to its end

    def parse_discourse_topic(self, response: Any) -> Output:
        job = self.job_of(response)
        url = response.meta["post_url"]
        try:
            topic = discourse.parse_topic(response.body, job.home_url)
        except ValueError as exc:
            yield self.fail(job, response.url, str(exc), response.status)
            return
        if not topic.text:
            yield self.fail(job, response.url, "the topic's first post is empty or gone", response.status)
            return
        more: list[Any] = []
        missing = topic.missing_post_ids
        for start in range(0, len(missing), discourse.POSTS_PER_REQUEST):
            chunk = missing[start : start + discourse.POSTS_PER_REQUEST]
            posts = discourse.posts_url(job.home_url, topic.id, chunk)
            more += self.forum_request(
                job, posts, self.parse_discourse_posts, "comments", conditional=False, post_url=url
            )
        complete = len(more) * discourse.POSTS_PER_REQUEST >= len(missing)
        yield PostItem(
            source_id=job.source_id,
            url=url,
            fetched_url=response.url,
            platform=DISCOURSE,
            title=topic.title,
            author=topic.author,
            published_at=topic.published_at,
            updated_at=None,
            content_text=topic.text,
            external_id=str(topic.id),
            # a topic whose further posts the budget left for later keeps no fingerprint: fetched again
            entry_hash=response.meta.get("mark") if complete else None,
            comments=topic.comments,
        )
        yield from more

    def parse_discourse_posts(self, response: Any) -> Output:
        job = self.job_of(response)
        try:
            comments = discourse.parse_posts(response.body, job.home_url)
        except ValueError as exc:
            yield self.fail(job, response.url, str(exc), response.status)
            return
        if comments:
            yield CommentsItem(
                job.source_id, response.meta["post_url"], discourse.VIA, comments, response.url
            )
