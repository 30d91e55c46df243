"""Structural comment extraction shared by the platform adapters.

A ``CommentMarkup`` names the comment nodes and, inside each, the text, author and date elements.
Threading comes from nesting (a comment node inside another one) and from explicit hints
(``data-parent``, ``comment-N-parent``, Blogger ``cN-rt``/``cN-ra`` reply containers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from crawler.extract.css import parse_group
from crawler.extract.dates import from_epoch_ms, parse_date, parse_iso
from crawler.extract.ids import node_id, normalise_id
from crawler.extract.metaline import author_and_date, date_in_lines, meta_lines, name_before_date
from crawler.extract.model import ExtractedComment
from crawler.extract.pings import is_ping_node
from crawler.extract.text import element_text, inline_text
from crawler.extract.tree import classes, has_ancestor, select

__all__ = ["CommentMarkup", "extract_comments", "node_id", "normalise_id"]  # the ids: crawler/extract/ids.py

_REPLY_BOX_RE = re.compile(r"^c(\d+)-r[at]$")
_PARENT_CLASS_RE = re.compile(r"\bcomment-(\d+)-parent\b|\bparent-comment-(\d+)\b")
_SHOW_COMMENT_RE = re.compile(r"[?&]showComment=(\d{10,14})")
_REPLY_TO_RE = re.compile(r"(?:[?&]replytocom=|#comment-)(\d+)")
WRAPPER_SLACK = 10
_HAS_DIGIT = re.compile(r"\d")
MAX_META_LINE = 100
MAX_HEAD = 300  # the meta block just before a comment node is short
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
    ids: re.Pattern | None = None  # this markup's own comment ids (group 1 is the id), e.g. forum posts
    # forums: quotes of other messages (not the message's own text) and where a quote names its source
    # (attribute, pattern whose group 1 is the quoted message's id): the parent, when nothing else says
    quotes: str | None = None
    quote_ref: tuple[str, re.Pattern] | None = None
    # the engine's own words inside a message's text (a code box's "Code: Select all", a spoiler's button,
    # a block's title or "Click to expand..." link): left out, what they frame is kept
    chrome: str | None = None


def _outside(el: etree._Element, node: etree._Element, nested: set) -> bool:
    """True when ``el`` (a descendant of ``node``) does not belong to a nested comment."""
    parent = el
    while parent is not None and parent is not node:
        if parent in nested:
            return False
        parent = parent.getparent()
    return True


@lru_cache(maxsize=1024)
def _needed(css: str) -> tuple[tuple[frozenset, frozenset], ...] | None:
    """For each alternative of ``css``, the class names and tags it needs (None: cannot tell, always try)."""
    chains, xpath = parse_group(css)
    if xpath is not None:
        return None
    return tuple(
        (frozenset().union(*(c.classes for c in chain)), frozenset(c.tag for c in chain if c.tag))
        for chain in chains
    )


@dataclass
class Scope:
    """One comment node, the comments nested in it, and the class names and tags used inside it (so that
    selectors needing absent ones are skipped without running them)."""

    node: etree._Element
    nested: set

    def __post_init__(self) -> None:
        self.tokens: set = set()
        self.tags: set = set()
        for el in self.node.iter(etree.Element):
            self.tags.add(el.tag)
            self.tokens.update((el.get("class") or "").split())

    def possible(self, css: str) -> bool:
        needed = _needed(css)
        return needed is None or any(c <= self.tokens and t <= self.tags for c, t in needed)

    def own(self, css: str, within: etree._Element | None = None) -> etree._Element | None:
        if not self.possible(css):
            return None
        for el in select(self.node if within is None else within, css):
            if _outside(el, self.node, self.nested):
                return el
        return None

    def links(self):
        """The scope's own ``<a>`` elements (not those of nested comments)."""
        return (a for a in self.node.iter("a") if _outside(a, self.node, self.nested))


def own(node: etree._Element, css: str, nested: set) -> etree._Element | None:
    return Scope(node, nested).own(css)


