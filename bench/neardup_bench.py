"""Near-duplicate index: insert+query cost per document at 10k and 100k documents, per copy of one body
at 10 to 10,000 copies, and memory.

    .venv/bin/python bench/neardup_bench.py [--database-url URL] [--sizes 10000,100000] [--window 500]
                                            [--copies 10,100,1000,10000] [--copy-window 200]

For each index size N, the database is first filled up to N posts (bulk: signatures, band keys and
posts written in large transactions), then ``--window`` more posts go through the real path, one
transaction each as the storage pipeline does: MinHash signature, then ``index_and_link`` (store
the band keys, query candidates by band key, verify, set ``duplicate_of``). One post in five of the
window is a copy of an indexed post with a one-line prefix; the run checks they are all linked and
that nothing else is. Flat cost means the per-document figures at 10k and 100k are about equal.

Then one cluster grows: an original and copies of its body (same words, each with its own title and
URL, published after it), all through the same real path, so each band bucket of that body holds one
row per copy. When the cluster has 10, 100, 1,000 and 10,000 copies, the next ``--copy-window`` copies
are timed (posts/s) and RSS is read; as a reference, as many posts with unique bodies are timed in the
same run, and finally one copy published before the original, which repoints the whole cluster.
Flat cost means posts/s at 10,000 copies is about that at 10.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, insert, select, text

from crawler.discovery import Discovery
from crawler.items import PostItem
from pipelines.neardup import Hasher
from pipelines.store.db import open_database, session_factory
from pipelines.store.keys import text_hash
from pipelines.store.models import NearDupBand, NearDupSignature, Post
from pipelines.store.neardup import index_and_link
from pipelines.store.posts import upsert_post
from pipelines.store.sources import add_source

START = datetime(2010, 1, 1, tzinfo=UTC)
THRESHOLD = 0.7


class Corpus:
    """Distinct ~250-word posts from a 20,000-word vocabulary (no two share a 5-word shingle by chance)."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.vocabulary = [f"w{i}" for i in range(20000)]

    def text(self, number: int) -> str:
        rng = random.Random(number)
        return " ".join(rng.choices(self.vocabulary, k=250))


def bulk_fill(sessions, hasher: Hasher, corpus: Corpus, source_id: int, start: int, stop: int) -> None:  # type: ignore[no-untyped-def]
    """Posts ``start`` .. ``stop`` - 1 with their signatures and band keys, 2,000 per transaction."""
    now = datetime.now(UTC)
    for chunk in range(start, stop, 2000):
        numbers = range(chunk, min(chunk + 2000, stop))
        posts, signatures, bands = [], [], []
        for n in numbers:
            body = corpus.text(n)
            posts.append(post_values(source_id, n, body, now))
            sig = hasher.signature(body)
            assert sig is not None
            signatures.append({"post_id": n + 1, "words": sig.words, "minhash": sig.to_bytes()})
            bands += [{"post_id": n + 1, "band": b, "hash": k} for b, k in enumerate(sig.band_keys())]
        with sessions.begin() as s:
            s.execute(insert(Post), posts)
            s.execute(insert(NearDupSignature), signatures)
            s.execute(NearDupBand.__table__.insert(), bands)
    if sessions.kw["bind"].dialect.name == "postgresql":  # explicit ids: move the id sequence past them
        with sessions.begin() as s:
            s.execute(
                text("SELECT setval(pg_get_serial_sequence('posts', 'id'), (SELECT max(id) FROM posts))")
            )
            s.execute(text("ANALYZE"))  # what autovacuum does after a bulk load; without it plans are blind


def post_values(source_id: int, n: int, body: str, now: datetime) -> dict:
    return {
        "id": n + 1,
        "source_id": source_id,
        "url": f"https://bench.example/{n}/",
        "title": f"Post {n}",
        "published_at": START + timedelta(minutes=n),
        "content_text": body,
        "content_hash": text_hash(f"Post {n}", body),
        "comment_count": 0,
        "first_seen_at": now,
        "last_seen_at": now,
        "last_changed_at": now,
    }


def window_body(corpus: Corpus, rng: random.Random, size: int, i: int, copies: dict[str, int]) -> str:
    """Post ``size + i`` of a window: one in five copies an indexed post with a one-line prefix."""
    if i % 5:
        return corpus.text(size + i)
    original = rng.randrange(size)
    copies[f"https://bench.example/{size + i}/"] = original + 1
    return "Originally published at another blog. " + corpus.text(original)


