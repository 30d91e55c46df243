"""The boilerplate of each platform is never stored: user titles, banners, badges, post counts, signatures,
"Reply"/"Quote"/"Report" buttons, reactions and likes, "Last edited", "Click to expand..." and "X said:" /
"X wrote:" of quotes. XenForo and phpBB thread pages (tests/forum_pages.py, the engines' own markup), Discourse
topic JSON with cooked HTML, Substack's comment JSON and Disqus's thread data each carry them around or inside
the messages; none of it reaches a post's or a comment's text or author."""

from __future__ import annotations

import json

import pytest

from crawler.extract import discourse, disqus, extract_page, substack
from crawler.extract.model import ExtractedComment, ExtractedPost
from tests.forum_pages import CHROME, Message, phpbb_page, xenforo_page

THREAD = "/threads/g7-signal-loss.7/"
MESSAGES = [
    Message(101, "ana", "2024-05-01T08:00:00+0000", "My G7 keeps losing signal overnight. Phone or sensor?"),
    Message(
        102,
        "bo",
        "2024-05-01T09:10:00+0000",
        "Probably Bluetooth: keep the phone on the same side as the sensor.",
        spoiler="My own graphs from last week show the gaps between two and four.",
    ),
    Message(
        103,
        "cy",
        "2024-05-02T07:45:00+0000",
        "<p>That fixed it for me as well, thanks.</p>",
        code="basal 00:00 0.85 u/h",
        quotes=(102, "bo", "Probably Bluetooth: keep the phone on the same side as the sensor."),
    ),
]


def texts(post: ExtractedPost) -> list[str]:
    """Every text and name extraction kept of a page (its body, its title, each comment and author)."""
    comments = [post.topic_message, *post.comments] if post.topic_message else post.comments
    return [post.content_text, post.author or "", *_comment_texts(comments)]


def _comment_texts(comments: list[ExtractedComment]) -> list[str]:
    return [t for c in comments for t in (c.text, c.author or "")]


def assert_no_chrome(stored: list[str], chrome: tuple[str, ...] = CHROME) -> None:
    leaked = {(piece, text) for text in stored for piece in chrome if piece in text}
    assert not leaked, leaked


@pytest.mark.parametrize("engine", ["xenforo", "phpbb"])
def test_a_forum_thread_keeps_only_the_messages_words(engine: str) -> None:
    if engine == "xenforo":
        url = f"https://forum.example{THREAD}"
        page = xenforo_page("G7 signal loss", THREAD, MESSAGES, 1, None)
    else:
        url = "https://board.example/viewtopic.php?t=9"
        page = phpbb_page("G7 signal loss", [m for m in MESSAGES if not m.spoiler] + [MESSAGES[1]], None)
    post = extract_page(page.encode(), url)
    assert post.platform == engine
    assert post.content_text == MESSAGES[0].text
    by_id = {c.external_id: c for c in post.comments}
    assert set(by_id) == {"102", "103"}
    # the quote is not its text, a code block is (its title is not)
    assert by_id["103"].text.split() == [
        "That",
        "fixed",
        "it",
        "for",
        "me",
        "as",
        "well,",
        "thanks.",
        "basal",
        "00:00",
        "0.85",
        "u/h",
    ]
    assert by_id["103"].parent_external_id == "102"
    assert by_id["102"].text.startswith(MESSAGES[1].text)
    assert [c.author for c in post.comments] == (["bo", "cy"] if engine == "xenforo" else ["cy", "bo"])
    if engine == "xenforo":  # a spoiler's words are the message's own, its button is not
        assert by_id["102"].text.endswith(MESSAGES[1].spoiler or "")
    assert_no_chrome(texts(post))


