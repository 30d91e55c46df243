"""People's data (issue 16, docs/privacy.md): erasure everywhere, the suppression list across recrawls,
upstream deletions (410, a comment gone from its thread; never on a 503), retention, consent signals.

The erasure is checked where the data physically is: the bytes of the SQLite file (and its WAL) and a
``pg_dump`` of the PostgreSQL database, before (the name and texts are there) and after (nowhere).
"""

from __future__ import annotations

import os
import pickle
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

from crawler.consent import header_rules, meta_rules, page_consent
from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostGoneItem, PostItem
from crawler.urls import canonical_url
from doclisten.commands.sources import list_sources
from doclisten.config import Config
from doclisten.output.summary import consent
from pipelines.store import privacy
from pipelines.store.comments import upsert_comments
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import Comment, Erasure, KeywordMatch, Post, Source, Suppression
from pipelines.store.posts import upsert_post
from pipelines.store.search_index import folded_words
from pipelines.store.spool import Spool
from tests.conftest import FAST, copy_of_sample_crawl, migrated, run_cli
from tests.spider_harness import OfflineSite, SpiderHarness, job_for, next_round

ERASED = "Jess Alvarado"
HER_URL = "sugarcoatedjess.example.org"


def her_comments(site: Any) -> list[Any]:
    return [
        (key, post, c)
        for key, blog in site.blogs.items()
        for post, c in blog.content.all_comments()
        if c.author == ERASED
    ]


def needles(site: Any, db: str) -> list[bytes]:
    """What must not be found in the database's bytes: her name, her URL and every text she wrote (as
    stored, and as the full-text index keeps it: folded)."""
    found = [ERASED.encode(), HER_URL.encode()]
    for _key, _post, c in her_comments(site):
        for paragraph in c.paragraphs:
            found.append(paragraph[:40].encode())
        if db.startswith("sqlite"):  # FTS5 keeps the folded text (PostgreSQL's tsvector: its tokens)
            found.append(folded_words(c.text)[:40].encode())
    return found


