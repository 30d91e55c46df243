"""Disqus comments without JavaScript (issue 14, item 2: the extraction half; the crawl wires it through a
connector).

A page that embeds Disqus says so in one of the ways Disqus documents or its plugins print:

- the WordPress plugin (disqus/disqus-wordpress-plugin) prints ``var embedVars = {...}`` with
  ``disqusShortname``, ``disqusIdentifier`` (``"<post id> <guid>"``), ``disqusUrl`` and ``disqusTitle``;
- Disqus's "universal code": ``var disqus_config = function () { this.page.url = '...';
  this.page.identifier = '...'; }`` and a script that loads ``//<shortname>.disqus.com/embed.js``;
- the older globals ``var disqus_shortname = '...'``, ``disqus_identifier``, ``disqus_url``;
- themes that put ``data-disqus-identifier`` / ``data-disqus-url`` on ``#disqus_thread``.

The key-less way to read a thread is the page the embed script loads in its iframe,
``https://disqus.com/embed/comments/?base=default&f=<shortname>&t_i=<identifier>&t_u=<url>``: it carries
``<script type="text/json" id="disqus-threadData">`` with ``{"cursor": {"hasNext", "next", "total"},
"response": {"thread": {"id", "posts", "feed", ...}, "posts": [{"id", "parent", "author": {"name",
"profileUrl", "isAnonymous"}, "createdAt": "2026-07-30T13:00:00" (UTC), "message": "<p>...</p>",
"isDeleted", "isSpam", "isApproved", ...}]}}``. What a key-less reader can and cannot get: that first page
of the thread (Disqus's default page size), each comment with its id, parent, author and time; a longer
thread's later pages need the API (a key) — ``cursor.hasNext`` says so, and the thread's RSS
(``thread.feed``, and the forum's ``https://<shortname>.disqus.com/latest.rss`` for new comments on old
posts) gives later comments without their parents.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin

from crawler.extract.dates import parse_iso
from crawler.extract.jsondata import error_of, load_object, shaped
from crawler.extract.model import ExtractedComment
from crawler.extract.text import fragment_text
from crawler.extract.tree import Doc

EMBED_PAGE = "https://disqus.com/embed/comments/"
VIA = "disqus"
ID_PREFIX = "disqus:"  # Disqus's ids are not the blog's: they never meet a native comment's id

_SHORTNAME = r"[a-z0-9][a-z0-9_-]{0,63}"
_EMBED_JS = re.compile(rf"//({_SHORTNAME})\.disqus\.com/(?:embed|count)\.js", re.I)
_EMBED_VARS = re.compile(r"\bembedVars\s*=\s*(\{.*?\})\s*;\s*(?:\n|$|</script>)", re.S)
_GLOBAL = re.compile(r"""\bdisqus_(shortname|identifier|url|title)\s*=\s*(['"])(.*?)(?<!\\)\2""", re.S)
_PAGE = re.compile(r"""\bthis\.page\.(url|identifier|title)\s*=\s*(['"])(.*?)(?<!\\)\2""", re.S)


@dataclass
class DisqusEmbed:
    """How a page embeds Disqus: the forum (shortname) and the thread's identifier and URL."""

    shortname: str
    identifier: str | None = None
    url: str | None = None
    title: str | None = None

    def thread_url(self) -> str:
        """The embed page of the thread (what the iframe loads), readable without a key."""
        params = {"base": "default", "f": self.shortname}
        if self.identifier:
            params["t_i"] = self.identifier
        if self.url:
            params["t_u"] = self.url
        return f"{EMBED_PAGE}?{urlencode(params)}"

    def recent_comments_feed(self) -> str:
        """The forum's feed of its newest comments (new comments on old posts, without parents)."""
        return recent_comments_feed(self.shortname)


def recent_comments_feed(shortname: str) -> str:
    """A Disqus forum's RSS of its most recent comments (the latest 25 or so, across every thread):
    ``https://<shortname>.disqus.com/latest.rss``, the "Comments RSS" link blog themes print for a Disqus
    forum (e.g. blogofile's templates: ``http://${bf.config.blog.disqus.name}.disqus.com/latest.rss``)."""
    return f"https://{shortname}.disqus.com/latest.rss"


@dataclass
class DisqusThread:
    comments: list[ExtractedComment] = field(default_factory=list)
    total: int | None = None  # comments in the thread, as Disqus counts them
    has_more: bool = False  # the embed page held only the first page of a longer thread
    feed_url: str | None = None  # the thread's own RSS feed (later comments, no parents)
    link: str | None = None  # the page the thread belongs to, as Disqus knows it


def find_embed(doc: Doc, url: str) -> DisqusEmbed | None:
    """The page's Disqus embed, or None when it has none. Identifier and URL fall back to what the
    page's markup says (``#disqus_thread`` data attributes), the URL to the page's own."""
    # every embed form names Disqus: only those scripts are read (a page's other scripts can be large)
    scripts = "\n".join(t for el in doc.root.iter("script") if "disqus" in (t := el.text or "").lower())
    sources = " ".join(s for el in doc.root.iter("script") if "disqus" in (s := el.get("src") or "").lower())
    if not scripts and not sources:
        return None
    found: dict[str, str] = {}
    match = _EMBED_VARS.search(scripts)
    if match:
        found.update(_embed_vars(match.group(1)))
    for pattern in (_GLOBAL, _PAGE):
        for name, _quote, value in pattern.findall(scripts):
            found.setdefault(name, _unescape_js(value))
    if "shortname" not in found:
        loader = _EMBED_JS.search(scripts) or _EMBED_JS.search(sources)
        if loader is None:
            return None
        found["shortname"] = loader.group(1)
    shortname = found["shortname"].strip().lower()
    if not re.fullmatch(_SHORTNAME, shortname):
        return None
    box = doc.select_one("#disqus_thread")
    if box is not None:
        found.setdefault("identifier", box.get("data-disqus-identifier") or "")
        found.setdefault("url", box.get("data-disqus-url") or "")
    page_url = found.get("url") or url
    return DisqusEmbed(
        shortname=shortname,
        identifier=found.get("identifier") or None,
        url=urljoin(url, page_url),
        title=found.get("title") or None,
    )


def _embed_vars(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    keys = {
        "disqusShortname": "shortname",
        "disqusIdentifier": "identifier",
        "disqusUrl": "url",
        "disqusTitle": "title",
    }
    return {ours: str(data[theirs]) for theirs, ours in keys.items() if data.get(theirs)}


def _unescape_js(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def parse_thread(body: bytes | str) -> DisqusThread:
    """The comments of a Disqus embed page (``disqus-threadData``). Deleted, spam and unapproved posts
    are left out; a reply to a left-out comment keeps its parent id (storage links what it has).

    Raises ``ValueError`` (one-line message) when the page carries no thread data.
    """
    script = Doc(body).select_one("script#disqus-threadData")
    if script is None or not (script.text or "").strip():
        raise ValueError("Disqus embed page without thread data (disqus-threadData)")
    data = load_object(script.text or "", "Disqus thread data")
    response = data.get("response")
    if not isinstance(response, dict):
        raise ValueError(f"Disqus thread data without a response{error_of(data)}")
    thread = shaped(response.get("thread"), dict)
    cursor = shaped(data.get("cursor"), dict)
    posts = shaped(response.get("posts"), list)
    total = cursor.get("total", thread.get("posts"))
    return DisqusThread(
        comments=[c for c in map(_comment, posts) if c is not None],
        total=total if isinstance(total, int) else None,
        has_more=bool(cursor.get("hasNext")),
        feed_url=thread.get("feed") or None,
        link=thread.get("link") or None,
    )


def comment_id(disqus_id: Any) -> str:
    """The one stored id of a Disqus comment, whichever way it was read: the embed's ``"id": "6100000001"``
    and the feeds' ``<link>…#comment-6100000001</link>`` both give ``disqus:6100000001``."""
    return f"{ID_PREFIX}{disqus_id}"


def from_feed(comments: list[ExtractedComment]) -> list[ExtractedComment]:
    """Comments read from a Disqus feed (a forum's ``latest.rss`` or a thread's RSS, parsed as a comment
    feed: id from the item's ``#comment-N`` link or guid, post URL the link without its fragment) made
    Disqus comments: the same id as the embed gives the same comment, and no parent (a Disqus feed does
    not say which comment an item answers; a parent the embed gave is kept by storage)."""
    out = []
    for comment in comments:
        if comment.external_id is None or not comment.external_id.isdigit():
            continue  # an item without a comment id cannot be matched to the thread's comments
        comment.external_id = comment_id(comment.external_id)
        comment.parent_external_id = None
        comment.via = VIA
        out.append(comment)
    return out


def _comment(post: Any) -> ExtractedComment | None:
    if not isinstance(post, dict) or post.get("id") in (None, ""):
        return None
    if post.get("isDeleted") or post.get("isSpam") or post.get("isApproved") is False:
        return None
    text = fragment_text(post.get("message")) or html.unescape(str(post.get("raw_message") or "")).strip()
    if not text:
        return None
    author = shaped(post.get("author"), dict)
    parent = post.get("parent")
    return ExtractedComment(
        text=text,
        author=(str(author.get("name") or "").strip() or None),
        author_url=author.get("profileUrl") or None,
        published_at=parse_iso(post.get("createdAt")),
        external_id=comment_id(post["id"]),
        parent_external_id=comment_id(parent) if parent not in (None, "", 0) else None,
        via=VIA,
    )
