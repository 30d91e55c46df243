"""The analyst views (migration 0004) on SQLite and PostgreSQL, against hand counts of tests/analyst_data.py."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pipelines.store.db import open_database
from tests.analyst_data import fill


@pytest.fixture
def conn(db_url: str):  # type: ignore[no-untyped-def]
    fill(db_url)
    engine = open_database(db_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def rows(conn, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    out = []
    for row in conn.execute(text(sql)).all():
        out.append(tuple(round(v, 6) if isinstance(v, float) else v for v in row))
    return out


def test_mentions_per_day(conn) -> None:  # type: ignore[no-untyped-def]
    got = rows(conn, "SELECT day, keyword, mentions FROM mentions_per_day ORDER BY day, keyword")
    assert got == [
        ("2024-01-01", "Abbott", 1),
        ("2024-01-01", "Dexcom", 2),
        ("2024-01-02", "Dexcom", 1),
        ("2024-01-03", "Dexcom", 1),
        ("2024-01-07", "Abbott", 3),
        ("2024-01-08", "Abbott", 1),
        ("2024-01-08", "insulin", 2),
        ("2024-01-09", "Dexcom", 3),
    ]


def test_mentions_per_week(conn) -> None:  # type: ignore[no-untyped-def]
    got = rows(
        conn,
        "SELECT week, keyword_group, keyword, mentions, matches, posts, comments FROM mentions_per_week "
        "ORDER BY week, keyword",
    )
    assert got == [
        ("2024-01-01", "brand", "Abbott", 4, 2, 2, 0),  # Sunday 23:30 still belongs to the Monday week
        ("2024-01-01", "brand", "Dexcom", 4, 3, 2, 1),
        ("2024-01-08", "brand", "Abbott", 1, 1, 1, 0),
        ("2024-01-08", "brand", "Dexcom", 3, 1, 1, 1),
        ("2024-01-08", "topic", "insulin", 2, 1, 1, 1),
    ]


def test_share_of_voice_weekly(conn) -> None:  # type: ignore[no-untyped-def]
    got = rows(
        conn, "SELECT week, keyword, mentions, group_mentions, share FROM share_of_voice_weekly ORDER BY 1, 2"
    )
    assert got == [
        ("2024-01-01", "Abbott", 4, 8, 0.5),
        ("2024-01-01", "Dexcom", 4, 8, 0.5),
        ("2024-01-08", "Abbott", 1, 4, 0.25),
        ("2024-01-08", "Dexcom", 3, 4, 0.75),
        ("2024-01-08", "insulin", 2, 2, 1.0),
    ]


def test_mentions_by_source_and_author(conn) -> None:  # type: ignore[no-untyped-def]
    got = rows(
        conn, "SELECT source_title, keyword, mentions, matches, posts FROM mentions_by_source ORDER BY 1, 2"
    )
    assert got == [
        ("Blog 1", "Abbott", 1, 1, 1),
        ("Blog 1", "Dexcom", 7, 4, 2),
        ("Blog 2", "Abbott", 4, 2, 2),
        ("Blog 2", "insulin", 2, 1, 1),
    ]
    got = rows(
        conn, "SELECT author, keyword, mentions, in_posts, in_comments FROM mentions_by_author ORDER BY 1, 2"
    )
    assert got == [
        ("ann", "Abbott", 1, 1, 0),
        ("ann", "Dexcom", 3, 2, 0),
        ("bob", "Abbott", 4, 2, 0),
        ("cat", "Dexcom", 1, 0, 1),
        ("cat", "insulin", 2, 0, 1),
        ("dan", "Dexcom", 3, 0, 1),
    ]


def test_sentiment_per_week(conn) -> None:  # type: ignore[no-untyped-def]
    got = rows(
        conn,
        "SELECT week, keyword, matches, mean_sentiment, min_sentiment, max_sentiment FROM sentiment_per_week "
        "ORDER BY 1, 2",
    )
    assert got == [
        ("2024-01-01", "Abbott", 2, -0.25, -0.5, 0.0),
        ("2024-01-01", "Dexcom", 3, 0.3, 0.1, 0.5),
        ("2024-01-08", "Abbott", 1, 0.4, 0.4, 0.4),
        ("2024-01-08", "Dexcom", 1, -0.2, -0.2, -0.2),
        ("2024-01-08", "insulin", 0, None, None, None),
    ]


def test_comment_activity(conn) -> None:  # type: ignore[no-untyped-def]
    got = [
        (*r[:4], str(r[4])[:10] if r[4] else None, str(r[5])[:10] if r[5] else None)
        for r in rows(
            conn,
            "SELECT post_id, comments, replies, commenters, first_comment_at, last_comment_at "
            "FROM comment_activity ORDER BY post_id",
        )
    ]
    assert got == [
        (1, 2, 1, 2, "2024-01-02", "2024-01-09"),
        (2, 0, 0, 0, None, None),
        (3, 1, 0, 1, "2024-01-08", "2024-01-08"),
        (4, 0, 0, 0, None, None),
    ]