def window(sessions, hasher: Hasher, corpus: Corpus, source_id: int, size: int, count: int) -> dict:  # type: ignore[no-untyped-def]
    """``count`` posts through signature + index_and_link, one transaction each; timings per post."""
    rng, copies = random.Random(size), {}
    sign_s = link_s = 0.0
    for i in range(count):
        n = size + i
        body = window_body(corpus, rng, size, i, copies)
        t0 = time.perf_counter()
        signature = hasher.signature(body)
        t1 = time.perf_counter()
        url, published = f"https://bench.example/{n}/", START + timedelta(minutes=n)
        record = PostItem(source_id, url, url, "generic", f"Post {n}", None, published, None, body)
        with sessions.begin() as s:
            post_id, _ = upsert_post(s, record, datetime.now(UTC))
            index_and_link(s, post_id, signature, THRESHOLD)
        sign_s += t1 - t0
        link_s += time.perf_counter() - t1
    with sessions.begin() as s:
        linked = dict(
            s.execute(select(Post.url, Post.duplicate_of).where(Post.duplicate_of.is_not(None))).all()
        )
    return {
        "signature_ms": 1000 * sign_s / count,
        "index_link_ms": 1000 * link_s / count,
        "rss_mb": rss_mb(),
        "copies_linked": sum(linked.get(url) == target for url, target in copies.items()),
        "copies": len(copies),
        "false_links": len(set(linked) - set(copies)),
    }


def post_url(n: int | str) -> str:
    return f"https://bench.example/c/{n}/"


def store_one(
    sessions, hasher: Hasher, source_id: int, n: int | str, body: str, published: datetime
) -> int | None:  # type: ignore[no-untyped-def]
    """Post ``n`` through signature + upsert + index_and_link in its own transaction; its link."""
    signature = hasher.signature(body)
    url = post_url(n)
    record = PostItem(source_id, url, url, "generic", f"Copy {n}", None, published, None, body)
    with sessions.begin() as s:
        post_id, _ = upsert_post(s, record, datetime.now(UTC))
        return index_and_link(s, post_id, signature, THRESHOLD)


@dataclass
class Lane:
    """One cluster: an original (post ``base``) and ``size`` copies of its body; timing of more copies."""

    size: int
    base: int
    body: str
    root: int | None = None
    wall: float = 0.0
    cpu: float = 0.0
    timed: int = 0
    rss_mb: float = 0.0

    def when(self, n: int) -> datetime:
        return START + timedelta(minutes=n)


def fill_lane(sessions, hasher: Hasher, source_id: int, lane: Lane) -> None:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    assert store_one(sessions, hasher, source_id, lane.base, lane.body, lane.when(lane.base)) is None
    with sessions.begin() as s:
        lane.root = s.execute(select(Post.id).where(Post.url == post_url(lane.base))).scalar_one()
    for n in range(lane.base + 1, lane.base + lane.size + 1):
        assert store_one(sessions, hasher, source_id, n, lane.body, lane.when(n)) == lane.root
    lane.rss_mb = rss_mb()
    print(
        f"cluster of {lane.size} copies filled in {time.perf_counter() - t0:.0f} s; RSS {lane.rss_mb:.0f} MB"
    )


def time_one(sessions, hasher: Hasher, source_id: int, lane: Lane, n: int, body: str) -> None:  # type: ignore[no-untyped-def]
    t0, c0 = time.perf_counter(), time.process_time()
    target = store_one(sessions, hasher, source_id, n, body, lane.when(n))
    lane.wall += time.perf_counter() - t0
    lane.cpu += time.process_time() - c0
    lane.timed += 1
    assert target == lane.root, f"post {n} linked to {target}, expected {lane.root}"


