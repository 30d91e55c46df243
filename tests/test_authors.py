"""Unique authors and replies received against hand counts (tests/analyst_data.py), in the report and the
views, on SQLite and PostgreSQL; ``doclisten thread`` as a tree and as JSON."""

from __future__ import annotations

import json

from sqlalchemy import text

from pipelines.analyst.filters import Filters
from pipelines.analyst.report import build_report
from pipelines.store.db import open_database
from tests.analyst_data import fill
from tests.conftest import run_cli

# by hand, from tests/analyst_data.py: who wrote each matched post or comment, per keyword and week
#   Dexcom  week of 2024-01-01: post 1 ann, comment 1 cat, post 2 ann -> 2; week of 2024-01-08: comment 2 dan -> 1
#   Abbott  week of 2024-01-01: post 1 ann, post 4 bob -> 2; week of 2024-01-08: post 3 bob -> 1
#   insulin week of 2024-01-08: comment 3 cat -> 1
UNIQUE_WEEKLY = {
    "Dexcom": {"2024-01-01": 2, "2024-01-08": 1},
    "Abbott": {"2024-01-01": 2, "2024-01-08": 1},
    "insulin": {"2024-01-08": 1},
}
# replies: comment 1 (cat) is top-level on post 1 (ann); comment 3 (cat) on post 3 (bob); comment 2 (dan)
# answers comment 1 (cat)
REPLIED = [("ann", 1, 1, 2), ("bob", 1, 1, 2), ("cat", 1, 1, 2)]


def test_unique_authors_and_replies_in_the_report(db_url: str) -> None:
    fill(db_url)
    engine = open_database(db_url)
    try:
        with engine.connect() as conn:
            week = build_report(conn, Filters(), "week")
            dexcom = build_report(conn, Filters(keywords=["Dexcom"]), "day")
    finally:
        engine.dispose()
    assert week.unique_authors == UNIQUE_WEEKLY
    assert week.unique_total == {"Dexcom": 3, "Abbott": 2, "insulin": 1}
    assert week.replied == REPLIED
    # Dexcom alone: post 1 (ann) drew comment 1; comment 1 (cat) drew comment 2; comment 2 and post 2 none
    assert dexcom.replied == [("ann", 1, 1, 2), ("cat", 1, 1, 1)]
    assert dexcom.unique_authors == {
        "Dexcom": {"2024-01-01": 1, "2024-01-02": 1, "2024-01-03": 1, "2024-01-09": 1}
    }


def test_unique_authors_and_replies_in_the_views(db_url: str) -> None:
    fill(db_url)
    engine = open_database(db_url)
    try:
        with engine.connect() as conn:
            weekly = conn.execute(
                text("SELECT keyword, week, unique_authors, mentions FROM unique_authors_per_week")
            ).all()
            daily = conn.execute(
                text("SELECT sum(unique_authors) FROM unique_authors_per_day WHERE keyword = 'Dexcom'")
            ).scalar_one()
            replies = conn.execute(
                text(
                    "SELECT author, posts, comments, replies_received, repliers FROM author_replies ORDER BY author"
                )
            ).all()
    finally:
        engine.dispose()
    assert {(k, w): n for k, w, n, _ in weekly} == {
        (k, w): n for k, by_week in UNIQUE_WEEKLY.items() for w, n in by_week.items()
    }
    assert {(k, w): m for k, w, _, m in weekly}[("Dexcom", "2024-01-01")] == 4
    assert daily == 4
    assert [tuple(r) for r in replies] == [
        ("ann", 2, 0, 1, 1), ("bob", 2, 0, 1, 1), ("cat", 0, 2, 1, 1), ("dan", 0, 1, 0, 0),
    ]  # fmt: skip


def test_report_prints_unique_authors_and_replies(sqlite_url: str) -> None:
    fill(sqlite_url)
    out = run_cli("report", db=sqlite_url).stdout
    assert "Unique authors per week" in out and "Top authors by replies received" in out
    line = next(row for row in out.splitlines() if row.startswith("all "))
    assert line.split() == ["all", "3", "2", "1"]


def test_thread_as_tree_and_json(db_url: str) -> None:
    fill(db_url)
    tree = run_cli("thread", "1", db=db_url).stdout
    assert "Sensors" in tree and "cat" in tree and "dan" in tree
    assert tree.index("Dexcom works for me") < tree.index("Dexcom Dexcom Dexcom!")
    by_url = run_cli("thread", "http://blog1.test/p1#comment-2", "--format", "json", db=db_url).stdout
    data = json.loads(by_url)
    assert data["id"] == 1 and data["author"] == "ann" and data["comment_count"] == 2
    (top,) = data["comments"]
    assert top["author"] == "cat" and [r["author"] for r in top["replies"]] == ["dan"]
    assert top["published_at"] == "2024-01-02T10:00:00+00:00"
    missing = run_cli("thread", "http://nowhere.test/x", db=db_url, check=False)
    assert missing.returncode == 1 and "no post" in missing.stderr and "Traceback" not in missing.stderr
