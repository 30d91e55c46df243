"""People's data: erasure, the suppression list, upstream deletions, retention (docs/privacy.md).

Repository functions (take a Session, never commit): an erasure or a purge is one transaction, the
caller's. What they remove:

- an erased **post** goes with everything under it: its comments, keyword matches, full-text index
  entries, near-duplicate signature and bands (the thread cannot be shown without its post);
- an erased **comment** becomes a tombstone: its row keeps its id, post and place in the thread (replies
  keep their parent), its text, hash, author, author URL, language and sentiment are removed, its
  keyword matches and index entry deleted;
- the erased **name** is masked (``[removed]``) where others wrote it: titles, bodies, comments and the
  snippets of keyword matches, and the index entries of what was masked are rebuilt.

The **suppression list** (``suppressions``) keeps keyed hashes — SHA-256 of a kind and a stable id (the
post's canonical URL, a comment's post URL and dedup key, an author's stored name or URL, a source's
home URL) — never the text: the storage pipeline consults it before it stores an item (:func:`blocked`).
The audit table ``erasures`` records what kind of selector, a hash of its value, when, why and how many.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from pipelines.store.db import insert_for
from pipelines.store.models import Comment, Erasure, KeywordMatch, Post, Source, Suppression
from pipelines.store.search_index import index_comments, index_post

SELECTORS = ("author", "author_url", "pseudonym", "post_url", "source")
REMOVED = "[removed]"
NOINDEX = "noindex"
BLOCKING = ("post", "comment", "author", "author_url", "source")  # kinds that keep items out
CHUNK = 500


# ------------------------------------------------------------------ keys


def normal_name(value: str) -> str:
    return " ".join(value.casefold().split())


def normal_url(value: str) -> str:
    return value.strip().rstrip("/").casefold()


def key(kind: str, value: str) -> str:
    """The suppression key of a stable id: SHA-256 of the kind and the value (never the value itself)."""
    return hashlib.sha256(f"{kind}\0{value}".encode()).hexdigest()


def post_key(url: str) -> str:
    return key("post", url.strip())


def comment_key(post_url: str, dedup_key: str) -> str:
    return key("comment", f"{post_url.strip()}\0{dedup_key}")


def author_key(name: str) -> str:
    return key("author", normal_name(name))


def author_url_key(url: str) -> str:
    return key("author_url", normal_url(url))


def source_key(home_url: str) -> str:
    return key("source", normal_url(home_url))


def noindex_key(url: str) -> str:
    return key(NOINDEX, url.strip())


def comment_keys(post_url: str, external_id: str | None, content_hash: str | None) -> list[str]:
    """The keys a comment is known by: its platform id and the hash of its text (a channel without ids)."""
    keys = [comment_key(post_url, external_id)] if external_id else []
    if content_hash:
        keys.append(comment_key(post_url, f"h:{content_hash[:40]}"))
    return keys


# ------------------------------------------------------------------ the storage pipeline's check


@dataclass
class Blocked:
    """What of an item the suppression list keeps out: the whole post, or some of its comments (indices)."""

    post: bool = False
    comments: set[int] = field(default_factory=set)
    noindex_cleared: bool = False


def _found(session: Session, keys: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(keys))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(Suppression.key, Suppression.kind).where(
                Suppression.key.in_(wanted[start : start + CHUNK])
            )
        ).all()
        found.update({k: kind for k, kind in rows})
    return found


def blocked(
    session: Session,
    post_url: str,
    post_author: str | None,
    comments: Sequence[Any],
    digest: Any,
    *,
    with_post: bool,
) -> Blocked:
    """Check a post (``with_post``) and its comments against the suppression list, in one SELECT.

    ``comments`` are ``ExtractedComment``; ``digest(text)`` is the content hash the comments table keeps.
    A post URL listed as ``noindex`` whose page now came without it is taken off the list."""
    wanted: dict[str, list[int]] = {}  # key -> comment indices (-1: the post)
    if with_post:
        wanted.setdefault(post_key(post_url), []).append(-1)
        wanted.setdefault(noindex_key(post_url), []).append(-2)
        if post_author:
            wanted.setdefault(author_key(post_author), []).append(-1)
    for index, c in enumerate(comments):
        keys = comment_keys(post_url, c.external_id, digest(c.text))
        if c.author:
            keys.append(author_key(c.author))
        if c.author_url:
            keys.append(author_url_key(c.author_url))
        for k in keys:
            wanted.setdefault(k, []).append(index)
    found = _found(session, wanted)
    result = Blocked()
    for k, kind in found.items():
        if kind == NOINDEX:
            if with_post:
                session.execute(delete(Suppression).where(Suppression.key == k))
                result.noindex_cleared = True
            continue
        for index in wanted[k]:
            if index == -1:
                result.post = True
            elif index >= 0:
                result.comments.add(index)
    return result


def record_noindex(session: Session, source_id: int, url: str, now: datetime) -> bool:
    """A post page that asked not to be indexed: listed (for the source's health) and, if it was stored,
    removed at once with its thread. Returns whether a stored post was removed."""
    stmt = insert_for(session, Suppression).values(
        key=noindex_key(url), kind=NOINDEX, source_id=source_id, created_at=now
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
    ids = list(session.execute(select(Post.id).where(Post.url == url)).scalars())
    delete_posts(session, ids)
    return bool(ids)


def consent_counts(session: Session) -> tuple[dict[int, int], dict[int, int]]:
    """Per source: post pages not stored (noindex), posts kept without text (noarchive)."""
    noindex = dict(
        session.execute(
            select(Suppression.source_id, func.count())
            .where(Suppression.kind == NOINDEX, Suppression.source_id.is_not(None))
            .group_by(Suppression.source_id)
        ).all()
    )
    noarchive = dict(
        session.execute(
            select(Post.source_id, func.count()).where(Post.text_withheld.is_(True)).group_by(Post.source_id)
        ).all()
    )
    return {int(k): v for k, v in noindex.items() if k is not None}, noarchive


# ------------------------------------------------------------------ removing


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def delete_posts(session: Session, post_ids: Sequence[int]) -> None:
    """Posts and everything under them (comments, matches, near-duplicate index: by cascade; the
    full-text index explicitly, as SQLite's FTS5 tables have no foreign keys)."""
    for ids in _chunks(post_ids):
        params = {f"p{i}": v for i, v in enumerate(ids)}
        names = ", ".join(f":p{i}" for i in range(len(ids)))
        session.execute(text(f"DELETE FROM search_comments WHERE post_id IN ({names})"), params)
        session.execute(text(f"DELETE FROM search_posts WHERE post_id IN ({names})"), params)
        session.execute(update(Post).where(Post.duplicate_of.in_(ids)).values(duplicate_of=None))
        session.execute(delete(Post).where(Post.id.in_(ids)))


def tombstone_comments(session: Session, comment_ids: Sequence[int], now: datetime) -> int:
    """Comments made tombstones: text and identity removed, the row kept in its thread. Returns the
    number of keyword matches deleted with them."""
    matches = 0
    for ids in _chunks(comment_ids):
        matches += session.execute(
            select(func.count(KeywordMatch.id)).where(KeywordMatch.comment_id.in_(ids))
        ).scalar_one()
        session.execute(delete(KeywordMatch).where(KeywordMatch.comment_id.in_(ids)))
        params = {f"c{i}": v for i, v in enumerate(ids)}
        names = ", ".join(f":c{i}" for i in range(len(ids)))
        session.execute(text(f"DELETE FROM search_comments WHERE comment_id IN ({names})"), params)
        session.execute(
            update(Comment)
            .where(Comment.id.in_(ids))
            .values(
                content_text="",
                content_hash="",
                author=None,
                author_url=None,
                language=None,
                sentiment=None,
                via="",
                erased_at=now,
                deleted_at=None,
            )
        )
    return matches


def _suppress(
    session: Session, keys: dict[str, tuple[str, int | None]], erasure_id: int | None, now: datetime
) -> None:
    if not keys:
        return
    rows = [
        {"key": k, "kind": kind, "source_id": source_id, "erasure_id": erasure_id, "created_at": now}
        for k, (kind, source_id) in keys.items()
    ]
    for start in range(0, len(rows), CHUNK):
        stmt = insert_for(session, Suppression).on_conflict_do_update(
            index_elements=["key"], set_={"kind": insert_for(session, Suppression).excluded.kind}
        )
        session.execute(stmt, rows[start : start + CHUNK])


# ------------------------------------------------------------------ erasure


@dataclass
class Erased:
    """What an erasure removes (or, dry run, would remove)."""

    selector: str
    posts: int = 0
    comments: int = 0  # comments removed with their posts, plus tombstones
    tombstones: int = 0
    matches: int = 0
    sources: int = 0
    masked: int = 0  # others' titles, texts and snippets where the name was masked
    spooled: int = 0
    erasure_id: int | None = None
    dry_run: bool = False
    post_ids: list[int] = field(default_factory=list)
    comment_ids: list[int] = field(default_factory=list)
    source_ids: list[int] = field(default_factory=list)
    keys: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # clear-text names to mask in others' texts


def _lower_in(column: Any, values: Sequence[str]) -> Any:
    return func.lower(column).in_([v.lower() for v in values])


def _find(session: Session, selector: str, value: str, clear_name: str | None) -> Erased:
    found = Erased(selector)
    if selector in ("author", "pseudonym") and value.startswith("anon-url-"):
        selector = "author_url"
    if selector in ("author", "pseudonym"):
        wanted = normal_name(value)
        posts = session.execute(
            select(Post.id, Post.author, Post.source_id).where(_lower_in(Post.author, [value.strip()]))
        ).all()
        found.post_ids = [p.id for p in posts if p.author and normal_name(p.author) == wanted]
        rows = session.execute(
            select(Comment.id, Comment.author).where(_lower_in(Comment.author, [value.strip()]))
        ).all()
        found.comment_ids = [c.id for c in rows if c.author and normal_name(c.author) == wanted]
        found.keys[author_key(value)] = ("author", None)
        if clear_name:
            found.names.append(clear_name)
        elif selector == "author":
            found.names.append(value)
    elif selector == "author_url":
        wanted = normal_url(value)
        rows = session.execute(
            select(Comment.id, Comment.author_url).where(
                _lower_in(Comment.author_url, [value.strip().rstrip("/"), value.strip().rstrip("/") + "/"])
            )
        ).all()
        found.comment_ids = [c.id for c in rows if c.author_url and normal_url(c.author_url) == wanted]
        found.keys[author_url_key(value)] = ("author_url", None)
    elif selector == "post_url":
        found.post_ids = list(session.execute(select(Post.id).where(Post.url == value.strip())).scalars())
        found.keys[post_key(value)] = ("post", None)
    elif selector == "source":
        from pipelines.store.sources import find_source

        src = find_source(session, value)
        found.source_ids = [src.id]
        found.post_ids = list(session.execute(select(Post.id).where(Post.source_id == src.id)).scalars())
        found.keys[source_key(src.home_url)] = ("source", src.id)
    else:
        raise ValueError(f"unknown selector {selector!r}")
    return found


def _count(session: Session, found: Erased) -> None:
    found.posts = len(found.post_ids)
    in_posts = 0
    for ids in _chunks(found.post_ids):
        in_posts += session.execute(
            select(func.count(Comment.id)).where(Comment.post_id.in_(ids))
        ).scalar_one()
        found.matches += session.execute(
            select(func.count(KeywordMatch.id)).where(KeywordMatch.post_id.in_(ids))
        ).scalar_one()
    # comments under an erased post go with it; the others become tombstones
    erased_posts = set(found.post_ids)
    rows: list[Any] = []
    for ids in _chunks(found.comment_ids):
        rows += session.execute(
            select(Comment.id, Comment.post_id, Comment.dedup_key, Comment.content_hash, Post.url)
            .join(Post, Post.id == Comment.post_id)
            .where(Comment.id.in_(ids))
        ).all()
    found.comment_ids = [r.id for r in rows if r.post_id not in erased_posts]
    for r in rows:
        if r.post_id in erased_posts:
            continue
        for k in comment_keys(r.url, r.dedup_key, r.content_hash or None):
            found.keys[k] = ("comment", None)
    for ids in _chunks(found.comment_ids):
        found.matches += session.execute(
            select(func.count(KeywordMatch.id)).where(KeywordMatch.comment_id.in_(ids))
        ).scalar_one()
    found.tombstones = len(found.comment_ids)
    found.comments = in_posts + found.tombstones
    found.sources = len(found.source_ids)
    for ids in _chunks(found.post_ids):
        for url in session.execute(select(Post.url).where(Post.id.in_(ids))).scalars():
            found.keys[post_key(url)] = ("post", None)


def _name_pattern(names: Sequence[str]) -> re.Pattern[str] | None:
    words = [r"\s+".join(map(re.escape, n.split())) for n in names if n.strip()]
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


def _mask_names(session: Session, found: Erased) -> None:
    """The erased name where others wrote it: masked in titles, bodies, comments, snippets, source titles
    (and the index entries of what changed rebuilt)."""
    pattern = _name_pattern(found.names)
    if pattern is None:
        return
    likes = [f"%{' '.join(n.split()).lower()}%" for n in found.names if n.strip()]
    skip_posts, skip_comments = set(found.post_ids), set(found.comment_ids)

    def has(column: Any) -> Any:
        return or_(*(func.lower(column).like(like) for like in likes))

    for p in session.execute(
        select(Post.id, Post.title, Post.content_text).where(or_(has(Post.title), has(Post.content_text)))
    ).all():
        if p.id in skip_posts:
            continue
        title, body = pattern.sub(REMOVED, p.title or "") or p.title, pattern.sub(REMOVED, p.content_text)
        if (title, body) != (p.title, p.content_text):
            found.masked += 1
            if not found.dry_run:
                session.execute(update(Post).where(Post.id == p.id).values(title=title, content_text=body))
                index_post(session, p.id, title, body)
    for c in session.execute(
        select(Comment.id, Comment.post_id, Comment.content_text).where(has(Comment.content_text))
    ).all():
        if c.id in skip_comments or c.post_id in skip_posts:
            continue
        body = pattern.sub(REMOVED, c.content_text)
        if body != c.content_text:
            found.masked += 1
            if not found.dry_run:
                session.execute(update(Comment).where(Comment.id == c.id).values(content_text=body))
                index_comments(session, c.post_id, {c.id: body})
    for m in session.execute(
        select(KeywordMatch.id, KeywordMatch.snippet).where(has(KeywordMatch.snippet))
    ).all():
        snippet = pattern.sub(REMOVED, m.snippet)
        if snippet != m.snippet:
            found.masked += 1
            if not found.dry_run:
                session.execute(update(KeywordMatch).where(KeywordMatch.id == m.id).values(snippet=snippet))
    for s in session.execute(select(Source.id, Source.title).where(has(Source.title))).all():
        title = pattern.sub(REMOVED, s.title or "")
        if title != s.title:
            found.masked += 1
            if not found.dry_run:
                session.execute(update(Source).where(Source.id == s.id).values(title=title))


def selector_hash(selector: str, value: str) -> str:
    """What the audit row keeps of the selector's value: its keyed hash, never the value."""
    if selector in ("author", "pseudonym"):
        return author_key(value)
    if selector == "author_url":
        return author_url_key(value)
    if selector == "post_url":
        return post_key(value)
    return key(selector, value)


def erase(
    session: Session,
    selector: str,
    value: str,
    now: datetime,
    *,
    reason: str | None = None,
    dry_run: bool = False,
    clear_name: str | None = None,
) -> Erased:
    """Erase what ``selector`` (one of :data:`SELECTORS`) names: ``value`` as stored (a pseudonym when
    authors are pseudonymized; ``clear_name``: the name itself, masked in others' texts)."""
    found = _find(session, selector, value, clear_name)
    found.dry_run = dry_run
    _count(session, found)
    _mask_names(session, found)
    if dry_run:
        return found
    audit = Erasure(
        erased_at=now,
        selector=selector,
        selector_hash=selector_hash(selector, value) if selector != "source" else None,
        reason=reason,
        posts=found.posts,
        comments=found.comments,
        matches=found.matches,
        sources=found.sources,
    )
    session.add(audit)
    session.flush()
    found.erasure_id = audit.id
    tombstone_comments(session, found.comment_ids, now)
    delete_posts(session, found.post_ids)
    for source_id in found.source_ids:
        session.execute(delete(Source).where(Source.id == source_id))
    found.keys = {k: (kind, None) for k, (kind, _) in found.keys.items()}  # its source row is gone
    _suppress(session, found.keys, audit.id, now)
    return found


def note_spooled(session: Session, erasure_id: int, spooled: int) -> None:
    if spooled:
        session.execute(update(Erasure).where(Erasure.id == erasure_id).values(spooled=spooled))


def suppression_keys(session: Session) -> set[str]:
    """Every blocking key (for filtering the spool)."""
    return set(session.execute(select(Suppression.key).where(Suppression.kind.in_(BLOCKING))).scalars())


def item_blocked(item: Any, keys: set[str], digest: Any) -> Any:
    """A spooled unit with what the suppression list keeps out removed: None when nothing is left of it,
    else the item (its blocked comments dropped, in place)."""
    post_url = (
        getattr(item, "url", None) if hasattr(item, "content_text") else getattr(item, "post_url", None)
    )
    if post_url is None:
        return item
    is_post = hasattr(item, "content_text")
    if is_post and (post_key(post_url) in keys or (item.author and author_key(item.author) in keys)):
        return None
    kept = []
    for c in getattr(item, "comments", None) or []:
        ks = comment_keys(post_url, c.external_id, digest(c.text))
        ks += [author_key(c.author)] if c.author else []
        ks += [author_url_key(c.author_url)] if c.author_url else []
        if not any(k in keys for k in ks):
            kept.append(c)
    if len(kept) != len(getattr(item, "comments", None) or []):
        item.comments = kept
        item.annotations = None  # they no longer line up: the text is annotated again by a retag
    return item


# ------------------------------------------------------------------ upstream deletions and retention


def mark_post_deleted(session: Session, url: str, now: datetime) -> bool:
    """A known post answered 404/410: deleted upstream (purged after the grace period)."""
    result = session.execute(
        update(Post).where(Post.url == url, Post.deleted_at.is_(None)).values(deleted_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


# the channels a complete listing of the blog itself covers: a comment kept elsewhere (Disqus, Substack's JSON,
# a forum's) is never said gone by the blog's page or REST API
SITE_CHANNELS = ("html", "rest", "feed")


def mark_comments_deleted(session: Session, comment_ids: Sequence[int], now: datetime) -> None:
    """Stored comments a complete listing of their thread lacks: deleted upstream (purged after the grace)."""
    for ids in _chunks(comment_ids):
        session.execute(
            update(Comment)
            .where(
                Comment.id.in_(ids),
                Comment.deleted_at.is_(None),
                Comment.erased_at.is_(None),
                Comment.via.in_(SITE_CHANNELS),
            )
            .values(deleted_at=now)
        )


@dataclass
class Purged:
    posts: int = 0
    comments: int = 0
    matches: int = 0


def _age(published: Any, first_seen: Any) -> Any:
    return func.coalesce(published, first_seen)


def purge(
    session: Session, now: datetime, grace: timedelta, retention: timedelta | None
) -> dict[str, Purged]:
    """Deleted-upstream items past the grace period, and (``retention``) content older than that, by
    publication date (first seen when undated): posts removed with their threads, comments made
    tombstones. Each kind that removed something gets its ``erasures`` row."""
    done: dict[str, Purged] = {}
    gone_posts = list(
        session.execute(
            select(Post.id).where(Post.deleted_at.is_not(None), Post.deleted_at <= now - grace)
        ).scalars()
    )
    gone_comments = list(
        session.execute(
            select(Comment.id).where(Comment.deleted_at.is_not(None), Comment.deleted_at <= now - grace)
        ).scalars()
    )
    done["deleted_upstream"] = _purge(session, gone_posts, gone_comments, now)
    if retention is not None:
        cutoff = now - retention
        old_posts = list(
            session.execute(
                select(Post.id).where(_age(Post.published_at, Post.first_seen_at) < cutoff)
            ).scalars()
        )
        old_comments = list(
            session.execute(
                select(Comment.id).where(
                    _age(Comment.published_at, Comment.first_seen_at) < cutoff, Comment.erased_at.is_(None)
                )
            ).scalars()
        )
        done["retention"] = _purge(session, old_posts, old_comments, now)
    for selector, purged in done.items():
        if purged.posts or purged.comments:
            session.add(
                Erasure(
                    erased_at=now,
                    selector=selector,
                    reason="retention period" if selector == "retention" else "deleted upstream",
                    posts=purged.posts,
                    comments=purged.comments,
                    matches=purged.matches,
                )
            )
    return done


def _purge(session: Session, post_ids: list[int], comment_ids: list[int], now: datetime) -> Purged:
    purged = Purged(posts=len(post_ids))
    in_posts = set(post_ids)
    rows: list[Any] = []
    for ids in _chunks(comment_ids):
        rows += session.execute(select(Comment.id, Comment.post_id).where(Comment.id.in_(ids))).all()
    tomb = [r.id for r in rows if r.post_id not in in_posts]
    for ids in _chunks(post_ids):
        purged.comments += session.execute(
            select(func.count(Comment.id)).where(Comment.post_id.in_(ids))
        ).scalar_one()
        purged.matches += session.execute(
            select(func.count(KeywordMatch.id)).where(KeywordMatch.post_id.in_(ids))
        ).scalar_one()
    purged.matches += tombstone_comments(session, tomb, now)
    purged.comments += len(tomb)
    delete_posts(session, post_ids)
    return purged


def too_old(published: datetime | None, now: datetime, retention: timedelta | None) -> bool:
    """An item published before the retention window is not stored (undated items are)."""
    if retention is None or published is None:
        return False
    from crawler.extract.dates import to_utc

    return to_utc(published) < now - retention


# ------------------------------------------------------------------ SQLite forgets


def forget_sqlite(engine: Any) -> bool:
    """After an erasure or purge on SQLite: merge the full-text index's segments (a deleted row's words stay
    in old segments until then), rebuild the file (VACUUM) and empty the WAL, so the removed text is in
    neither free pages nor the log. Returns whether the WAL checkpoint completed (a reader elsewhere can
    hold it back; the next checkpoint then finishes it). PostgreSQL needs nothing: dead rows are not in
    a dump, and autovacuum reclaims them."""
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()  # autocommit (doclisten's SQLite connections): VACUUM needs no transaction
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA secure_delete=ON")
        for table in ("search_posts", "search_comments"):
            cur.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")
        cur.execute("VACUUM")
        busy = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cur.close()
    finally:
        raw.close()
    return not busy or busy[0] == 0
