"""Source health: a crawl fails when the source's entry point (its feed, or the homepage listing of a
feedless blog) cannot be read; errors of single pages are recorded and shown, never counted toward
disabling. A missing robots.txt allows everything and is no error; a clean crawl clears ``last_error``.

Two real crawls of the ``health_blogs`` of ``tests/faults.py``, then the schedule pipeline driven with
the per-source counts such crawls produce, for many rounds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from crawler.stats import stat_key
from crawler.urls import canonical_url
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import FetchError, Source
from scheduler.pipeline import SchedulePipeline
from tests.conftest import FAST, run_cli
from tests.faults import FaultSite, health_blogs

MAXSIZE = 200_000
TUNING = ["-s", "DOWNLOAD_TIMEOUT=8", "-s", f"DOWNLOAD_MAXSIZE={MAXSIZE}", "-s", "RETRY_TIMES=0"]
HEALTHY = ("toobig", "stalled", "nofeed", "norobots")
FAILING = ("feedbomb", "garbagefeed", "garbagehome")


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    with FaultSite(health_blogs(MAXSIZE)) as fault_site:
        yield fault_site


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path_factory.mktemp('health') / 'doclisten.db'}"


def sources(db: str, site: FaultSite) -> dict[str, Any]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            rows = {canonical_url(r.home_url): r for r in conn.execute(select(Source)).all()}
            errors = conn.execute(select(FetchError)).all()
    finally:
        engine.dispose()
    out = {}
    for key in site.blogs:
        row = rows[canonical_url(site.home(key))]
        out[key] = (row, [e for e in errors if e.source_id == row.id])
    return out


@pytest.fixture(scope="module")
def crawls(site, db) -> list[Any]:  # type: ignore[no-untyped-def]
    """The sources rows (and their fetch errors) after each of two crawls, and the crawls' output."""
    added = run_cli("sources", "add", *[site.home(k) for k in site.blogs], *FAST, db=db)
    assert added.stdout.count("added source") == len(site.blogs), added.stdout + added.stderr
    states = []
    for _ in range(2):
        result = run_cli("crawl", *FAST, *TUNING, db=db, timeout=150)
        assert "Traceback" not in result.stderr, result.stderr
        states.append((sources(db, site), result))
    return states


@pytest.mark.slow
@pytest.mark.parametrize("key", HEALTHY)
def test_a_broken_page_is_a_page_error_not_a_failed_crawl(crawls, key) -> None:  # type: ignore[no-untyped-def]
    for state, _result in crawls:
        row, _errors = state[key]
        assert row.consecutive_failures == 0, (key, row.last_error)
        assert row.last_success_at is not None and row.last_error is None
    row, errors = crawls[-1][0][key]
    if key in ("toobig", "stalled"):  # asked again on every crawl: a recorded error each time
        page = {"toobig": "too-big", "stalled": "never-ends"}[key]
        assert {e.url.rstrip("/").rsplit("/", 1)[-1] for e in errors} == {page}
        assert len(errors) == 2


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("feedbomb", "DOWNLOAD_MAXSIZE"),
        ("garbagefeed", "feed unreadable: not a feed: binary data"),
        ("garbagehome", "nothing readable"),
    ],
)
def test_an_unreadable_feed_or_listing_fails_the_crawl(crawls, key, error) -> None:  # type: ignore[no-untyped-def]
    for n, (state, _result) in enumerate(crawls, start=1):
        row, _errors = state[key]
        assert row.consecutive_failures == n, key
        assert row.last_success_at is None
        assert error in (row.last_error or ""), row.last_error


@pytest.mark.slow
def test_a_clean_crawl_clears_last_error(crawls, site, db) -> None:  # type: ignore[no-untyped-def]
    (first, _), (second, _) = crawls
    assert "HTTP 404" in first["recovers"][0].last_error and first["recovers"][0].consecutive_failures == 1
    assert second["recovers"][0].last_error is None and second["recovers"][0].consecutive_failures == 0
    listed = run_cli("sources", "list", db=db).stdout
    # failing blogs show why; healthy ones (a page error, a missing robots.txt, a feed back) show nothing
    assert "HTTP 404" not in listed and "too-big" not in listed and "never-ends" not in listed, listed
    assert "binary data" in listed


@pytest.mark.slow
def test_a_missing_robots_txt_allows_everything_and_is_no_error(crawls, site) -> None:  # type: ignore[no-untyped-def]
    for state, _ in crawls:
        row, errors = state["norobots"]
        assert errors == [] and row.last_error is None
    assert site.hits("norobots", "/2024/01/no-robots-post/") == 1
    assert site.hits("norobots", "/wp-sitemap.xml") + site.hits("norobots", "/sitemap.xml") >= 1


@pytest.mark.slow
def test_a_failing_robots_txt_disallows_everything_for_now(crawls, site) -> None:  # type: ignore[no-untyped-def]
    for n, (state, _) in enumerate(crawls, start=1):
        row, _errors = state["robots503"]
        assert row.consecutive_failures == n
        assert "robots.txt" in row.last_error and "503" in row.last_error, row.last_error
    assert site.hits("robots503", "/feed/") == 0  # RFC 9309: 5xx means complete disallow
    assert site.hits("robots503", "/2024/01/unreachable-robots/") == 0


@pytest.mark.slow
def test_the_summary_shows_page_errors_of_the_crawl(crawls) -> None:  # type: ignore[no-untyped-def]
    _state, result = crawls[-1]
    assert "too-big" in result.stderr and "never-ends" in result.stderr, result.stderr
    assert "robots.txt: HTTP 404" not in result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------- many rounds


class Stats(dict):
    """The part of Scrapy's stats collector the schedule pipeline uses."""

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value


def rounds(db_url: str, counts: dict[str, int], n: int) -> Source:
    """``n`` crawls of one source that each saw ``counts``, through the schedule pipeline."""
    from scrapy.settings import Settings

    from crawler import settings as defaults
    from crawler.items import SourceDoneItem

    engine = open_database(db_url)
    with session_factory(engine).begin() as s:
        source = Source(home_url="http://blog.example/", added_at=datetime.now(UTC))
        s.add(source)
        s.flush()
        source_id = source.id
    stats = Stats()
    settings = Settings()
    settings.setmodule(defaults)
    settings.set("DOCLISTEN_DATABASE_URL", db_url)
    pipe = SchedulePipeline(settings, stats)
    pipe.open_spider()
    try:
        for _ in range(n):
            for name, value in counts.items():
                stats.set_value(stat_key(source_id, name), value)
            pipe.process_item(SourceDoneItem(source_id, datetime.now(UTC)))
    finally:
        pipe.close_spider()
    with session_factory(engine).begin() as s:
        row = s.get(Source, source_id)
        s.expunge(row)
    engine.dispose()
    return row


def test_a_blog_with_one_broken_page_stays_healthy_through_20_crawls(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    # a later crawl: the feed answered (1 request), the broken page's download was cancelled (1 error)
    row = rounds(sqlite_url, {"requests": 1, "errors": 1, "listing_read": 1}, 20)
    assert row.consecutive_failures == 0 and not row.disabled
    assert row.crawl_count == 20 and row.last_success_at is not None


def test_a_blog_with_an_unreadable_feed_is_disabled(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    # the feed was garbage (1 error); the homepage and a post were read through the archive fallback
    row = rounds(sqlite_url, {"requests": 3, "errors": 1, "listing_read": 0}, 10)
    assert row.consecutive_failures == 10 and row.disabled
    assert row.last_success_at is None
