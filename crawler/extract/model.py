"""Plain data produced by the extraction functions.

Extraction functions take bytes/str and return these dataclasses; they never touch the
network, the database or Scrapy.  Spiders turn them into items (see ``crawler.items``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Platform identifiers used everywhere (sources.platform, ExtractedPost.platform).
WORDPRESS = "wordpress"  # self-hosted WordPress (classic or block theme)
WORDPRESS_COM = "wordpress.com"
BLOGGER = "blogger"
GENERIC = "generic"
DISCOURSE = "discourse"  # a forum: topics are posts, replies comments (crawler/connectors/discourse.py)
SUBSTACK = (
    "substack"  # a publication: posts from its feed, comments from its JSON (crawler/extract/substack.py)
)
XENFORO = (
    "xenforo"  # a forum: threads from its RSS, each thread page's messages (crawler/connectors/forums.py)
)
PHPBB = "phpbb"  # likewise
PLATFORMS = (WORDPRESS, WORDPRESS_COM, BLOGGER, GENERIC, DISCOURSE, SUBSTACK, XENFORO, PHPBB)


@dataclass
class ExtractedComment:
    """One reader comment.

    ``external_id`` is the platform's own comment id, normalised so that the same comment
    seen through HTML, a comment feed or the REST API gets the same value:
    WordPress ``li#comment-123`` / REST ``id: 123`` / feed guid ``…#comment-123`` -> ``"123"``;
    Blogger ``li#c456`` / feed id ``tag:blogger.com,1999:blog-1.post-456`` -> ``"456"``.
    ``None`` when the page gives no id (storage then keys the comment on a content hash).
    """

    text: str
    author: str | None = None
    author_url: str | None = None
    published_at: datetime | None = None  # timezone-aware, UTC
    external_id: str | None = None
    parent_external_id: str | None = None  # None for a top-level comment
    via: str = "html"  # "html" | "feed" | "rest"
    post_url: str | None = None  # the post the comment belongs to, when the source says (comment feeds)


@dataclass
class ExtractedPost:
    """One blog post page, as extracted from its HTML."""

    url: str  # the URL that was fetched
    platform: str = GENERIC
    canonical_url: str | None = None  # <link rel=canonical>, absolute
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None  # timezone-aware, UTC
    updated_at: datetime | None = None
    content_text: str = ""  # clean body text, paragraphs separated by blank lines
    comments: list[ExtractedComment] = field(default_factory=list)
    # Hints that let the spider fetch comments from better sources:
    wp_post_id: str | None = None  # WordPress numeric post id (REST: /wp/v2/comments?post=ID)
    blogger_blog_id: str | None = None
    blogger_post_id: str | None = None  # Blogger: /feeds/<postId>/comments/default
    comment_feed_url: str | None = None  # <link rel=alternate> comment feed of this post
    next_comments_url: str | None = None  # paginated comments (WordPress /comment-page-2/)
    shown_comment_count: int | None = None  # the count the comment list's heading states
    disqus_thread_url: str | None = None  # the key-less embed page of the post's Disqus thread (disqus.py)
    disqus_forum: str | None = None  # the Disqus forum (shortname) the page embeds
    topic_message: ExtractedComment | None = None  # a forum page's first message, made the body (forums.py)
    # ids of the pingbacks/trackbacks in the comment list: a comment feed's items with these ids are pings
    ping_ids: list[str] = field(default_factory=list)
    robots_meta: list[tuple[str, str]] = field(
        default_factory=list
    )  # (name, content) of <meta> tags (consent)