def test_discourse_cooked_html_keeps_only_the_posts_words() -> None:
    """A topic's JSON as /t/<id>.json answers (shapes: tests/pages/discourse/README.md): cooked HTML with a
    quote of another post (aside.quote: its "username:" title and the quoted words), an image's lightbox
    (its file name, size and "1024×768" meta), a link preview (aside.onebox); likes, the user's title and
    flair outside the cooked HTML (actions_summary, user_title, flair_name, badges)."""
    quote = (
        '<aside class="quote no-group" data-username="ana" data-post="1" data-topic="5001"><div class="title">'
        '<div class="quote-controls"></div><img alt="" width="24" height="24" '
        'src="/user_avatar/forum.example/ana/48/1_2.png" class="avatar"> ana:</div><blockquote>'
        "<p>My G7 keeps losing signal overnight.</p></blockquote></aside>"
    )
    lightbox = (
        '<div class="lightbox-wrapper"><a class="lightbox" href="/uploads/default/original/1X/abc.png" '
        'data-download-href="/uploads/default/abc" title="graph.png"><img src="/uploads/default/optimized/1X/'
        'abc_2_690x460.png" alt="graph" width="690" height="460"><div class="meta"><svg class="fa d-icon '
        'd-icon-far-image svg-icon" aria-hidden="true"><use href="#far-image"></use></svg><span '
        'class="filename">graph.png</span><span class="informations">1024×768 88.5 KB</span><svg class="fa '
        'd-icon d-icon-discourse-expand svg-icon" aria-hidden="true"><use href="#discourse-expand"></use></svg>'
        "</div></a></div>"
    )
    onebox = (
        '<aside class="onebox allowlistedgeneric" data-onebox-src="https://dexcom.example/g7"><header '
        'class="source"><a href="https://dexcom.example/g7">dexcom.example</a></header><article class="onebox-body">'
        "<h3>Dexcom G7 troubleshooting</h3><p>Signal loss alerts explained.</p></article></aside>"
    )

    def post(number: int, username: str, cooked: str, reply_to: int | None = None) -> dict:
        return {
            "id": 9000 + number,
            "name": username.title(),
            "username": username,
            "user_title": "Well-known member",
            "flair_name": "Moderator",
            "primary_group_name": "Reply",
            "badges_granted": [{"badge": {"name": "Like"}}],
            "created_at": f"2024-05-0{number}T08:00:00.000Z",
            "cooked": cooked,
            "post_number": number,
            "post_type": 1,
            "reply_to_post_number": reply_to,
            "reads": 40,
            "actions_summary": [{"id": 2, "count": 5}],  # 5 likes
            "like_count": 5,
            "hidden": False,
            "deleted_at": None,
            "user_deleted": False,
        }

    topic = {
        "id": 5001,
        "title": "G7 signal loss",
        "fancy_title": "G7 signal loss",
        "slug": "g7-signal-loss",
        "posts_count": 3,
        "created_at": "2024-05-01T08:00:00.000Z",
        "like_count": 10,
        "post_stream": {
            "posts": [
                post(1, "ana", "<p>My G7 keeps losing signal overnight.</p>" + lightbox),
                post(2, "bo", quote + "<p>Probably Bluetooth.</p>" + onebox, reply_to=1),
                post(3, "cy", "<p>Keep the phone on the same side.</p>", reply_to=2),
            ],
            "stream": [9001, 9002, 9003],
        },
    }
    parsed = discourse.parse_topic(json.dumps(topic), "https://forum.example/")
    assert parsed.text == "My G7 keeps losing signal overnight."
    assert [c.text for c in parsed.comments] == ["Probably Bluetooth.", "Keep the phone on the same side."]
    chrome = (*CHROME, "ana:", "graph.png", "1024×768", "88.5 KB", "dexcom.example", "troubleshooting")
    assert_no_chrome([parsed.text, *_comment_texts(parsed.comments)], chrome)


def test_substack_comments_keep_only_their_bodies() -> None:
    """/api/v1/post/<id>/comments (shapes: tests/pages/substack/README.md): each comment's "body" is its text;
    its reactions, restacks, the reader's badges and paid status are fields beside it."""
    comment = {
        "id": 90001,
        "body": "Loop changed my nights too.",
        "date": "2026-11-24T15:00:12.000Z",
        "name": "Omar",
        "handle": "omar_t1",
        "ancestor_path": "",
        "deleted": False,
        "status": "ok",
        "reactions": {"❤": 12},
        "reaction_count": 12,
        "restacks": 2,
        "children_count": 1,
        "user_bestseller_tier": 100,
        "is_author": False,
        "author_is_admin": False,
        "metadata": {"is_paid": True, "badge": "Founding Member"},
        "user_status": "Well-known member",
        "children": [
            {
                "id": 90002,
                "body": "Same here since March.",
                "date": "2026-11-24T16:00:00.000Z",
                "name": "Tamsin Roe",
                "handle": "tamsinroe",
                "ancestor_path": "90001",
                "deleted": False,
                "status": "ok",
                "reactions": {"❤": 3},
                "is_author": True,
                "user_bestseller_tier": None,
                "children": [],
            }
        ],
    }
    comments = substack.parse_comments(json.dumps({"comments": [comment]}))
    assert [c.text for c in comments] == ["Loop changed my nights too.", "Same here since March."]
    assert_no_chrome(_comment_texts(comments), (*CHROME, "Founding Member", "12", "Author"))


def test_disqus_messages_keep_only_their_words() -> None:
    """The embed page's thread data (shapes: tests/pages/disqus/embed_thread.html): a message's HTML is its
    text; likes, dislikes, the author's badges and reputation are fields beside it; a link Disqus wraps
    (disq.us/url?url=…) keeps its words."""
    post = {
        "id": "6300000001",
        "parent": None,
        "createdAt": "2026-11-20T08:15:02",
        "message": '<p>Tried the <a href="https://disq.us/url?url=https%3A%2F%2Fexample.org%2Fg7%3Aabc" '
        'rel="nofollow noopener" target="_blank" title="https://example.org/g7">G7 overpatch</a> and it holds.</p>',
        "author": {
            "name": "Marta K",
            "username": "martak",
            "profileUrl": "https://disqus.com/by/martak/",
            "isAnonymous": False,
            "reputation": 2.1,
            "badges": [{"name": "Moderator"}],
        },
        "likes": 7,
        "dislikes": 0,
        "points": 7,
        "numReports": 0,
        "isDeleted": False,
        "isSpam": False,
        "isApproved": True,
        "isHighlighted": True,
        "sb": False,
    }
    data = {"cursor": {"hasNext": False, "total": 1}, "response": {"thread": {"id": "1"}, "posts": [post]}}
    page = f'<script type="text/json" id="disqus-threadData">{json.dumps(data)}</script>'
    thread = disqus.parse_thread(page)
    assert [c.text for c in thread.comments] == ["Tried the G7 overpatch and it holds."]
    assert_no_chrome(_comment_texts(thread.comments), (*CHROME, "disq.us"))
