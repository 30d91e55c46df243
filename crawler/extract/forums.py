"""Forum threads: phpBB, vBulletin, XenForo, Discourse (its no-JavaScript view) and any page that says it
is a discussion.  Every message is a post of the thread; the first one is the topic, i.e. the page's body,
and the others are its comments.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urldefrag, urljoin, urlsplit

from crawler.extract.comments import CommentMarkup, extract_comments
from crawler.extract.model import ExtractedComment, ExtractedPost
from crawler.extract.tree import Doc

FAMILIES = (
    # phpBB 3 (prosilver): div.post.bg1|bg2#p123 > .postbody > p.author (by <a.username> » <time>) + div.content
    CommentMarkup(
        items="div.post.bg1, div.post.bg2",
        content=(".postbody .content", ".content"),
        author=(
            ".author .username",
            ".author .username-coloured",
            ".postprofile .username",
            ".author strong",
        ),
        date=(".author time", ".author"),
        meta=".author, .postprofile, .signature, .back2top, .post-buttons, .notice",
        ids=re.compile(r"^p(\d+)$"),
        # <blockquote cite="./viewtopic.php?p=123#p123"><div><cite>Name wrote: …</cite>…</div></blockquote>
        quotes="blockquote",
        quote_ref=("cite", re.compile(r"[?&]p=(\d+)")),
        # [code]: <div class="codebox"><p>Code: <a>Select all</a></p><pre><code>…; phpBB 3.0: <dl><dt>…</dt>
        chrome=".codebox > p, .codebox > dt",
    ),
    # vBulletin 4: li.postcontainer#post_123, blockquote.postcontent, .username, .postdate .date
    CommentMarkup(
        items="li.postcontainer, li.postbitlegacy",
        content=("blockquote.postcontent", ".postcontent", "[id^='post_message_']"),
        author=(".username strong", ".username"),
        date=(".postdate .date", ".postdate", ".date"),
        meta=".posthead, .userinfo, .postfoot, .signature, .after_content, .postrow h2",
        ids=re.compile(r"^post_?(\d+)$"),
        # [code]/[quote]: <div class="bbcode_container"><div class="bbcode_description">Code:</div>…
        chrome=".bbcode_description",
    ),
    # XenForo 2: article.message--post#js-post-123, .message-body .bbWrapper, .message-name, time.u-dt
    CommentMarkup(
        items="article.message--post",
        content=(".message-body .bbWrapper", ".message-body"),
        author=(".message-name", ".username"),
        date=("time.u-dt", "time"),
        meta=".message-user, .message-attribution, .message-footer, .message-signature, .message-lastEdit",
        ids=re.compile(r"^js-post-(\d+)$"),
        # <blockquote class="bbCodeBlock bbCodeBlock--quote" data-quote="Name" data-source="post: 123"> with
        # its "Name said:" title and "Click to expand..." link
        quotes="blockquote.bbCodeBlock--quote, blockquote.bbCodeBlock",
        quote_ref=("data-source", re.compile(r"post:\s*(\d+)")),
        # a code, spoiler or other block's title ("Code:", "Spoiler: …" is a <button>, left out anyway) and a
        # long block's "Click to expand..." link
        chrome=".bbCodeBlock-title, .bbCodeBlock-expandLink, .bbCodeSpoiler-button",
    ),
    # Discourse, as served to clients without JavaScript: div.crawler-post#post_1, .post, span.creator
    CommentMarkup(
        items="div.crawler-post, div.topic-post",
        content=(".post[itemprop=text]", ".post[itemprop=articleBody]", ".cooked", ".post"),
        author=(".creator [itemprop=name]", ".creator", ".username"),
        date=("time", ".post-time"),
        meta=".crawler-post-meta, .crawler-post-infos, .topic-meta-data, .post-likes",
        ids=re.compile(r"^post_(\d+)$"),
    ),
)
_FORUM_PATH = re.compile(
    r"/(forums?|threads?|topics?|t|discussions?|community|boards?)/|viewtopic\.php|showthread\.php|"
    r"/forum/discussion/",
    re.I,
)
_FORUM_LD = re.compile(r'"@type"\s*:\s*"DiscussionForumPosting"')
MIN_BODY = 200  # a page whose body outside the thread is shorter is the thread itself


def find_thread(
    doc: Doc, url: str, near: datetime | None = None, now: datetime | None = None
) -> tuple[list[ExtractedComment], list]:
    """The messages of a known forum engine's thread page in order (the first one is the topic), with
    their nodes."""
    for markup in FAMILIES:
        nodes = doc.select(markup.items)
        if nodes:
            found = extract_comments(nodes, markup, url, near, now)
            if found:
                return found, nodes
    return [], []


def says_forum(doc: Doc, url: str) -> bool:
    """The URL or the structured data says the page is a discussion thread."""
    if _FORUM_PATH.search(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")):
        return True
    return any(_FORUM_LD.search(s.text or "") for s in doc.select("script[type='application/ld+json']"))


# the next page of a thread: XenForo's pageNav, phpBB's pagination, rel=next (vBulletin, Discourse's view)
NEXT_PAGE_CSS = (
    "a.pageNav-jump--next, .pagination li.next a, .pagination li.arrow.next a, link[rel=next], a[rel=next]"
)


def next_page(doc: Doc, url: str) -> str | None:
    """The next page of a forum thread (only asked on a page the thread markup was found on: on a blog,
    rel=next often names the next post)."""
    for el in doc.select(NEXT_PAGE_CSS):
        href = (el.get("href") or "").strip()
        if href and not href.startswith("#"):
            return urldefrag(urljoin(url, href))[0]
    return None


def promote_topic(post: ExtractedPost) -> None:
    """Make the thread's first message the post's body (its other messages stay comments); kept as
    ``topic_message``: on a thread's later page it is a reply like the others."""
    first = post.comments.pop(0)
    post.topic_message = first
    post.content_text = first.text
    post.author = post.author or first.author
    post.published_at = post.published_at or first.published_at
    for comment in post.comments:
        if comment.parent_external_id is not None and comment.parent_external_id == first.external_id:
            comment.parent_external_id = None
