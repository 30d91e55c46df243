"""Normalize items: tidy whitespace, UTC timestamps, drop empty comments and boilerplate lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from scrapy.exceptions import DropItem

from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostItem
from pipelines import pseudonym

_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_BLANKS = re.compile(r"\n{3,}")
# Last guard: whole lines that are widget or form chrome, never prose.
BOILERPLATE_LINES = re.compile(
    r"^(?:leave a (?:reply|comment)|share this:?|like this:?|like loading\.*|\d+ bloggers? likes? this:?"
    r"|%d bloggers like this:?|related|reply|delete|post a comment|email this|blogthis!|says:"
    r"|share to (?:twitter|facebook|pinterest)|(?:cancel|reply) reply|loading\.*"
    r"|your email address will not be published\.?(?: required fields are marked \*)?"
    r"|fill in your details below or click an icon to log in:?"
    r"|you are commenting using your .{1,40} account\..*|notify me of (?:new|follow-up) comments.*"
    r"|newer post older post home|subscribe to: post comments \(atom\))$",
    re.I,
)


def clean_text(text: str | None) -> str:
    if not text:
        return ""
    lines = [
        _SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    kept = [line for line in lines if not BOILERPLATE_LINES.match(line)]
    return _BLANKS.sub("\n\n", "\n".join(kept)).strip()


def clean_name(value: str | None) -> str | None:
    if value is None:
        return None
    value = _SPACES.sub(" ", value).strip()
    return value or None


def as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def clean_comments(comments: list[ExtractedComment]) -> list[ExtractedComment]:
    out = []
    for c in comments:
        c.text = clean_text(c.text)
        if not c.text:
            continue
        c.author = clean_name(c.author)
        c.author_url = (c.author_url or "").strip() or None
        c.published_at = as_utc(c.published_at)
        out.append(c)
    return out


class NormalizePipeline:
    def __init__(self, pseudonymizer: pseudonym.Pseudonymizer | None = None):
        self.pseudonymizer = pseudonymizer

    @classmethod
    def from_crawler(cls, crawler: Any) -> NormalizePipeline:
        return cls(pseudonym.from_env())

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PostItem):
            item.content_text = clean_text(item.content_text)
            if not item.content_text:
                raise DropItem(f"post {item.url} has no text")
            item.title = clean_name(item.title)
            item.author = clean_name(item.author)
            item.published_at = as_utc(item.published_at)
            item.updated_at = as_utc(item.updated_at)
            item.comments = clean_comments(item.comments)
        elif isinstance(item, CommentsItem):
            item.comments = clean_comments(item.comments)
        if self.pseudonymizer is not None and isinstance(item, (PostItem, CommentsItem)):
            self.pseudonymizer.apply(item)
        return item
