"""``doclisten export --format sqlite``: a snapshot of a SQLite or PostgreSQL database that ``serve`` opens."""

from __future__ import annotations

import sqlite3
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Table, select, text

from pipelines.store import snapshot as snapshot_module
from pipelines.store.db import head_revision, open_database, open_existing
from pipelines.store.models import Base
from tests.conftest import SampleCrawl, run_cli
from tests.test_analyst_export import _many_posts

VIEWS = ["mentions_per_week", "share_of_voice_weekly", "mentions_by_author", "comment_activity", "mentions"]


def rows(url: str, sql: str) -> list[tuple]:
    engine = open_existing(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def typed_rows(url: str, table: Table) -> list[tuple]:
    """Every row of ``table`` as the models read it (times, booleans and JSON the same on both backends)."""
    from pipelines.analyst.export import plain

    engine = open_existing(url)
    try:
        with engine.connect() as conn:
            result = conn.execute(select(table).order_by(*table.primary_key.columns))
            return [tuple(plain(v) for v in r) for r in result]
    finally:
        engine.dispose()


def comparable(value: object) -> object:
    """A view's value on either backend: times as ISO text, numbers (PostgreSQL's numeric too) as floats."""
    from pipelines.analyst.export import plain

    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return round(float(value), 9)
    return plain(value)


def plain_rows(url: str, sql: str) -> list[tuple]:
    return [tuple(comparable(v) for v in r) for r in rows(url, sql)]


def test_snapshot_has_every_row_view_and_the_search_index(
    sample_crawl: SampleCrawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot_module, "BATCH", 7)  # many batches per table, as a big database would have
    target = tmp_path / "snapshot.db"
    result = run_cli("export", "--format", "sqlite", str(target), db=sample_crawl.db)
    assert f"doclisten serve {target}" in result.stderr
    copy = f"sqlite:///{target}"
    for table in Base.metadata.sorted_tables:
        assert typed_rows(copy, table) == typed_rows(sample_crawl.db, table), table.name
    assert rows(copy, "SELECT count(*) FROM posts")[0][0] > 20
    for view in VIEWS:
        sql = f"SELECT * FROM {view} ORDER BY 1, 2, 3, 4"
        assert plain_rows(copy, sql) == plain_rows(sample_crawl.db, sql), view
    # the search index is rebuilt (FTS5 in the copy, whatever the source had): same hits as on the source
    for query in ("glucagon", "insulin in:comments", "dexcom NOT g7"):
        found = run_cli("search", query, "--format", "csv", "--limit", "0", db=copy).stdout
        assert found == run_cli("search", query, "--format", "csv", "--limit", "0", db=sample_crawl.db).stdout
        assert found.count("\n") > 1 or query != "glucagon", query
    assert rows(copy, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert not Path(f"{target}-wal").exists()  # one self-contained file
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.db"]  # no partial or lock file left


def test_a_second_export_replaces_the_file_and_the_database_itself_is_refused(
    sample_crawl_sqlite: SampleCrawl, tmp_path: Path
) -> None:
    target = tmp_path / "snapshot.db"
    target.write_text("an older snapshot")
    run_cli("export", "--format", "sqlite", "-o", str(target), "ignored-kind", db=sample_crawl_sqlite.db)
    assert sqlite3.connect(target).execute("SELECT count(*) FROM posts").fetchone()[0] > 20
    own = sample_crawl_sqlite.db.removeprefix("sqlite:///")
    refused = run_cli("export", "--format", "sqlite", own, db=sample_crawl_sqlite.db, check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"Error: {own} is the database being exported: choose another file"
    filtered = run_cli(
        "export",
        "--format",
        "sqlite",
        str(target),
        "--keyword",
        "Dexcom",
        db=sample_crawl_sqlite.db,
        check=False,
    )
    assert filtered.returncode == 2 and "takes no filters" in filtered.stderr


def test_kind_is_still_checked_for_the_other_formats(sample_crawl_sqlite: SampleCrawl) -> None:
    result = run_cli("export", "post", db=sample_crawl_sqlite.db, check=False)
    assert result.returncode == 2 and "'post' is not one of posts, comments, mentions" in result.stderr


def test_memory_does_not_grow_with_rows(sqlite_url: str, tmp_path: Path) -> None:
    n = 20_000
    _many_posts(sqlite_url, n)  # ~20 MB of post text
    engine = open_database(sqlite_url)
    target = tmp_path / "big-snapshot.db"
    try:
        with engine.connect() as conn:
            tracemalloc.start()
            counts = snapshot_module.snapshot(conn, target)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    finally:
        engine.dispose()
    assert counts["posts"] == n
    assert sqlite3.connect(target).execute("SELECT count(*) FROM search_posts").fetchone()[0] == n
    assert peak < 8_000_000, peak


def test_the_snapshot_is_one_moment_of_a_database_being_written(db_url: str, tmp_path: Path) -> None:
    """A crawl that stores a post and its comment while the export runs: the snapshot has neither (it reads
    one snapshot of the database), rather than the comment without its post."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from pipelines.store.models import Comment, Post
    from tests.analyst_data import fill

    fill(db_url)
    reader, writer = open_existing(db_url), open_database(db_url)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    written: list[str] = []

    def crawl_meanwhile(table: str, _n: int) -> None:  # called between the batches of the copy
        if written:
            return
        written.append(table)
        with writer.begin() as conn:
            conn.execute(insert(Post).values(id=900, source_id=1, url="http://blog1.test/new", title="new",
                                             content_hash="new", first_seen_at=now, last_seen_at=now,
                                             last_changed_at=now))  # fmt: skip
            conn.execute(insert(Comment).values(id=900, post_id=900, dedup_key="new", content_text="new",
                                                content_hash="new", via="html", first_seen_at=now,
                                                last_seen_at=now))  # fmt: skip

    target = tmp_path / "snapshot.db"
    try:
        with reader.connect() as conn:
            before = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("posts", "comments")
            }
            counts = snapshot_module.snapshot(conn, target, crawl_meanwhile)
    finally:
        reader.dispose()
        writer.dispose()
    assert written == ["sources"]  # the crawl committed before posts and comments were copied
    assert {t: counts[t] for t in before} == before
    copied = sqlite3.connect(target)
    assert copied.execute("SELECT count(*) FROM posts WHERE id = 900").fetchone() == (0,)
    assert copied.execute("SELECT count(*) FROM comments WHERE id = 900").fetchone() == (0,)
    copied.close()
