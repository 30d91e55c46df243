"""The Disqus connector: a page that embeds Disqus (any platform) has its thread read from Disqus's key-less
embed page (``crawler/extract/disqus.py``), through every middleware like any request (politeness per Disqus
host as per any host). The forum's recent-comments feed (``https://<shortname>.disqus.com/latest.rss``,
remembered as the source's ``disqus_forum`` fact once a page named the forum) is polled on every later crawl,
conditionally: the new comments on old posts, whose pages and threads are not asked again.

What a key-less reader gets: the thread's first page from the embed, with ids, parents, authors and times; a
longer thread's later comments only through feeds, without their parents: the thread's own feed (its newest
comments, asked when the embed says the thread goes on) and the forum's (the newest comments of every thread); a comment that scrolled off the feed before a crawl saw it is not read (that needs Disqus's API and a
key). One id per comment whichever way it came (``disqus.comment_id``), so nothing is stored twice."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from crawler.connectors.base import Connector, Output
from crawler.extract import disqus
from crawler.extract.model import ExtractedComment, ExtractedPost
from crawler.extract.tree import Doc
from crawler.feeds import FeedError, parse_comment_feed
from crawler.items import CommentsItem, SourceUpdateItem, ValidatorItem
from crawler.jobs import SourceJob
from crawler.middlewares.conditional import response_validators
from crawler.urls import canonical_url, same_site

logger = logging.getLogger(__name__)
FORUM_FACT = "disqus_forum"  # sources.connector_facts: the Disqus forum the source's pages embed
# a companion connector (crawler/connectors/registry.py): it adds to a source of any platform
NAME = "disqus"
FACT = FORUM_FACT


def facts_from_page(doc: Doc, url: str) -> dict[str, str]:
    """A page that embeds Disqus, or loads its comment-count script (``//<shortname>.disqus.com/count.js``,
    what a blog's homepage prints for "N comments" links), names the source's Disqus forum."""
    embed = disqus.find_embed(doc, url)
    return {FORUM_FACT: embed.shortname} if embed else {}


def _on_disqus(url: str) -> bool:
    """A feed the thread data names is asked only on Disqus's own hosts."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and (host == "disqus.com" or host.endswith(".disqus.com"))


class DisqusConnector(Connector):
    def disqus_first_requests(self, job: SourceJob) -> Output:
        """A source whose pages embed Disqus: the forum's recent comments (conditional GET)."""
        forum = job.facts.get(FORUM_FACT)
        if forum and not job.needs_backfill:  # a backfill reads every thread anyway
            yield self.request(
                job, disqus.recent_comments_feed(forum), self.parse_disqus_latest, "disqus-feed"
            )

    def disqus_requests(self, job: SourceJob, post: ExtractedPost, post_url: str) -> Output:
        """After a post page: its Disqus thread, when the page embeds one."""
        if post.disqus_forum and job.facts.get(FORUM_FACT) != post.disqus_forum:
            job.facts[FORUM_FACT] = post.disqus_forum  # said once a crawl
            yield SourceUpdateItem(job.source_id, facts={FORUM_FACT: post.disqus_forum})
        if post.disqus_thread_url:
            yield self.request(
                job,
                post.disqus_thread_url,
                self.parse_disqus,
                "comments",
                conditional=False,
                post_url=post_url,
            )

    def parse_disqus(self, response: Any) -> Output:
        job = self.job_of(response)
        try:
            thread = disqus.parse_thread(response.body)
        except ValueError as exc:
            yield self.fail(job, response.url, f"Disqus thread unreadable: {exc}", response.status)
            return
        post_url = response.meta["post_url"]
        if thread.comments:
            yield CommentsItem(job.source_id, post_url, disqus.VIA, thread.comments, response.url)
        if thread.has_more and thread.feed_url and _on_disqus(thread.feed_url):
            # a longer thread: its later comments, as many as the thread's own feed still lists (no parents)
            logger.debug("%s: a longer Disqus thread, its feed asked for the rest", post_url)
            yield self.request(
                job,
                thread.feed_url,
                self.parse_disqus_thread_feed,
                "comments",
                conditional=False,
                post_url=post_url,
            )

    def parse_disqus_thread_feed(self, response: Any) -> Output:
        """A thread's own feed (``https://<shortname>.disqus.com/<thread>/latest.rss``): its newest comments."""
        job = self.job_of(response)
        try:
            comments = disqus.from_feed(parse_comment_feed(response.body, response.url))
        except FeedError as exc:
            yield self.fail(job, response.url, f"Disqus thread feed unreadable: {exc}", response.status)
            return
        if comments:
            yield CommentsItem(job.source_id, response.meta["post_url"], disqus.VIA, comments, response.url)

    def parse_disqus_latest(self, response: Any) -> Output:
        """The forum's newest comments: each on a known post stored (without a parent unless the thread gave
        one); one on a post the source does not have yet sends the crawl to that post's page."""
        job = self.job_of(response)
        if response.status == 304:
            return
        try:
            comments = disqus.from_feed(parse_comment_feed(response.body, response.url))
        except FeedError as exc:
            yield self.fail(job, response.url, f"Disqus comment feed unreadable: {exc}", response.status)
            return
        etag, modified = response_validators(response)
        yield ValidatorItem(job.source_id, response.meta["key_url"], etag, modified)
        by_post: dict[str, list[ExtractedComment]] = defaultdict(list)
        for comment in comments:
            if comment.post_url:
                by_post[canonical_url(comment.post_url)].append(comment)
        for url, group in by_post.items():
            if url in job.known_posts:
                yield CommentsItem(job.source_id, url, disqus.VIA, group, response.url)
            elif same_site(url, job.home_url):  # a post not stored yet (a forum may serve other sites too)
                yield from self.post_request(job, url, "comments", comments=True)
