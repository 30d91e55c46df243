"""The blog connector: feeds, archive pages, sitemaps, post pages and their comments (WordPress, WordPress.com,
Blogger and any other blog), the callbacks of the crawl spider for every source that is not a forum.

It builds requests and hands bodies to the pure extraction functions (``crawler.extract``, ``crawler.feeds``,
``crawler.sitemaps``); what to fetch is decided by ``crawler.plan``; items go to the pipelines. After a post
page, the other connectors that read comments from elsewhere (Substack's JSON, Disqus) are asked too.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from crawler import plan
from crawler.connectors.base import Connector, Output
from crawler.connectors.registry import Recognition
from crawler.consent import page_consent
from crawler.extract import extract_links, extract_page
from crawler.extract.model import BLOGGER, GENERIC, WORDPRESS, WORDPRESS_COM
from crawler.extract.tree import Doc
from crawler.extract.wp_rest import parse_rest_comments, rest_comments_url
from crawler.feeds import (
    FeedError,
    entry_url,
    parse_comment_feed,
    parse_feed,
    unique_entries,
)
from crawler.http import max_age
from crawler.items import (
    CommentsItem,
    PostGoneItem,
    PostItem,
    SourceUpdateItem,
    ValidatorItem,
)
from crawler.jobs import SourceJob
from crawler.middlewares.conditional import response_validators
from crawler.sitemaps import SitemapError, parse_sitemap
from crawler.stats import stat_key
from crawler.urls import canonical_url, is_trap, looks_like_post_url, same_site

logger = logging.getLogger(__name__)

# x.blogspot.com, x.blogspot.co.uk, x.blogspot.com.au; blogger.com serves Blogger and nothing else
# (www.blogger.com/feeds/<blogId>/posts/default, comment forms, profiles).
_BLOGGER_HOST = re.compile(r"(?:^|\.)(?:blogspot(?:\.[a-z]{2,3}){1,2}|blogger\.com)$")
_BLOGGER_CSS = (
    "meta[itemprop=blogId], link[rel='service.post'][href*='blogger.com'], div[id^='post-body-'], "
    "link[href*='blogger.com/static'], script[src*='blogger.com/static'], a.blog-pager-older-link, "
    "link[href*='.blogspot.com/feeds/']"
)
_WPCOM_CSS = (
    ".highlander-comment, #highlander-comment-form, link[href*='wordpress.com/xmlrpc.php'], "
    "link[rel=search][href*='wordpress.com/opensearch']"
)
_WORDPRESS_CSS = (
    "link[href*='/wp-content/'], script[src*='/wp-content/'], link[href*='/wp-includes/'], "
    "script[src*='/wp-includes/'], link[rel='https://api.w.org/'], img[src*='/wp-content/uploads/'], "
    "body[class*='postid-']"
)


def _blogger_widgets(doc: Doc) -> bool:
    """Blogger's layout script (``_WidgetManager._Init``), in themes without Blogger's other markup."""
    return any("_WidgetManager" in (s.text or "") for s in doc.select("script"))


def _block_classes(doc: Doc) -> bool:
    """Block editor markup (``wp-block-paragraph``, ``wp-block-image`` …)."""
    return any(token.startswith("wp-block-") for token in doc.class_tokens())


RECOGNITIONS = (
    Recognition(
        BLOGGER,
        rank=30,
        host=_BLOGGER_HOST,
        generator=re.compile("blogger"),
        page_css=_BLOGGER_CSS,
        page=_blogger_widgets,
        feeds=("/feeds/posts/default",),
        feeds_from_root=True,
        comments_feed="/feeds/comments/default",
        comments_feed_from_root=True,
    ),
    # before a self-hosted WordPress: Jetpack sites print a "WordPress" generator too
    Recognition(
        WORDPRESS_COM,
        rank=50,
        host=re.compile(r"\.wordpress\.com$"),
        generator=re.compile(r"wordpress\.com"),
        page_css=_WPCOM_CSS,
        feeds=("feed/",),
        comments_feed="comments/feed/",
    ),
    Recognition(
        WORDPRESS,
        rank=60,
        generator=re.compile("wordpress"),
        generator_decides=False,  # a plugin's or a Jetpack site's generator: the markup decides first
        page_css=_WORDPRESS_CSS,
        page=_block_classes,
        feeds=("feed/",),
        comments_feed="comments/feed/",
    ),
)


class BlogConnector(Connector):
    def blog_first_requests(self, job: SourceJob) -> Output:
        """A blog: its feed, its site-wide comment feed when due, the archive when it has no feed, and the
        young posts whose comments are due for a re-check."""
        if job.feed_url:
            conditional = not (job.needs_backfill or job.unconditional)
            yield self.request(job, job.feed_url, self.parse_feed, "feed", conditional=conditional)
        if job.comments_feed_url and self.site_comments_due(job):
            conditional = not plan.site_comments_unconditional(
                job.comments_feed_polls, self.unconditional_every
            )
            yield self.request(
                job, job.comments_feed_url, self.parse_site_comments, "comments-feed", conditional=conditional
            )
        if not job.feed_url:
            yield from self.backfill_requests(job)
        for url in job.recheck_posts:  # young posts: comments re-checked on a decaying schedule
            yield from self.post_request(job, url, "recheck", comments=True)

    def backfill_requests(self, job: SourceJob) -> Output:
        """Archive pages and sitemaps; started after the feed so posts keep their feed entry."""
        if not job.needs_backfill:
            if not job.feed_url:
                yield self.request(job, job.home_url, self.parse_listing, "listing", page=1)
            return
        yield self.request(job, job.home_url, self.parse_listing, "listing", page=1)
        yield self.robots_request(job, job.home_url, sitemaps=True)  # for its Sitemap: lines
        yield SourceUpdateItem(job.source_id, backfilled=True)

    def site_comments_due(self, job: SourceJob) -> bool:
        if not self.endpoint_open(job, "comments-feed"):
            return False  # answered 404 (the blog has none) less than a week ago
        if job.needs_backfill:
            return True
        return plan.site_comments_due(
            job.comments_feed_activity_at, job.comments_feed_checked_at, datetime.now(UTC)
        )

    def archive_fallback(self, job: SourceJob) -> Output:
        """The feed failed: crawl the archive pages instead (and backfill a new source)."""
        if job.needs_backfill:
            yield from self.backfill_requests(job)
        else:
            yield self.request(job, job.home_url, self.parse_listing, "listing", page=1)

    def post_request(
        self, job: SourceJob, url: str, via: str, entry: Any = None, comments: bool = True
    ) -> Output:
        if not url or is_trap(url):
            return
        seen = self.seen[job.source_id]
        if url in seen:  # another link to a post already asked for
            return
        if via in ("listing", "sitemap"):
            if not same_site(url, job.home_url) or self.backfilled[job.source_id] >= self.max_posts:
                return
            self.backfilled[job.source_id] += 1
        seen.add(url)
        yield self.request(job, url, self.parse_post, "post", entry=entry, want_comments=comments, via=via)

    def parse_feed(self, response: Any) -> Output:
        job = self.job_of(response)
        if response.status == 304:
            self.listing_read(job, response)
            return
        try:
            feed = parse_feed(response.body, response.url, _content_type(response))
        except FeedError as exc:
            first = self.is_entry(job, response.meta)
            yield self.fail(job, response.url, f"feed unreadable: {exc}", response.status, entry=first)
            if response.meta.get("page", 1) == 1:
                yield from self.archive_fallback(job)
            return
        self.listing_read(job, response)
        etag, modified = response_validators(response)
        yield ValidatorItem(job.source_id, response.meta["key_url"], etag, modified)
        entries = [(e, url) for e in unique_entries(feed.entries) if (url := entry_url(e, response.url))]
        unknown = 0
        for entry, url in entries:
            known = job.known_posts.get(url)
            unknown += known is None
            fingerprint = plan.entry_fingerprint(entry.title, entry.content_html, entry.updated_at)
            fetch, comments = plan.post_needs_fetch(known, entry.updated_at, entry.comment_count, fingerprint)
            if fetch:
                yield from self.post_request(job, url, "feed", entry=entry, comments=comments)
        self.note_feed(job, response, feed, known=len(entries) - unknown)
        page = response.meta.get("page", 1)
        if page == 1 and job.needs_backfill:
            yield from self.backfill_requests(job)
        if job.needs_backfill and feed.next_url and page < self.max_pages:
            yield self.request(job, feed.next_url, self.parse_feed, "feed", False, page=page + 1)
        elif entries and unknown == len(entries) and job.known_posts and page == 1:
            # every entry is new: older new posts may have fallen off the feed
            yield self.request(job, job.home_url, self.parse_listing, "listing", page=1, gap=True)

    def note_feed(self, job: SourceJob, response: Any, feed: Any, known: int) -> None:
        """What the scheduler's policy needs: known entries, and the server's own pacing hints."""
        stats = self.crawler.stats
        stats.inc_value(stat_key(job.source_id, "known_items"), known)
        if feed.ttl_minutes:
            stats.max_value(stat_key(job.source_id, "feed_ttl"), int(feed.ttl_minutes) * 60)
        cache = response.headers.get(b"Cache-Control")
        age = max_age(cache.decode("latin-1") if cache else None)
        if age:
            stats.max_value(stat_key(job.source_id, "cache_max_age"), age)

    def read_comment_feed(self, job: SourceJob, response: Any) -> tuple[list[Any], Any]:
        """(comments, None), or ([], the recorded error) when the body is not a comment feed."""
        try:
            pings = response.meta.get("pings", ())  # the pingbacks' ids in the post's HTML
            return parse_comment_feed(response.body, response.url, _content_type(response), pings), None
        except FeedError as exc:
            return [], self.fail(job, response.url, f"comment feed unreadable: {exc}", response.status)

    def parse_site_comments(self, response: Any) -> Output:
        job = self.job_of(response)
        if response.status == 304:
            yield SourceUpdateItem(job.source_id, comments_feed_polled=True)
            return
        comments, error = self.read_comment_feed(job, response)
        if error is not None:
            yield error
            return
        etag, modified = response_validators(response)
        yield ValidatorItem(job.source_id, response.meta["key_url"], etag, modified)
        if job.needs_backfill:
            yield SourceUpdateItem(job.source_id, comments_feed_polled=True)
            return  # every post is being fetched with its comments anyway
        new = False
        by_post: dict[str, list[Any]] = defaultdict(list)
        for comment in comments:
            if comment.post_url:
                by_post[canonical_url(comment.post_url)].append(comment)
        for url, group in by_post.items():
            known = job.known_posts.get(url)
            newest = max((c.published_at for c in group if c.published_at), default=None)
            if known is not None:
                yield CommentsItem(job.source_id, url, "feed", group)
            if (
                known is None
                or newest is None
                or known.last_comment_at is None
                or newest > known.last_comment_at
            ):
                new = True
                yield from self.post_request(job, url, "comments", comments=True)
        yield SourceUpdateItem(job.source_id, comments_feed_polled=True, comments_feed_new=new)

    def parse_listing(self, response: Any) -> Output:
        job = self.job_of(response)
        if response.status == 304:
            self.listing_read(job, response)
            return
        links = extract_links(response.body, response.url)
        if self.is_entry(job, response.meta):
            if not links.post_links and not links.next_page:
                message = "listing unreadable: nothing readable on the page (no post links, no older posts)"
                yield self.fail(job, response.url, message, response.status, entry=True)
                return
            self.listing_read(job, response)
        caught_up = False
        for link in links.post_links:
            url = canonical_url(link, response.url)
            if url in job.known_posts:
                caught_up = True
                continue
            yield from self.post_request(job, url, "listing")
        page = response.meta.get("page", 1)
        gap = response.meta.get("gap", False)
        # a later crawl (or a gap fill) stops at the first page with a post it knows; a backfill goes on
        incremental = gap or not job.needs_backfill
        if links.next_page and page < self.max_pages and not (incremental and caught_up):
            next_url = canonical_url(links.next_page, response.url)
            yield self.request(job, next_url, self.parse_listing, "listing", False, page=page + 1, gap=gap)

    def parse_sitemap(self, response: Any) -> Output:
        job = self.job_of(response)
        try:
            sitemap = parse_sitemap(response.body)
        except SitemapError as exc:
            logger.debug("ignoring sitemap %s: %s", response.url, exc)
            return
        depth = response.meta.get("depth_sitemap", 0)
        for url, _lastmod in sitemap.urls:
            if sitemap.kind == "sitemapindex":
                if depth < 2 and plan.is_post_sitemap(url):
                    yield self.request(
                        job, url, self.parse_sitemap, "sitemap", False, depth_sitemap=depth + 1
                    )
            elif looks_like_post_url(url, job.home_url):
                url = canonical_url(url)
                if url not in job.known_posts:
                    yield from self.post_request(job, url, "sitemap")

    def parse_post(self, response: Any) -> Output:
        job = self.job_of(response)
        key_url, entry = response.meta["key_url"], response.meta.get("entry")
        known = job.known_posts.get(key_url)
        if response.status == 304:
            if response.meta.get("want_comments") and known is not None:
                yield from self.comment_requests(job, key_url, known.external_id, None, forced=True)
            return
        hint = job.platform if job.platform != GENERIC else None
        post = extract_page(response.body, response.url, platform=hint, fetched_at=datetime.now(UTC))
        url = key_url
        if post.canonical_url and same_site(post.canonical_url, response.url):
            url = canonical_url(post.canonical_url, response.url)
        if url != key_url:
            if url in self.seen[job.source_id] and url != key_url:
                self.count(job, "duplicates")
                return
            self.seen[job.source_id].add(url)
        if entry is None and response.meta.get("via") in ("listing", "sitemap") and post.published_at is None:
            logger.debug("%s has no publication date: a page, not a post", response.url)
            return
        if not post.content_text.strip():
            yield self.fail(job, response.url, "no post content found on the page", response.status)
            return
        headers = [v.decode("latin-1") for v in response.headers.getlist(b"X-Robots-Tag")]
        consent = page_consent(post.robots_meta, headers)
        if consent.noindex:  # the site asked not to index it: not stored (and removed if it was)
            logger.debug("%s: %s; not stored", response.url, consent.why)
            yield PostGoneItem(job.source_id, url, "noindex")
            return
        etag, modified = response_validators(response)
        external_id = post.wp_post_id or post.blogger_post_id
        complete_page = plan.page_comments_complete(
            post.shown_comment_count, len(post.comments), bool(post.next_comments_url), len(post.ping_ids)
        )
        yield PostItem(
            source_id=job.source_id,
            url=url,
            fetched_url=key_url,
            platform=post.platform,
            title=post.title or getattr(entry, "title", None),
            author=post.author or getattr(entry, "author", None),
            published_at=getattr(entry, "published_at", None) or post.published_at,
            updated_at=getattr(entry, "updated_at", None) or post.updated_at,
            content_text=post.content_text,
            guid=getattr(entry, "guid", None),
            external_id=external_id,
            entry_hash=plan.entry_fingerprint(entry.title, entry.content_html, entry.updated_at)
            if entry
            else None,
            comments=post.comments,
            etag=etag,
            last_modified=modified,
            noarchive=consent.noarchive,
            comments_complete=page_thread_complete(post, complete_page),
        )
        count = getattr(entry, "comment_count", None)
        wanted = bool(post.comments) or bool(count) or (count is None and response.meta.get("want_comments"))
        hinted = post.comment_feed_url or getattr(entry, "comment_feed_url", None)
        shown = post.shown_comment_count if post.shown_comment_count is not None else count
        complete = plan.page_comments_complete(
            shown, len(post.comments), bool(post.next_comments_url), len(post.ping_ids)
        )
        if wanted and not complete:
            yield from self.comment_requests(
                job, url, post.wp_post_id, post.blogger_post_id, hinted, pings=post.ping_ids
            )
        if post.next_comments_url and not is_trap(post.next_comments_url):
            yield self.request(job, post.next_comments_url, self.parse_comment_page, "comments", post_url=url)
        yield from self.after_post_page(job, post, url)  # comments kept elsewhere (Substack, Disqus)

    def comment_requests(
        self,
        job: SourceJob,
        post_url: str,
        wp_post_id: str | None,
        blogger_post_id: str | None,
        hinted: str | None = None,
        forced: bool = False,
        pings: list[str] | None = None,
    ) -> Output:
        if job.rest_root and wp_post_id and wp_post_id.isdigit() and self.endpoint_open(job, "rest"):
            url = rest_comments_url(job.rest_root, wp_post_id, page=1)
            yield self.request(
                job,
                url,
                self.parse_rest,
                "rest",
                False,
                post_url=post_url,
                page=1,
                blogger_post_id=blogger_post_id,
                hinted=hinted,
            )
            return
        if forced and job.platform == "blogger" and not blogger_post_id:
            blogger_post_id = wp_post_id  # the stored external id of a Blogger post is its post id
        feed = plan.comment_feed_for(job.platform, job.home_url, post_url, hinted, blogger_post_id)
        if feed:
            yield self.request(
                job, feed, self.parse_comment_feed, "comment-feed", post_url=post_url, pings=pings or ()
            )

    def parse_rest(self, response: Any) -> Output:
        job = self.job_of(response)
        try:
            comments = parse_rest_comments(response.body)
        except ValueError as exc:
            yield self.fail(job, response.url, f"REST comments unreadable: {exc}", response.status)
            return
        post_url = response.meta["post_url"]
        pages = int(response.headers.get(b"X-WP-TotalPages", b"1") or 1)
        # one page holding the whole thread: a stored comment missing from it was deleted upstream
        whole = response.meta.get("page") == 1 and pages == 1 and b"X-WP-Total" in response.headers
        yield CommentsItem(
            job.source_id, post_url, "rest", comments, fetched_url=response.url, complete=whole
        )
        if response.meta.get("page") == 1:
            wp_id = response.url.split("post=")[1].split("&")[0] if "post=" in response.url else None
            for page in range(2, min(pages, 100) + 1):
                url = rest_comments_url(job.rest_root or "", wp_id or "", page=page)
                yield self.request(job, url, self.parse_rest, "rest", False, post_url=post_url, page=page)

    def parse_comment_feed(self, response: Any) -> Output:
        job = self.job_of(response)
        if response.status == 304:
            return
        comments, error = self.read_comment_feed(job, response)
        if error is not None:
            yield error
            return
        etag, modified = response_validators(response)
        yield CommentsItem(
            job.source_id,
            response.meta["post_url"],
            "feed",
            comments,
            response.meta["key_url"],
            etag,
            modified,
        )

    def parse_comment_page(self, response: Any) -> Output:
        job = self.job_of(response)
        post = extract_page(response.body, response.url, platform=job.platform, fetched_at=datetime.now(UTC))
        # a forum thread's later page: its first message is a reply, not the topic
        comments = [post.topic_message, *post.comments] if post.topic_message else post.comments
        yield CommentsItem(job.source_id, response.meta["post_url"], "html", comments)
        if post.next_comments_url and not is_trap(post.next_comments_url):
            yield self.request(
                job,
                post.next_comments_url,
                self.parse_comment_page,
                "comments",
                post_url=response.meta["post_url"],
            )


def _content_type(response: Any) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def page_thread_complete(post: Any, complete_page: bool) -> bool:
    """Whether a post page's comments are the whole thread, so that a stored comment missing from them was
    deleted upstream: the page itself states a count that matches (not the feed's), there is no further
    comment page, and the thread is not kept elsewhere (a Disqus embed's first page is never all of it)."""
    return complete_page and post.disqus_thread_url is None and not post.topic_message
