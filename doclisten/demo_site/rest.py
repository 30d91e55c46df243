"""A small, faithful subset of the WordPress REST API (``/wp-json/``): root, posts, comments.

Like real WordPress, answers carry ``X-WP-Total``/``X-WP-TotalPages`` and no ETag.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from .content import Comment, Post
from .render_common import JSON, Resource, avatar

if TYPE_CHECKING:
    from .wordpress import WordPressBase


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> Resource:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Resource(body, JSON, status=status, conditional=False, headers=headers or {})


def _error(code: str, message: str, status: int = 400) -> Resource:
    return _json({"code": code, "message": message, "data": {"status": status}}, status)


def route(r: WordPressBase, path: str, query: dict[str, str]) -> Resource | None:
    path = path.rstrip("/")
    if path == "/wp-json":
        return _json(_root(r))
    if path == "/wp-json/wp/v2/comments":
        return _collection(r, query, "comments")
    if path == "/wp-json/wp/v2/posts":
        return _collection(r, query, "posts")
    if m := re.fullmatch(r"/wp-json/wp/v2/posts/(\d+)", path):
        post = r.blog.post_by_id(int(m.group(1)))
        return _json(_post(r, post)) if post else _error("rest_post_invalid_id", "Invalid post ID.", 404)
    if m := re.fullmatch(r"/wp-json/wp/v2/comments/(\d+)", path):
        found = [(p, c) for p, c in r.blog.all_comments() + r.blog.all_pings() if c.id == int(m.group(1))]
        return (
            _json(_comment(r, *found[0]))
            if found
            else _error("rest_comment_invalid_id", "Invalid comment ID.", 404)
        )
    return _error("rest_no_route", "No route was found matching the URL and request method.", 404)


def _root(r: WordPressBase) -> dict:
    return {
        "name": r.blog.title,
        "description": r.blog.tagline,
        "url": r.base.rstrip("/"),
        "home": r.base.rstrip("/"),
        "gmt_offset": str(r.blog.utc_offset_hours),
        "timezone_string": "",
        "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"],
        "authentication": [],
        "routes": {
            "/wp/v2/posts": {"namespace": "wp/v2", "methods": ["GET"]},
            "/wp/v2/comments": {"namespace": "wp/v2", "methods": ["GET"]},
        },
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    }


def _collection(r: WordPressBase, query: dict[str, str], kind: str) -> Resource:
    try:
        per_page = int(query.get("per_page", "10"))
        page = int(query.get("page", "1"))
    except ValueError:
        return _error("rest_invalid_param", "Invalid parameter(s): per_page, page")
    if not 1 <= per_page <= 100:
        return _error("rest_invalid_param", "Invalid parameter(s): per_page")
    if page < 1:
        return _error("rest_invalid_param", "Invalid parameter(s): page")
    if kind == "comments":
        # ?type= defaults to "comment" (WP_REST_Comments_Controller::get_collection_params): pingbacks and
        # trackbacks are left out unless asked for
        wanted = query.get("type", "comment")
        pairs = [pc for pc in r.blog.all_comments() + r.blog.all_pings() if pc[1].kind == wanted]
        if "post" in query:
            ids = {int(x) for x in query["post"].split(",") if x.strip().isdigit()}
            pairs = [(p, c) for p, c in pairs if p.id in ids]
        if "parent" in query:
            pairs = [(p, c) for p, c in pairs if (c.parent_id or 0) == int(query["parent"] or 0)]
        reverse = query.get("order", "desc") != "asc"
        pairs.sort(key=lambda pc: (pc[1].published, pc[1].id), reverse=reverse)
        items: list = pairs
    else:
        items = list(r.blog.posts)
    total = len(items)
    pages = -(-total // per_page)
    if total and page > pages:
        code = "rest_comment_invalid_page_number" if kind == "comments" else "rest_post_invalid_page_number"
        return _error(code, "The page number requested is larger than the number of pages available.")
    chunk = items[(page - 1) * per_page : page * per_page]
    data = [_comment(r, *pc) for pc in chunk] if kind == "comments" else [_post(r, p) for p in chunk]
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    base = r.url(f"wp-json/wp/v2/{kind}")
    keep = "&".join(f"{k}={v}" for k, v in query.items() if k != "page")
    links = []
    if page > 1:
        links.append(f'<{base}?{keep}&page={page - 1}>; rel="prev"'.replace("?&", "?"))
    if page < pages:
        links.append(f'<{base}?{keep}&page={page + 1}>; rel="next"'.replace("?&", "?"))
    if links:
        headers["Link"] = ", ".join(links)
    return _json(data, headers=headers)


def _wp_time(r: WordPressBase, dt, gmt: bool = False) -> str:
    return (dt if gmt else r.local(dt)).strftime("%Y-%m-%dT%H:%M:%S")


def _comment(r: WordPressBase, post: Post, c: Comment) -> dict:
    rendered = "".join(f"<p>{_esc(par)}</p>\n" for par in c.paragraphs)
    return {
        "id": c.id,
        "post": post.id,
        "parent": c.parent_id or 0,
        "author": 0,
        "author_name": c.author,
        "author_url": c.author_url or "",
        "date": _wp_time(r, c.published),
        "date_gmt": _wp_time(r, c.published, gmt=True),
        "content": {"rendered": rendered},
        "link": f"{r.post_url(post)}#comment-{c.id}",
        "status": "approved",
        "type": c.kind,
        "author_avatar_urls": {s: avatar(c.author, int(s)).replace("&amp;", "&") for s in ("24", "48", "96")},
        "meta": [],
        "_links": {
            "self": [{"href": r.url(f"wp-json/wp/v2/comments/{c.id}")}],
            "collection": [{"href": r.url("wp-json/wp/v2/comments")}],
            "up": [
                {"embeddable": True, "post_type": "post", "href": r.url(f"wp-json/wp/v2/posts/{post.id}")}
            ],
        },
    }


def _post(r: WordPressBase, p: Post) -> dict:
    return {
        "id": p.id,
        "date": _wp_time(r, p.published),
        "date_gmt": _wp_time(r, p.published, gmt=True),
        "guid": {"rendered": r.url(f"?p={p.id}")},
        "modified": _wp_time(r, p.updated),
        "modified_gmt": _wp_time(r, p.updated, gmt=True),
        "slug": p.slug,
        "status": "publish",
        "type": "post",
        "link": r.post_url(p),
        "title": {"rendered": _esc(p.title)},
        "content": {"rendered": r.body_html(p) + "\n", "protected": False},
        "excerpt": {"rendered": f"<p>{_esc(r.excerpt(p))}</p>\n", "protected": False},
        "author": 1,
        "comment_status": "open",
        "format": "standard",
        "tags": [],
        "_links": {
            "self": [{"href": r.url(f"wp-json/wp/v2/posts/{p.id}")}],
            "replies": [{"embeddable": True, "href": r.url(f"wp-json/wp/v2/comments?post={p.id}")}],
        },
    }


def _esc(text: str) -> str:
    # WordPress texturizes quotes and escapes HTML specials in rendered fields.
    return text.replace("&", "&#038;").replace("<", "&lt;").replace(">", "&gt;")
