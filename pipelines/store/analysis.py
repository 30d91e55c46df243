"""Writes what the processing pipelines found (near-duplicate link, keyword matches, language,
sentiment) in the storage pipeline's transaction, right after the post or comments are upserted.

Repository functions: take a Session, never commit. Annotations are written only for text written in
the same store (a new or edited post or comment): a comment seen through several channels keeps the
text of the best one, and the matches of that text; storing an unchanged text again writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from pipelines.annotations import ItemAnnotations, TextAnnotations
from pipelines.keywords.matcher import Match
from pipelines.store.comments import set_text_facts
from pipelines.store.matches import replace_comment_matches, replace_post_matches
from pipelines.store.neardup import index_and_link

logger = logging.getLogger(__name__)


def store_post_annotations(
    session: Session,
    post_id: int,
    notes: ItemAnnotations | None,
    changes: dict[str, Any],
    *,
    new_post: bool = False,
) -> None:
    """A new or edited post's annotations (language and sentiment go into ``changes``, the post's
    pending UPDATE). An unchanged post keeps what it has: ``doclisten keywords retag`` re-applies rules."""
    if notes is None:
        return
    if notes.neardup is not None:
        neardup = notes.neardup
        target = index_and_link(session, post_id, neardup.signature, neardup.threshold, new_post=new_post)
        if target is not None:
            logger.debug("post %s is a near-duplicate of post %s", post_id, target)
    facts = notes.post
    if facts.enriched:
        changes.update(language=facts.language, sentiment=facts.sentiment)
    if facts.matches is not None:
        replace_post_matches(session, post_id, facts.matches, new_post=new_post)


def store_comment_annotations(
    session: Session, post_id: int, row_ids: Sequence[int | None], notes: ItemAnnotations | None
) -> None:
    """``row_ids``: per comment of the item, its row when that row got this very text in this store
    (:attr:`pipelines.store.comments.StoredComments.annotate`); other comments are left as they are."""
    if notes is None or not any(row_ids):
        return
    if len(notes.comments) != len(row_ids):
        logger.warning("post %s: comment annotations do not line up with the comments; skipped", post_id)
        return
    matches: dict[int, Sequence[Match]] = {}
    facts_by_id: dict[int, TextAnnotations] = {}
    for comment_id, facts in zip(row_ids, notes.comments, strict=True):
        if comment_id is None:
            continue
        if facts.matches is not None:
            matches[comment_id] = facts.matches
        if facts.enriched:
            facts_by_id[comment_id] = facts
    replace_comment_matches(session, post_id, matches)
    set_text_facts(
        session,
        [{"id": cid, "language": f.language, "sentiment": f.sentiment} for cid, f in facts_by_id.items()],
    )
