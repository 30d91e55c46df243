"""Any other site: no adapter selectors (``body.choose_body`` scores the known article containers of every
family and the densest paragraph cluster), trafilatura as a second opinion when that choice is doubtful
(``body.doubtful``) and as the last resort; comments from the common comment containers (``#comments``,
``.comment-list``, ``.commentlist``, ``ol.comments`` …).

The second opinion (also for self-hosted WordPress, see ``page._body_text``) is arbitrated by containment of
their words: when our body already holds (nearly) all of trafilatura's text it stays (with our cleaning);
otherwise the two disagree about where or how large the article is, and the one that reads more wins — our choice was only part of it (a tiny block inside a large
article, one of its sibling sections) or the wrong block, and trafilatura saw the rest of the page.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import datetime

from lxml import etree
from trafilatura import bare_extraction

from crawler.extract.comments import CommentMarkup, extract_comments
from crawler.extract.model import ExtractedComment
from crawler.extract.text import element_text
from crawler.extract.tree import Doc
from crawler.extract.wordpress import COMMENTS as WP_COMMENTS

logger = logging.getLogger(__name__)

HOLDS = 0.8  # our body holds trafilatura's text when it has this share of its words
_WORD = re.compile(r"\w+")

BOILERPLATE = None
BODY_CSS: tuple[str, ...] = ()  # no adapter preference: body.ARTICLE_CSS and the densest cluster decide
COMMENT_AREAS = (
    "#comments, .comments-area, #comments-area, .comment-list, .commentlist, ol.comments, ul.comments, "
    ".wp-block-comments, .comments-content, .comment-thread, #disqus_thread, #comments-block, "
    "section.comments, div.comments, #comment-list, .comments-list, .comments-section, #commentlist"
)
COMMENTS = CommentMarkup(
    items=", ".join(
        [
            WP_COMMENTS.items,
            "li.comment-item, div.comment-item, article.comment-item, li.c-comment, div.c-comment",
            "li[id^='comment_'], div[id^='comment_'], article[id^='comment-'], article[id^='comment_']",
        ]
    ),
    content=(*WP_COMMENTS.content, ".comment-body", ".comment__body", ".comment__content"),
    author=(*WP_COMMENTS.author, ".comment__author", ".author", ".username", ".user-name", ".name"),
    date=(*WP_COMMENTS.date, ".comment__date", ".date"),
    meta=WP_COMMENTS.meta + ", .comment__author, .comment__date, .comment__meta, .comment-footer",
)


def find_comments(
    doc: Doc, url: str, near: datetime | None = None, now: datetime | None = None
) -> list[ExtractedComment]:
    """Comment nodes inside the usual comment containers only (a bare ``div.comment`` is too vague)."""
    areas = set(doc.select(COMMENT_AREAS))
    if not areas:
        return []
    nodes = [n for n in doc.select(COMMENTS.items) if any(a in areas for a in n.iterancestors())]
    # a comment has an id, an author or a date; a lone ``div.comment`` notice ("Sorry, we can't load
    # comments", "Comments are moderated") inside the area has none of them
    found = extract_comments(nodes, COMMENTS, url, near, now)
    return [c for c in found if c.external_id or c.author or c.published_at]


def fallback_text(root: etree._Element, url: str) -> str:
    """Body text by trafilatura (which works on its own copy of the already cleaned tree)."""
    try:
        document = bare_extraction(root, url=url, include_comments=False, fast=True, with_metadata=False)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        logger.debug("trafilatura failed on %s: %s", url, exc)
        return ""
    body = getattr(document, "body", None)
    return element_text(body) if body is not None else ""


def _words(text: str) -> Counter:
    return Counter(_WORD.findall(text.lower()))


def arbitrate(ours: str, theirs: str, url: str) -> str:
    """The body text from a doubtful choice ``ours`` and trafilatura's reading ``theirs`` of the same page."""
    mine, other = _words(ours), _words(theirs)
    shared = sum((mine & other).values())
    if shared >= HOLDS * other.total() or other.total() <= mine.total():
        return ours
    logger.debug(
        "body of %s: trafilatura's reading (%d words) over ours (%d)", url, other.total(), mine.total()
    )
    return theirs
