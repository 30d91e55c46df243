"""WordPress REST API comments (``/wp-json/wp/v2/comments?post=ID``).

The REST API is the best comment source WordPress offers: every comment with its numeric
id and its ``parent``, so threads come out exactly.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import add_or_replace_parameters, url_query_parameter

from crawler.extract.dates import parse_iso
from crawler.extract.model import ExtractedComment
from crawler.extract.pings import is_ping_type
from crawler.extract.text import fragment_text


def without_fragment(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _comment(item: dict) -> ExtractedComment:
    if not isinstance(item, dict) or "id" not in item:
        raise ValueError("WordPress REST comment without an id")
    content = item.get("content")
    rendered = content.get("rendered") if isinstance(content, dict) else None
    parent = item.get("parent") or None
    return ExtractedComment(
        text=fragment_text(rendered),
        author=(item.get("author_name") or "").strip() or None,
        author_url=item.get("author_url") or None,
        published_at=parse_iso(item.get("date_gmt")) or parse_iso(item.get("date")),
        external_id=str(item["id"]),
        parent_external_id=str(parent) if parent else None,
        via="rest",
        post_url=without_fragment(item.get("link")),
    )


def parse_rest_comments(body: bytes) -> list[ExtractedComment]:
    """Comments from one page of ``/wp/v2/comments`` JSON, pingbacks and trackbacks left out.

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
    # "type" is "comment", "pingback" or "trackback" (WP_REST_Comments_Controller::get_item_schema)
    return [
        _comment(item) for item in data if not (isinstance(item, dict) and is_ping_type(item.get("type")))
    ]


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
