"""Self-hosted WordPress: classic themes (``.entry-content``, ``ol.comment-list > li#comment-N``) and block
themes (``.wp-block-post-content``, ``.wp-block-comment-template``)."""

from __future__ import annotations

from datetime import datetime

from crawler.extract.comments import CommentMarkup, extract_comments
from crawler.extract.model import ExtractedComment
from crawler.extract.tree import Doc

# The body's container, most specific first (page.choose_body scores them against the rest of the page).
BODY_CSS = (
    ".wp-block-post-content",
    ".entry-content",
    ".post-content",
    ".post-entry",
    "[itemprop=articleBody]",
    ".entry",
    ".storycontent",
    ".single-content",
    ".article-content",
)
BOILERPLATE = ".post-navigation, .navigation.post-navigation, .entry-content nav, .page-links"

COMMENTS = CommentMarkup(
    items="li.comment, article.comment, div.comment, li.wp-block-comment, "
    "li[id^='comment-'], li[id^='li-comment-'], div[id^='comment-'].comment-body",
    content=(
        ".comment-content",
        ".wp-block-comment-content",
        ".comment-text",
        ".comment-entry",
        ".comment_text",
        ".commenttext",
        ".comment-body-text",
        "[itemprop=text]",
    ),
    author=(
        ".comment-author .fn",
        ".wp-block-comment-author-name",
        "cite.fn",
        ".fn",
        ".comment-author-name",
        ".comment-author",
        "[itemprop=author] [itemprop=name]",
        "[itemprop=author]",
        ".commenter",
        "cite",
    ),
    date=(
        ".comment-metadata",
        ".wp-block-comment-date",
        ".comment-meta",
        ".commentmetadata",
        ".comment-date",
        ".comment-time",
        "time",
        ".comment-author cite",
    ),
    meta=".comment-author, .comment-meta, .comment-metadata, .commentmetadata, .wp-block-comment-author-name, "
    ".wp-block-comment-date, .comment-header, .comment-date, cite.fn, .vcard, .reply, .comment-awaiting-moderation",
)


def find_comments(
    doc: Doc, url: str, near: datetime | None = None, now: datetime | None = None
) -> list[ExtractedComment]:
    return extract_comments(doc.select(COMMENTS.items), COMMENTS, url, near, now)
