"""Exact duplicates within a crawl: one post per canonical URL, one comment per id or text.

Across crawls, storage upserts on the same keys, so repeated crawls never duplicate rows.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostItem
from crawler.middlewares.sourcestats import stat_key
from pipelines.repository import text_hash


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
    def __init__(self, stats: Any):
        self.stats = stats
        self.posts: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PostItem):
            digest = text_hash(item.title, item.content_text)
            if self.posts.get(item.url) == digest:
                self.stats.inc_value(stat_key(item.source_id, "duplicates"))
                raise DropItem(f"duplicate of {item.url} in this crawl")
            self.posts[item.url] = digest
            item.comments, dropped = unique_comments(item.comments)
        elif isinstance(item, CommentsItem):
            item.comments, dropped = unique_comments(item.comments)
        return item
