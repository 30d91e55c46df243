"""What the processing pipelines learn about an item, handed to the storage pipeline.

The dedup, keywords and enrich pipelines compute; storage writes, in the item's own transaction.
Their results travel with the item in its declared ``annotations`` field (``crawler.items.PostItem``,
``CommentsItem``): an :class:`ItemAnnotations`, one entry for the post body and one per comment in the
order of ``item.comments``. :func:`annotations_of` creates it on first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.items import CommentsItem, PostItem
from pipelines.keywords.matcher import Match
from pipelines.neardup import Signature


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


def annotations_of(item: PostItem | CommentsItem) -> ItemAnnotations:
    """``item.annotations``, created on first use."""
    if item.annotations is None:
        item.annotations = ItemAnnotations()
    annotations: ItemAnnotations = item.annotations
    return annotations
