"""Comments on pages no adapter knows (news CMSs, shops, forums, home-made blogs).

The comment items are the largest group of repeated elements named after comments (``div.leserbrief``,
``li.xenforo-comment``, ``section.comment-item``, ``div#kommentar_123``) — or after messages, reviews, posts
or entries inside an area named after comments, reviews or a discussion.  Inside the items, the class names
that recur tell which element holds the text, the author and the date; that learned markup then goes
through the same structural extraction as the platform adapters.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from lxml import etree

from crawler.extract.comments import extract_comments
from crawler.extract.learned import AUTHOR_WORDS, DATE_WORDS, learn_markup, words
from crawler.extract.model import ExtractedComment
from crawler.extract.tree import Doc, has_ancestor

_DIGITS = re.compile(r"\d+")
_ITEM_HINT = re.compile(
    "omment|ommentaire|kommentar|leserbrief|comentario|reaction|message|rev|post|entry|item|card|answer|"
    "antwort|beitrag|opinion",
    re.I,
)
STRONG = ("comment", "kommentar", "leserbrief", "comentario", "reaction")
WEAK = {
    "message",
    "review",
    "rev",
    "post",
    "entry",
    "item",
    "card",
    "answer",
    "antwort",
    "beitrag",
    "opinion",
}
AREA = ("comment", "kommentar", "leserbri", "discussion", "diskussion", "review", "bewertung", "forum",
        "replies", "reaction", "thread", "debat")  # fmt: skip
# a name ending in one of these words is a part of an item, not an item
PART = {
    "text", "content", "body", "author", "autor", "name", "user", "username", "nick", "date", "time", "datum",
    "timestamp", "meta", "header", "footer", "avatar", "image", "img", "photo", "action", "actions", "vote",
    "votes", "count", "counter", "number", "link", "links", "form", "respond", "title", "rating", "button",
    "btn", "icon", "inner", "left", "right", "list", "area", "section", "tools", "controls", "edit", "like",
    "likes", "share", "report", "flag", "permalink", "bubble", "toggle", "reply", "replies", "children",
    "nav", "navigation", "pagination", "pager", "more", "load", "sort", "filter", "headline", "heading",
    "notice", "info", "status", "wrapper", "wrap", "holder", "box", "container", "thread", "threads", "level",
}  # fmt: skip
# a name with one of these words is never an item (widgets listing recent comments, counters, forms)
NOT_ITEM = {"recent", "latest", "popular", "most", "top", "count", "closed", "disabled", "form", "respond",
            "widget", "sidebar", "teaser", "number", "icon", "bubble", "link", "new", "no", "policy", "rules",
            "notes", "guidelines", "login", "register", "subscribe", "subscription", "open"}  # fmt: skip
LISTS = {"comments", "kommentare", "leserbriefe", "comentarios", "reactions", "messages", "reviews", "posts"}
MIN_TEXT = 10
# a word with these endings says what state an element is in ("commented", "commentable": a post that has
# or takes comments, ``<article class="post commented">``), not that it is a comment or a comment area
STATE = ("ed", "able")
MAX_HEAD = 300  # the meta block before a text item (dt, rating line) is short
META_PROPS = frozenset({"author", "creator", "datePublished", "dateCreated", "commentTime"})
_META_WORDS = (AUTHOR_WORDS | DATE_WORDS) - {"name"}  # "name" also names a product, a field, a tab
_DATE_IN_TEXT = re.compile(
    r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:19|20)\d\d\b.{0,12}\d{1,2}:\d{2}"
    r"|\d{1,2}:\d{2}.{0,30}\b(?:19|20)\d\d\b|\b\d{1,2}\.?\s+(?:de\s+)?[^\W\d]{3,12}\.?,?\s+(?:de\s+)?(?:19|20)\d\d\b"
    r"|\b[^\W\d]{3,12}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b|\b\d{1,2}\.?\s+[^\W\d]{3,12}\.?\s.{0,8}\b\d{1,2}:\d{2}\b|\bago\b|\bvor \d|\bhace \d|\bil y a\b|\btemu\b|\d+ \w+ fa\b",
    re.I,
)
THREAD_SHARE = 0.7  # the items' list is dropped with them when they make up this share of its text
NEVER_ITEMS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "a", "span", "time", "img", "button", "body", "html"}
)


@lru_cache(maxsize=16384)
def _is_item_name(name: str) -> str | None:
    """Says "strong" when ``name`` names a comment item by itself (``leserbrief``, ``MtnComment``,
    ``ForumMessage``), "weak" when it needs a comment area around it (``message``, ``jdgm-rev``), else None."""
    parts = words(name)
    if not parts or parts[-1] in PART or parts[-1] in LISTS or NOT_ITEM.intersection(parts):
        return None
    if any(w.startswith(STRONG) and not w.endswith(STATE) for w in parts):
        return "strong"
    if not WEAK.intersection(parts):
        return None
    return "strong" if any(w.startswith(AREA) for w in parts if w not in WEAK) else "weak"


def _is_area(el: etree._Element) -> bool:
    names = (el.get("class") or "") + " " + (el.get("id") or "")
    return any(w.startswith(AREA) and not w.endswith(STATE) for w in words(names))


def _is_sidebar(el: etree._Element) -> bool:
    if el.tag in ("aside", "nav", "header", "footer"):
        return True
    if el.tag in ("body", "html"):
        return False
    for name in (el.get("class") or "").split() + [el.get("id") or ""]:
        parts = words(name)
        if parts and parts[0] in ("sidebar", "widget", "secondary"):
            return True
    return False


def _placement(el: etree._Element, memo: dict) -> tuple[bool, bool]:
    """(inside a sidebar, inside a comment area): from ``el``'s ancestors, memoised in ``memo``."""
    chain, node = [], el.getparent()
    while node is not None and node not in memo:
        chain.append(node)
        node = node.getparent()
    flags = memo[node] if node is not None else (False, False)
    for anc in reversed(chain):
        flags = (flags[0] or _is_sidebar(anc), flags[1] or _is_area(anc))
        memo[anc] = flags
    return flags