def hinted_parent(scope: Scope, own_id: str | None) -> str | None:
    """Parent id from explicit hints on the node or its reply container."""
    node = scope.node
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
    for link in scope.links():
        if not _is_reply_link(link):
            continue
        match = _REPLY_TO_RE.search(link.get("href") or "")
        if match and match.group(1) != own_id:
            return match.group(1)
    return None


def _is_reply_link(link: etree._Element) -> bool:
    """``a.comment-parent``, ``a.in-reply-to``, ``.in-reply-to a``, ``a[href*='replytocom=']``."""
    parent = link.getparent()
    names = classes(link) | (classes(parent) if parent is not None else set())
    return bool(names & {"comment-parent", "in-reply-to"}) or "replytocom=" in (link.get("href") or "")


def comment_author(scope: Scope, markup: CommentMarkup, base: str):
    for css in markup.author:
        el = scope.own(css)
        if el is None:
            continue
        name = _AUTHOR_NOISE_RE.sub("", inline_text(el)).strip()
        if not name:
            continue
        link = el if el.tag == "a" else scope.own("a[href]", within=el)
        href = (link.get("href") or "").strip() if link is not None else ""
        url = urljoin(base, href) if href and not href.startswith(("#", "javascript:", "mailto:")) else None
        return name, url
    return None, None


def comment_date(scope: Scope, markup: CommentMarkup, near=None, now=None):
    for link in scope.links():
        match = _SHOW_COMMENT_RE.search(link.get("href") or "")
        if match:
            return from_epoch_ms(match.group(1))
    time_el = scope.own("time[datetime]")
    if time_el is not None and parse_iso(time_el.get("datetime")):
        return parse_iso(time_el.get("datetime"))
    for css in markup.date:
        el = scope.own(css)
        if el is None:
            continue
        value = parse_iso(el.get("datetime") or el.get("title")) or parse_date(
            inline_text(el, spaced=True), near, now
        )
        if value:
            return value
    return _date_in_meta(scope, markup, near, now)


def _date_in_meta(scope: Scope, markup: CommentMarkup, near=None, now=None):
    """Themes that print "Ann said, on May 3, 2019 at 3:12 pm" in the author line or a permalink."""
    for css in (*markup.author, markup.meta, "a[href*='comment']"):
        el = scope.own(css) if css else None
        text = inline_text(el) if el is not None else ""
        if 6 <= len(text) <= MAX_META_LINE and _HAS_DIGIT.search(text):
            value = parse_date(text, near, now)
            if value:
                return value
    return None


def _squeezed(el: etree._Element) -> int:
    return len("".join(el.text_content().split()))


def _is_wrapper(node: etree._Element, anc: etree._Element, with_ids: list) -> bool:
    """``node`` (no id of its own) only wraps ``anc``'s text: nothing of ``anc`` is left outside it but
    other identified comments (an id-less reply sits next to its parent's own text)."""
    others = sum(_squeezed(el) for el in with_ids if el is not node and has_ancestor(el, {anc}))
    others -= sum(_squeezed(el) for el in with_ids if has_ancestor(el, {node}))
    return _squeezed(anc) - _squeezed(node) - others < WRAPPER_SLACK


def _comment_nodes(nodes: list[etree._Element], extra: re.Pattern | None = None) -> dict:
    """Comment nodes in document order -> id; wrappers nested in a comment with no id of their own dropped."""
    ids: dict = {}
    with_ids = [node for node in nodes if node_id(node, extra)]
    for node in nodes:
        cid = node_id(node, extra)
        anc = next((a for a in node.iterancestors() if a in ids), None)
        same = cid is not None and cid == ids.get(anc)
        if anc is not None and (same or (cid is None and _is_wrapper(node, anc, with_ids))):
            continue
        ids[node] = cid
    return ids


