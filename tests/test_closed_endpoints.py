"""A REST API that answers 401/403/404 (and a missing site comment feed) is remembered per source: asked
once, not again for a week, recorded in the source's health instead of as a fetch error each time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from twisted.python.failure import Failure

from crawler.items import FetchErrorItem, SourceUpdateItem
from crawler.jobs import SourceJob
from crawler.spiders.blogs import BlogSpider
from pipelines.store.db import open_database, session_factory
from pipelines.store.jobs import load_jobs
from pipelines.store.models import Source
from pipelines.store.robots import note_source_facts

HOME = "https://blog.example/"
REST = "https://blog.example/wp-json/"


def job(closed: dict[str, datetime] | None = None) -> SourceJob:
    return SourceJob(
        source_id=1,
        home_url=HOME,
        feed_url=HOME + "feed/",
        comments_feed_url=HOME + "comments/feed/",
        rest_root=REST,
        platform="wordpress",
        needs_backfill=False,
        validators={},
        known_posts={},
        closed_endpoints=closed or {},
    )


def spider(j: SourceJob) -> BlogSpider:
    crawler = get_crawler(BlogSpider)
    s = BlogSpider.from_crawler(crawler, jobs=[j])
    s.reset_source(j)
    return s


def kinds(outputs: list[Any]) -> list[str]:
    return [o.meta["kind"] for o in outputs if isinstance(o, Request)]


def http_failure(url: str, status: int, **meta: object) -> Failure:
    request = Request(url, meta={"source_id": 1, "key_url": url, **meta})
    response = Response(url, status=status, request=request)
    try:
        raise HttpError(response, "Ignoring non-200 response")
    except HttpError:
        failure = Failure()
    failure.request = request  # type: ignore[attr-defined]
    return failure


def test_rest_401_is_remembered_not_an_error() -> None:
    j = job()
    s = spider(j)
    post = HOME + "2024/01/a/"
    assert kinds(list(s.comment_requests(j, post, "12", None))) == ["rest"]
    url = REST + "wp/v2/comments?post=12"
    first = list(s.on_error(http_failure(url, 401, kind="rest", post_url=post)))
    second = list(s.on_error(http_failure(REST + "wp/v2/comments?post=13", 401, kind="rest", post_url=post)))
    outputs = first + second
    assert not [o for o in outputs if isinstance(o, FetchErrorItem)]
    updates = [o for o in outputs if isinstance(o, SourceUpdateItem)]
    assert [u.closed_endpoints for u in updates] == [{"rest": 401}]
    assert kinds(outputs) == ["comment-feed", "comment-feed"]  # the comment feed instead
    # the rest of this crawl does not ask the REST API
    assert kinds(list(s.comment_requests(j, HOME + "2024/01/b/", "14", None))) == ["comment-feed"]


def test_rest_closed_is_asked_again_after_a_week() -> None:
    now = datetime.now(UTC)
    closed = job({"rest": now - timedelta(days=6)})
    assert kinds(list(spider(closed).comment_requests(closed, HOME + "p/", "12", None))) == ["comment-feed"]
    reopened = job({"rest": now - timedelta(days=7, minutes=1)})
    assert kinds(list(spider(reopened).comment_requests(reopened, HOME + "p/", "12", None))) == ["rest"]


def test_missing_site_comment_feed_is_remembered() -> None:
    j = job()
    s = spider(j)
    assert "comments-feed" in kinds(list(s.first_requests(j)))
    outputs = list(s.on_error(http_failure(HOME + "comments/feed/", 404, kind="comments-feed")))
    assert not [o for o in outputs if isinstance(o, FetchErrorItem)]
    assert [o.closed_endpoints for o in outputs if isinstance(o, SourceUpdateItem)] == [
        {"comments-feed": 404}
    ]
    closed = job({"comments-feed": datetime.now(UTC) - timedelta(days=1)})
    assert "comments-feed" not in kinds(list(spider(closed).first_requests(closed)))


def test_closed_endpoint_round_trips_through_the_store(db_url: str) -> None:
    engine = open_database(db_url)
    try:
        now = datetime.now(UTC)
        with session_factory(engine).begin() as s:
            s.add(Source(id=1, home_url=HOME, rest_root=REST, platform="wordpress", added_at=now))
        with session_factory(engine).begin() as s:
            src = s.get(Source, 1)
            assert src is not None
            note_source_facts(src, SourceUpdateItem(1, closed_endpoints={"rest": 401}), now)
        with session_factory(engine).begin() as s:
            src = s.execute(select(Source)).scalar_one()
            assert (src.closed_endpoints or {})["rest"]["status"] == 401
            (loaded,) = load_jobs(s, [src])
        assert abs((loaded.closed_endpoints["rest"] - now).total_seconds()) < 1
    finally:
        engine.dispose()


def test_sources_list_shows_closed_endpoints(sqlite_url: str) -> None:
    from tests.conftest import run_cli

    engine = open_database(sqlite_url)
    try:
        now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
        with session_factory(engine).begin() as s:
            s.add(Source(id=1, home_url=HOME, rest_root=REST, platform="wordpress", added_at=now))
        with session_factory(engine).begin() as s:
            src = s.get(Source, 1)
            assert src is not None
            note_source_facts(src, SourceUpdateItem(1, closed_endpoints={"rest": 401}), now)
    finally:
        engine.dispose()
    out = run_cli("sources", "list", db=sqlite_url)
    assert "REST API: HTTP 401 on 2026-12-01" in " ".join(out.stdout.split()), out.stdout


def robots_answer(s: BlogSpider, status: int, fresh: bool = True) -> list[Any]:
    url = HOME + "robots.txt"
    meta = {"source_id": 1, "key_url": url, "robots_fresh": fresh, "sitemaps": False}
    meta["robots_expires_at"] = datetime.now(UTC) + timedelta(hours=24)
    request = Request(url, meta=meta)
    return list(s.parse_robots(Response(url, status=status, body=b"User-agent: *\n", request=request)))


def test_robots_answers_kept_unless_5xx() -> None:
    from crawler.items import RobotsItem

    s = spider(job())
    assert [(o.host, o.status) for o in robots_answer(s, 200)] == [("blog.example", 200)]
    assert [o.status for o in robots_answer(s, 404) if isinstance(o, RobotsItem)] == [404]
    assert robots_answer(s, 503) == []  # unreachable: not kept (asked again next crawl)
    assert robots_answer(s, 200, fresh=False) == []  # the store's own copy: nothing to write


def test_kept_robots_mean_no_robots_request() -> None:
    from crawler.jobs import CachedRobots

    j = job()
    assert "robots" in kinds(list(spider(j).first_requests(j)))
    j.robots = {"blog.example": CachedRobots(200, b"", datetime.now(UTC) + timedelta(hours=1))}
    assert "robots" not in kinds(list(spider(j).first_requests(j)))
