"""``doclisten serve`` without a browser: its metadata follows docs/schema.md, its canned queries give what
the views hold, and a database it cannot serve gets one line. The browser tests are test_serve_browser.py."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from doclisten.commands.serve import is_loopback
from pipelines.analyst import schema_doc
from pipelines.analyst.serve_metadata import QUERIES, metadata
from pipelines.store.db import open_database
from tests.conftest import SampleCrawl, run_cli

ROOT = Path(__file__).resolve().parents[1]


def test_descriptions_are_generated_from_docs_schema_md() -> None:
    """One source of truth: schema_doc.json is what docs/schema.md says (regenerate it when this fails:
    ``python -m pipelines.analyst.schema_doc docs/schema.md``)."""
    documented = schema_doc.parse((ROOT / "docs" / "schema.md").read_text(encoding="utf-8"))
    assert schema_doc.to_json(documented) == schema_doc.JSON_FILE.read_text(encoding="utf-8")
    assert documented["posts"].columns["duplicate_of"].startswith("the earliest post")
    assert documented["mentions_per_week"].description == (
        "Mentions of each keyword per week (weeks start on Monday)."
    )


def test_every_table_and_view_has_its_description(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    conn = sqlite3.connect(make_url(sqlite_url).database or "")
    names = dict(
        conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()
    )
    fts_shadows = {n for n in names if re.fullmatch(r"search_(posts|comments)_\w+", n)}
    shown = set(names) - fts_shadows - {"alembic_version"}
    actual = {n: {r[1] for r in conn.execute(f'PRAGMA table_info("{n}")')} for n in shown}
    conn.close()
    meta = metadata(names)
    tables = meta["databases"]["doclisten"]["tables"]
    for name in shown:
        assert tables[name]["description_html"], name
        assert set(tables[name]["columns"]) == actual[name], name
    home = meta["description_html"]
    for name in ("mentions_per_week", "mentions", "comment_activity", "posts", "keyword_matches"):
        assert f'<a href="/doclisten/{name}">{name}</a>' in home, name
    assert "Mentions of each keyword per week (weeks start on Monday)." in home
    assert not any(q.get("write") for q in meta["databases"]["doclisten"]["queries"].values())


def canned(db: Path, name: str, **params: str) -> list[tuple]:
    """Run a canned query as Datasette does (named parameters, empty for a blank field)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        values = {p: params.get(p, "") for p in ("keyword", "group", "since", "until")}
        return conn.execute(QUERIES[name]["sql"], values).fetchall()
    finally:
        conn.close()


def test_canned_queries_filter_the_views(sample_crawl_sqlite: SampleCrawl) -> None:
    db = Path(make_url(sample_crawl_sqlite.db).database or "")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    everything = conn.execute(
        "SELECT week, keyword_group, keyword, mentions FROM mentions_per_week"
    ).fetchall()
    (keyword, group), *_ = conn.execute(
        "SELECT keyword, keyword_group FROM keyword_matches GROUP BY 1, 2 ORDER BY sum(count) DESC"
    ).fetchall()
    conn.close()
    for name in QUERIES:
        assert canned(db, name) or name == "busiest_threads", name  # every query runs, unfiltered
    rows = canned(db, "mentions_over_time")
    assert sorted(r[:3] + (r[3],) for r in rows) == sorted(everything)
    only = canned(db, "mentions_over_time", keyword=keyword)
    assert only and {r[2] for r in only} == {keyword}
    assert sum(r[3] for r in only) == sum(r[3] for r in everything if r[2] == keyword)
    weeks = sorted(r[0] for r in only)
    since, until = weeks[0], weeks[-1]
    if len(weeks) > 2:
        since = weeks[1]
    windowed = canned(db, "mentions_over_time", keyword=keyword, since=since, until=until)
    assert [r[0] for r in windowed] == [w for w in weeks if since <= w <= until]
    assert {r[2] for r in canned(db, "top_sources", group=group)} == {group}


def test_a_database_it_cannot_serve_gets_one_line(tmp_path: Path, sample_crawl_sqlite: SampleCrawl) -> None:
    missing = tmp_path / "nothing.db"
    result = run_cli("serve", str(missing), db=sample_crawl_sqlite.db, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: no doclisten database at {missing}: crawl one (`doclisten demo`) or pass its file"
    ]
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just some text that is long enough " * 20)
    result = run_cli("serve", str(text), db=sample_crawl_sqlite.db, check=False)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "is not a doclisten database" in result.stderr
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE things (id INTEGER)").connection.close()
    result = run_cli("serve", str(other), db=sample_crawl_sqlite.db, check=False)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "(it has no doclisten schema)" in result.stderr, result.stderr


def test_postgresql_is_served_through_a_snapshot(pg_url: str) -> None:
    result = run_cli("serve", db=pg_url, check=False)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "run `doclisten export --format sqlite snapshot.db` first" in result.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("192.168.1.10", False), ("::", False), ("example.org", False)],
)  # fmt: skip
def test_only_loopback_is_quiet(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_exposing_it_prints_a_warning(
    host: str, sample_crawl_sqlite: SampleCrawl, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What serve binds to (the server itself is not started here: the browser tests run it)."""
    import doclisten.commands.serve as body

    started: list[tuple[Path, str, int]] = []
    monkeypatch.setattr(body, "serve", lambda path, h, port: started.append((path, h, port)))
    args = ["serve", "--port", "8123"] + (["--host", host] if host != "127.0.0.1" else [])
    result = run_cli(*args, db=sample_crawl_sqlite.db)
    database = Path(make_url(sample_crawl_sqlite.db).database or "")
    assert started == [(database, host, 8123)]
    warned = "warning: listening on 0.0.0.0: anyone who can reach this machine can read the whole database"
    assert (warned in result.stderr) is (host == "0.0.0.0")
    assert f"serving {database} read-only at http://{host}:8123/" in result.stderr
