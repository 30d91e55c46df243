"""Re-apply keyword rules to the stored history (``doclisten keywords retag``).

Posts are read in batches by id (keyset pagination: memory stays flat however large the database);
each batch, with its comments, is retagged in one transaction that replaces the old matches, so
an interrupted retag leaves every post either fully old or fully new.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from pipelines.enrich import Enricher
from pipelines.keywords.matcher import Match, Matcher
from pipelines.keywords.text import post_text
from pipelines.store import comments as comment_rows
from pipelines.store import posts as post_rows
from pipelines.store.matches import delete_matches_of_posts, insert_matches, match_rows

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 200


@dataclass
class RetagProgress:
    total_posts: int
    posts: int = 0
    comments: int = 0
    matches: int = 0


class Retagger:
    def __init__(self, matcher: Matcher, enricher: Enricher, *, text_facts: bool = False):
        self.matcher = matcher
        self.enricher = enricher
        self.text_facts = text_facts  # also recompute language and sentiment of posts and comments

    def _tag(self, text: str) -> list[Match]:
        matches = self.matcher.tag(text)
        self.enricher.annotate_matches(text, matches)
        return matches

    def retag_batch(self, session: Session, after_id: int, limit: int, progress: RetagProgress) -> int | None:
        """Retag up to ``limit`` posts with id > ``after_id``. Returns the last id, None when done."""
        found = post_rows.posts_after(session, after_id, limit)
        if not found:
            return None
        last = found[-1].id
        # a post kept without text (its page said noarchive) keeps the matches counted when it was crawled
        withheld = [p.id for p in found if getattr(p, "text_withheld", False)]
        progress.matches += post_rows.count_matches(session, withheld)
        posts = [p for p in found if p.id not in set(withheld)]
        ids = [p.id for p in posts]
        delete_matches_of_posts(session, ids)
        rows = []
        for post in posts:
            rows += match_rows(post.id, None, self._tag(post_text(post.title, post.content_text)))
        comments = comment_rows.comments_of_posts(session, ids)
        for comment in comments:
            rows += match_rows(comment.post_id, comment.id, self._tag(comment.content_text))
        insert_matches(session, rows)
        if self.text_facts:
            self._refresh_text_facts(session, posts, comments)
        progress.posts += len(found)
        progress.comments += len(comments)
        progress.matches += len(rows)
        return last

    def _refresh_text_facts(self, session: Session, posts: Sequence[Any], comments: Sequence[Any]) -> None:
        post_rows.set_text_facts(session, [self._text_facts(p.id, p.content_text) for p in posts])
        comment_rows.set_text_facts(session, [self._text_facts(c.id, c.content_text) for c in comments])

    def _text_facts(self, row_id: int, text: str) -> dict[str, Any]:
        return {
            "id": row_id,
            "language": self.enricher.language(text),
            "sentiment": self.enricher.sentiment(text),
        }


def retag(
    sessions: sessionmaker[Session],
    retagger: Retagger,
    batch_size: int = DEFAULT_BATCH,
    report: Callable[[RetagProgress], None] | None = None,
) -> RetagProgress:
    with sessions.begin() as session:
        progress = RetagProgress(total_posts=post_rows.count_posts(session))
    last: int | None = 0
    while last is not None:
        with sessions.begin() as session:
            last = retagger.retag_batch(session, last, batch_size, progress)
        if last is not None and report is not None:
            report(progress)
    logger.info(
        "retagged %d posts and %d comments: %d matches", progress.posts, progress.comments, progress.matches
    )
    return progress
