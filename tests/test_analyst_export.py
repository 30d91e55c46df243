"""``doclisten export``: CSV/JSONL/Parquet round-trips, filters, quoting, streaming memory."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from pipelines.analyst.export import columns, export
from pipelines.analyst.filters import Filters
from pipelines.store.db import open_database
from pipelines.store.models import Post, Source
from tests.analyst_data import POSTS, fill
from tests.conftest import run_cli


def test_csv_round_trip_with_quoting(db_url: str) -> None:
    fill(db_url)
    out = run_cli("export", "posts", db=db_url).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == columns("posts")
    assert [r["content_text"] for r in rows] == [p[5] for p in POSTS]  # commas, quotes, newlines survive
    assert rows[0]["published_at"] == "2024-01-01T10:00:00+00:00"
    assert rows[0]["source_title"] == "Blog 1"


def test_jsonl_and_filters(db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fill(db_url)
    target = tmp_path / "m.jsonl"
    run_cli("export", "mentions", "--format", "jsonl", "--keyword", "dexcom", "--until", "2024-01-07",
            "-o", str(target), db=db_url)  # fmt: skip
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert [(r["post_id"], r["comment_id"], r["count"]) for r in rows] == [
        (1, None, 2),
        (1, 1, 1),
        (2, None, 1),
    ]
    out = run_cli("export", "comments", "--group", "topic", db=db_url).stdout
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == ["3"]
    out = run_cli("export", "posts", "--source", "2", "--since", "2024-01-08", db=db_url).stdout
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == ["3"]


def test_parquet(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    fill(sqlite_url)
    target = tmp_path / "c.parquet"
    run_cli("export", "comments", "--format", "parquet", "-o", str(target), db=sqlite_url)
    table = pq.read_table(target)
    assert table.column_names == columns("comments")
    assert table.column("author").to_pylist() == ["cat", "dan", "cat"]
    assert table.column("published_at").to_pylist()[0] == datetime(2024, 1, 2, 10, tzinfo=UTC)


def test_parquet_needs_a_file_and_bad_dates_are_one_line(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()  # an empty doclisten database (reads never create one)
    proc = run_cli("export", "posts", "--format", "parquet", db=sqlite_url, check=False)
    assert (
        proc.returncode == 1
        and proc.stderr.strip() == "Error: --format parquet needs an output file: -o FILE.parquet"
    )
    proc = run_cli("export", "posts", "--since", "yesterday", db=sqlite_url, check=False)
    assert (
        proc.returncode == 1 and "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    )


def _many_posts(url: str, n: int) -> None:
    engine = open_database(url)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    body = 'Dexcom, "quoted"\nline ' * 20
    with engine.begin() as conn:
        conn.execute(insert(Source), [{"id": 1, "home_url": "http://big.test/", "added_at": start}])
        for base in range(0, n, 5000):
            conn.execute(
                insert(Post),
                [
                    {"source_id": 1, "url": f"http://big.test/{i}", "title": f"t{i}", "content_text": body,
                     "content_hash": str(i), "published_at": start + timedelta(minutes=i),
                     "first_seen_at": start, "last_seen_at": start, "last_changed_at": start}
                    for i in range(base, min(n, base + 5000))
                ],
            )  # fmt: skip
    engine.dispose()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_memory_does_not_grow_with_rows(sqlite_url: str, tmp_path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    n = 50_000
    _many_posts(sqlite_url, n)
    engine = open_database(sqlite_url)
    target = tmp_path / f"big.{fmt}"
    try:
        with engine.connect() as conn, open(target, "w", encoding="utf-8", newline="") as out:
            tracemalloc.start()
            written = export(conn, "posts", fmt, Filters(), out, None)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    finally:
        engine.dispose()
    assert written == n
    assert target.stat().st_size > 20_000_000  # the rows (~20 MB of text) never sit in memory together
    assert peak < 8_000_000, peak