def cluster_growth(sessions, source_id: int, checkpoints: list[int], count: int) -> dict:  # type: ignore[no-untyped-def]
    """Copies of one body at each cluster size, timed in turns with posts of unique bodies, so that the
    machine's load falls on every size alike; each timed copy is deleted again (the size stays exact)."""
    hasher, corpus = Hasher(), Corpus()
    lanes = [Lane(size, (k + 1) * 10**6, corpus.text(10**9 + k)) for k, size in enumerate(checkpoints)]
    unique = Lane(0, (len(lanes) + 1) * 10**6, "")
    for lane in lanes:
        fill_lane(sessions, hasher, source_id, lane)
    if sessions.kw["bind"].dialect.name == "postgresql":
        with sessions.begin() as s:
            s.execute(text("ANALYZE"))  # as after the bulk load: what autovacuum does on a live database
    for i in range(count):
        for lane in lanes:
            n = lane.base + lane.size + 1 + i
            time_one(sessions, hasher, source_id, lane, n, lane.body)
            with sessions.begin() as s:
                s.execute(delete(Post).where(Post.url == post_url(n)))
        time_one(sessions, hasher, source_id, unique, unique.base + i, corpus.text(unique.base + i))
    for lane in [*lanes, unique]:
        what = f"{lane.size:>6} copies" if lane is not unique else "unique bodies"
        print(
            f"{what}: {lane.timed / lane.wall:.1f} posts/s, {1000 * lane.cpu / lane.timed:.2f} ms CPU per post "
            f"({lane.timed} posts timed)"
        )
    largest = lanes[-1]
    t0 = time.perf_counter()
    early = START + timedelta(minutes=largest.base - 1)
    assert store_one(sessions, hasher, source_id, f"{largest.base}-early", largest.body, early) is None
    print(
        f"one copy published before the original of {largest.size} copies: "
        f"{1000 * (time.perf_counter() - t0):.0f} ms (repoints the cluster)"
    )
    return {"lanes": lanes, "unique": unique}


def db_size(url: str) -> str:
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    return f"{path.stat().st_size / 2**20:.0f} MB" if path and path.exists() else "n/a"


def rss_mb() -> float:
    """Resident memory of this process now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def measure(sessions, url: str, source_id: int, sizes: list[int], count: int) -> dict[int, dict]:  # type: ignore[no-untyped-def]
    hasher, corpus, filled, results = Hasher(), Corpus(), 0, {}
    for size in sizes:
        t0 = time.perf_counter()
        bulk_fill(sessions, hasher, corpus, source_id, filled, size)
        fill_s = time.perf_counter() - t0
        with sessions.begin() as s:
            assert s.execute(select(func.count(Post.id))).scalar() == size
        result = results[size] = window(sessions, hasher, corpus, source_id, size, count)
        per_doc = result["signature_ms"] + result["index_link_ms"]
        print(
            f"{size:>7} indexed: {per_doc:.2f} ms/post (signature {result['signature_ms']:.2f} + index & "
            f"link {result['index_link_ms']:.2f}); copies linked {result['copies_linked']}/{result['copies']}, "
            f"false links {result['false_links']}; RSS after the window {result['rss_mb']:.0f} MB "
            f"(bulk fill {fill_s:.0f} s, database {db_size(url)})"
        )
        with sessions.begin() as s:  # the window's posts go again, so the next size is exact
            s.execute(delete(Post).where(Post.id > size))
        filled = size
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--window", type=int, default=500)
    parser.add_argument("--copies", default="10,100,1000,10000", help="cluster sizes ('' to skip)")
    parser.add_argument("--copy-window", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    checkpoints = [int(s) for s in args.copies.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/neardup.db"
        engine = open_database(url)
        sessions = session_factory(engine)
        with sessions.begin() as s:
            source_id = add_source(s, Discovery("https://bench.example/"), datetime.now(UTC))[0].id
        print(
            f"database: {engine.dialect.name}; threshold {THRESHOLD}; window of {args.window} posts per "
            f"index size, {args.copy_window} copies per cluster size"
        )
        results = measure(sessions, url, source_id, sizes, args.window) if sizes else {}
        growth = cluster_growth(sessions, source_id, checkpoints, args.copy_window) if checkpoints else {}
        engine.dispose()
    if sizes:
        first, last = results[sizes[0]], results[sizes[-1]]
        for key, label in (
            ("index_link_ms", "index & link (database)"),
            ("signature_ms", "signature (CPU only)"),
        ):
            print(
                f"{label} per post at {sizes[-1]} vs {sizes[0]}: {last[key] / first[key]:.2f}x (flat = 1.0)"
            )
    if checkpoints:
        lanes, unique = growth["lanes"], growth["unique"]
        a, b = lanes[0], lanes[-1]
        print(
            f"copies: posts/s at {b.size} vs {a.size} copies: {(b.timed / b.wall) / (a.timed / a.wall):.2f}x, "
            f"CPU per post {(b.cpu / b.timed) / (a.cpu / a.timed):.2f}x (flat = 1.0); RSS after filling "
            f"{a.rss_mb:.0f} -> {b.rss_mb:.0f} MB; at {b.size} copies vs unique bodies: "
            f"{(b.timed / b.wall) / (unique.timed / unique.wall):.2f}x"
        )


if __name__ == "__main__":
    main()
