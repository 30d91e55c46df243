"""Duplicates: exact ones are dropped or merged, near-duplicates are prepared for linking.

Exact, within a crawl: one post per canonical URL (same URL and text: dropped), one post per feed
GUID and title of a source (a second URL for the same feed entry: dropped), one comment per id or
text. Across crawls, storage upserts on the same keys, so repeated crawls never duplicate rows.

Near-duplicates (syndicated copies, "Originally published at…", light edits): the MinHash
signature of the body is computed here; the storage pipeline indexes it and sets
``posts.duplicate_of`` to the earliest post of its cluster (:mod:`pipelines.store.neardup`),
which also links posts whose title and body are identical.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawler.exceptions import DoclistenError
from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostItem
from crawler.stats import stat_key
from pipelines.annotations import NearDupRequest, annotations_of
from pipelines.neardup import DEFAULT_MIN_WORDS, DEFAULT_THRESHOLD, Hasher
from pipelines.store.keys import text_hash


def unique_comments(comments: list[ExtractedComment]) -> tuple[list[ExtractedComment], int]:
    seen: set[str] = set()
    out = []
    for c in comments:
        key = c.external_id or "h:" + text_hash(c.text)
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out, len(comments) - len(out)


class DedupPipeline:
    def __init__(self, stats: Any, threshold: float = DEFAULT_THRESHOLD, min_words: int = DEFAULT_MIN_WORDS):
        if not 0 < threshold <= 1:
            raise DoclistenError(f"DOCLISTEN_NEARDUP_THRESHOLD must be in (0, 1], not {threshold}")
        self.stats = stats
        self.threshold = threshold
        self.hasher = Hasher(min_words)
        self.posts: dict[str, str] = {}
        self.entries: dict[tuple[int, str, str], str] = {}  # (source, GUID, title) -> URL

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        s = crawler.settings
        return cls(
            crawler.stats,
            s.getfloat("DOCLISTEN_NEARDUP_THRESHOLD", DEFAULT_THRESHOLD),
            s.getint("DOCLISTEN_NEARDUP_MIN_WORDS", DEFAULT_MIN_WORDS),
        )

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PostItem):
            self._check_post(item)
            item.comments, dropped = unique_comments(item.comments)
            signature = self.hasher.signature(item.content_text)
            annotations_of(item).neardup = NearDupRequest(signature, self.threshold)
        elif isinstance(item, CommentsItem):
            item.comments, dropped = unique_comments(item.comments)
        return item

    def _check_post(self, item: PostItem) -> None:
        digest = text_hash(item.title, item.content_text)
        if self.posts.get(item.url) == digest:
            self._duplicate(item, f"duplicate of {item.url} in this crawl")
        self.posts[item.url] = digest
        if item.guid:
            entry = (item.source_id, item.guid, text_hash(item.title))
            first = self.entries.setdefault(entry, item.url)
            if first != item.url:
                self._duplicate(item, f"{item.url}: same feed entry (GUID and title) as {first}")

    def _duplicate(self, item: PostItem, reason: str) -> None:
        self.stats.inc_value(stat_key(item.source_id, "duplicates"))
        raise DropItem(reason)
