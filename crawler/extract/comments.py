"""Structural comment extraction shared by the platform adapters.

A ``CommentMarkup`` names the comment nodes and, inside each, the text, author and date elements.
Threading comes from nesting (a comment node inside another one) and from explicit hints
(``data-parent``, ``comment-N-parent``, Blogger ``cN-rt``/``cN-ra`` reply containers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from crawler.extract.dates import from_epoch_ms, parse_date, parse_iso
from crawler.extract.model import ExtractedComment
from crawler.extract.text import element_text, inline_text
from crawler.extract.tree import classes, select

_ID_PATTERNS = [
    re.compile(r"^(?:li-|div-)?comment-?(\d+)$", re.I),
    re.compile(r"^c(\d+)$"),
    re.compile(r"^(?:comment|cmt|reply)[_-]?(?:item[_-]?)?(\d+)$", re.I),
]
_REPLY_BOX_RE = re.compile(r"^c(\d+)-r[at]$")
_PARENT_CLASS_RE = re.compile(r"\bcomment-(\d+)-parent\b|\bparent-comment-(\d+)\b")
_SHOW_COMMENT_RE = re.compile(r"[?&]showComment=(\d{10,14})")
_REPLY_TO_RE = re.compile(r"(?:[?&]replytocom=|#comment-)(\d+)")
_AUTHOR_NOISE_RE = re.compile(
    r"\s*(says|said|sagt|sagte|schreibt|dit|a dit|dice|ha detto)\s*(:|\.\.\.|…)?\s*$", re.I
)


@dataclass(frozen=True)
class CommentMarkup:
    items: str  # CSS of the comment nodes
    content: tuple[str, ...]  # CSS of the text container, in order of preference
    author: tuple[str, ...]
    date: tuple[str, ...]  # elements whose datetime/title attribute or text is the date
    meta: str  # elements left out of the text when no content container matches
    # left out when that leaves nothing (themes that put the text inside .comment-author)
    minimal_meta: str = "cite, .fn, .reply, .comment-meta, .commentmetadata, .comment-metadata, time"


def normalise_id(value: str | None) -> str | None:
    """``comment-123``/``div-comment-123``/``li-comment-123`` -> ``"123"``; Blogger ``c456`` -> ``"456"``."""
    if not value:
        return None
    value = value.strip()
    for pattern in _ID_PATTERNS:
        match = pattern.match(value)
        if match:
            return match.group(1)
    return None


def node_id(node: etree._Element) -> str | None:
    """The comment id of ``node``: its own id, a data attribute, or the id of its first inner wrapper."""
    found = normalise_id(node.get("id")) or (node.get("data-comment-id") or "").strip() or None
    if found:
        return found
    for child in node.iterchildren("*"):
        found = normalise_id(child.get("id"))
        if found:
            return found
    return None


def _outside(el: etree._Element, node: etree._Element, nested: set) -> bool:
    """True when ``el`` (a descendant of ``node``) does not belong to a nested comment."""
    parent = el
    while parent is not None and parent is not node:
        if parent in nested:
            return False
        parent = parent.getparent()
    return True


def own(node: etree._Element, css: str, nested: set) -> etree._Element | None:
    for el in select(node, css):
        if _outside(el, node, nested):
            return el
    return None


def hinted_parent(node: etree._Element, own_id: str | None, inner: set) -> str | None:
    """Parent id from explicit hints on the node or its reply container."""
    for attr in ("data-parent", "data-parent-id", "data-parentid", "data-reply-to"):
        value = (node.get(attr) or "").strip()
        if value and value != "0":
            return normalise_id(value) or value
    match = _PARENT_CLASS_RE.search(node.get("class") or "")
    if match:
        return match.group(1) or match.group(2)
    for anc in node.iterancestors():
        match = _REPLY_BOX_RE.match(anc.get("id") or "")
        if match:
            return match.group(1)
    for link in select(node, "a.comment-parent, a.in-reply-to, .in-reply-to a, a[href*='replytocom=']"):
        match = _REPLY_TO_RE.search(link.get("href") or "")
        if match and match.group(1) != own_id and _outside(link, node, inner):
            return match.group(1)
    return None


def comment_author(node: etree._Element, markup: CommentMarkup, nested: set, base: str):
    for css in markup.author:
        el = own(node, css, nested)
        if el is None:
            continue
        name = _AUTHOR_NOISE_RE.sub("", inline_text(el)).strip()
        if not name:
            continue
        link = el if el.tag == "a" else own(el, "a[href]", nested)
        href = (link.get("href") or "").strip() if link is not None else ""
        url = urljoin(base, href) if href and not href.startswith(("#", "javascript:", "mailto:")) else None
        return name, url
    return None, None


def comment_date(node: etree._Element, markup: CommentMarkup, nested: set, near=None):
    for link in select(node, "a[href*='showComment=']"):
        match = _SHOW_COMMENT_RE.search(link.get("href") or "")
        if match and _outside(link, node, nested):
            return from_epoch_ms(match.group(1))
    time_el = own(node, "time[datetime]", nested)
    if time_el is not None and parse_iso(time_el.get("datetime")):
        return parse_iso(time_el.get("datetime"))
    for css in markup.date:
        el = own(node, css, nested)
        if el is None:
            continue
        value = parse_iso(el.get("datetime") or el.get("title")) or parse_date(inline_text(el), near)
        if value:
            return value
    return None


def _comment_nodes(nodes: list[etree._Element]) -> dict:
    """Comment nodes in document order -> id; wrappers nested in a comment with no id of their own dropped."""
    ids: dict = {}
    for node in nodes:
        cid = node_id(node)
        anc = next((a for a in node.iterancestors() if a in ids), None)
        if anc is not None and (cid is None or cid == ids[anc]):
            continue
        ids[node] = cid
    return ids


def extract_comments(nodes: list, markup: CommentMarkup, base: str, near=None) -> list[ExtractedComment]:
    """Comments from candidate ``nodes`` (document order) that match ``markup.items``."""
    ids = _comment_nodes(nodes)
    nested: dict = {node: set() for node in ids}
    parents: dict = {}
    for node in ids:
        for anc in node.iterancestors():
            if anc in ids:
                parents.setdefault(node, anc)
                nested[anc].add(node)
    comments = []
    for node, cid in ids.items():
        inner = nested[node]
        anc = parents.get(node)
        parent_id = ids[anc] if anc is not None else hinted_parent(node, cid, inner)
        comment = build_comment(node, (cid, parent_id), markup, inner, base, near)
        if comment is not None:
            comments.append(comment)
    return comments


def comment_text(node: etree._Element, markup: CommentMarkup, inner: set) -> str:
    content = next((el for el in (own(node, css, inner) for css in markup.content) if el is not None), None)
    if content is not None:
        return element_text(content, skip=inner)
    for meta in (markup.meta, markup.minimal_meta):
        text = element_text(node, skip=set(inner) | {el for el in select(node, meta) if el is not node})
        if text:
            return text
    return ""


def build_comment(node, ids: tuple, markup: CommentMarkup, inner: set, base: str, near=None):
    cid, parent_id = ids
    if classes(node) & {"pingback", "trackback"}:
        return None  # link notifications, not reader comments (the WordPress REST API leaves them out too)
    text = comment_text(node, markup, inner)
    if not text:
        return None
    author, author_url = comment_author(node, markup, inner, base)
    return ExtractedComment(
        text=text,
        author=author,
        author_url=author_url,
        published_at=comment_date(node, markup, inner, near),
        external_id=cid,
        parent_external_id=parent_id if parent_id != cid else None,
    )
