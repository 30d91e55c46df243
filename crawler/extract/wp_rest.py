"""WordPress REST API comments (``/wp-json/wp/v2/comments?post=ID``).

The REST API is the best comment source WordPress offers: every comment with its numeric
id and its ``parent``, so threads come out exactly.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import lxml.html
from lxml import etree
from w3lib.url import add_or_replace_parameters, url_query_parameter

from crawler.extract.model import ExtractedComment

_BLOCK_TAGS = (
    "p",
    "div",
    "blockquote",
    "li",
    "ul",
    "ol",
    "pre",
    "table",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "hr",
)
_DROP_TAGS = ("script", "style", "noscript", "template")
_SPACES = re.compile(r"\s+")


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line, ``<br>`` as a
    line break, whitespace within lines collapsed, scripts and styles dropped."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(html.split())
    for el in list(root.iter(*_DROP_TAGS)):
        el.drop_tree()
    for el in root.iter():  # source newlines are just spaces in HTML
        el.text = _SPACES.sub(" ", el.text) if el.text else el.text
        el.tail = _SPACES.sub(" ", el.tail) if el.tail else el.tail
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")
    for el in root.iter(*_BLOCK_TAGS):
        el.text = "\n\n" + (el.text or "")
        el.tail = "\n\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def without_fragment(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def parse_utc(value: str | None) -> datetime | None:
    """ISO 8601 timestamp to an aware UTC datetime; naive values are taken as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _comment(item: dict) -> ExtractedComment:
    if not isinstance(item, dict) or "id" not in item:
        raise ValueError("WordPress REST comment without an id")
    content = item.get("content")
    rendered = content.get("rendered") if isinstance(content, dict) else None
    parent = item.get("parent") or None
    return ExtractedComment(
        text=html_to_text(rendered),
        author=(item.get("author_name") or "").strip() or None,
        author_url=item.get("author_url") or None,
        published_at=parse_utc(item.get("date_gmt")) or parse_utc(item.get("date")),
        external_id=str(item["id"]),
        parent_external_id=str(parent) if parent else None,
        via="rest",
        post_url=without_fragment(item.get("link")),
    )


def parse_rest_comments(body: bytes) -> list[ExtractedComment]:
    """Comments from one page of ``/wp/v2/comments`` JSON.

    Raises ``ValueError`` (one-line message) when the body is not that JSON list.
    """
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"WordPress REST comments: not JSON ({exc.__class__.__name__})") from None
    if not isinstance(data, list):
        # error bodies look like {"code": "rest_post_invalid_id", "message": "..."}
        code = data.get("code") if isinstance(data, dict) else None
        raise ValueError(f"WordPress REST comments: expected a JSON list, got {code or type(data).__name__}")
    return [_comment(item) for item in data]


def rest_comments_url(rest_root: str, post_id: str, page: int = 1, per_page: int = 100) -> str:
    """URL of one page of a post's comments, oldest first.

    ``rest_root`` is what the site advertises: ``https://x/wp-json/`` (pretty permalinks)
    or ``https://x/?rest_route=/`` (plain permalinks).
    """
    params = {"post": str(post_id), "per_page": str(per_page), "page": str(page), "order": "asc"}
    route = url_query_parameter(rest_root, "rest_route")
    if route is not None:
        params = {"rest_route": route.rstrip("/") + "/wp/v2/comments", **params}
        return add_or_replace_parameters(rest_root, params)
    base = rest_root if rest_root.endswith("/") else rest_root + "/"
    return add_or_replace_parameters(base + "wp/v2/comments", params)
