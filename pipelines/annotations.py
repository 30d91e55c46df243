"""What the processing pipelines learn about an item, handed to the storage pipeline.

The dedup, keywords and enrich pipelines compute; storage writes, in the item's own transaction.
Their results travel with the item in an :class:`ItemAnnotations` (one for the post body, one per
comment, in the order of ``item.comments``), reached through :func:`annotations_of`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipelines.keywords.matcher import Match
from pipelines.neardup import Signature

_ATTRIBUTE = "_doclisten_annotations"


@dataclass
class TextAnnotations:
    """Facts about one text (a post body or a comment)."""

    matches: list[Match] | None = None  # None: not tagged (keywords pipeline disabled)
    language: str | None = None
    sentiment: float | None = None
    enriched: bool = False  # language and sentiment computed


@dataclass
class NearDupRequest:
    signature: Signature | None  # None: too short to compare (exact duplicates are still linked)
    threshold: float


@dataclass
class ItemAnnotations:
    post: TextAnnotations = field(default_factory=TextAnnotations)
    comments: list[TextAnnotations] = field(default_factory=list)
    neardup: NearDupRequest | None = None

    def for_comments(self, count: int) -> list[TextAnnotations]:
        """One entry per comment of the item (created on first use)."""
        if len(self.comments) != count:
            self.comments = [TextAnnotations() for _ in range(count)]
        return self.comments


def annotations_of(item: Any) -> ItemAnnotations:
    """The annotations travelling with ``item`` (a PostItem or CommentsItem), created on first use."""
    found = peek_annotations(item)
    if found is None:
        found = ItemAnnotations()
        item.__dict__[_ATTRIBUTE] = found
    return found


def peek_annotations(item: Any) -> ItemAnnotations | None:
    """The annotations of ``item`` if a pipeline made some."""
    found = item.__dict__.get(_ATTRIBUTE)
    return found if isinstance(found, ItemAnnotations) else None
