"""``extract_page``: one blog post page -> :class:`ExtractedPost` (body, metadata, comments).

Order matters: metadata is read from the whole page; boilerplate goes; comments are taken (platform
adapter, forum engine, common comment markup or discovered comment items) and their areas removed; only
then is the body container chosen, so comments never compete with the post for it.
"""

from __future__ import annotations

from datetime import datetime
from types import ModuleType

from crawler import consent
from crawler.extract import blogger, disqus, forums, generic, threads, wordpress, wpcom
from crawler.extract.body import choose_body, doubtful, lead_before, page_score, score
from crawler.extract.boilerplate import strip_boilerplate
from crawler.extract.comment_count import shown_comment_count
from crawler.extract.meta import fill_metadata
from crawler.extract.model import (
    BLOGGER,
    DISCOURSE,
    GENERIC,
    PHPBB,
    SUBSTACK,
    WORDPRESS,
    WORDPRESS_COM,
    XENFORO,
    ExtractedComment,
    ExtractedPost,
)
from crawler.extract.pings import ping_ids
from crawler.extract.platform import detect_platform
from crawler.extract.text import element_text
from crawler.extract.tree import Doc, drop, has_ancestor
from crawler.extract.widgets import find_widgets, without_widgets

LEAD_PROBE = 80  # a lead whose start the body already has (a theme printing the excerpt twice) is left out

ADAPTERS: dict[str, ModuleType] = {
    WORDPRESS: wordpress,
    WORDPRESS_COM: wpcom,
    BLOGGER: blogger,
    GENERIC: generic,
    DISCOURSE: generic,  # a topic page's no-JavaScript view: forums.py reads its messages
    SUBSTACK: generic,  # the post's page: its body (comments come from the JSON, crawler/extract/substack.py)
    XENFORO: generic,  # a thread page: forums.py reads its messages
    PHPBB: generic,
}


def _drop_comment_areas(doc: Doc) -> None:
    for area in doc.select(generic.COMMENT_AREAS):
        doc.drop(area)


def _with_meta(comments: list[ExtractedComment]) -> int:
    """How many authors and dates ``comments`` carry (between two readings of one thread, the fuller wins)."""
    return sum(bool(c.author) + bool(c.published_at) for c in comments)


def _find_comments(
    doc: Doc, adapter: ModuleType, url: str, near: datetime | None, now: datetime | None = None
) -> tuple[list[ExtractedComment], bool]:
    """(comments, whether they are a forum thread's messages).  The adapter's comments first; then a forum
    engine's thread; then the common comment markup or the discovered comment items, whichever finds more
    (discovered items and thread messages are removed from the page, like the known comment areas); on a tie,
    the reading with more authors and dates."""
    if adapter is not generic:
        found = adapter.find_comments(doc, url, near, now)
        if found:
            return found, False
    messages, nodes = forums.find_thread(doc, url, near, now)
    if messages:
        threads.drop_thread(doc, nodes)
        return messages, True
    known = generic.find_comments(doc, url, near, now)
    items = threads.find_items(doc)
    discovered = threads.comments_from(items, url, near, now) if items else []
    if (len(known), _with_meta(known)) >= (len(discovered), _with_meta(discovered)):
        return known, False
    threads.drop_thread(doc, items)
    return discovered, False


def _body_text(doc: Doc, adapter: ModuleType, title: str | None, url: str) -> str:
    """The chosen body, cleaned, with its lead; on generic and WordPress pages, a doubtful choice is checked
    against trafilatura's reading of the page before our cleaning, less what our cleaning takes for widgets
    anywhere on the page (``generic.arbitrate``)."""
    body = choose_body(doc, adapter.BODY_CSS)
    if body is None:
        return ""
    leads = lead_before(body)
    widgets = find_widgets(body, len(body.text_content()), title)
    second = None
    if adapter in (generic, wordpress):
        outer = set(widgets)
        kept = score(body) - sum(score(el) for el in widgets if not has_ancestor(el, outer))
        if doubtful(kept, page_score(doc)):
            second = generic.fallback_text(doc.root, url)
    for el in widgets:
        drop(el)
    if second:
        page = doc.root.find("body")
        second = without_widgets(second, page if page is not None else doc.root, title, widgets)
    text = element_text(body)
    fresh = [lead for lead in map(element_text, leads) if lead and lead[:LEAD_PROBE] not in text]
    ours = "\n\n".join(filter(None, [*fresh, text]))
    return ours if second is None else generic.arbitrate(ours, second, url)


def extract_page(
    html: bytes | str, url: str, platform: str | None = None, fetched_at: datetime | None = None
) -> ExtractedPost:
    """Extract a blog post page.  ``platform`` skips detection when the source's platform is known;
    ``fetched_at`` (when the page was downloaded) resolves the comments' relative dates ("2 days ago"),
    which stay unknown without it."""
    doc = Doc(html)
    platform = platform if platform in ADAPTERS else detect_platform(doc, url)
    adapter = ADAPTERS[platform]
    post = ExtractedPost(url=url, platform=platform)
    fill_metadata(
        post, doc, url, wordpress=platform in (WORDPRESS, WORDPRESS_COM), blogger=platform == BLOGGER
    )
    forum_page = forums.says_forum(doc, url)
    post.shown_comment_count = shown_comment_count(doc)
    embed = disqus.find_embed(doc, post.canonical_url or url)  # before boilerplate goes with the scripts
    post.disqus_thread_url = embed.thread_url() if embed else None
    post.disqus_forum = embed.shortname if embed else None
    post.ping_ids = ping_ids(doc)
    post.robots_meta = [  # the robots meta tags doclisten obeys (crawler.consent)
        (name, el.get("content") or "")
        for el in doc.select("meta")
        if (name := (el.get("name") or "").strip().lower()) in consent.OBEYED
    ]
    thread_next = forums.next_page(doc, url)
    strip_boilerplate(doc, adapter.BOILERPLATE)
    post.comments, is_thread = _find_comments(doc, adapter, url, post.published_at, fetched_at)
    if is_thread:  # (read before the boilerplate went, with the page's navigation)
        post.next_comments_url = post.next_comments_url or thread_next
    _drop_comment_areas(doc)
    post.content_text = _body_text(doc, adapter, post.title, url)
    short = len(post.content_text) < forums.MIN_BODY
    if post.comments and short and (is_thread or forum_page):
        forums.promote_topic(post)
    if not post.content_text:
        post.content_text = generic.fallback_text(doc.root, url)
    return post
