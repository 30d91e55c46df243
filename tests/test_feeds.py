from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.feeds import FeedError, parse_comment_feed, parse_feed

PAGES = Path(__file__).parent / "pages" / "feeds"


def load(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_wordpress_rss():
    feed = parse_feed(load("wordpress_rss.xml"), "https://type1tales.example/feed/", "application/rss+xml")
    assert feed.kind == "rss"
    assert feed.title == "Type 1 Tales"
    assert feed.site_url == "https://type1tales.example"
    assert feed.ttl_minutes == 60  # sy:updatePeriod hourly, sy:updateFrequency 1
    assert feed.next_url == "https://type1tales.example/feed/?paged=2"
    assert feed.bozo is None
    assert "wordpress.org" in feed.generator
    first, second = feed.entries
    assert first.guid == "https://type1tales.example/?p=1042"
    assert first.url == "https://type1tales.example/2024/03/switched-omnipod-tubed-pump/"
    assert first.title == "Why I switched from the Omnipod to a tubed pump \u2013 and back"
    assert first.author == "Kelly Ramos"
    assert first.published_at == datetime(2024, 3, 4, 14, 30, tzinfo=UTC)
    assert "<strong>Omnipod 5</strong>" in first.content_html
    assert "<script" not in first.content_html
    assert first.summary.startswith("After three years")
    assert first.comment_feed_url == "https://type1tales.example/2024/03/switched-omnipod-tubed-pump/feed/"
    assert first.comment_count == 7
    assert first.tags == ["Insulin pumps", "Omnipod"]
    assert first.blogger_post_id is None
    # no content:encoded -> the description is the content; -0500 converted to UTC
    assert second.content_html == "Thirty minutes is not that long, unless you are low."
    assert second.published_at == datetime(2024, 2, 22, 13, 0, tzinfo=UTC)
    assert second.comment_count == 0


def test_wordpress_com_rss_update_frequency():
    feed = parse_feed(load("wordpress_com_rss.xml"), "https://pancreasonstrike.wordpress.com/feed/")
    assert feed.ttl_minutes == 360  # daily, 4 times
    assert feed.generator == "http://wordpress.com/"
    (entry,) = feed.entries
    assert entry.comment_count == 3
    assert entry.url == "https://pancreasonstrike.wordpress.com/2024/03/02/metformin-month-two/"


def test_blogger_atom_posts():
    feed = parse_feed(load("blogger_posts.xml"), "https://sugarhighs.blogspot.com/feeds/posts/default")
    assert feed.kind == "atom"
    assert feed.site_url == "https://sugarhighs.blogspot.com/"
    assert feed.blogger_blog_id == "7001"
    assert feed.next_url.startswith("https://www.blogger.com/feeds/7001/posts/default?start-index=26")
    (entry,) = feed.entries
    assert entry.blogger_post_id == "5550001"
    assert entry.url == "https://sugarhighs.blogspot.com/2024/03/switching-to-new-cgm.html"
    assert entry.comment_feed_url == "https://sugarhighs.blogspot.com/feeds/5550001/comments/default"
    assert entry.comment_count == 2
    assert entry.author == "Maria T."
    assert entry.published_at == datetime(2024, 3, 4, 4, 5, tzinfo=UTC)
    assert entry.updated_at == datetime(2024, 3, 6, 2, 22, 10, tzinfo=UTC)
    assert entry.content_html == "<p>We moved from the <b>Libre 2</b> to the Dexcom G7 this week.</p>"
    assert entry.tags == ["CGM", "Dexcom"]


@pytest.mark.parametrize("content_type", ["application/feed+json", "application/json", None])
def test_json_feed(content_type):
    feed = parse_feed(load("jsonfeed.json"), "https://loopnotes.example/feed.json", content_type)
    assert feed.kind == "json"
    assert feed.title == "Loop and Learn Notes"
    assert feed.site_url == "https://loopnotes.example/"
    assert feed.next_url == "https://loopnotes.example/feed.json?page=2"
    first, second = feed.entries
    assert first.guid == first.url == "https://loopnotes.example/posts/closed-loop-year-one/"
    assert first.author == "Priya N."
    assert first.published_at == datetime(2024, 2, 29, 20, 0, tzinfo=UTC)
    assert first.updated_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert first.tags == ["Loop", "Omnipod"]
    assert second.guid == "17"
    assert second.content_html == "Carb counting without tears."
    assert second.published_at.tzinfo is UTC


def test_json_that_is_not_a_json_feed():
    with pytest.raises(FeedError):
        parse_feed(
            b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}',
            "https://x/",
            "application/feed+json",
        )
    with pytest.raises(FeedError):
        parse_feed(b'{"posts": []}', "https://x/", "application/json")


def test_truncated_feed_returns_entries_and_bozo():
    feed = parse_feed(load("truncated_rss.xml"), "https://diabetesdad.example/feed/")
    assert feed.bozo and "SAXParseException" in feed.bozo
    assert feed.ttl_minutes == 120  # <ttl>
    assert [e.url for e in feed.entries][0] == "https://diabetesdad.example/night-lows/"
    assert feed.entries[0].title == "Night lows & the alarm that saved us"


def test_feed_served_as_text_html_is_not_bozo():
    feed = parse_feed(
        load("wordpress_rss.xml"), "https://type1tales.example/feed/", "text/html; charset=UTF-8"
    )
    assert feed.bozo is None
    assert len(feed.entries) == 2


