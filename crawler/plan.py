"""Pure crawl decisions: which posts to (re)fetch, where their comments come from.

Kept apart from the spider so each rule is testable without a reactor.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urljoin

from crawler.extract.model import BLOGGER, WORDPRESS, WORDPRESS_COM
from crawler.jobs import KnownPost


def entry_fingerprint(title: str | None, content_html: str | None, updated: datetime | None) -> str:
    """Changes when a feed entry's title, content or update time changes (RSS has no per-item dates)."""
    raw = "\x1f".join([title or "", content_html or "", updated.isoformat() if updated else ""])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def post_needs_fetch(
    known: KnownPost | None,
    updated_at: datetime | None,
    comment_count: int | None,
    fingerprint: str | None = None,
) -> tuple[bool, bool]:
    """(fetch the page?, fetch its comments?) for a feed entry of a post we may know."""
    if known is None:
        return True, True
    changed = updated_at is not None and (known.updated_at is None or updated_at > known.updated_at)
    changed = changed or (fingerprint is not None and known.entry_hash not in (None, fingerprint))
    more_comments = comment_count is not None and comment_count > known.comment_count
    return changed or more_comments, more_comments


def blogger_comments_feed(home_url: str, blogger_post_id: str) -> str:
    return urljoin(home_url, f"/feeds/{blogger_post_id}/comments/default?max-results=500")


def wordpress_comments_feed(post_url: str) -> str:
    return post_url.rstrip("/") + "/feed/" if not post_url.endswith(".html") else ""


def comment_feed_for(
    platform: str, home_url: str, post_url: str, hinted: str | None, blogger_post_id: str | None
) -> str | None:
    """The per-post comment feed URL: the one the page or feed links, else the platform's."""
    if hinted:
        return hinted
    if platform == BLOGGER and blogger_post_id:
        return blogger_comments_feed(home_url, blogger_post_id)
    if platform in (WORDPRESS, WORDPRESS_COM):
        return wordpress_comments_feed(post_url) or None
    return None


def default_sitemaps(home_url: str, platform: str) -> list[str]:
    names = (
        ["/wp-sitemap.xml", "/sitemap.xml"] if platform in (WORDPRESS, WORDPRESS_COM) else ["/sitemap.xml"]
    )
    return [urljoin(home_url, n) for n in names]


def is_post_sitemap(url: str) -> bool:
    """Sub-sitemaps worth following from a sitemap index (posts, not tags or users)."""
    lowered = url.lower()
    return not any(
        word in lowered
        for word in ("taxonom", "categor", "tag", "user", "author", "page-sitemap", "posts-page")
    )


# Young posts get their comments re-checked this long after publication.
COMMENT_RECHECKS = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(days=3),
    timedelta(days=7),
)


def comments_due(published: datetime | None, checked: datetime | None, now: datetime) -> bool:
    """A young post's comments are re-checked at 1 h, 6 h, 1 d, 3 d and 7 d after publication."""
    if published is None or published > now or now - published > COMMENT_RECHECKS[-1] + timedelta(days=1):
        return False  # (a date in the future would also overflow near year 9999)
    for offset in COMMENT_RECHECKS:
        checkpoint = published + offset
        if checkpoint <= now and (checked is None or checked < checkpoint):
            return True
    return False


# The site-wide comment feed (how comments on old posts are noticed) has its own decaying schedule.
SITE_COMMENTS_QUIET = timedelta(days=1)  # a quiet blog's feed is polled once a day (worst-case delay)
SITE_COMMENTS_DECAY = 4  # while active: polled when a quarter of the time since the last activity passed
# A poll is taken early rather than late: crawls come at jittered times (the scheduler's +-10 %), and a poll
# that falls due just after a crawl would otherwise wait a whole crawl interval more. Polling once 80 % of
# the interval has passed keeps the longest gap between polls near the interval itself.
SITE_COMMENTS_EARLY = 0.2


def site_comments_due(
    activity: datetime | None,
    checked: datetime | None,
    now: datetime,
    quiet: timedelta = SITE_COMMENTS_QUIET,
) -> bool:
    """Whether the site-wide comment feed is polled this crawl.

    ``activity`` is the newest of: the newest post's publication, the newest stored comment, the last
    poll that brought new comments. Right after it the feed is polled on every crawl; then once a quarter
    of the time since it has passed (1 h after: every 15 min; 1 day after: every 6 h), and at most
    ``quiet`` apart once the blog has been quiet for four times that. A poll is due once
    ``1 - SITE_COMMENTS_EARLY`` of its interval has passed (a crawl slightly early polls; one slightly
    late would add a whole crawl interval to the delay).
    """
    if checked is None or checked > now:
        return True
    interval = quiet
    if activity is not None and activity <= now:
        interval = min(quiet, (now - activity) / SITE_COMMENTS_DECAY)
    return now - checked >= interval * (1 - SITE_COMMENTS_EARLY)


def site_comments_unconditional(polls: int, every: int) -> bool:
    """Every ``every``-th poll of the site-wide comment feed ignores its validators (stale ETags),
    as the posts feed does every Nth crawl."""
    return every > 0 and (polls + 1) % every == 0


# A known post whose page answers these was deleted upstream (marked, purged after the grace period); a
# soft failure (5xx, 429, a timeout, robots.txt) never is.
POST_GONE_STATUSES = (404, 410)

# An optional endpoint that answered 401/403/404 (a closed REST API, a missing site comment feed)
ENDPOINT_CLOSED_STATUSES = (401, 403, 404, 410)
ENDPOINT_RETRY_AFTER = timedelta(days=7)  # is asked again a week later


def endpoint_open(closed_at: datetime | None, now: datetime) -> bool:
    """Whether an optional endpoint is asked this crawl: never closed, or closed more than a week ago."""
    return closed_at is None or closed_at > now or now - closed_at >= ENDPOINT_RETRY_AFTER


def page_comments_complete(shown: int | None, extracted: int, paginated: bool, pings: int = 0) -> bool:
    """The page's own comment list is all of the post's comments: it states a count that matches the
    comments extracted from it (WordPress's count includes the ``pings`` the list shows), and there is no
    next comment page. Its comment feed need not be asked."""
    return shown is not None and shown in (extracted, extracted + pings) and not paginated
