"""Blogger: ``div.post-body``; threaded comments ``li.comment#cN`` (``cite.user``, ``p.comment-content``,
``span.datetime``, replies in ``div.comment-replies``/``#cN-rt``) and the old ``dl#comments-block`` layout."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from crawler.extract.comments import CommentMarkup, extract_comments, normalise_id
from crawler.extract.dates import from_epoch_ms, parse_date
from crawler.extract.model import ExtractedComment
from crawler.extract.text import element_text, inline_text
from crawler.extract.tree import Doc, select, select_one

BODY_CSS = ("div.post-body", ".post-body", ".entry-content", ".post-entry", "[itemprop=articleBody]")
BOILERPLATE = ".post-footer, .post-header-line-1, .blog-pager, .comment-form, .post-share-buttons"

COMMENTS = CommentMarkup(
    items="li.comment",
    content=("p.comment-content", ".comment-content", ".comment-body"),
    author=("cite.user", ".comment-author", ".user"),
    date=("span.datetime", ".comment-timestamp", ".datetime"),
    meta=".comment-header, .avatar-image-container, .comment-actions",
)
_SHOW_COMMENT_RE = re.compile(r"[?&]showComment=(\d{10,14})")
_SAID_RE = re.compile(r"\s*(said|dijo|a dit|hat gesagt|sagte|ha detto|disse|zei)\s*(\.\.\.|…|:)?\s*$", re.I)


def _classic_date(footer: etree._Element | None) -> datetime | None:
    if footer is None:
        return None
    for link in select(footer, "a[href*='showComment=']"):
        match = _SHOW_COMMENT_RE.search(link.get("href") or "")
        if match:
            return from_epoch_ms(match.group(1))
    stamp = select_one(footer, ".comment-timestamp")
    return parse_date(inline_text(stamp if stamp is not None else footer))


def _classic_comments(block: etree._Element, url: str) -> list[ExtractedComment]:
    """Old layout: ``<dt class=comment-author id=cN>`` + ``<dd class=comment-body>`` + ``<dd class=comment-footer>``."""
    comments = []
    for dt in select(block, "dt"):
        body, footer = None, None
        for sib in dt.itersiblings():
            if sib.tag == "dt":
                break
            kind = sib.get("class") or ""
            if "comment-footer" in kind:
                footer = sib
            elif body is None:
                body = sib
        text = element_text(body)
        if not text:
            continue
        link = select_one(dt, "a[href]")
        href = link.get("href") if link is not None else None
        anchor = select_one(dt, "a[name]")
        cid = normalise_id(dt.get("id")) or normalise_id(anchor.get("name") if anchor is not None else None)
        comments.append(
            ExtractedComment(
                text=text,
                author=_SAID_RE.sub("", inline_text(dt)).strip() or None,
                author_url=urljoin(url, href) if href and not href.startswith("#") else None,
                published_at=_classic_date(footer),
                external_id=cid,
            )
        )
    return comments


def find_comments(
    doc: Doc, url: str, near: datetime | None = None, now: datetime | None = None
) -> list[ExtractedComment]:
    comments = extract_comments(doc.select(COMMENTS.items), COMMENTS, url, near, now)
    for block in doc.select("dl#comments-block, dl.comments-block, dl[id$='comments-block']"):
        comments.extend(_classic_comments(block, url))
    return comments