def database_bytes(url: str) -> bytes:
    """The SQLite file and its WAL, or a pg_dump of the PostgreSQL database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(
        ["pg_dump", "--no-owner", plain], check=True, capture_output=True, timeout=120
    ).stdout


def present(url: str, wanted: list[bytes]) -> list[bytes]:
    raw = database_bytes(url)
    return [n for n in wanted if n in raw]


# ------------------------------------------------------------------ erasure


def test_erase_an_author_removes_her_everywhere(sample_crawl: Any, tmp_path: Path) -> None:
    with copy_of_sample_crawl(sample_crawl, tmp_path) as crawl:
        site, db = crawl.site, crawl.db
        wanted = needles(site, db)
        assert present(db, wanted) == wanted  # the test can fail: everything is there before
        engine = create_engine(db)
        with engine.connect() as conn:
            hers = conn.execute(select(Comment.id).where(Comment.author == ERASED)).scalars().all()
            replies = conn.execute(
                select(Comment.id, Comment.parent_id).where(Comment.parent_id.in_(hers))
            ).all()
            before = conn.execute(select(Comment.id)).scalars().all()
        assert len(hers) == len(her_comments(site)) == 4 and replies

        dry = run_cli("erase", "--author", ERASED, "--dry-run", db=db)
        assert "would erase: 0 posts, 4 comments" in dry.stdout and "nothing was changed" in dry.stdout
        assert ERASED not in dry.stdout
        assert present(db, wanted) == wanted

        done = run_cli("erase", "--author", ERASED, "--reason", "GDPR art. 17 request 2026-117", db=db)
        assert "erased: 0 posts, 4 comments (4 kept as removed in their threads)" in done.stdout, done.stdout
        wanted.append(ERASED.lower().encode())
        assert present(db, wanted) == [], "the erased name or text is still in the database's bytes"

        with engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(select(Comment)).all()}
            assert sorted(rows) == sorted(before)  # tombstones keep their rows (and ids)
            for cid in hers:
                tomb = rows[cid]
                assert (tomb.author, tomb.author_url, tomb.content_text) == (None, None, "")
                assert tomb.erased_at is not None
            for reply_id, parent_id in replies:  # replies keep their place in the thread
                assert rows[reply_id].parent_id == parent_id and rows[reply_id].content_text
            assert not conn.execute(select(KeywordMatch.id).where(KeywordMatch.comment_id.in_(hers))).all()
            audit = conn.execute(select(Erasure)).one()
            assert (audit.selector, audit.comments, audit.reason) == (
                "author",
                4,
                "GDPR art. 17 request 2026-117",
            )
            assert audit.selector_hash == privacy.author_key(ERASED) and ERASED not in str(audit)
            kinds = dict(conn.execute(select(Suppression.key, Suppression.kind)).all())
            assert kinds[privacy.author_key(ERASED)] == "author"
            assert sum(kind == "comment" for kind in kinds.values()) >= 4
            # the analyst views count no removed comment
            activity = conn.execute(text("SELECT sum(comments) FROM comment_activity")).scalar_one()
            live = conn.execute(
                text(
                    "SELECT count(*) FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.erased_at IS NULL"
                )
            ).scalar_one()
            assert activity == live == len(before) - 4
        engine.dispose()

        exported = run_cli("export", "comments", "--format", "jsonl", db=db).stdout
        found = run_cli(
            "search", "MiniMed OR Jess OR pump*", "--format", "jsonl", "--limit", "0", db=db
        ).stdout
        for output in (exported, found):
            assert exported and not [n for n in wanted if n.decode() in output]


def test_erase_holds_across_two_recrawls_and_reaches_the_spool(demo_site: Any, tmp_path: Path) -> None:
    db = migrated(f"sqlite:///{tmp_path / 'recrawl.db'}")
    homes = [b.homepage for b in demo_site.blogs.values()]
    run_cli("sources", "add", *homes, *FAST, db=db)
    run_cli("crawl", *FAST, db=db)
    classic = demo_site.blogs["wp-classic"].content
    erased_post = classic.posts[2]
    erased_url = canonical_url(demo_site.post_url("wp-classic", erased_post.slug))
    # an item waiting in the spool (the database was down when it was crawled) holds her comment too
    spool = Spool(tmp_path / "doclisten-spool")
    her = next(c for _k, _p, c in her_comments(demo_site))
    her_post = next(p for _k, p, c in her_comments(demo_site) if c is her)
    her_post_url = canonical_url(demo_site.post_url("wp-classic", her_post.slug))
    spooled = CommentsItem(
        1,
        her_post_url,
        "feed",
        [
            ExtractedComment(
                her.text, ERASED, f"http://{HER_URL}/", None, external_id=str(her.id), via="feed"
            ),
            ExtractedComment("Another reader, kept.", "Kim", None, None, external_id="77777", via="feed"),
        ],
    )
    spool.put(spooled, RuntimeError("database down"))
    wanted = needles(demo_site, db) + [erased_post.text[:40].encode()]
    assert present(db, wanted) == wanted

    run_cli("erase", "--author", ERASED, db=db)
    run_cli("erase", "--post-url", erased_url, "--reason", "author asked", db=db)
    assert present(db, wanted) == []
    _erase_spool(db, tmp_path)  # the spool of a crawler's working directory
    (left,) = spool.pending()
    item = pickle.loads(left.read_bytes())
    assert [c.author for c in item.comments] == ["Kim"]

    # recrawl 1: the thread she wrote in gets a new comment (the page is fetched again, hers included)
    demo_site.add_comment(
        "wp-classic", her_post.slug, "Kim Ode", "Same here, the first month is the hardest."
    )
    run_cli("crawl", *FAST, db=db)
    # recrawl 2: everything again, unconditionally, as a fresh backfill does
    engine = create_engine(db)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM url_validators"))
        conn.execute(update(Source).values(backfilled_at=None))
    engine.dispose()
    run_cli("crawl", *FAST, db=db)

    assert present(db, wanted) == [], "a recrawl brought erased data back"
    engine = create_engine(db)
    with engine.connect() as conn:
        assert conn.execute(select(Post.id).where(Post.url == erased_url)).first() is None
        assert conn.execute(select(Comment.id).where(Comment.author == "Kim Ode")).first() is not None
        assert conn.execute(select(Comment.id).where(Comment.author == ERASED)).first() is None
    engine.dispose()


def _erase_spool(db: str, tmp_path: Path) -> None:
    """`doclisten erase` also filters the spool of the directory it runs in (DOCLISTEN_SPOOL_DIR's default)."""
    from doclisten.commands import privacy as commands
    from doclisten.config import Config

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = commands.erase(Config(database_url=db), "author", ERASED, "again, for the spool", False)
    finally:
        os.chdir(here)
    assert result.spooled == 1


def test_erase_needs_one_selector(sqlite_url: str) -> None:
    out = run_cli("erase", db=migrated(sqlite_url), check=False)
    assert out.returncode == 2 and "exactly one of" in out.stderr
    out = run_cli("erase", "--author", "A", "--source", "1", db=sqlite_url, check=False)
    assert out.returncode == 2 and "Traceback" not in out.stderr


# ------------------------------------------------------------------ upstream deletions


def test_deleted_upstream_after_410_and_a_missing_comment_but_not_on_503(
    demo_site: Any, tmp_path: Path
) -> None:
    db = migrated(f"sqlite:///{tmp_path / 'upstream.db'}")
    young = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    words = ["Our Dexcom G7 arrived today and the warm-up was thirty minutes, as promised."] * 30
    gone = demo_site.add_post("wp-classic", "Sensor diary, day one", words, published=young)
    busy = demo_site.add_post(
        "wp-classic", "Sensor diary, day two", words, published=young + timedelta(minutes=1)
    )
    thread = demo_site.add_post(
        "wp-classic", "Sensor diary, day three", words, published=young + timedelta(minutes=2)
    )
    first = demo_site.add_comment(
        "wp-classic", thread.slug, "Lee Park", "Mine needed an overpatch by day four."
    )
    reply = demo_site.add_comment(
        "wp-classic", thread.slug, "Max Ruiz", "Same, humid summers.", parent_id=first.id
    )
    run_cli("sources", "add", demo_site.blogs["wp-classic"].homepage, *FAST, db=db)
    run_cli("crawl", *FAST, db=db)
    urls = {p.slug: canonical_url(demo_site.post_url("wp-classic", p.slug)) for p in (gone, busy, thread)}
    engine = create_engine(db)
    with engine.begin() as conn:  # their first comment re-check (1 h after publication) is due
        conn.execute(update(Post).where(Post.url.in_(list(urls.values()))).values(comments_checked_at=young))
    demo_site.delete_post("wp-classic", gone.slug, status=410)
    demo_site.fail_post("wp-classic", busy.slug, status=503)
    demo_site.remove_comment("wp-classic", thread.slug, first.id)
    run_cli("crawl", *FAST, "-s", "RETRY_TIMES=0", db=db)

    def state() -> dict[str, Any]:
        with engine.connect() as conn:
            posts = {r.url: r for r in conn.execute(select(Post)).all()}
            comments = {r.external_id: r for r in conn.execute(select(Comment)).all()}
            views = set(conn.execute(text("SELECT url FROM comment_activity")).scalars())
        return {"posts": posts, "comments": comments, "views": views}

    now = state()
    assert now["posts"][urls[gone.slug]].deleted_at is not None  # 410 on its re-check
    assert now["posts"][urls[busy.slug]].deleted_at is None  # 503: a soft failure never deletes
    assert now["posts"][urls[busy.slug]].content_text
    assert now["comments"][str(first.id)].deleted_at is not None  # missing from the complete thread
    assert now["comments"][str(reply.id)].deleted_at is None
    assert urls[gone.slug] not in now["views"] and urls[busy.slug] in now["views"]

    kept = run_cli("purge", db=db)  # within the 24 h grace period: marked, not purged
    assert "deleted upstream: 0 posts, 0 comments" in kept.stdout
    assert state()["posts"][urls[gone.slug]].content_text

    purged = run_cli("purge", db=db, env={"DOCLISTEN_DELETION_GRACE_HOURS": "0"})
    assert "deleted upstream: 1 posts" in purged.stdout, purged.stdout
    after = state()
    assert urls[gone.slug] not in after["posts"] and urls[busy.slug] in after["posts"]
    tomb, kept_reply = after["comments"][str(first.id)], after["comments"][str(reply.id)]
    assert (tomb.author, tomb.content_text, tomb.erased_at is not None) == (None, "", True)
    assert kept_reply.parent_id == tomb.id and kept_reply.content_text  # the reply keeps its place
    assert b"Mine needed an overpatch" not in database_bytes(db)
    with engine.connect() as conn:
        audit = conn.execute(select(Erasure.selector, Erasure.posts, Erasure.comments)).all()
    assert ("deleted_upstream", 1, 1) in [tuple(a) for a in audit]
    engine.dispose()


# ------------------------------------------------------------------ retention


def _item(url: str, published: datetime | None, comments: list[ExtractedComment] | None = None) -> PostItem:
    return PostItem(
        1,
        url,
        url,
        "generic",
        f"T {url[-3:]}",
        "Ana",
        published,
        None,
        f"Body of {url}.",
        comments=comments or [],
    )


def test_retention_boundaries(db_url: str) -> None:
    engine = open_database(migrated(db_url))
    sessions = session_factory(engine)
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    period = timedelta(days=30)
    cutoff = now - period
    with sessions.begin() as s:
        s.add(Source(id=1, home_url="https://blog.example/", platform="generic", added_at=now))
    with sessions.begin() as s:
        old, _ = upsert_post(s, _item("https://blog.example/old", cutoff - timedelta(minutes=1)), now)
        edge, _ = upsert_post(s, _item("https://blog.example/edge", cutoff), now)
        fresh, _ = upsert_post(s, _item("https://blog.example/new", cutoff + timedelta(minutes=1)), now)
        undated, _ = upsert_post(s, _item("https://blog.example/undated", None), now)
        upsert_comments(
            s,
            fresh,
            [
                ExtractedComment("An old remark.", "Bo", None, cutoff - timedelta(hours=1), external_id="1"),
                ExtractedComment(
                    "A recent remark.", "Cy", None, cutoff + timedelta(hours=1), external_id="2"
                ),
            ],
            now,
        )
    assert privacy.too_old(cutoff - timedelta(seconds=1), now, period)
    assert not privacy.too_old(cutoff, now, period) and not privacy.too_old(None, now, period)
    with sessions.begin() as s:
        done = privacy.purge(s, now, timedelta(hours=24), period)
    assert (done["retention"].posts, done["retention"].comments) == (1, 1)
    with sessions.begin() as s:
        left = set(s.execute(select(Post.id)).scalars())
        comments = {c.external_id: c for c in s.execute(select(Comment)).scalars()}
        assert left == {edge, fresh, undated} and old not in left
        assert comments["1"].content_text == "" and comments["1"].erased_at is not None
        assert comments["2"].content_text == "A recent remark."
        assert s.execute(select(Erasure.selector, Erasure.posts)).one() == ("retention", 1)
    with sessions.begin() as s:  # without a retention period nothing is old
        assert (
            privacy.purge(s, now + timedelta(days=3650), timedelta(hours=24), None).get("retention") is None
        )
    engine.dispose()


def test_purge_command_reads_the_retention_period(sqlite_url: str) -> None:
    db = migrated(sqlite_url)
    out = run_cli("purge", db=db, env={"DOCLISTEN_RETENTION_DAYS": "3650"})
    assert "past the retention period: 0 posts" in out.stdout
    bad = run_cli("purge", db=db, env={"DOCLISTEN_RETENTION_DAYS": "soon"}, check=False)
    assert bad.returncode != 0 and "DOCLISTEN_RETENTION_DAYS='soon'" in bad.stderr
    assert "Traceback" not in bad.stderr


# ------------------------------------------------------------------ consent signals


def test_robots_rules_syntax() -> None:
    assert meta_rules([("robots", "noindex, follow")]) == {"noindex", "follow"}
    assert meta_rules([("GoogleBot", "NOINDEX")]) == {"noindex"}
    assert meta_rules([("bingbot", "noindex"), ("googlebot-news", "noindex")]) == set()
    assert "noindex" in meta_rules([("robots", "none")])
    assert header_rules(["noindex"]) == {"noindex"}
    assert header_rules(["googlebot: nofollow", "otherbot: noindex, nofollow"]) == {"nofollow"}
    assert header_rules(["otherbot: noindex, doclisten: noarchive"]) == {"noarchive"}
    assert header_rules(["unavailable_after: 25 Jun 2010 15:00:00 PST"]) == {
        "unavailable_after: 25 jun 2010 15:00:00 pst"
    }
    assert header_rules(["max-snippet: 20, noarchive"]) >= {"noarchive"}
    assert header_rules(["nocache"]) >= {"noarchive"}
    consent = page_consent([("robots", "max-image-preview:large")], ["doclisten: noindex"])
    assert consent.noindex and not consent.noarchive and "X-Robots-Tag" in consent.why


def test_noindex_and_noarchive_pages_of_the_sample_site(sample_crawl: Any) -> None:
    site, db = sample_crawl.site, sample_crawl.db
    blog = site.blogs["wp-block"].content
    hidden = blog.post_by_slug("a-hard-week-not-for-search-engines")
    withheld = blog.post_by_slug("school-nurse-meeting-notes")
    hidden_url = canonical_url(site.post_url("wp-block", hidden.slug))
    withheld_url = canonical_url(site.post_url("wp-block", withheld.slug))
    engine = create_engine(db)
    with engine.connect() as conn:
        urls = set(conn.execute(select(Post.url)).scalars())
        assert hidden_url not in urls and withheld_url in urls
        assert "Harriet Quill" not in set(conn.execute(select(Comment.author)).scalars())
        noindex = conn.execute(select(Suppression).where(Suppression.kind == "noindex")).all()
        assert [r.key for r in noindex] == [privacy.noindex_key(hidden_url)]
        row = conn.execute(select(Post).where(Post.url == withheld_url)).one()
        assert row.content_text == "" and row.text_withheld and row.title == withheld.title
        assert row.published_at is not None and row.author == withheld.author
        kept = conn.execute(select(Comment).where(Comment.post_id == row.id)).all()
        assert [(c.author, c.content_text) for c in kept] == [("Oren Vale", "")]
        matches = conn.execute(
            select(KeywordMatch.keyword, KeywordMatch.count, KeywordMatch.snippet).where(
                KeywordMatch.post_id == row.id
            )
        ).all()
        assert {m.keyword for m in matches} >= {"Dexcom", "Omnipod"}  # keyword counts kept
        assert all(m.count >= 1 and m.snippet == "" for m in matches)  # ... not the text around them
    engine.dispose()
    for phrase in (withheld.paragraphs[0][:40], hidden.paragraphs[0][:40], "Harriet Quill"):
        assert phrase.encode() not in database_bytes(db)
    # the source's health says how many were skipped and why
    rows = {r.source.home_url: r for r in list_sources(Config(database_url=db))}
    health = rows[canonical_url(site.blogs["wp-block"].homepage)]
    assert (health.noindex, health.noarchive) == (1, 1)
    assert consent(health) == "consent: 1 posts not stored (noindex), 1 kept without text (noarchive)"
    assert sum(r.noindex + r.noarchive for r in rows.values()) == 2
    listed = run_cli("sources", "list", db=db).stdout
    assert "(noindex)" in listed and "(noarchive)" in listed


def test_erase_finds_a_pseudonymized_author_by_name(db_url: str) -> None:
    """With DOCLISTEN_PSEUDONYMIZE_AUTHORS=1 the database holds only the keyed hash: `erase --author NAME`
    finds the person by it, and masks the clear name where others wrote it."""
    from doclisten.commands import privacy as commands
    from pipelines.pseudonym import Pseudonymizer

    key = "a-secret-of-at-least-16-chars"
    masker = Pseudonymizer(key)
    config = Config(database_url=migrated(db_url), pseudonymize_authors="1", pseudonym_key=key)
    engine = open_database(config.database_url)
    now = datetime(2026, 11, 30, tzinfo=UTC)
    with session_factory(engine).begin() as s:
        s.add(Source(id=1, home_url="https://blog.example/", platform="generic", added_at=now))
    with session_factory(engine).begin() as s:
        post, _ = upsert_post(s, _item("https://blog.example/p1", now), now)
        upsert_comments(
            s,
            post,
            [
                ExtractedComment(
                    "My A1c finally dropped.",
                    masker.name("Rosa Linde"),
                    masker.url("https://rosa.example/"),
                    now,
                    external_id="1",
                ),
                ExtractedComment(
                    "Congrats Rosa Linde, well done!",
                    masker.name("Sam"),
                    None,
                    now,
                    external_id="2",
                    parent_external_id="1",
                ),
            ],
            now,
        )
    dry = commands.erase(config, "author", "rosa  LINDE", None, dry_run=True)
    assert (dry.tombstones, dry.masked) == (1, 1)
    done = commands.erase(config, "author", "Rosa Linde", "request 9", dry_run=False)
    assert done.tombstones == 1
    with session_factory(engine).begin() as s:
        rows = {c.external_id: c for c in s.execute(select(Comment)).scalars()}
        assert rows["1"].author is None and rows["1"].content_text == "" and rows["1"].author_url is None
        assert (
            rows["2"].content_text == "Congrats [removed], well done!" and rows["2"].parent_id == rows["1"].id
        )
        assert s.execute(select(Erasure.selector_hash)).scalar_one() == privacy.author_key(
            masker.name("Rosa Linde") or ""
        )
    engine.dispose()


# ------------------------------------------------------------------ what the spider says is gone (no reactor)

BIG_POST = "notes-from-the-roche-social-media-summit"  # wp-classic, more than ten comments


def test_only_a_complete_listing_and_a_404_or_410_say_deleted() -> None:
    site = OfflineSite().start()
    job = job_for(site, "wp-classic")
    job = next_round(job, SpiderHarness(site, [job]).crawl().items)
    job.validators = {}  # pages fetched unconditionally (a 304 says nothing about the thread)
    harness = SpiderHarness(site, [job])
    urls = {
        p.slug: canonical_url(site.post_url("wp-classic", p.slug))
        for p in site.blogs["wp-classic"].content.posts
    }
    # a page whose own count matches the comments on it (no comment pages) is the whole thread
    (page,) = harness.spider.post_request(job, urls[BIG_POST], "recheck")
    (post,) = harness.answer(page).of(PostItem)
    assert post.comments and post.comments_complete
    # REST: one page is the whole thread; one of several pages is not
    harness.spider.seen[job.source_id].clear()
    (rest,) = harness.spider.comment_requests(job, urls[BIG_POST], post.external_id, None)
    (whole,) = harness.answer(rest).of(CommentsItem)
    assert whole.complete
    for n in range(101):
        site.add_comment("wp-classic", BIG_POST, f"Reader {n}", f"Comment number {n}.")
    harness.spider.seen[job.source_id].clear()
    (rest,) = harness.spider.comment_requests(job, urls[BIG_POST], post.external_id, None)
    first = harness.answer(rest)
    (more,) = first.requests
    assert not first.of(CommentsItem)[0].complete and not harness.answer(more).of(CommentsItem)[0].complete
    # a comment feed never is (WordPress lists the newest ten)
    feed = next(
        iter(
            harness.spider.comment_requests(job, urls[BIG_POST], None, None, hinted=urls[BIG_POST] + "feed/")
        )
    )
    assert not harness.answer(feed).of(CommentsItem)[0].complete
    # 410 and 404 on a known post: gone; 503: a soft failure, nothing
    slugs = [p.slug for p in site.blogs["wp-classic"].content.posts if p.slug != BIG_POST][:3]
    site.delete_post("wp-classic", slugs[0], status=410)
    site.delete_post("wp-classic", slugs[1], status=404)
    site.fail_post("wp-classic", slugs[2], status=503)
    said: dict[str, list[Any]] = {}
    for slug in slugs:
        harness.spider.seen[job.source_id].clear()
        (request,) = harness.spider.post_request(job, urls[slug], "recheck")
        said[slug] = harness.answer(request).of(PostGoneItem)
    assert [(g.why, g.status) for g in said[slugs[0]]] == [("gone", 410)]
    assert [(g.why, g.status) for g in said[slugs[1]]] == [("gone", 404)]
    assert said[slugs[2]] == []