def _reads(el: etree._Element) -> bool:
    """Has some text of its own, mostly outside links (a recent-comments widget entry is one link)."""
    text = len(" ".join(el.text_content().split()))
    links = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return text - links >= MIN_TEXT and links < text / 2


def _structured(el: etree._Element) -> bool:
    """Has the parts of a comment besides its text: an element named or marked as its author or its date
    (``.comment-author``, ``cite``, ``time``, ``[itemprop=author]``), or a date in its own words.  Buttons,
    counters, notices and sort tabs have none.  A text item may have them in the element before it (a
    ``<dt>`` for its ``<dd>``, a rating block before a review's ``p.comment``)."""
    head = el.getprevious()
    if head is not None and isinstance(head.tag, str) and _is_head(head) and _has_meta(head, el):
        return True
    return _has_meta(el)


def _is_head(el: etree._Element) -> bool:
    """A short block of meta lines (not a form, not a template of the comment form's preview)."""
    if len(" ".join(el.text_content().split())) > MAX_HEAD:
        return False
    return next(el.iter("form", "textarea", "input", "button", "select"), None) is None


def _has_meta(el: etree._Element, item: etree._Element | None = None) -> bool:
    """``el`` holds an author or date element, or a date in its words (``item``: the text item ``el``
    heads, not itself a head when it is another item of the same name)."""
    if item is not None and (el.get("class") or "") == (item.get("class") or "") and el.tag == item.tag:
        return False
    for inner in el.iterdescendants():
        if not isinstance(inner.tag, str):
            continue
        named = inner.tag in ("time", "cite") or (inner.get("itemprop") or "") in META_PROPS
        if not named:
            names = (inner.get("class") or "") + " " + (inner.get("id") or "")
            named = bool(names.strip()) and bool(_META_WORDS.intersection(words(names)))
        if named and (inner.text_content().strip() or inner.get("datetime")):
            return True  # empty placeholders (a template's ``span.comment-date``) say nothing
    return bool(_DATE_IN_TEXT.search(" ".join(" ".join(el.itertext()).split())[:400]))


