"""A small hand-made database for the analyst views and commands (counts are checked by hand in tests)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from pipelines.store.db import open_database
from pipelines.store.models import Comment, KeywordMatch, Post, Source
from tests.conftest import migrated


def ts(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2024, 1, day, hour, minute, tzinfo=UTC)


POSTS = [  # id, source, author, published, title, text
    (1, 1, "ann", ts(1), "Sensors", "Dexcom sensors, and Abbott too. Social media loves Roche."),
    (2, 1, "ann", ts(3), "Pump day", 'My Dexcom "G7" said: low, again'),
    (3, 2, "bob", ts(8), "Insulin prices", "Insulin prices are high; Abbott\nsaid nothing."),
    (4, 2, "bob", ts(7, 23, 30), "Sunday night", "Abbott Libre on social media."),
]
COMMENTS = [  # id, post, parent, author, published, text
    (1, 1, None, "cat", ts(2), "Dexcom works for me"),
    (2, 1, 1, "dan", ts(9), "Dexcom Dexcom Dexcom!"),
    (3, 3, None, "cat", ts(8), "insulin, insulin"),
]
MATCHES = [  # keyword, group, post, comment, count, sentiment
    ("Dexcom", "brand", 1, None, 2, 0.5),
    ("Abbott", "brand", 1, None, 1, -0.5),
    ("Dexcom", "brand", 1, 1, 1, 0.1),
    ("Dexcom", "brand", 2, None, 1, 0.3),
    ("Abbott", "brand", 4, None, 3, 0.0),
    ("Dexcom", "brand", 1, 2, 3, -0.2),
    ("Abbott", "brand", 3, None, 1, 0.4),
    ("insulin", "topic", 3, 3, 2, None),
]


def fill(url: str) -> None:
    engine = open_database(migrated(url))
    try:
        with Session(engine) as s, s.begin():
            for sid in (1, 2):
                s.add(Source(id=sid, home_url=f"http://blog{sid}.test/", title=f"Blog {sid}", added_at=ts(1)))
            s.flush()
            for pid, sid, author, when, title, body in POSTS:
                s.add(
                    Post(
                        id=pid, source_id=sid, url=f"http://blog{sid}.test/p{pid}", title=title, author=author,
                        published_at=when, content_text=body, content_hash=f"h{pid}", language="en",
                        first_seen_at=when, last_seen_at=when, last_changed_at=when,
                    )
                )  # fmt: skip
            s.flush()
            for cid, pid, parent, author, when, body in COMMENTS:
                s.add(
                    Comment(
                        id=cid, post_id=pid, parent_id=parent, dedup_key=f"k{cid}", author=author,
                        author_url=f"http://{author}.test/", published_at=when, content_text=body,
                        content_hash=f"c{cid}", language="en", via="html", first_seen_at=when, last_seen_at=when,
                    )
                )  # fmt: skip
                s.flush()
            for keyword, group, pid, cid, count, sentiment in MATCHES:
                s.add(
                    KeywordMatch(
                        keyword=keyword, keyword_group=group, post_id=pid, comment_id=cid, snippet=keyword,
                        count=count, sentiment=sentiment,
                    )
                )  # fmt: skip
    finally:
        engine.dispose()
