"""Substack publications from their public JSON (issue 14, item 3: the extraction half; the crawl wires it
through a connector).

Posts are listed by the publication's RSS (``/feed``, the feed reader doclisten already has); what a post's
page does not give without JavaScript comes from two key-less endpoints Substack's own web client calls
(their shapes as public Substack clients and scrapers read them — searched: ``api/v1/post``):

- ``/api/v1/posts/<slug>``: ``{"id", "title", "slug", "post_date", "canonical_url", "audience"
  ("everyone", "only_paid", "founding"), "body_html" (for a paid post only its public part),
  "truncated_body_text", "comment_count", "publishedBylines": [{"name", "handle"}]}``;
- ``/api/v1/post/<id>/comments?all_comments=true&sort=oldest_first``: ``{"comments": [{"id", "body" (plain
  text), "date", "edited_at", "name", "handle", "user_id", "ancestor_path" (ids above it; "" for a
  top-level comment), "deleted", "status", "children": [replies, the same shape]}]}``.

A paid-only post is stored with what is public (its free preview) and says so (``paid``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from crawler.extract.dates import parse_iso
from crawler.extract.jsondata import error_of, load_object
from crawler.extract.model import ExtractedComment
from crawler.extract.text import fragment_text

VIA = "substack"
PUBLIC = "everyone"
_POST_PATH = re.compile(r"^/p/([^/?#]+)/?$")
# Substack's own widgets inside body_html: subscribe and share buttons, the paywall's call to action
NOT_TEXT = ".subscription-widget-wrap, .subscribe-widget, .button-wrapper, .share-dialog, .paywall, .captioned-button-wrap"


@dataclass
class SubstackPost:
    id: int
    title: str
    url: str | None
    author: str | None = None
    published_at: datetime | None = None
    text: str = ""
    paid: bool = False  # only the free preview is public (and stored)
    comment_count: int | None = None
    comments: list[ExtractedComment] = field(default_factory=list)


def post_api_url(post_url: str) -> str | None:
    """``https://x.substack.com/p/slug`` -> ``https://x.substack.com/api/v1/posts/slug`` (custom domains too);
    None for an address that is not a post's."""
    parts = urlsplit(post_url)
    match = _POST_PATH.match(parts.path)
    if not match:
        return None
    return urlunsplit((parts.scheme, parts.netloc, f"/api/v1/posts/{match.group(1)}", "", ""))


def comments_url(post_url: str, post_id: int) -> str:
    parts = urlsplit(post_url)
    path = f"/api/v1/post/{post_id}/comments"
    return urlunsplit((parts.scheme, parts.netloc, path, "all_comments=true&sort=oldest_first", ""))


def parse_post(body: bytes | str) -> SubstackPost:
    """A post from ``/api/v1/posts/<slug>``. Raises ``ValueError`` (one line) when it is not one."""
    data = load_object(body, "Substack post")
    if not isinstance(data.get("id"), int):
        raise ValueError(f"Substack post without an id{error_of(data)}")
    bylines = data.get("publishedBylines")
    first = bylines[0] if isinstance(bylines, list) and bylines and isinstance(bylines[0], dict) else {}
    text = (
        fragment_text(data.get("body_html"), without=NOT_TEXT)
        if isinstance(data.get("body_html"), str)
        else ""
    )
    return SubstackPost(
        id=data["id"],
        title=str(data.get("title") or "").strip(),
        url=data.get("canonical_url") or None,
        author=str(first.get("name") or "").strip() or None,
        published_at=parse_iso(data.get("post_date")),
        text=text or str(data.get("truncated_body_text") or "").strip(),
        paid=data.get("audience", PUBLIC) != PUBLIC,
        comment_count=data.get("comment_count") if isinstance(data.get("comment_count"), int) else None,
    )


def parse_comments(body: bytes | str) -> list[ExtractedComment]:
    """Every comment of the tree, each reply after the comment it answers; deleted or removed ones are left
    out, their replies keep their parent's id. Raises ``ValueError`` (one line) when it is not a listing."""
    data = load_object(body, "Substack comments")
    comments = data.get("comments")
    if not isinstance(comments, list):
        raise ValueError(f"Substack comments without a comment list{error_of(data)}")
    return list(_walk(comments, None))


def _walk(nodes: list[Any], parent: str | None) -> Iterator[ExtractedComment]:
    for node in nodes:
        if not isinstance(node, dict) or node.get("id") in (None, ""):
            continue
        own_id = str(node["id"])
        up = parent if parent is not None else _last_ancestor(node.get("ancestor_path"))
        text = str(node.get("body") or "").strip()
        if text and not node.get("deleted") and node.get("status", "ok") == "ok":
            handle = str(node.get("handle") or "").strip()
            yield ExtractedComment(
                text=text,
                author=str(node.get("name") or "").strip() or None,
                author_url=f"https://substack.com/@{handle}" if handle else None,
                published_at=parse_iso(node.get("date")),
                external_id=own_id,
                parent_external_id=up,
                via=VIA,
            )
        children = node.get("children")
        if isinstance(children, list):
            yield from _walk(children, own_id)


def _last_ancestor(path: Any) -> str | None:
    """The parent's id from ``ancestor_path`` ("" at the top; ids joined by "." or "/")."""
    if not isinstance(path, str):
        return None
    parts = [p for p in re.split(r"[./]", path) if p.strip()]
    return parts[-1] if parts else None
