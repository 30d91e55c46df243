"""Repository functions for the ``comments`` table (take a Session, never commit).

Comments are upserted on (post, external id or content hash): one comment seen through the page, a
comment feed and the REST API becomes one row, and storing it again is harmless. The writes are
set-based: one SELECT of the post's rows, the merge in Python, then one multi-row INSERT for the new
rows, one executemany UPDATE for the changed ones, one last-seen bump and one parent-link statement —
a constant number of statements whatever the number of comments.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, func, select, update
from sqlalchemy.orm import Session, aliased

from crawler.extract.model import ExtractedComment
from pipelines.store.db import insert_for
from pipelines.store.keys import text_hash
from pipelines.store.models import Comment, Post
from pipelines.store.posts import update_post

VIA_PRIORITY = {"rest": 3, "html": 2, "feed": 1}  # whose text a row keeps when channels disagree
FILLED_IN = ("author", "author_url", "published_at", "parent_external_id")  # kept once known
COLUMNS = ("dedup_key", "external_id", "content_text", "content_hash", "via", *FILLED_IN)
IN_CHUNK = 500

TABLE: Table = Comment.__table__  # type: ignore[assignment]


@dataclass(eq=False)
class _Row:
    """One comment row of a post as the merge sees it (loaded, or new in this store)."""

    values: dict[str, Any]
    id: int | None = None
    loaded_key: str | None = None  # the dedup key it was loaded with (None: new)
    dirty: bool = False  # a column other than last_seen_at changed
    text_written: bool = False  # inserted, or its text replaced, in this store
    seen: bool = False
    threading: tuple[Any, Any] = (None, None)  # (external_id, parent_external_id) as loaded

    @property
    def key(self) -> str:
        return str(self.values["dedup_key"])


@dataclass
class StoredComments:
    """What :func:`merge_comments` wrote: how many rows are new, which rows got text in this store
    (``written``: id -> text, for the search index), and for each given comment the id of its row when
    that row now holds this very text *and* the text was written in this store (else None)."""

    new: int = 0
    written: dict[int, str] = field(default_factory=dict)
    annotate: list[int | None] = field(default_factory=list)
    unseen: list[int] = field(default_factory=list)  # stored rows of the post this store did not see


class _Merge:
    """Today's merge rules, applied to the post's rows in memory, comment by comment."""

    def __init__(self, rows: Sequence[Any], keep_text: bool = True):
        self.keep_text = keep_text
        self.rows: list[_Row] = []
        self.by_key: dict[str, _Row] = {}
        self.by_hash: dict[str, list[_Row]] = {}
        for r in rows:
            row = _Row({c: getattr(r, c) for c in COLUMNS}, id=r.id, loaded_key=r.dedup_key)
            row.threading = (r.external_id, r.parent_external_id)
            self._add(row)

    def _add(self, row: _Row) -> None:
        self.rows.append(row)
        self.by_key[row.key] = row
        self.by_hash.setdefault(row.values["content_hash"], []).append(row)

    def same_text(self, digest: str) -> _Row | None:
        found = self.by_hash.get(digest)
        return found[0] if found else None

    def key_for(self, comment: ExtractedComment, digest: str) -> str:
        """Dedup key: a comment first seen without an id keeps the row it already has."""
        if comment.external_id:
            return comment.external_id
        same = self.same_text(digest)
        return same.key if same is not None else f"h:{digest[:40]}"

    def adopt(self, external_id: str, digest: str) -> None:
        """A row stored earlier under its content hash (source without ids) adopts the id."""
        for row in list(self.by_hash.get(digest, ())):
            if row.key.startswith("h:") and external_id not in self.by_key:
                del self.by_key[row.key]
                row.values.update(dedup_key=external_id, external_id=external_id)
                row.dirty = True
                self.by_key[external_id] = row

    def add(self, comment: ExtractedComment, key: str, digest: str) -> _Row:
        row = _Row(_values(comment, key, digest, self.keep_text), dirty=True, text_written=True, seen=True)
        self._add(row)
        return row

    def merge(self, row: _Row, comment: ExtractedComment, digest: str) -> None:
        before = row.values["content_hash"]
        values = _values(comment, row.key, digest, self.keep_text)
        merge_into(row, values["content_text"], digest, comment.via, values)
        if row.values["content_hash"] != before:  # its text was replaced: found under the new hash
            self.by_hash[before].remove(row)
            self.by_hash.setdefault(row.values["content_hash"], []).append(row)


def _values(comment: ExtractedComment, key: str, digest: str, keep_text: bool = True) -> dict[str, Any]:
    return {
        "dedup_key": key,
        "external_id": comment.external_id,
        "parent_external_id": comment.parent_external_id,
        "author": comment.author,
        "author_url": comment.author_url,
        "published_at": comment.published_at,
        "content_text": comment.text if keep_text else "",  # noarchive: the hash only
        "content_hash": digest,
        "via": comment.via,
    }


def merge_into(row: _Row, text: str, digest: str, via: str, values: dict[str, Any]) -> None:
    """What a known row takes from another sighting of its comment (``text`` empty: withheld, the hash
    tells an edit)."""
    row.seen = True
    for column in FILLED_IN:
        if row.values[column] is None and values[column] is not None:
            row.values[column] = values[column]
            row.dirty = True
    if via == "rest" and values["parent_external_id"] is None and row.values["parent_external_id"]:
        row.values["parent_external_id"] = None  # REST is authoritative about threading
        row.dirty = True
    if VIA_PRIORITY.get(via, 0) >= VIA_PRIORITY.get(row.values["via"], 0) and (
        row.values["content_text"] != text if text else row.values["content_hash"] != digest
    ):
        row.values.update(content_text=text, content_hash=digest, via=via)
        row.dirty = row.text_written = True


# Statements built once (building one costs more than running it on a small post)
_ROWS = select(TABLE.c.id, *(TABLE.c[c] for c in COLUMNS)).where(TABLE.c.post_id == bindparam("post_id"))
_ROWS_BY_KEY = _ROWS.where(TABLE.c.dedup_key.in_(bindparam("keys", expanding=True))).order_by(TABLE.c.id)
_ROWS = _ROWS.order_by(TABLE.c.id)
# a row seen again is not deleted upstream (a partial fetch that missed it, a comment restored)
_SEEN_ALL = (
    update(TABLE)
    .where(TABLE.c.post_id == bindparam("of_post"))
    .values(last_seen_at=bindparam("now"), deleted_at=None)
)
_SEEN = _SEEN_ALL.where(TABLE.c.id.in_(bindparam("ids", expanding=True)))
_UPDATE = (
    update(TABLE)
    .where(TABLE.c.id == bindparam("row_id"))
    .values(
        {
            **{c: bindparam(f"v_{c}") for c in (*COLUMNS, "last_seen_at")},
            "deleted_at": None,
            "erased_at": None,
        }
    )
)


def _link_statement() -> Any:
    parent = aliased(Comment)
    found = (
        select(parent.id)
        .where(parent.post_id == TABLE.c.post_id, parent.external_id == TABLE.c.parent_external_id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        update(TABLE)
        .where(
            TABLE.c.post_id == bindparam("of_post"),
            TABLE.c.parent_id.is_distinct_from(found),
            found.is_distinct_from(TABLE.c.id),  # a comment is never its own parent (the old link stays)
        )
        .values(parent_id=found)
    )


_LINK = _link_statement()
_OF_POST = Comment.post_id == Post.id
_STATS = {
    "comment_count": select(func.count(Comment.id)).where(_OF_POST).scalar_subquery(),
    "last_comment_at": select(func.max(Comment.published_at)).where(_OF_POST).scalar_subquery(),
}


def _load(session: Session, post_id: int, keys: Sequence[str] | None = None) -> Sequence[Any]:
    if keys is None:
        return session.execute(_ROWS, {"post_id": post_id}).all()
    return session.execute(_ROWS_BY_KEY, {"post_id": post_id, "keys": list(keys)}).all()


def merge_comments(
    session: Session,
    post_id: int,
    comments: Sequence[ExtractedComment],
    now: datetime,
    *,
    new_post: bool = False,
    skip: Collection[int] = (),
    keep_text: bool = True,
    complete: bool = False,
) -> StoredComments:
    """Merge comments seen through HTML, feeds or REST into one row each (``new_post``: the post was
    inserted in this transaction, so it has no rows yet to read). ``skip``: indices of comments the
    suppression list keeps out; ``keep_text`` False: the page said noarchive (hashes, no text);
    ``complete``: ``comments`` are the whole thread, so ``unseen`` lists the stored rows it lacks."""
    merge = _Merge(() if new_post or not (comments or complete) else _load(session, post_id), keep_text)
    loaded = len(merge.rows)
    for index, comment in enumerate(comments):
        if not comment.text.strip() or index in skip:
            continue
        digest = text_hash(comment.text)
        key = merge.key_for(comment, digest)
        if comment.external_id:
            merge.adopt(key, digest)
        row = merge.by_key.get(key)
        if row is None:
            merge.add(comment, key, digest)
        else:
            merge.merge(row, comment, digest)
    result = StoredComments()
    known, new = merge.rows[:loaded], merge.rows[loaded:]
    _update_rows(session, [r for r in known if r.dirty], now)
    _insert_rows(session, post_id, new, now, result)
    _bump_last_seen(session, post_id, [r for r in known if r.seen and not r.dirty], loaded, now)
    if new or any(r.dirty and r.threading != _threading(r) for r in known):  # links may have changed
        link_parents(session, post_id)
    result.written.update({r.id: r.values["content_text"] for r in merge.rows if r.text_written and r.id})
    result.annotate = _annotated_ids(merge, comments)
    if skip:
        result.annotate = [None if i in skip else row for i, row in enumerate(result.annotate)]
    result.unseen = [r.id for r in known if not r.seen and r.id is not None]
    return result


def _threading(row: _Row) -> tuple[Any, Any]:
    return row.values["external_id"], row.values["parent_external_id"]


def _annotated_ids(merge: _Merge, comments: Sequence[ExtractedComment]) -> list[int | None]:
    """Per comment, the row that holds this very text, when that text was written in this store."""
    by_hash = {r.values["content_hash"]: r for r in merge.rows}
    ids: list[int | None] = []
    for comment in comments:
        digest = text_hash(comment.text)
        row = merge.by_key.get(comment.external_id) if comment.external_id else by_hash.get(digest)
        ok = row is not None and row.text_written and row.values["content_hash"] == digest
        ids.append(row.id if ok and row is not None else None)
    return ids


def _insert_rows(
    session: Session, post_id: int, rows: list[_Row], now: datetime, result: StoredComments
) -> None:
    """One INSERT … ON CONFLICT DO NOTHING RETURNING for all of them (SQLAlchemy's "insertmanyvalues"
    sends it as multi-row statements of up to 1,000 rows, within SQLite's bound-variable limit); a row
    another writer inserted meanwhile is merged into the stored one instead."""
    if not rows:
        return
    params = [{**r.values, "post_id": post_id, "first_seen_at": now, "last_seen_at": now} for r in rows]
    stmt = insert_for(session, TABLE).on_conflict_do_nothing(index_elements=["post_id", "dedup_key"])
    returned = session.execute(stmt.returning(TABLE.c.dedup_key, TABLE.c.id), params)
    ids: dict[str, int] = {key: row_id for key, row_id in returned}
    for r in rows:
        r.id = ids.get(r.key)
    result.new += len(ids)
    taken = [r for r in rows if r.id is None]
    if taken:
        _merge_taken(session, post_id, taken, now)


def _merge_taken(session: Session, post_id: int, rows: list[_Row], now: datetime) -> None:
    """Rows a concurrent writer inserted first: merge what this store saw into them."""
    stored = {r.dedup_key: r for r in _load(session, post_id, [r.key for r in rows])}
    updates = []
    for mine in rows:
        db = stored.get(mine.key)
        if db is None:
            continue
        row = _Row({c: getattr(db, c) for c in COLUMNS}, id=db.id, loaded_key=db.dedup_key)
        merge_into(
            row, mine.values["content_text"], mine.values["content_hash"], mine.values["via"], mine.values
        )
        mine.id, mine.values, mine.text_written = row.id, row.values, row.text_written
        updates.append(row)
    _update_rows(session, updates, now)


def _update_rows(session: Session, rows: list[_Row], now: datetime) -> None:
    if rows:
        params = [
            {"row_id": r.id, "v_last_seen_at": now, **{f"v_{c}": r.values[c] for c in COLUMNS}} for r in rows
        ]
        session.execute(_UPDATE, params)


def _bump_last_seen(session: Session, post_id: int, rows: list[_Row], loaded: int, now: datetime) -> None:
    """Rows seen again unchanged: only their ``last_seen_at``, in one statement (per 500 rows)."""
    if not rows:
        return
    if len(rows) == loaded:  # every stored row was seen: no id list needed
        session.execute(_SEEN_ALL, {"of_post": post_id, "now": now})
        return
    ids = [r.id for r in rows]
    for start in range(0, len(ids), IN_CHUNK):
        session.execute(_SEEN, {"of_post": post_id, "now": now, "ids": ids[start : start + IN_CHUNK]})


def link_parents(session: Session, post_id: int) -> None:
    """Set every comment's ``parent_id`` from its ``parent_external_id``, in one statement."""
    session.execute(_LINK, {"of_post": post_id})


def stats_values() -> dict[str, Any]:
    """``posts`` columns summarising a post's comments, as subqueries for the post's one UPDATE."""
    return dict(_STATS)


def upsert_comments(
    session: Session, post_id: int, comments: Iterable[ExtractedComment], now: datetime
) -> int:
    """Merge comments into their rows and refresh the post's comment stats. Returns how many are new."""
    stored = merge_comments(session, post_id, list(comments), now)
    update_post(session, post_id, {"comments_checked_at": now, **stats_values()})
    return stored.new


def comments_of_posts(session: Session, post_ids: Sequence[int]) -> Sequence[Row[int, int, str]]:
    """Every comment of these posts: ``(id, post_id, content_text)`` rows."""
    return session.execute(
        select(Comment.id, Comment.post_id, Comment.content_text).where(Comment.post_id.in_(list(post_ids)))
    ).all()


def set_text_facts(session: Session, facts: Sequence[dict[str, Any]]) -> None:
    """Language and sentiment of several comments: ``{"id", "language", "sentiment"}`` each."""
    if facts:  # one executemany UPDATE by primary key
        stmt = (
            update(TABLE)
            .where(TABLE.c.id == bindparam("row_id"))
            .values(language=bindparam("v_language"), sentiment=bindparam("v_sentiment"))
        )
        rows = [
            {"row_id": f["id"], "v_language": f["language"], "v_sentiment": f["sentiment"]} for f in facts
        ]
        session.execute(stmt, rows)
