"""Writes what the processing pipelines found (near-duplicate link, keyword matches, language,
sentiment) in the storage pipeline's transaction, right after the post or comments are upserted.

Repository functions: take a Session, never commit. A comment's annotations are written only when
the stored row holds the very text that was analysed (a comment seen through several channels
keeps the text of the best one, and the matches of that text).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.extract.model import ExtractedComment
from pipelines.annotations import ItemAnnotations, TextAnnotations
from pipelines.keywords.matcher import Match
from pipelines.store.keys import text_hash
from pipelines.store.matches import replace_comment_matches, replace_post_matches
from pipelines.store.models import Comment, Post
from pipelines.store.neardup import index_and_link

logger = logging.getLogger(__name__)


def store_post_annotations(session: Session, post_id: int, notes: ItemAnnotations | None) -> None:
    if notes is None:
        return
    if notes.neardup is not None:
        target = index_and_link(session, post_id, notes.neardup.signature, notes.neardup.threshold)
        if target is not None:
            logger.debug("post %s is a near-duplicate of post %s", post_id, target)
    facts = notes.post
    if facts.enriched:
        session.execute(
            update(Post).where(Post.id == post_id).values(language=facts.language, sentiment=facts.sentiment)
        )
    if facts.matches is not None:
        replace_post_matches(session, post_id, facts.matches)


def _stored_comment_ids(
    session: Session, post_id: int, comments: Sequence[ExtractedComment]
) -> list[int | None]:
    """Row id of each comment, or None when the row does not hold this very text."""
    rows = session.execute(
        select(Comment.id, Comment.dedup_key, Comment.content_hash).where(Comment.post_id == post_id)
    ).all()
    by_key = {r.dedup_key: r for r in rows}
    by_hash = {r.content_hash: r for r in rows}
    ids: list[int | None] = []
    for comment in comments:
        digest = text_hash(comment.text)
        row = by_key.get(comment.external_id) if comment.external_id else by_hash.get(digest)
        ids.append(row.id if row is not None and row.content_hash == digest else None)
    return ids


def store_comment_annotations(
    session: Session, post_id: int, comments: Sequence[ExtractedComment], notes: ItemAnnotations | None
) -> None:
    if notes is None or not comments:
        return
    if len(notes.comments) != len(comments):
        logger.warning("post %s: comment annotations do not line up with the comments; skipped", post_id)
        return
    matches: dict[int, Sequence[Match]] = {}
    facts_by_id: dict[int, TextAnnotations] = {}
    for comment_id, facts in zip(
        _stored_comment_ids(session, post_id, comments), notes.comments, strict=True
    ):
        if comment_id is None:
            continue
        if facts.matches is not None:
            matches[comment_id] = facts.matches
        if facts.enriched:
            facts_by_id[comment_id] = facts
    replace_comment_matches(session, post_id, matches)
    if facts_by_id:  # ORM bulk UPDATE by primary key
        session.execute(
            update(Comment),
            [{"id": cid, "language": f.language, "sentiment": f.sentiment} for cid, f in facts_by_id.items()],
        )
