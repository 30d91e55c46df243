"""The blog spider's callbacks and crawl decisions on the sample site's own pages and feeds, answered in memory
(tests/spider_harness.py): no reactor, no sockets, no subprocess. The crawl as a whole, with the pipelines and
the database, is tested end to end in test_crawl_e2e.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC

import pytest

from crawler.extract.wp_rest import rest_comments_url
from crawler.items import CommentsItem, FetchErrorItem, PostItem, SourceDoneItem, SourceUpdateItem
from crawler.urls import canonical_url
from tests.expect import BOILERPLATE, noindex, stored_posts, token_f1
from tests.spider_harness import OfflineSite, SpiderHarness, job_for, known_from, next_round

KEYS = ["wp-classic", "wp-block", "wpcom", "blogger", "generic"]
BIG_POST = "notes-from-the-roche-social-media-summit"  # wp-classic, more than ten comments


@pytest.fixture
def site() -> OfflineSite:
    return OfflineSite().start()


@pytest.fixture(scope="module")
def backfill():  # type: ignore[no-untyped-def]
    """One in-memory first crawl of every blog: (site, jobs, what the spider yielded). Only read it."""
    site = OfflineSite().start()
    jobs = [job_for(site, key, source_id) for source_id, key in enumerate(KEYS, start=1)]
    return site, jobs, SpiderHarness(site, jobs).crawl()


def comments_by_post(items: list) -> dict[str, dict[str, list]]:  # type: ignore[type-arg]
    """Every sighting of every comment the items carry (page, REST, comment feeds), by post URL and comment
    id: the store merges the sightings of one comment into one row."""
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))  # type: ignore[type-arg]
    for item in items:
        if isinstance(item, PostItem | CommentsItem):
            url = item.url if isinstance(item, PostItem) else item.post_url
            for comment in item.comments:
                out[url][comment.external_id].append(comment)
    return out


# ---------------------------------------------------------------------------- a first crawl


def test_a_new_source_asks_for_its_feeds_unconditionally(site: OfflineSite) -> None:
    job = job_for(site, "wp-classic")
    job.validators = {job.feed_url: ('"old"', None)}  # a new source backfills: the feed in full
    out = SpiderHarness(site, [job]).start()
    assert [(r.meta["kind"], r.url) for r in out.requests] == [
        ("feed", job.feed_url),
        ("comments-feed", job.comments_feed_url),
    ]
    assert "validators" not in out.requests[0].meta and out.items == []


def test_the_first_feed_page_starts_the_backfill(site: OfflineSite) -> None:
    job = job_for(site, "wp-classic")
    harness = SpiderHarness(site, [job])
    feed = harness.answer(harness.start().requests[0])
    blog = site.blogs["wp-classic"]
    newest = [site.post_url("wp-classic", p.slug) for p in blog.content.posts[:5]]
    assert feed.urls("post") == newest  # the feed's five entries
    assert feed.urls("listing") == [job.home_url]
    assert [(r.url, r.meta.get("robots_txt")) for r in feed.requests if r.meta["kind"] == "robots"] == [
        (blog.base_url + "robots.txt", True)
    ]
    assert [type(i).__name__ for i in feed.items] == ["ValidatorItem", "SourceUpdateItem"]
    assert feed.of(SourceUpdateItem)[0].backfilled
    assert harness.stat(1, "listing_read") == 1 and harness.stat(1, "known_items") == 0


def test_a_backfill_yields_every_post_once_with_its_metadata_and_clean_body(backfill) -> None:  # type: ignore[no-untyped-def]
    site, _, out = backfill
    assert not out.of(FetchErrorItem), out.of(FetchErrorItem)
    posts = out.of(PostItem)
    assert [u for u, n in Counter(p.url for p in posts).items() if n > 1] == []
    by_url = {p.url: p for p in posts}
    expected = {
        canonical_url(site.post_url(key, post.slug)): post
        for key in KEYS
        for post in stored_posts(site.blogs[key])
    }
    assert set(by_url) == set(expected)  # older posts too (pagination, sitemaps); never a noindex page
    for url, post in expected.items():
        item = by_url[url]
        assert (item.title, item.author) == (post.title, post.author), url
        assert item.published_at == post.published.replace(microsecond=0).astimezone(UTC), url
        assert token_f1(item.content_text, post.text) >= 0.95, (url, item.content_text[:300])
        assert not [phrase for phrase in BOILERPLATE if phrase in item.content_text], url
    done = Counter(i.source_id for i in out.of(SourceDoneItem))
    assert done == {n: 1 for n in range(1, len(KEYS) + 1)}  # every source finished, once
    assert isinstance(out.items[-1], SourceDoneItem)


def test_a_backfill_yields_every_comment_with_its_parent(backfill) -> None:  # type: ignore[no-untyped-def]
    site, _, out = backfill
    seen = comments_by_post(out.items)
    for key in KEYS:
        for post, comment in site.blogs[key].content.all_comments():
            if noindex(post):  # the page asked not to be indexed: its comments are not asked for
                continue
            sightings = seen[canonical_url(site.post_url(key, post.slug))][str(comment.id)]
            assert sightings, (key, post.slug, comment.id)
            for got in sightings:
                assert got.author == comment.author and token_f1(got.text, comment.text) >= 0.95
            parents = {got.parent_external_id for got in sightings} - {None}  # a feed may not say
            assert parents == ({str(comment.parent_id)} if comment.parent_id else set()), (key, comment.id)


def test_a_crawl_asks_for_no_trap_and_no_disallowed_url(site: OfflineSite) -> None:
    harness = SpiderHarness(site, [job_for(site, key, n) for n, key in enumerate(KEYS, start=1)])
    site.clear_requests()  # (the jobs' discovery read the homepages)
    out = harness.crawl()
    paths = [r.path for r in site.requests]
    assert not [p for p in paths if p.startswith("/private/")]  # linked from a post, disallowed by robots.txt
    assert not [r.path for r in site.requests_for("blogger") if r.path.startswith("/search")]
    assert not [p for p in paths if "replytocom" in p or "utm_" in p or "share=" in p]
    posts = Counter(r.url for r in out.requests if r.meta["kind"] == "post")
    assert [u for u, n in posts.items() if n > 1] == []  # every post page asked once


# ---------------------------------------------------------------------------- later crawls


def test_an_unchanged_site_is_answered_with_304s_and_nothing_is_fetched_again(backfill) -> None:  # type: ignore[no-untyped-def]
    site, jobs, first = backfill
    harness = SpiderHarness(site, [next_round(job, first.items) for job in jobs])
    start = len(site.requests)
    again = harness.crawl()
    # nothing but the end of each source, and the poll of the site comment feeds (their own schedule; the
    # round's jobs carry no earlier poll): no content
    assert [type(i).__name__ for i in again.items if not isinstance(i, SourceUpdateItem)] == [
        "SourceDoneItem"
    ] * len(KEYS)
    assert all(
        i.comments_feed_polled and not i.comments_feed_new and not i.backfilled and not i.closed_endpoints
        for i in again.of(SourceUpdateItem)
    )
    assert {r.status for r in site.requests[start:] if r.path != "/robots.txt"} == {304}
    assert sorted(r.meta["kind"] for r in again.requests) == sorted(["feed"] * 5 + ["comments-feed"] * 4)
    assert all(harness.stat(n, "listing_read") == 1 for n in range(1, len(KEYS) + 1))


def test_a_new_comment_refetches_only_its_post_and_its_comments(site: OfflineSite) -> None:
    job = job_for(site, "wp-classic")
    first = SpiderHarness(site, [job]).crawl()
    post = site.blogs["wp-classic"].content.posts[1]  # in the feed, with comments
    reply = site.add_comment(
        "wp-classic", post.slug, "Nina V.", "We carry two.", parent_id=post.comments[0].id
    )
    again = SpiderHarness(site, [next_round(job, first.items)]).crawl()
    url = canonical_url(site.post_url("wp-classic", post.slug))
    assert again.urls("post") == [url]
    # its page shows every comment: no REST call; the reply comes from the page and the site comment feed
    assert [r for r in again.requests if r.meta["kind"] == "rest"] == []
    sightings = comments_by_post(again.items)[url][str(reply.id)]
    assert sightings and all(got.author == "Nina V." for got in sightings)
    assert {got.parent_external_id for got in sightings} - {None} == {str(post.comments[0].id)}
    assert not again.of(FetchErrorItem)


def test_an_edited_post_is_fetched_again(site: OfflineSite) -> None:
    job = job_for(site, "wp-block")
    first = SpiderHarness(site, [job]).crawl()
    post = site.blogs["wp-block"].content.posts[1]
    site.edit_post("wp-block", post.slug, paragraphs=[*post.paragraphs, "Update: the pharmacy called back."])
    again = SpiderHarness(site, [next_round(job, first.items)]).crawl()
    url = canonical_url(site.post_url("wp-block", post.slug))
    # the feed's other entries are known and unchanged; the noindex post, never stored, is asked again (its
    # page may have dropped noindex meanwhile)
    unknown = [
        canonical_url(site.post_url("wp-block", p.slug))
        for p in site.blogs["wp-block"].content.posts
        if noindex(p)
    ]
    assert sorted(again.urls("post")) == sorted([url, *unknown])
    (item,) = again.of(PostItem)
    assert item.url == url and "pharmacy called back" in item.content_text


def test_a_feed_of_only_new_entries_sends_the_crawl_to_the_archive_for_the_gap(site: OfflineSite) -> None:
    known = known_from(SpiderHarness(site, [job_for(site, "wp-classic")]).crawl().items)
    oldest = canonical_url(site.post_url("wp-classic", site.blogs["wp-classic"].content.posts[-1].slug))
    job = job_for(site, "wp-classic", needs_backfill=False)
    job.known_posts = {oldest: known[oldest]}  # only an old post is known: newer ones fell off the feed
    harness = SpiderHarness(site, [job])
    feed = harness.answer(harness.start().requests[0])
    assert len(feed.urls("post")) == 5
    (gap,) = [r for r in feed.requests if r.meta["kind"] == "listing"]
    assert gap.url == job.home_url and gap.meta["gap"] is True


def test_a_later_listing_crawl_stops_at_the_first_page_with_a_known_post(site: OfflineSite) -> None:
    blog = site.blogs["wp-classic"]
    urls = [canonical_url(site.post_url("wp-classic", p.slug)) for p in blog.content.posts]
    known = known_from(SpiderHarness(site, [job_for(site, "wp-classic")]).crawl().items)
    job = job_for(site, "wp-classic", feed_url=None, comments_feed_url=None, needs_backfill=False)
    job.known_posts = {u: k for u, k in known.items() if u != urls[0]}  # the newest post is new
    harness = SpiderHarness(site, [job])
    listing = harness.answer(harness.start().requests[0])
    assert listing.urls("post") == [urls[0]]
    assert listing.urls("listing") == []  # caught up: no older page
    job = job_for(site, "wp-classic", feed_url=None, comments_feed_url=None, needs_backfill=False)
    harness = SpiderHarness(site, [job])  # nothing known: page 2 is next
    listing = harness.answer(harness.start().requests[0])
    assert listing.urls("listing") == [blog.base_url + "page/2/"]
    assert listing.urls("post")[:5] == urls[:5]  # the page's posts (then the sidebar's)


def test_a_young_posts_comments_are_rechecked_even_when_its_page_is_unchanged(site: OfflineSite) -> None:
    job = job_for(site, "wp-classic")
    first = SpiderHarness(site, [job]).crawl()
    job = next_round(job, first.items)
    post = site.blogs["wp-classic"].content.post_by_slug(BIG_POST)
    url = canonical_url(site.post_url("wp-classic", BIG_POST))
    job.recheck_posts = [url]
    harness = SpiderHarness(site, [job])
    (recheck,) = [r for r in harness.start().requests if r.meta["kind"] == "post"]
    assert recheck.meta["via"] == "recheck" and recheck.meta["validators"] == job.validators[url]
    page = harness.answer(recheck)  # 304
    assert page.items == []
    (rest,) = page.requests  # its comments, forced: from the REST API, by the stored post id
    assert rest.meta["kind"] == "rest" and rest.url == rest_comments_url(job.rest_root, str(post.id))
    assert job.known_posts[url].external_id == str(post.id)


# ---------------------------------------------------------------------------- comments: REST, feeds, fallbacks


def test_rest_comments_are_read_page_by_page(site: OfflineSite) -> None:
    job = job_for(site, "wp-classic")
    harness = SpiderHarness(site, [job])
    post = site.blogs["wp-classic"].content.post_by_slug(BIG_POST)
    for n in range(101 - len(post.comments)):  # more than one page of 100
        site.add_comment("wp-classic", BIG_POST, f"Reader {n}", f"Comment number {n}.")
    url = canonical_url(site.post_url("wp-classic", BIG_POST))
    (page,) = harness.spider.post_request(job, url, "feed")
    harness.spider.seen[job.source_id].clear()
    out = harness.answer(page)
    # the page shows every comment ("N thoughts on", no comment pages): no REST call is needed for it ...
    assert [r for r in out.requests if r.meta["kind"] in ("rest", "comment-feed")] == []
    (item,) = out.of(PostItem)
    # ... and when one is (an incomplete page, a re-check), REST is read page by page
    harness.spider.seen[job.source_id].clear()
    (rest,) = harness.spider.comment_requests(job, url, item.external_id, None)
    assert rest.meta["kind"] == "rest"
    first = harness.answer(rest)
    (more,) = first.requests
    assert more.meta["kind"] == "rest" and more.meta["page"] == 2 and "page=2" in more.url
    second = harness.answer(more)
    assert second.requests == []
    ids = {c.external_id for item in first.of(CommentsItem) + second.of(CommentsItem) for c in item.comments}
    assert ids == {str(c.id) for c in post.comments}
    assert all(item.via == "rest" and item.post_url == url for item in first.of(CommentsItem))


def test_a_closed_rest_api_falls_back_to_the_comment_feed(site: OfflineSite) -> None:
    blog = site.blogs["wp-block"]
    job = job_for(site, "wp-block", rest_root=blog.base_url + "wp-json/")  # stale: it answers 404
    post = next(p for p in blog.content.posts if p.comments)
    url = canonical_url(site.post_url("wp-block", post.slug))
    harness = SpiderHarness(site, [job])
    out = harness.answer(next(iter(harness.spider.post_request(job, url, "feed"))))
    assert out.urls("rest") == []  # the page shows all its comments
    (item,) = out.of(PostItem)
    harness.spider.seen[job.source_id].clear()
    (request,) = harness.spider.comment_requests(job, url, item.external_id, None)
    rest = request.url
    assert request.meta["kind"] == "rest"
    fallback = harness.answer(request)
    assert fallback.urls("comment-feed") == [url + "feed/"]
    # a closed REST API is no fetch error: it is remembered for the source (not asked again for a week)
    assert fallback.of(FetchErrorItem) == [] and not harness.spider.endpoint_open(job, "rest"), rest
    comments = harness.answer(fallback.requests[0]).of(CommentsItem)
    assert {c.external_id for c in comments[0].comments} == {str(c.id) for c in post.comments}
    assert comments[0].via == "feed" and comments[0].fetched_url == url + "feed/"


def test_blogger_comments_come_from_the_posts_comment_feed(site: OfflineSite) -> None:
    blog = site.blogs["blogger"]
    job = job_for(site, "blogger")
    post = blog.content.post_by_slug("the-humalog-bill-that-broke-me")
    url = canonical_url(site.post_url("blogger", post.slug))
    harness = SpiderHarness(site, [job])
    out = harness.answer(next(iter(harness.spider.post_request(job, url, "feed"))))
    (item,) = out.of(PostItem)
    assert item.external_id == str(post.id)
    assert out.urls("comment-feed") == []  # the page shows every comment ("N comments:")
    harness.spider.seen[job.source_id].clear()
    feeds = [r.url for r in harness.spider.comment_requests(job, url, None, item.external_id)]
    assert any(u.startswith(f"{blog.base_url}feeds/{post.id}/comments/default") for u in feeds), feeds


def test_an_unreadable_feed_falls_back_to_the_archive_pages(site: OfflineSite) -> None:
    blog = site.blogs["wp-classic"]
    job = job_for(site, "wp-classic", feed_url=blog.base_url + "no/such/feed/")
    harness = SpiderHarness(site, [job])
    first = harness.answer(harness.start().requests[0])
    (error,) = first.of(FetchErrorItem)
    assert (error.url, error.status, error.source_level) == (job.feed_url, 404, True)
    assert first.urls("listing") == [job.home_url] and first.urls("robots") == [blog.base_url + "robots.txt"]
    out = harness.crawl(first)
    stored = {p.url for p in out.of(PostItem)}
    assert stored == {canonical_url(site.post_url("wp-classic", p.slug)) for p in blog.content.posts}
    assert out.of(FetchErrorItem) == [error]


def test_a_disallowed_feed_fails_the_source_and_nothing_else_is_asked(site: OfflineSite) -> None:
    blog = site.blogs["wp-classic"]
    job = job_for(site, "wp-classic", feed_url=blog.base_url + "private/feed/", comments_feed_url=None)
    harness = SpiderHarness(site, [job])
    out = harness.crawl()
    (error,) = out.of(FetchErrorItem)
    assert error.source_level and "robots.txt" in error.error
    assert harness.stat(1, "robots_denied") == 1
    assert [type(i).__name__ for i in out.items][-1] == "SourceDoneItem"
