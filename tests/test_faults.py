"""The fault suite: one crawl of every misbehaving blog of ``tests/faults.py`` with a healthy blog alongside,
then what each fault left behind: the crawl finishes in bounded time, each fault is a recorded one-line
error (or is survived without one), nothing grows without bound, and the healthy blog is complete.

Timeouts and the size limit are lowered with ``doclisten crawl -s NAME=VALUE`` to keep the suite fast.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, select

from crawler import settings as defaults
from crawler.middlewares.charset import decode_body, needs_decoding
from crawler.urls import canonical_url
from pipelines.store.models import FetchError, Post, Source
from tests.conftest import FAST, run_cli
from tests.faults import ENCODED, FEED_ONLY_TITLE, FaultSite

MAXSIZE = 1_000_000
# long enough for a connection to a local server to be made on a loaded machine (else a read timeout would
# be recorded as a connect timeout), short enough for the hanging pages to end the crawl soon
TIMEOUT = 5
MAX_PAGES = 4
TUNING = ["-s", f"DOWNLOAD_TIMEOUT={TIMEOUT}", "-s", f"DOWNLOAD_MAXSIZE={MAXSIZE}"]
RETRIES = defaults.RETRY_TIMES
MOJIBAKE = re.compile("[\u0080-\u009f\ufffd]|Ã|Â|â€")


@pytest.fixture(scope="module")
def site():  # type: ignore[no-untyped-def]
    with FaultSite(maxsize=MAXSIZE) as fault_site:
        yield fault_site


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path_factory.mktemp('faults') / 'doclisten.db'}"


@pytest.fixture(scope="module")
def engine(db):  # type: ignore[no-untyped-def]
    eng = create_engine(db)
    yield eng
    eng.dispose()


@dataclass
class CrawlRun:
    result: Any
    seconds: float


@pytest.fixture(scope="module")
def crawl(site, db) -> CrawlRun:  # type: ignore[no-untyped-def]
    homes = [site.home(key) for key in site.blogs]
    added = run_cli("sources", "add", *homes, *FAST, db=db)
    assert added.stdout.count("added source") == len(homes), added.stdout + added.stderr
    started = time.monotonic()
    result = run_cli("crawl", *FAST, *TUNING, "--max-backfill-pages", str(MAX_PAGES), db=db, timeout=150)
    return CrawlRun(result, time.monotonic() - started)


@dataclass
class Outcome:
    source: Any
    posts: dict[str, Any]  # by path
    errors: dict[str, str]  # path -> error


def outcome(engine, site: FaultSite, key: str) -> Outcome:  # type: ignore[no-untyped-def]
    base = site.home(key)
    with engine.connect() as conn:
        source = conn.execute(select(Source).where(Source.home_url == canonical_url(base))).one()
        posts = conn.execute(select(Post).where(Post.source_id == source.id)).all()
        errors = conn.execute(select(FetchError).where(FetchError.source_id == source.id)).all()
    return Outcome(
        source,
        {p.url.removeprefix(base.rstrip("/")): p for p in posts},
        {urlsplit(e.url).path: e.error for e in errors},
    )


def slugs(out: Outcome) -> set[str]:
    return {path.strip("/").split("/")[-1] for path in out.posts}


# ---------------------------------------------------------------------------------------------- the crawl


@pytest.mark.slow
def test_crawl_finishes_in_bounded_time(crawl, site) -> None:  # type: ignore[no-untyped-def]
    assert crawl.result.returncode == 0
    assert crawl.seconds < 90, f"the crawl took {crawl.seconds:.0f}s"
    assert "Traceback" not in crawl.result.stderr, crawl.result.stderr
    assert len(site.requests) < 400  # nothing unbounded


@pytest.mark.slow
def test_healthy_blog_is_complete(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "healthy")
    assert slugs(out) == {"first-pump", "sensor-day", "a1c-results"}
    assert out.errors == {} and out.source.last_error is None
    assert all(p.content_text and p.published_at for p in out.posts.values())


@pytest.mark.slow
def test_errors_are_one_line(crawl, engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        errors = conn.execute(select(FetchError.error)).scalars().all()
        last = conn.execute(select(Source.last_error).where(Source.last_error.is_not(None))).scalars().all()
    assert errors and last
    for message in [*errors, *last]:
        assert "\n" not in message and len(message) < 700, message


@pytest.mark.slow
def test_http_500_is_retried_then_recorded(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "errors")
    assert out.errors == {"/2024/01/broken/": "HTTP 500"}
    assert site.hits("errors", "/2024/01/broken/") == 1 + RETRIES
    assert slugs(out) == {"fine-post", "flaky"}  # flaky answered 500 once, then its page
    assert out.source.last_error is None  # a page's error: the feed was read, the crawl did not fail
    assert out.source.consecutive_failures == 0


@pytest.mark.slow
def test_429_and_503_wait_out_retry_after(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "throttled")
    assert slugs(out) == {"calm-post", "busy-429", "busy-503"}
    assert out.errors == {}
    for path in ("/2024/01/busy-429/", "/2024/01/busy-503/"):
        first, second = site.times("throttled", path)
        assert second - first >= 0.9  # Retry-After: 1


@pytest.mark.slow
def test_timeouts_are_recorded(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "slow")
    assert slugs(out) == {"quick-post"}
    assert set(out.errors) == {"/2024/01/slow-drip/", "/2024/01/read-timeout/", "/2024/01/connect-timeout/"}
    for path in ("/2024/01/slow-drip/", "/2024/01/read-timeout/"):
        assert f"took longer than {TIMEOUT}" in out.errors[path]
        assert site.hits("slow", path) <= 1 + RETRIES
    assert "Timeout" in out.errors["/2024/01/connect-timeout/"]


@pytest.mark.slow
def test_size_limit_stops_bombs_and_huge_pages(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "huge")
    assert slugs(out) == {"small-post"}
    assert set(out.errors) == {"/2024/01/gzip-bomb/", "/2024/01/oversize/", "/2024/01/oversize-stream/"}
    assert "DOWNLOAD_MAXSIZE" in out.errors["/2024/01/gzip-bomb/"]
    assert "max size" in out.errors["/2024/01/oversize/"]
    assert "DOWNLOAD_MAXSIZE" in out.errors["/2024/01/oversize-stream/"]


@pytest.mark.slow
def test_redirect_loops_stop_at_redirect_max_times(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "loops")
    assert slugs(out) == {"straight-post"}
    assert set(out.errors) == {"/2024/01/redirect-loop/", "/2024/01/redirect-chain/"}
    assert all("too many redirects" in e for e in out.errors.values())
    limit = defaults.REDIRECT_MAX_TIMES
    assert site.hits("loops", "/2024/01/redirect-loop/") + site.hits("loops", "/loop/b/") == limit + 1
    hops = [p for p in site.paths("loops") if p.startswith("/hop/")]
    assert hops == [f"/hop/{n}/" for n in range(1, limit + 1)]


@pytest.mark.slow
def test_infinite_pagination_stops_at_backfill_max_pages(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    pages = [p for p in site.paths("endless") if p.startswith("/page/")]
    assert pages == [f"/page/{n}/" for n in range(2, MAX_PAGES + 1)]
    assert slugs(outcome(engine, site, "endless")) == {f"endless-{n}" for n in range(1, MAX_PAGES + 1)}
    calendar = list(site.paths("calendar"))
    assert len([p for p in calendar if p.startswith("/feed/")]) == MAX_PAGES  # rel=next forever
    assert len([p for p in calendar if p.startswith("/archive/")]) == MAX_PAGES - 1  # "Older posts" forever


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "error", "stored"),
    [
        ("malformed", None, {"malformed-1", "malformed-2"}),  # feedparser's lenient parser reads it
        ("truncated", None, {"truncated-1", "truncated-2", "truncated-3"}),  # cut entry: from the archive
        ("dropped", "connection closed before the whole response", {"dropped-1", "dropped-2"}),
        ("empty", "feed unreadable: empty body", {"empty-1", "empty-2"}),
        (
            "htmlfeed",
            "feed unreadable: not a feed: the server sent an HTML page",
            {"htmlfeed-1", "htmlfeed-2"},
        ),
        ("feedashtml", None, {"feedashtml-1", "feedashtml-2"}),  # a feed served as text/html is still a feed
        ("binary", "feed unreadable: not a feed: binary data", {"binary-1"}),
    ],
)
def test_broken_feeds_fall_back_to_the_archive(crawl, engine, site, key, error, stored) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, key)
    assert slugs(out) == stored  # htmlfeed-3 (a feed as text/html) and binary-2/3 (garbage) are no posts
    if error is None:
        assert out.errors == {}
    else:
        assert list(out.errors) == ["/feed/"] and error in out.errors["/feed/"]
        assert error in out.source.last_error


@pytest.mark.slow
def test_truncated_entry_is_not_the_feed_itself(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "truncated")
    assert "/feed/" not in out.posts
    assert site.hits("truncated", "/feed/") == 1


@pytest.mark.slow
def test_duplicate_guids_give_one_post(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "dupes")
    assert sorted(p.title for p in out.posts.values()) == ["Same GUID", "Shared GUID one", "Shared GUID two"]
    assert "/2024/01/same-guid/" in out.posts  # the first entry with that GUID and title wins
    assert site.hits("dupes", "/2024/01/same-guid-copy/") == 0
    assert site.hits("dupes", "/2024/01/same-guid/") == 1


@pytest.mark.slow
def test_future_and_unparseable_dates(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "dates")
    by_slug = {path.strip("/").split("/")[-1]: p for path, p in out.posts.items()}
    assert {"future", "far-future", "no-date", "bad-date", "normal"} <= set(by_slug)
    assert by_slug["normal"].published_at == datetime(2024, 1, 2, 10, 0)
    for slug in ("no-date", "bad-date"):
        assert by_slug[slug].published_at is None
    horizon = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
    for slug in ("future", "far-future"):  # year 2999 and 9999: not publication dates
        assert by_slug[slug].published_at is None or by_slug[slug].published_at <= horizon
    # 9999-12-31 in UTC-12 overflows: stored without a date, or (an extraction bug) recorded as an error
    assert "overflow" in by_slug or "OverflowError" in out.errors.get("/2024/01/overflow/", "")


@pytest.mark.slow
def test_mis_declared_encodings_are_readable(crawl, engine, site) -> None:  # type: ignore[no-untyped-def]
    out = outcome(engine, site, "encodings")
    by_slug = {path.strip("/").split("/")[-1]: p for path, p in out.posts.items()}
    for slug, (title, text, *_how) in ENCODED.items():
        assert by_slug[slug].title == title, slug
        assert text in by_slug[slug].content_text, slug
    assert by_slug["feed-title"].title == FEED_ONLY_TITLE  # from a Windows-1252 feed that says UTF-8
    for post in out.posts.values():
        assert not MOJIBAKE.search(post.title + post.content_text), post.url


@pytest.mark.slow
def test_second_crawl_survives_every_fault(crawl, engine, site, db) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        before = conn.execute(select(Post.url)).scalars().all()
    started = time.monotonic()
    again = run_cli("crawl", *FAST, *TUNING, db=db, timeout=150)
    assert time.monotonic() - started < 90
    with engine.connect() as conn:
        after = conn.execute(select(Post.url)).scalars().all()
        disabled = conn.execute(select(Source.id).where(Source.disabled.is_(True))).scalars().all()
    assert sorted(after) == sorted(before)  # nothing lost, nothing duplicated, no endless walk
    assert [p for p in site.paths("endless") if p.startswith("/page/")] == [
        f"/page/{n}/" for n in range(2, MAX_PAGES + 1)
    ]  # a later crawl stops at the first archive page with a known post
    assert disabled == []
    assert "Traceback" not in again.stderr


# ---------------------------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        ("Café".encode("latin-1"), ["utf-8"], "Café"),  # Latin-1 bytes declared UTF-8
        ("Déjà".encode(), ["cp1252"], "Déjà"),  # UTF-8 declared ISO-8859-1 (w3lib: cp1252)
        ("“quoted”".encode("cp1252"), ["cp1252"], "“quoted”"),
        ("“quoted”".encode("cp1252"), [None, None], "“quoted”"),  # nothing declared
        (
            "naïve “x”".encode().replace("“".encode(), b"\x93").replace("”".encode(), b"\x94"),
            ["utf-8"],
            "naïve “x”",
        ),
        ("Łódź".encode("iso-8859-2"), ["iso8859-2"], "Łódź"),  # a right declaration is kept
        ("日本".encode("utf-16-le"), ["utf-16-le"], "日本"),
        (b"\xef\xbb\xbfBOM \xc3\xa9", ["cp1252"], "BOM é"),
        (b"\x81\x8d", [], "\x81\x8d"),  # bytes Windows-1252 leaves undefined
    ],
)
def test_decode_body(body: bytes, declared: list, expected: str) -> None:
    assert decode_body(body, declared)[0] == expected


def test_needs_decoding_only_when_a_reader_would_go_wrong() -> None:
    assert not needs_decoding(b"plain ascii", ["cp1252"])
    assert not needs_decoding("é".encode(), ["utf-8", None])
    assert needs_decoding("é".encode(), ["cp1252"])
    assert needs_decoding("é".encode("latin-1"), ["utf-8"])


@pytest.mark.parametrize("pair", ["lower=1", "DOWNLOAD_TIMEOUT", "A-B=1"])
def test_set_option_refuses_bad_names(pair: str, sqlite_url: str) -> None:
    result = run_cli("crawl", "-s", pair, db=sqlite_url, check=False, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: --set {pair!r}: expected NAME=VALUE with an UPPER_CASE setting name"
    ]


def test_set_option_refuses_settings_with_their_own_option(sqlite_url: str) -> None:
    result = run_cli("crawl", "-s", "DOCLISTEN_DATABASE_URL=sqlite:///other.db", db=sqlite_url, check=False)
    assert result.returncode == 1 and "--database-url" in result.stderr
