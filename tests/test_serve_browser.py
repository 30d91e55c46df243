"""``doclisten serve`` in a real headless browser: Debian's chromium driven by Playwright (never
``playwright install``: no downloaded browser). The sample crawl is served once for the module, in a
subprocess on a free 127.0.0.1 port, as an analyst would run it.

Outside CI the tests skip when chromium or Playwright is missing; under ``CI=true`` they fail.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from pipelines.analyst.schema_doc import load
from pipelines.store.search_index import folded_words, post_text
from tests import forked_cli
from tests.conftest import SampleCrawl, launch

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
STARTUP_TIMEOUT = 120  # seconds: a safety net on a loaded machine, not a synchronisation
PAGE_TIMEOUT = 60_000  # ms


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI installs it: .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def sync_playwright() -> Any:
    if not Path(CHROMIUM).exists():
        _missing(f"no chromium at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed: pip install -e '.[test]'")
    return sync_playwright


@pytest.fixture(scope="module")
def browser(sync_playwright: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless chromium with a fresh profile."""
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(PAGE_TIMEOUT)
        try:
            yield context
        finally:
            context.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_answering(url: str, proc: forked_cli.Started | subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"doclisten serve exited with {proc.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)  # polling interval, not a synchronisation
    raise AssertionError(f"doclisten serve did not answer {url} within {STARTUP_TIMEOUT} s")


@pytest.fixture(scope="module")
def database(sample_crawl_sqlite: SampleCrawl) -> Path:
    return Path(make_url(sample_crawl_sqlite.db).database or "")


@pytest.fixture(scope="module")
def server(database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``doclisten serve`` on the sample crawl, in its own process; yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DOCLISTEN_DATABASE_URL"}
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    # its output to a file, not a pipe nobody reads: it could fill and block
    proc = launch("serve", str(database), "--port", str(port), env=env, out=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/-/versions.json", proc, log)
        assert log.read_text(encoding="utf-8").startswith(
            f"serving {database} read-only at http://127.0.0.1:"
        )
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read(database: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def cells(page: Any, column: str) -> list[str]:
    return [c.strip() for c in page.locator(f"table.rows-and-columns td.col-{column}").all_inner_texts()]


def test_home_page_lists_views_and_tables_with_descriptions(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "/")
    docs = load()
    views = page.locator("dl.doclisten-views")
    tables = page.locator("dl.doclisten-tables")
    for name in ("mentions_per_week", "share_of_voice_weekly", "mentions", "comment_activity"):
        link = views.locator(f'dt a[href="/doclisten/{name}"]')
        assert link.inner_text() == name
        description = link.locator("xpath=../following-sibling::dd[1]").inner_text()
        assert description == docs[name].description.replace("`", ""), name
    for name in ("posts", "comments", "keyword_matches", "sources"):
        assert tables.locator(f'dt a[href="/doclisten/{name}"]').count() == 1, name
    assert tables.locator('a[href="/doclisten/neardup_bands"]').count() == 0  # internal: hidden
    assert page.locator("dl.doclisten-queries dt a", has_text="Mentions over time").count() == 1
    page.goto(server + "/doclisten/posts")
    assert docs["posts"].description.split(" (")[0].replace("`", "") in page.inner_text(
        ".metadata-description"
    )


def test_canned_query_with_a_parameter(browser: Any, server: str, database: Path) -> None:
    (keyword,), *_ = read(database, "SELECT keyword FROM keyword_matches GROUP BY 1 ORDER BY sum(count) DESC")
    expected = read(
        database,
        "SELECT week, mentions FROM mentions_per_week WHERE keyword = ? ORDER BY week",
        (keyword,),
    )
    page = browser.new_page()
    page.goto(server + "/doclisten/mentions_over_time")
    page.fill('input[name="keyword"]', keyword)
    page.locator('form.sql input[type="submit"], form.sql button[type="submit"]').first.click()
    page.wait_for_url("**keyword=*")
    assert set(cells(page, "keyword")) == {keyword}
    assert list(zip(cells(page, "week"), map(int, cells(page, "mentions")), strict=True)) == expected
    # since/until narrow it
    since = expected[len(expected) // 2][0]
    page.fill('input[name="since"]', since)
    page.locator('form.sql input[type="submit"], form.sql button[type="submit"]').first.click()
    page.wait_for_url(f"**since={since}*")
    assert cells(page, "week") == [w for w, _ in expected if w >= since]


def test_search_finds_a_known_term(browser: Any, server: str, database: Path) -> None:
    expected = {
        title
        for title, body in read(database, "SELECT title, content_text FROM posts")
        if "glucagon" in folded_words(post_text(title, body)).split()
    }
    assert expected
    page = browser.new_page()
    page.goto(server + "/doclisten/posts?_size=max")
    page.fill('input[name="_search"]', "Glucagon")
    page.locator('form.filters input[type="submit"]').first.click()
    page.wait_for_url("**_search=Glucagon*")
    assert set(cells(page, "title")) == expected


def test_a_mention_links_to_its_post_and_comment(browser: Any, server: str, database: Path) -> None:
    (match_id, post_id, comment_id), *_ = read(
        database, "SELECT id, post_id, comment_id FROM keyword_matches WHERE comment_id IS NOT NULL"
    )
    (title,), *_ = read(database, "SELECT title FROM posts WHERE id = ?", (post_id,))
    page = browser.new_page()
    page.goto(f"{server}/doclisten/mentions?id={match_id}")  # the view, with its facets
    facets = page.locator(".facet-info").evaluate_all("els => els.map(e => e.dataset.column)")
    assert {"source_title", "keyword", "language", "mood"} <= set(facets)
    page.locator("td.col-comment_id a").click()
    assert page.url.endswith(f"/doclisten/comments/{comment_id}")
    page.goto(f"{server}/doclisten/keyword_matches?id={match_id}")  # the table: its foreign keys
    page.locator("td.col-post_id a").click()
    assert page.url.endswith(f"/doclisten/posts/{post_id}")
    assert title in page.inner_text("table.rows-and-columns")


def chart_pixels(png: bytes) -> int:
    """Pixels of the chart's image that are neither white nor a shade of grey (axes and grid)."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > 40).sum())


def test_the_chart_of_mentions_over_time_renders(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "/-/dashboards/mentions")
    chart = page.locator("#card-volume svg.marks")
    chart.wait_for()
    bars = chart.locator("g.mark-rect path")
    bars.first.wait_for()
    assert bars.count() > 10  # one per month and group with mentions
    assert chart_pixels(chart.screenshot()) > 1000  # drawn in colour, not a blank frame


def test_a_write_attempt_is_refused(browser: Any, server: str, database: Path) -> None:
    before = read(database, "SELECT count(*), max(title) FROM posts")
    page = browser.new_page()
    # what the SQL box sends (a GET of ?sql=, the box itself is a CodeMirror editor)
    page.goto(server + "/doclisten?" + urllib.parse.urlencode({"sql": "UPDATE posts SET title = 'written'"}))
    assert "Statement must be a SELECT" in page.inner_text("body")
    answers = page.evaluate(
        """async (urls) => Promise.all(urls.map(async (u) => {
            const r = await fetch(u, {method: 'POST', body: new URLSearchParams({keyword: 'x', title: 'y'})});
            return [r.status, await r.text()];
        }))""",
        [
            f"{server}/doclisten/mentions_over_time",
            f"{server}/doclisten/posts/-/insert",
            f"{server}/-/upload-csvs",
        ],
    )
    for status, body in answers:
        assert status == 405 and "read-only" in body
    for sql in ("SELECT 1; DELETE FROM posts", "PRAGMA query_only = OFF", "ATTACH 'x.db' AS x"):
        page.goto(f"{server}/doclisten.json?" + urllib.parse.urlencode({"sql": sql}))
        assert '"ok": false' in page.inner_text("body"), sql
    assert read(database, "SELECT count(*), max(title) FROM posts") == before


def test_screenshots(browser: Any, server: str, tmp_path: Path) -> None:
    """Pages as a person sees them (PNG files in the test's tmp directory)."""
    page = browser.new_page()
    shots = {
        "home": "/",
        "query": "/doclisten/mentions_over_time?keyword=Dexcom&group=&since=&until=",
        "search": "/doclisten/posts?_search=glucagon",
        "mentions": "/doclisten/mentions",
        "chart": "/-/dashboards/mentions",
    }
    for name, path in shots.items():
        page.goto(server + path)
        if name == "chart":
            page.locator("#card-volume svg.marks g.mark-rect path").first.wait_for()
            page.locator("#card-keywords svg.marks g.mark-rect path").first.wait_for()
        page.screenshot(path=str(tmp_path / f"serve-{name}.png"), full_page=True)
    for name in shots:
        assert (tmp_path / f"serve-{name}.png").stat().st_size > 10_000, name
