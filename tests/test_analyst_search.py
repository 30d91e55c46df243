"""``doclisten search``: query semantics on the hand-made database, errors that point at the mistake,
and the index kept in sync by the storage pipeline when the sample site is crawled."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from pipelines.analyst.search import COLUMNS, search
from pipelines.exceptions import SourceError
from pipelines.store.db import open_database
from pipelines.store.models import Post
from pipelines.store.search_index import reindex_all
from tests.analyst_data import fill
from tests.conftest import SampleCrawl, run_cli


@pytest.fixture
def conn(db_url: str):  # type: ignore[no-untyped-def]
    fill(db_url)
    engine = open_database(db_url)
    with Session(engine) as s, s.begin():
        reindex_all(s)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def found(conn, query: str) -> list[tuple[int, int | None]]:  # type: ignore[no-untyped-def]
    return sorted(((h.post_id, h.comment_id) for h in search(conn, query)), key=lambda k: (k[0], k[1] or 0))


SEMANTICS = [
    ('"social media" AND roche', [(1, None)]),
    ('"social media"', [(1, None), (4, None)]),
    ("social media", [(1, None), (4, None)]),  # adjacent terms are ANDed
    ("abbott NOT libre", [(1, None), (3, None)]),
    ("abbott OR roche", [(1, None), (3, None), (4, None)]),
    ("(abbott OR insulin) AND NOT (sensors OR libre)", [(3, None), (3, 3)]),
    ("abbott NEAR/2 nothing", [(3, None)]),
    ("dexcom NEAR/1 abbott", []),  # three words apart
    ("dexcom NEAR/3 abbott", [(1, None)]),
    ("insul*", [(3, None), (3, 3)]),
    ("dexcom in:comments", [(1, 1), (1, 2)]),
    ("dexcom in:posts", [(1, None), (2, None)]),
    ("dexcom author:dan", [(1, 2)]),
    ('author:"ANN"', [(1, None), (2, None)]),
    ("source:2 abbott", [(3, None), (4, None)]),
    ('source:"blog 1" in:comments', [(1, 1), (1, 2)]),
    ("lang:en g7", [(2, None)]),
    ("lang:fr dexcom", []),
    ("DEXCOM AND sunday", []),
    ("pump", [(2, None)]),  # titles are searched too
]


@pytest.mark.parametrize(("query", "expected"), SEMANTICS)
def test_semantics(conn, query: str, expected: list) -> None:  # type: ignore[no-untyped-def]
    assert found(conn, query) == expected


def test_snippets_and_limit(conn) -> None:  # type: ignore[no-untyped-def]
    hits = list(search(conn, "abbott NEAR/2 nothing"))
    assert hits[0].snippet.endswith("Abbott said nothing.")
    assert len(list(search(conn, "dexcom", limit=2))) == 2


@pytest.mark.parametrize(
    ("query", "column"),
    [
        ("dexcom AND (roche", 18),
        ("dexcom )", 8),
        ('"social media AND roche', 1),
        ("dexcom and roche", 8),
        ("in:blogs dexcom", 4),
        ("x* dexcom", 1),
        ("dexcom AND", 11),
        ("dexcom author:", 15),
        ("source: dexcom", 8),
        ('dexcom author:""', 15),
        ("dexcom NEAR/x roche", 8),
        ("dexcom NEAR roche", 8),
        ("dexcom NEAR/0 roche", 8),
        ("dexcom NEAR/2 roche NEAR/0 sensors", 21),
        ("dexcom AND " + "(" * 2000 + "roche" + ")" * 2000, 12 + 100),
        ("dexcom " + "NOT " * 2000 + "roche", 8 + 4 * 100),
    ],
)
def test_malformed_query_says_where(sqlite_url: str, query: str, column: int) -> None:
    proc = run_cli("search", query, db=sqlite_url, check=False)
    assert proc.returncode == 1
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert f"at column {column}:" in message, message
    assert len(message) < 300, "a long query is shown cut around the mistake"


def test_a_source_reference_means_an_id_a_url_a_host_or_a_title(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        text("UPDATE sources SET home_url = 'http://127.0.0.1:8021/', title = 'Type 2 Talk' WHERE id = 1")
    )
    conn.execute(text("UPDATE sources SET home_url = 'http://www.blog2.test/' WHERE id = 2"))
    assert found(conn, "source:2 abbott") == [(3, None), (4, None)]  # not source 1, whose URL has a 2
    assert found(conn, "source:1 abbott") == [(1, None)]
    assert found(conn, "source:127.0.0.1 abbott") == [(1, None)]
    assert found(conn, "source:127.0.0.1:8021 abbott") == [(1, None)]
    assert found(conn, "source:blog2.test abbott") == [(3, None), (4, None)]  # a subdomain of the host
    assert found(conn, "source:http://www.blog2.test abbott") == [(3, None), (4, None)]
    assert found(conn, 'source:"type 2 talk" abbott') == [(1, None)]  # a title, ignoring case
    assert found(conn, "source:1 source:2 abbott") == [(1, None), (3, None), (4, None)]  # either
    for nothing in ("source:0.0.1", "source:talk", "source:blog2", "source:99"):
        with pytest.raises(SourceError, match="no source"):
            found(conn, f"{nothing} abbott")


def test_source_filters_of_export_and_report_follow_the_same_rule(sqlite_url: str) -> None:
    fill(sqlite_url)
    out = run_cli("export", "posts", "--source", "blog2.test", db=sqlite_url).stdout
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == ["3", "4"]
    out = run_cli("export", "mentions", "--source", "BLOG 1", db=sqlite_url).stdout
    assert {r["post_id"] for r in csv.DictReader(io.StringIO(out))} == {"1", "2"}
    assert "Share of voice (8 mentions)" in run_cli("report", "--source", "blog 1", db=sqlite_url).stdout
    assert "Share of voice (6 mentions)" in run_cli("report", "--source", "blog2.test", db=sqlite_url).stdout
    for command in (
        ["export", "posts", "--source", "99"],
        ["report", "--source", "x.test"],
        ["search", "source:99 a"],
    ):
        proc = run_cli(*command, db=sqlite_url, check=False)
        message = proc.stderr.strip()
        assert proc.returncode == 1 and len(message.splitlines()) == 1, message
        assert message.startswith("Error: no source "), message


def test_formats(sqlite_url: str) -> None:
    fill(sqlite_url)
    engine = open_database(sqlite_url)
    with engine.begin() as c:
        reindex_all(c)
    engine.dispose()
    rows = list(
        csv.DictReader(io.StringIO(run_cli("search", "abbott", "--format", "csv", db=sqlite_url).stdout))
    )
    assert [(r["kind"], r["post_id"]) for r in rows] == [("post", "3"), ("post", "4"), ("post", "1")]
    lines = run_cli("search", "insulin", "--format", "jsonl", db=sqlite_url).stdout.splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ["post", "comment"]
    table = run_cli("search", "dexcom", "--limit", "1", db=sqlite_url)
    assert table.stdout.splitlines()[0].split()[:3] == ["kind", "post_id", "comment_id"]
    assert "1 results (--limit 1)" in table.stderr


def test_times_are_iso_8601_utc_and_the_table_fits_the_terminal(db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fill(db_url)
    engine = open_database(db_url)
    with engine.begin() as c:
        reindex_all(c)
    engine.dispose()
    when = "2024-01-07T23:30:00+00:00"  # post 4
    rows = list(csv.DictReader(io.StringIO(run_cli("search", "libre", "--format", "csv", db=db_url).stdout)))
    assert [r["published_at"] for r in rows] == [when]
    lines = run_cli("search", "libre", "--format", "jsonl", db=db_url).stdout.splitlines()
    assert [json.loads(line)["published_at"] for line in lines] == [when]
    monkeypatch.setenv("COLUMNS", "120")
    lines = run_cli("search", "libre OR dexcom", db=db_url).stdout.splitlines()
    assert lines[0].split() == COLUMNS  # every column, none dropped
    assert max(map(len, lines)) <= 120, lines
    assert when in lines[2] and "…" in "".join(lines)  # long text is cut, times are not


@pytest.mark.slow
def test_index_follows_crawls_of_the_sample_site(sample_crawl: SampleCrawl) -> None:
    db_url = sample_crawl.db  # the session's crawl of the sample site (SQLite and PostgreSQL)
    engine = create_engine(make_url(db_url))
    with engine.connect() as c:
        posts = c.execute(select(Post.id, Post.title, Post.content_text)).all()
    engine.dispose()
    says_both = sorted(
        p.id for p in posts
        if re.search(r"\bsocial\W+media\b", f"{p.title}\n{p.content_text}", re.I)
        and re.search(r"\broche\b", f"{p.title}\n{p.content_text}", re.I)
    )  # fmt: skip
    assert says_both, "the sample site has posts saying both"
    out = run_cli("search", '"social media" AND roche', "--format", "csv", "--limit", "0", db=db_url).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(int(r["post_id"]) for r in rows if r["kind"] == "post") == says_both
    assert all(r["snippet"] for r in rows)
    out = run_cli(
        "search", 'roche NOT "social media" in:posts', "--format", "csv", "--limit", "0", db=db_url
    ).stdout
    roche_only = {int(r["post_id"]) for r in csv.DictReader(io.StringIO(out))}
    assert roche_only and not roche_only & set(says_both)
