"""SQL statements per stored post, and storage throughput, on SQLite and PostgreSQL.

    python bench/storage_statements.py [--dbs sqlite,postgresql] [--posts 1000] [--comments 10]

Statements are counted with a SQLAlchemy ``before_cursor_execute`` listener while the storage pipeline
stores one post (annotated by the processing pipelines, as in a crawl) with 0, 10 and 50 comments: the
first time, again unchanged, and again with one comment edited. Throughput: ``--posts`` posts with
``--comments`` comments each (annotated beforehand, outside the timing), stored the way a crawl's writer
thread does (batches of ``DOCLISTEN_WRITE_BATCH_ITEMS`` items per transaction), then stored again
unchanged (a recrawl whose pages changed their ETag but not their text).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapy.utils.test import get_crawler
from sqlalchemy import event

from bench.crawl_tools import PG_ADMIN_URL
from crawler.discovery import Discovery
from crawler.extract.model import ExtractedComment
from crawler.items import PostItem
from crawler.settings import DOCLISTEN_WRITE_BATCH_ITEMS
from pipelines.dedup import DedupPipeline
from pipelines.enrich import EnrichPipeline
from pipelines.keywords.pipeline import KeywordsPipeline
from pipelines.normalize import NormalizePipeline
from pipelines.storage import StoragePipeline
from pipelines.store.db import open_database, session_factory
from pipelines.store.sources import add_source

T0 = datetime(2025, 3, 1, tzinfo=UTC)
WORDS = [
    "insulin",
    "pump",
    "sensor",
    "night",
    "alarm",
    "basal",
    "bolus",
    "carbs",
    "school",
    "doctor",
    "pharmacy",
    "strips",
    "meter",
    "Dexcom",
]


def body(n: int) -> str:
    return " ".join(WORDS[(n * 7 + i * 3) % len(WORDS)] + f"{i % 17}" for i in range(120))


def comments(post: int, n: int, edited: int | None = None) -> list[ExtractedComment]:
    return [
        ExtractedComment(
            f"Comment {c} on {post}: {'much ' if c == edited else ''}better readings with the Dexcom today.",
            f"Reader {c}",
            None,
            T0 + timedelta(hours=c),
            str(post * 1000 + c),
            str(post * 1000 + c - 1) if c % 3 else None,
            "html",
        )
        for c in range(n)
    ]


def post(n: int, ncomments: int, edited: int | None = None) -> PostItem:
    url = f"https://blog.example/{n}/"
    return PostItem(
        1,
        url,
        url,
        "wordpress",
        f"Post {n}",
        "Kim",
        T0,
        None,
        body(n),
        comments=comments(n, ncomments, edited),
    )


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from tests.conftest import _throwaway_pg_database

    with _throwaway_pg_database("doclisten_bench") as url:
        yield url


class Storage:
    def __init__(self, url: str):
        engine = open_database(url)
        with session_factory(engine).begin() as s:
            add_source(s, Discovery("https://blog.example/"), T0)
        engine.dispose()
        crawler = get_crawler(settings_dict={"DOCLISTEN_DATABASE_URL": url})
        kinds = (NormalizePipeline, DedupPipeline, KeywordsPipeline, EnrichPipeline)
        self.pipes = [kind.from_crawler(crawler) for kind in kinds]
        for pipe in self.pipes:
            if hasattr(pipe, "open_spider"):
                pipe.open_spider()
        self.storage = StoragePipeline.from_crawler(crawler)
        self.storage.open_spider()
        self.statements = 0
        event.listen(self.storage.engine, "before_cursor_execute", self._count)

    def _count(self, *args: Any) -> None:
        self.statements += 1

    def annotate(self, item: Any) -> Any:
        for pipe in self.pipes:
            if isinstance(pipe, DedupPipeline):  # each store is "another crawl"
                pipe.posts.clear()
                pipe.entries.clear()
            item = pipe.process_item(item)
        return item

    def count(self, item: Any) -> int:
        item = self.annotate(item)
        before = self.statements
        self.storage.store_now(item)
        return self.statements - before

    def batched(self, items: list[Any]) -> tuple[float, float, int]:
        """Seconds, CPU seconds of this process and statements to store ``items`` in the writer's batches."""
        assert self.storage.writer is not None
        before, start, cpu = self.statements, time.perf_counter(), time.process_time()
        for i in range(0, len(items), DOCLISTEN_WRITE_BATCH_ITEMS):
            outcomes = self.storage.writer.commit(items[i : i + DOCLISTEN_WRITE_BATCH_ITEMS])
            assert all(isinstance(o, dict) for o in outcomes), outcomes
        return time.perf_counter() - start, time.process_time() - cpu, self.statements - before

    def close(self) -> None:
        self.storage.close_now()


def measure(kind: str, posts: int, ncomments: int) -> dict[str, Any]:
    with database(kind) as url:
        st = Storage(url)
        counts = {}
        for n in (0, 10, 50):
            counts[n] = (
                st.count(post(n, n)),
                st.count(post(n, n)),
                st.count(post(n, n, edited=n // 2 or None)),
            )
        items = [st.annotate(post(10_000 + p, ncomments)) for p in range(posts)]
        first = st.batched(items)
        again = st.batched([st.annotate(post(10_000 + p, ncomments)) for p in range(posts)])
        st.close()
    return {"counts": counts, "first": first, "again": again}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dbs", default="sqlite,postgresql")
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--comments", type=int, default=10)
    args = ap.parse_args()
    kinds = [k.strip() for k in args.dbs.split(",") if k.strip()]
    results = {kind: measure(kind, args.posts, args.comments) for kind in kinds}
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    print(
        f"`python bench/storage_statements.py --dbs {args.dbs}` — {time.strftime('%Y-%m-%d')}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end; PostgreSQL at "
        f"{PG_ADMIN_URL.rsplit('@', 1)[-1]} (its server's CPU is not in the process's CPU seconds). "
        "Statements counted by a `before_cursor_execute` listener while the storage pipeline stores one "
        "post (annotated by the processing pipelines: keyword matches, language, sentiment, near-duplicate "
        "signature) in its own transaction.\n"
    )
    print("| statements per stored post | 0 comments | 10 comments | 50 comments |")
    print("|---|---:|---:|---:|")
    for kind in kinds:
        c = results[kind]["counts"]
        for i, label in enumerate(
            ("first store", "stored again, unchanged", "stored again, one comment edited")
        ):
            print(f"| {names[kind]}: {label} | {c[0][i]} | {c[10][i]} | {c[50][i]} |")
    print(
        f"\n| {args.posts:,} posts × {args.comments} comments, batches of {DOCLISTEN_WRITE_BATCH_ITEMS} "
        "posts per transaction | seconds | posts/s | CPU seconds of the process | statements per post |"
    )
    print("|---|---:|---:|---:|---:|")
    for kind in kinds:
        for label, (seconds, cpu, statements) in (
            ("first store", results[kind]["first"]),
            ("stored again, unchanged", results[kind]["again"]),
        ):
            print(
                f"| {names[kind]}: {label} | {seconds:.2f} | {args.posts / seconds:,.0f} | {cpu:.2f} | "
                f"{statements / args.posts:.1f} |"
            )


if __name__ == "__main__":
    main()