def _groups(doc: Doc) -> dict:
    """(tag, name) -> (strength, elements) for every class token and id pattern that names items."""
    groups: dict = {}
    for kind, index in (("class", doc.class_tokens()), ("id", doc.ids())):
        for name, elements in index.items():
            if kind == "id" and not _DIGITS.search(name):
                continue  # a unique id names one element, not a repeated item
            if not _ITEM_HINT.search(name):
                continue  # cheap pre-filter: no item word anywhere in the name
            key_name = _DIGITS.sub("#", name) if kind == "id" else name
            strength = _is_item_name(key_name)
            if strength is None:
                continue
            for el in elements:
                if el.tag in NEVER_ITEMS:
                    continue
                groups.setdefault((el.tag, key_name), (strength, []))[1].append(el)
    return groups


def _eligible(doc: Doc, strength: str, elements: list, memo: dict) -> tuple[list, int]:
    """(members, how many read like comments): members outside sidebars, and inside a comment area unless
    strongly named.  A comment reads (text of its own, not one link) and has the structure of one (an
    author or a date, :func:`_structured`); a thread is two such items, or a lone one strongly named inside
    a comment area."""
    members, in_area = [], 0
    for el in doc.live(elements):
        sidebar, area = _placement(el, memo)
        if not sidebar and (area or strength == "strong"):
            members.append(el)
            in_area += area
    need = 1 if strength == "strong" and in_area else 2
    reading = sum(1 for el in members if _reads(el) and _structured(el))
    return (members, reading) if reading >= need else ([], 0)


def find_items(doc: Doc) -> list[etree._Element]:
    """The comment items: the largest eligible group (the outermost one on a tie)."""
    best: list = []
    best_key = (0, 0)
    memo: dict = {}
    for strength, elements in sorted(_groups(doc).values(), key=lambda g: -len(g[1])):
        if len(elements) < max(best_key[0], 1):
            break
        members, reading = _eligible(doc, strength, elements, memo)
        if not members:
            continue
        key = (reading, -sum(1 for _ in members[0].iterancestors()))
        if key > best_key:
            best, best_key = members, key
    return best


def _fold_definition_lists(items: list) -> list:
    """``<dt>`` author/date + ``<dd>`` text layouts: move each ``dd`` into its ``dt`` (one node per comment)."""
    if not items or items[0].tag not in ("dt", "dd"):
        return items
    heads = [el for el in items if el.tag == "dt"] or [el.getprevious() for el in items]
    folded = []
    for head in heads:
        if head is None or head.tag != "dt":
            continue
        follower = head.getnext()
        while follower is not None and follower.tag == "dd":
            nxt = follower.getnext()
            head.append(follower)
            follower = nxt
        folded.append(head)
    return folded


def comments_from(
    items: list, url: str, near: datetime | None = None, now: datetime | None = None
) -> list[ExtractedComment]:
    """Comments from discovered ``items`` (see :func:`find_items`)."""
    items = _fold_definition_lists(items)
    return extract_comments(items, learn_markup(items), url, near, now) if items else []


def drop_thread(doc: Doc, items: list) -> None:
    """Remove the items from the page, with the list holding them when it holds little else."""
    common = set(items[0].iterancestors())
    for item in items[1:]:
        common.intersection_update(item.iterancestors())
    lowest = max(common, key=lambda el: sum(1 for _ in el.iterancestors()), default=None)
    share = sum(
        len(el.text_content())
        for el in items
        if el.getparent() is not None and not has_ancestor(el, set(items))
    )
    if (
        lowest is not None
        and lowest.tag not in ("body", "html")
        and share >= len(lowest.text_content()) * THREAD_SHARE
    ):
        doc.drop(lowest)
        return
    for item in items:
        doc.drop(item)


def find_comments(
    doc: Doc, url: str, near: datetime | None = None, now: datetime | None = None
) -> list[ExtractedComment]:
    return comments_from(find_items(doc), url, near, now)