def extract_comments(
    nodes: list, markup: CommentMarkup, base: str, near=None, now=None
) -> list[ExtractedComment]:
    """Comments from candidate ``nodes`` (document order) that match ``markup.items``; ``near`` (the post's
    date) completes year-less dates, ``now`` (the fetch time) resolves relative ones (``parse_date``)."""
    ids = _comment_nodes(nodes, markup.ids)
    nested: dict = {node: set() for node in ids}
    parents: dict = {}
    for node in ids:
        for anc in node.iterancestors():
            if anc in ids:
                parents.setdefault(node, anc)
                nested[anc].add(node)
    comments = []
    for node, cid in ids.items():
        scope = Scope(node, nested[node])
        anc = parents.get(node)
        parent_id = ids[anc] if anc is not None else hinted_parent(scope, cid) or quoted_parent(scope, markup)
        comment = build_comment(scope, (cid, parent_id), markup, base, near, now)
        if comment is not None:
            comments.append(comment)
    return comments


def _content(scope: Scope, markup: CommentMarkup) -> etree._Element | None:
    return next((el for el in map(scope.own, markup.content) if el is not None), None)


def _quotes(scope: Scope, markup: CommentMarkup) -> list[etree._Element]:
    return _own(scope, markup.quotes)


def _own(scope: Scope, css: str | None) -> list[etree._Element]:
    """The elements ``css`` selects in the comment itself (not in a nested comment)."""
    if not css or not scope.possible(css):
        return []
    return [q for q in select(scope.node, css) if _outside(q, scope.node, scope.nested)]


def quoted_parent(scope: Scope, markup: CommentMarkup) -> str | None:
    """The id of the message the comment quotes first, where the markup names it."""
    if markup.quote_ref is None:
        return None
    attribute, pattern = markup.quote_ref
    for quote in _quotes(scope, markup):
        match = pattern.search(quote.get(attribute) or "")
        if match:
            return match.group(1)
    return None


def comment_text(scope: Scope, markup: CommentMarkup) -> str:
    content = _content(scope, markup)
    if content is not None:
        skip = set(scope.nested) | set(_quotes(scope, markup)) | set(_own(scope, markup.chrome))
        return element_text(content, skip=skip)
    node = scope.node
    for meta in (markup.meta, markup.minimal_meta):
        text = element_text(
            node, skip=set(scope.nested) | {el for el in select(node, meta) if el is not node}
        )
        if text:
            return text
    return ""


def _from_meta_line(scope: Scope, markup: CommentMarkup, text: str, found: tuple, when: tuple) -> tuple:
    """(author, date) completed from the comment's meta line (``crawler/extract/metaline.py``): the text
    outside its text container, or the first lines of its text when no container is named."""
    content = _content(scope, markup)
    if content is not None:
        lines = meta_lines(element_text(scope.node, skip=set(scope.nested) | {content}))
    else:
        lines = meta_lines("\n".join(text.split("\n")[:3]))
    head = (
        scope.node.getprevious()
    )  # a review's rating line before its ``p.comment``, a ``<dt>`` before ``<dd>``
    if (
        head is not None
        and isinstance(head.tag, str)
        and (head.tag, head.get("class"))
        != (scope.node.tag, scope.node.get("class"))  # not the comment before
        and len(inline_text(head)) <= MAX_HEAD
    ):
        lines += meta_lines(element_text(head))
    author, published = author_and_date(lines, *when)
    return found[0] or author, found[1] or published


def build_comment(scope: Scope, ids: tuple, markup: CommentMarkup, base: str, near=None, now=None):
    cid, parent_id = ids
    if is_ping_node(scope.node):
        return None  # link notifications, not reader comments (crawler/extract/pings.py)
    text = comment_text(scope, markup)
    if not text:
        return None
    author, author_url = comment_author(scope, markup, base)
    published = comment_date(scope, markup, near, now)
    if author is not None and published is None and date_in_lines([author], near, now):
        # the author element holds the whole meta line ("Comment by Daniel — 17.07.2011 @ 13:10")
        published = date_in_lines([author], near, now)[1]  # type: ignore[index]
        author = name_before_date(author) or author
    if author is None or published is None:
        author, published = _from_meta_line(scope, markup, text, (author, published), (near, now))
    return ExtractedComment(
        text=text,
        author=author,
        author_url=author_url,
        published_at=published,
        external_id=cid,
        parent_external_id=parent_id if parent_id != cid else None,
    )
