"""Repository functions for ``keyword_matches`` (take a Session, never commit).

Matches of a text are replaced, never appended: storing a post or comment again (a recrawl, a
retag) leaves exactly the matches of its current text under the current rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from pipelines.keywords.matcher import Match
from pipelines.store.models import KeywordMatch

SNIPPET_MAX = 1000


def match_rows(post_id: int, comment_id: int | None, matches: Iterable[Match]) -> list[dict]:
    return [
        {
            "keyword": m.keyword,
            "keyword_group": m.group,
            "post_id": post_id,
            "comment_id": comment_id,
            "snippet": m.snippet[:SNIPPET_MAX],
            "count": m.count,
            "sentiment": m.sentiment,
        }
        for m in matches
    ]


def insert_matches(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(insert(KeywordMatch), rows)


def replace_post_matches(
    session: Session, post_id: int, matches: Sequence[Match], *, new_post: bool = False
) -> None:
    """The matches in a post's own text (comment_id NULL); a ``new_post`` has none to delete."""
    if not new_post:
        session.execute(
            delete(KeywordMatch).where(KeywordMatch.post_id == post_id, KeywordMatch.comment_id.is_(None))
        )
    insert_matches(session, match_rows(post_id, None, matches))


def replace_comment_matches(session: Session, post_id: int, matches: dict[int, Sequence[Match]]) -> None:
    """The matches of several comments of one post: comment id -> matches."""
    if not matches:
        return
    session.execute(delete(KeywordMatch).where(KeywordMatch.comment_id.in_(list(matches))))
    insert_matches(
        session, [row for cid, found in matches.items() for row in match_rows(post_id, cid, found)]
    )


def delete_matches_of_posts(session: Session, post_ids: Sequence[int]) -> None:
    """Every match of these posts and of their comments (before a retag writes them anew)."""
    session.execute(delete(KeywordMatch).where(KeywordMatch.post_id.in_(list(post_ids))))