def test_relative_links_resolve_against_feed_url():
    body = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
    <link rel="alternate" type="text/html" href="/"/><entry><id>urn:1</id><title>p</title>
    <link rel="alternate" type="text/html" href="/2024/p/"/></entry></feed>"""
    feed = parse_feed(body, "https://rel.example/blog/atom.xml")
    assert feed.site_url == "https://rel.example/"
    assert feed.entries[0].url == "https://rel.example/2024/p/"


def test_empty_but_valid_feed():
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>New blog</title></channel></rss>'
    feed = parse_feed(body, "https://new.example/feed/")
    assert feed.entries == []
    assert feed.title == "New blog"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        (PAGES / "not_a_feed.html").read_bytes(),
        bytes(range(256)) * 8,
        b"Just some text, not XML.",
    ],
)
def test_not_a_feed(body):
    with pytest.raises(FeedError) as info:
        parse_feed(body, "https://type1tales.example/feed/", "application/rss+xml")
    assert "\n" not in str(info.value)


def test_body_naming_a_local_file_is_not_opened(tmp_path):
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes(load("wordpress_rss.xml"))
    with pytest.raises(FeedError):
        parse_feed(str(feed_file).encode(), "https://x/feed/")


def _all_text(feed) -> str:
    parts = [feed.title or "", feed.site_url or ""]
    for e in feed.entries:
        parts += [e.title or "", e.content_html or "", e.summary or "", e.url or ""]
    return " ".join(parts)


def test_billion_laughs_expands_nothing():
    feed = parse_feed(load("billion_laughs.xml"), "https://evil.example/feed/")
    text = _all_text(feed)
    assert "lollol" not in text
    assert len(text) < 1000


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-INSULIN-PRICES")
    body = load("xxe.xml").replace(b"file:///etc/passwd", secret.as_uri().encode())
    feed = parse_feed(body, "https://evil.example/feed/")
    text = _all_text(feed)
    assert "TOP-SECRET" not in text
    assert "root:" not in text
    with pytest.raises(FeedError):
        parse_feed(secret.as_uri().encode(), "https://evil.example/feed/")


def test_wordpress_post_comment_feed():
    comments = parse_comment_feed(
        load("wordpress_post_comments.xml"),
        "https://type1tales.example/2024/03/switched-omnipod-tubed-pump/feed/",
    )
    first, reply = comments
    post = "https://type1tales.example/2024/03/switched-omnipod-tubed-pump/"
    assert first.external_id == "123"
    assert first.author == "Sam (T1D since 1998)"
    assert first.text == "Tubing snagged on every door handle for me.\n\nBack to the pod after two weeks!"
    assert first.published_at == datetime(2024, 3, 4, 16, 1, 12, tzinfo=UTC)
    assert first.parent_external_id is None
    assert first.post_url == post
    assert first.via == "feed"
    # "In reply to X." prefix dropped, its link gives the parent; comment-page-N stripped from post_url
    assert reply.external_id == "131"
    assert reply.text == "Door handles are the worst."
    assert reply.parent_external_id == "123"
    assert reply.post_url == post


def test_wordpress_site_comment_feed():
    jo, alex, sam = parse_comment_feed(
        load("wordpress_site_comments.xml"), "https://type1tales.example/comments/feed/"
    )
    assert jo.text == "Same here \u2013 I pre-bolus before the warm-up."
    assert jo.parent_external_id == "138"
    assert jo.post_url == "https://type1tales.example/2024/02/dexcom-g7-warm-up/"
    assert alex.text == "Great post. I <3 my Omnipod."
    assert alex.parent_external_id is None
    # only the (escaped) description is available
    assert sam.text == "Only the description here."
    assert sam.parent_external_id == "123"
    assert sam.external_id == "137"


def test_blogger_comment_feed():
    question, answer = parse_comment_feed(
        load("blogger_comments.xml"), "https://sugarhighs.blogspot.com/feeds/5550001/comments/default"
    )
    post = "https://sugarhighs.blogspot.com/2024/03/switching-to-new-cgm.html"
    assert question.external_id == "8880001"
    assert question.parent_external_id is None
    assert question.author == "T1D Dad"
    assert question.author_url == "http://www.blogger.com/profile/9876543210"
    assert question.text == "Did the Dexcom G7 sensor hurt?\n\nMy son is 9 and scared of needles."
    assert question.published_at == datetime(2024, 3, 4, 17, 15, tzinfo=UTC)
    assert question.post_url == post
    assert question.via == "feed"
    assert answer.external_id == "8880002"
    assert answer.parent_external_id == "8880001"
    assert answer.text == "Not really! Use the applicator tips."


def test_empty_comment_feed():
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Comments on: Quiet post</title>
    <link>https://t.example/quiet/</link></channel></rss>"""
    assert parse_comment_feed(body, "https://t.example/quiet/feed/") == []


def test_comment_feed_that_is_html():
    with pytest.raises(FeedError):
        parse_comment_feed(load("not_a_feed.html"), "https://t.example/p/feed/", "text/html")


def test_json_feed_plain_text_content_is_escaped_and_urls_resolved():
    body = b"""\xef\xbb\xbf{"version": "https://jsonfeed.org/version/1", "title": "t", "home_page_url": "/",
    "items": [{"id": "1", "url": "/p/1", "content_text": "BG < 70 means treat"}]}"""
    feed = parse_feed(body, "https://j.example/feed.json")
    assert feed.site_url == "https://j.example/"
    assert feed.entries[0].url == "https://j.example/p/1"
    assert feed.entries[0].content_html == "BG &lt; 70 means treat"
