"""Normalize items: tidy whitespace, UTC timestamps, drop empty comments and boilerplate lines."""

from __future__ import annotations

import html
import re
from typing import Any

from scrapy.exceptions import DropItem

from crawler.extract.boilerplate import is_boilerplate_line
from crawler.extract.dates import to_utc
from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostItem
from pipelines import pseudonym

_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_BLANKS = re.compile(r"\n{3,}")


def clean_text(text: str | None) -> str:
    if not text:
        return ""
    lines = [
        _SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    # last guard, for text that did not come through crawler.extract.text: the same line filter
    kept = [line for line in lines if not line or not is_boilerplate_line(line)]
    return _BLANKS.sub("\n\n", "\n".join(kept)).strip()


def clean_name(value: str | None) -> str | None:
    """A name or title as plain text: HTML entities decoded (WordPress feeds put a pingback's author in CDATA
    as ``Another DOC Blog &#187; Weekly Roundup``), spaces tidied."""
    if value is None:
        return None
    if "&" in value:
        value = html.unescape(value)
    value = _SPACES.sub(" ", value).strip()
    return value or None


def clean_comments(comments: list[ExtractedComment]) -> list[ExtractedComment]:
    out = []
    for c in comments:
        c.text = clean_text(c.text)
        if not c.text:
            continue
        c.author = clean_name(c.author)
        c.author_url = (c.author_url or "").strip() or None
        c.published_at = to_utc(c.published_at)
        out.append(c)
    return out


class NormalizePipeline:
    def __init__(self, pseudonymizer: pseudonym.Pseudonymizer | None = None):
        self.pseudonymizer = pseudonymizer

    @classmethod
    def from_crawler(cls, crawler: Any) -> NormalizePipeline:
        return cls(pseudonym.from_settings(crawler.settings))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PostItem):
            item.content_text = clean_text(item.content_text)
            if not item.content_text:
                raise DropItem(f"post {item.url} has no text")
            item.title = clean_name(item.title)
            item.author = clean_name(item.author)
            item.published_at = to_utc(item.published_at)
            item.updated_at = to_utc(item.updated_at)
            item.comments = clean_comments(item.comments)
        elif isinstance(item, CommentsItem):
            item.comments = clean_comments(item.comments)
        if self.pseudonymizer is not None and isinstance(item, (PostItem, CommentsItem)):
            self.pseudonymizer.apply(item)
        return item
