"""The store's shape: migrations run no live code, only ``pipelines/store/`` knows tables, the items carry
their annotations in a declared field, and every stats counter the code uses is declared in the contract."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import re
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from sqlalchemy import Connection, text

from crawler.discovery import Discovery
from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostItem
from crawler.stats import SOURCE_STATS, TOTAL_STATS
from pipelines.store import search_index
from pipelines.store.comments import upsert_comments
from pipelines.store.crawls import SUMMARY_COLUMNS
from pipelines.store.db import open_database, session_factory
from pipelines.store.posts import upsert_post
from pipelines.store.sources import add_source

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "pipelines" / "store" / "migrations" / "versions"
OUR_PACKAGES = {"doclisten", "crawler", "pipelines", "scheduler", "tests"}


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (imports inside functions count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
    return found


def live_imports(path: Path) -> set[str]:
    return {m for m in imported_modules(path) if m.startswith(".") or m.split(".")[0] in OUR_PACKAGES}


def test_migrations_import_no_live_code() -> None:
    migrations = sorted(VERSIONS.glob("*.py"))
    assert len(migrations) >= 5
    found = {p.name: live_imports(p) for p in migrations}
    assert {name: mods for name, mods in found.items() if mods} == {}


def test_the_guard_sees_imports_inside_functions(tmp_path: Path) -> None:
    migration = tmp_path / "0099_example.py"
    migration.write_text("def upgrade():\n    from pipelines.store.search_index import reindex_all\n")
    assert live_imports(migration) == {"pipelines.store.search_index"}


def load_migration(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"migration_{name}", VERSIONS / name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_0005_folds_text_as_the_index_did_at_its_revision() -> None:
    """Its frozen copy agrees with today's index. If the live folding changes on purpose, the index needs a
    new migration that refills it; 0005 itself must keep doing what it did."""
    frozen = load_migration("0005_search_index.py")
    samples = [
        "Accu-Chek Guide #T1D, ACCU CHEK, accu–chek!",
        "Straße, naïve café, Ǆemal, ﬁnally, ½ dose, x² … “quoted” — dash",
        "e\u0301t\u00e9 \u00a0 tabs\tand\nlines  ",
        "",
        None,
        "日本語のテキストと한국어, ＃ＦＵＬＬＷＩＤＴＨ",
    ]
    assert [frozen.folded_words(s) for s in samples] == [search_index.folded_words(s) for s in samples]


def index_rows(conn: Connection) -> list[tuple]:
    posts = conn.execute(text("SELECT post_id, CAST(body AS TEXT) FROM search_posts ORDER BY post_id"))
    comments = conn.execute(
        text("SELECT comment_id, post_id, CAST(body AS TEXT) FROM search_comments ORDER BY comment_id")
    )
    return [*posts.all(), *comments.all()]


def test_migration_0005_fills_the_index_like_the_live_reindex(db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    frozen = load_migration("0005_search_index.py")
    monkeypatch.setattr(frozen, "BATCH", 7)  # several batches of each table
    monkeypatch.setattr(search_index, "BATCH", 7)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    engine = open_database(db_url)
    try:
        with session_factory(engine).begin() as s:
            source_id = add_source(s, Discovery("https://blog.example/"), now)[0].id
            for n in range(20):
                url = f"https://blog.example/{n}/"
                title = None if n % 5 == 0 else f"Accu-Chek #{n}: naïve Straße"
                body = f"Post {n} about the Dexcom G7 — “sensor” ½ day, ﬁnally."
                post_id, _ = upsert_post(
                    s, PostItem(source_id, url, url, "generic", title, None, now, None, body), now
                )
                upsert_comments(
                    s, post_id, [ExtractedComment(f"Comment {n}: café #T1D", external_id="1")], now
                )
        with engine.begin() as conn:
            search_index.reindex_all(conn)
            live = index_rows(conn)
            conn.execute(text("DELETE FROM search_posts"))
            conn.execute(text("DELETE FROM search_comments"))
            frozen._fill(conn)
            refilled = index_rows(conn)
    finally:
        engine.dispose()
    assert len(live) == 40 and refilled == live


# --------------------------------------------------------------------------- tables

TABLE_SQL = re.compile(r"^\s*from sqlalchemy import .*\b(select|insert|update|delete)\b", re.MULTILINE)
MODELS = re.compile(
    r"^\s*(from pipelines\.store\.models import|import pipelines\.store\.models)", re.MULTILINE
)
# read-only analyst queries document the views and tables they read (pipelines/analyst/)
READERS = ("pipelines/store/", "pipelines/analyst/")


def test_only_the_store_knows_tables_in_pipelines() -> None:
    offenders = []
    for path in sorted((ROOT / "pipelines").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(READERS):
            continue
        source = path.read_text(encoding="utf-8")
        if TABLE_SQL.search(source) or MODELS.search(source):
            offenders.append(rel)
    assert offenders == []


def test_the_schedule_pipeline_writes_sources_through_the_store() -> None:
    source = (ROOT / "scheduler" / "pipeline.py").read_text(encoding="utf-8")
    assert not TABLE_SQL.search(source)


# --------------------------------------------------------------------------- items and stats


def test_items_declare_their_annotations() -> None:
    for kind in (PostItem, CommentsItem):
        assert "annotations" in {f.name for f in dataclasses.fields(kind)}
    for path in (ROOT / "pipelines").rglob("*.py"):
        assert "__dict__" not in path.read_text(encoding="utf-8"), path


COUNTER = re.compile(r"\b(stat_key|total_key|self\.count|self\._inc)\((?:[^,()]+,\s*)?\"(\w+)\"")
COUNTS = re.compile(r"\b(counts)\[[^,\[\]]+,\s*\"(\w+)\"\]")  # the storage writer's per-source counts


def test_every_counter_used_is_declared_in_the_stats_contract() -> None:
    used: dict[str, set[str]] = {}
    for package in ("crawler", "pipelines", "scheduler", "doclisten"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for func, name in COUNTER.findall(text) + COUNTS.findall(text):
                used.setdefault(func, set()).add(name)
    per_source = set().union(*(used.get(f, set()) for f in ("stat_key", "self.count", "self._inc", "counts")))
    assert {"requests", "errors", "listing_read", "new_comments"} <= per_source  # the scan sees them
    assert per_source - set(SOURCE_STATS) == set()
    assert used.get("total_key", set()) - set(TOTAL_STATS) == set()
    assert set(SUMMARY_COLUMNS) <= set(SOURCE_STATS)
