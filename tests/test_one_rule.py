"""One rule per concept: the same input through every path that reads it gives the same answer.

HTML -> text (feed, WordPress REST, page), charset decisions (crawl, extraction, discovery), dates
(page, feed, REST, sitemap) with one plausibility window, platform detection (discovery, extraction),
URL rules (trap, listing, post) and the boilerplate line filter (extraction, normalize).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from crawler import urls
from crawler.discovery import discover
from crawler.extract import dates, detect_platform, extract_links, extract_page
from crawler.extract.model import BLOGGER, GENERIC, WORDPRESS, WORDPRESS_COM
from crawler.extract.platform import platform_from_host
from crawler.extract.text import fragment_text
from crawler.extract.wp_rest import parse_rest_comments
from crawler.feeds import parse_comment_feed, parse_feed
from crawler.sitemaps import parse_sitemap
from pipelines.normalize import clean_text
from pipelines.store.keys import text_hash

# A comment as a reader pasted it: a soft hyphen and a zero-width space from a word processor, a list,
# a line break, a "Reply" control inside the content and an embedded share button.
COMMENT_HTML = (
    "<p>Switched to the <b>new</b> pump: dia\u00adbetes\u200b tech is better now.</p>\n"
    "<ul><li>fewer lows</li><li>better sleep</li></ul>\n"
    "<p>Line one<br>line two</p>\n"
    "<p>Reply</p><div class='sharedaddy'>Share this:</div><button>Like</button>"
)
EXPECTED = (
    "Switched to the new pump: diabetes tech is better now.\n\nfewer lows\nbetter sleep\n\nLine one\nline two"
)


def _via_page() -> str:
    html = f"""<html><head><meta name="generator" content="WordPress 6.4"></head><body>
    <article class="post"><h1 class="entry-title">Pumps</h1>
    <div class="entry-content"><p>{"A long enough post body about pumps. " * 8}</p></div></article>
    <div id="comments"><ol class="comment-list">
    <li id="comment-5" class="comment"><article class="comment-body"><footer class="comment-meta">
    <div class="comment-author vcard"><b class="fn">Kim</b> <span class="says">says:</span></div>
    <div class="comment-metadata"><time datetime="2015-03-04T10:00:00+00:00">March 4, 2015</time></div>
    </footer><div class="comment-content">{COMMENT_HTML}</div></article></li></ol></div></body></html>"""
    (comment,) = extract_page(html, "https://sugar.example/2015/03/04/pumps/", platform=WORDPRESS).comments
    return comment.text


def _via_feed() -> str:
    rss = f"""<?xml version="1.0" encoding="UTF-8"?>
    <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
    <title>Comments on: Pumps</title><link>https://sugar.example/2015/03/04/pumps/</link>
    <item><title>By: Kim</title><link>https://sugar.example/2015/03/04/pumps/#comment-5</link>
    <guid isPermaLink="false">https://sugar.example/?p=1#comment-5</guid>
    <pubDate>Wed, 04 Mar 2015 10:00:00 +0000</pubDate>
    <content:encoded><![CDATA[{COMMENT_HTML}]]></content:encoded></item></channel></rss>"""
    (comment,) = parse_comment_feed(rss.encode(), "https://sugar.example/2015/03/04/pumps/feed/")
    return comment.text


def _via_rest() -> str:
    body = [{"id": 5, "post": 1, "parent": 0, "author_name": "Kim", "date_gmt": "2015-03-04T10:00:00",
             "content": {"rendered": COMMENT_HTML}}]  # fmt: skip
    (comment,) = parse_rest_comments(json.dumps(body).encode())
    return comment.text


def test_one_comment_one_text_and_hash_through_feed_rest_and_page():
    texts = {
        "page": _via_page(),
        "feed": _via_feed(),
        "rest": _via_rest(),
        "fragment": fragment_text(COMMENT_HTML),
    }
    assert texts == dict.fromkeys(texts, EXPECTED)
    assert len({text_hash(clean_text(t)) for t in texts.values()}) == 1


def test_fragment_text_layout():
    assert fragment_text("Line<br>break<br><br>para") == "Line\nbreak\n\npara"
    assert fragment_text("fish &amp; chips<script>track()</script>") == "fish & chips"
    assert fragment_text("") == "" and fragment_text(None) == ""


# --------------------------------------------------------------------------- charset

# Valid UTF-8 under a wrong <meta> (the CMS template says Latin-1), and UTF-8 with Windows-1252 smart
# quotes pasted in: every reader decodes from the bytes the same way.
MISLABELLED = (
    '<html><head><meta charset="iso-8859-1"><title>Café crème</title></head>'
    "<body><article><h1>Café crème</h1><p>" + "Naïve über café prose. " * 12 + "</p></article></body></html>"
).encode()
MIXED = (
    (
        "<html><head><title>Caf\u00e9 \x93quoted\x94</title></head><body><article><h1>Caf\u00e9 \x93quoted\x94</h1>"
        "<p>" + "Na\u00efve \u00fcber caf\u00e9 prose. " * 12 + "</p></article></body></html>"
    )
    .encode("utf-8")
    .replace(b"\xc2\x93", b"\x93")
    .replace(b"\xc2\x94", b"\x94")
)


@pytest.mark.parametrize(("body", "title"), [(MISLABELLED, "Café crème"), (MIXED, "Café \u201cquoted\u201d")])
def test_one_charset_decision_for_crawl_extraction_and_discovery(body, title):
    from crawler.charset import declared_charsets, decode_body

    text, _how = decode_body(body, declared_charsets("text/html", body))  # what CharsetMiddleware hands on
    assert f"<title>{title}</title>" in text
    assert discover(body, "https://cafe.example/", "text/html").title == title
    post = extract_page(body, "https://cafe.example/p/")
    assert post.title == title
    assert "Naïve über café prose." in post.content_text


# --------------------------------------------------------------------------- dates

NOW = datetime.now(UTC).replace(microsecond=0)


def _rss_dated(when: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://d.example/</link>'
        f"<item><title>p</title><link>https://d.example/p/</link><pubDate>{when}</pubDate></item>"
        "</channel></rss>"
    ).encode()


def _rfc822(value: datetime) -> str:
    return value.strftime("%a, %d %b %Y %H:%M:%S +0000")


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (NOW - timedelta(days=3), True),
        (NOW + timedelta(hours=20), True),  # a time zone ahead of UTC taken as UTC, clock skew
        (NOW + timedelta(hours=36), False),  # more than the one day of slack: a broken clock
        (datetime(2999, 1, 1, tzinfo=UTC), False),
        (datetime(1970, 1, 1, tzinfo=UTC), False),  # epoch zero: an unset date, not a blog post
    ],
)
def test_one_plausibility_window_for_page_feed_rest_and_sitemap(value, kept):
    iso = value.isoformat()
    expected = value if kept else None
    assert dates.parse_iso(iso) == expected
    assert dates.plausible(value) == expected
    assert (
        parse_feed(_rss_dated(_rfc822(value)), "https://d.example/feed/").entries[0].published_at == expected
    )
    rest = [{"id": 1, "date_gmt": iso.removesuffix("+00:00"), "content": {"rendered": "<p>x</p>"}}]
    assert parse_rest_comments(json.dumps(rest).encode())[0].published_at == expected
    sitemap = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://d.example/p/</loc><lastmod>{iso}</lastmod></url></urlset>'
    assert parse_sitemap(sitemap.encode()).urls == [("https://d.example/p/", expected)]


def test_one_to_utc():
    from pipelines import normalize
    from pipelines.store import db

    assert not hasattr(normalize, "as_utc") and not hasattr(db, "utc")
    assert dates.to_utc(None) is None
    assert dates.to_utc(datetime(2015, 3, 4, 10)) == datetime(2015, 3, 4, 10, tzinfo=UTC)
    cet = datetime.fromisoformat("2015-03-04T11:00:00+01:00")
    assert dates.to_utc(cet) == datetime(2015, 3, 4, 10, tzinfo=UTC)
    assert dates.to_utc(cet).tzinfo is UTC


# --------------------------------------------------------------------------- platform


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://kim.blogger.com/", BLOGGER),  # nothing but Blogger is served from blogger.com
        ("https://www.blogger.com/feeds/123/posts/default", BLOGGER),
        ("https://x.blogspot.com/", BLOGGER),
        ("https://x.blogspot.co.uk/", BLOGGER),
        ("https://x.blogspot.com.au/", BLOGGER),
        ("https://x.wordpress.com/", WORDPRESS_COM),
        ("https://blogspot.example.net/", None),
        ("https://x.blogspot.evil.example/", None),
        ("https://notwordpress.com/", None),
        ("https://sugar.example/", None),
    ],
)
def test_one_platform_rule_for_hosts(url, platform):
    html = b"<html><head><title>t</title></head><body></body></html>"
    assert platform_from_host(url) == platform
    assert detect_platform(html, url) == (platform or GENERIC)
    assert discover(html, url, "text/html").platform == (platform or GENERIC)


@pytest.mark.parametrize(
    ("generator", "platform"),
    [
        ("WordPress.com", WORDPRESS_COM),
        ("WordPress 6.4.2", WORDPRESS),
        ("Blogger", BLOGGER),
        ("Hugo 0.120", GENERIC),
    ],
)
def test_one_platform_rule_for_generator_metas(generator, platform):
    html = f'<html><head><meta name="generator" content="{generator}"><title>t</title></head></html>'.encode()
    assert detect_platform(html, "https://sugar.example/") == platform
    assert discover(html, "https://sugar.example/", "text/html").platform == platform


# --------------------------------------------------------------------------- URL rules

# (path, trap: never fetched, listing: followed for backfill but not a post, post: fetched as a post)
URL_CASES = [
    ("/2015/03/04/glucagon-pens/", False, False, True),
    ("/2015/03/sick-day.html", False, False, True),
    ("/blog/2015/03/04/cgm/", False, False, True),
    ("/2015/03/04/about-my-pump/", False, False, True),
    ("/?p=12", False, False, True),
    ("/blog/?p=12", False, False, True),
    ("/2015/03/04/", True, False, False),  # day archive: a calendar widget links every day
    ("/2015/03/04/page/2/", True, False, False),
    ("/2015/03/", False, True, False),  # month archive
    ("/2015/", False, True, False),  # year archive
    ("/blog/2015/03/", False, True, False),
    ("/page/2/", False, True, False),
    ("/tag/insulin/", False, True, False),
    ("/tag/insulin/page/2/", False, True, False),
    ("/category/news/", False, True, False),
    ("/author/kim/", False, True, False),
    ("/search/label/CGM", False, True, False),
    ("/search?updated-max=2015-03-01T00:00:00-08:00&max-results=7", False, True, False),
    ("/2015_03_01_archive.html", False, True, False),  # Blogger's classic archive pages
    ("/2015/03/04/glucagon-pens/comment-page-2/", False, False, False),
    ("/2015/03/04/glucagon-pens/feed/", False, False, False),
    ("/?s=omnipod", True, False, False),
    ("/wp-admin/post.php?post=1", True, False, False),
]


@pytest.mark.parametrize(("path", "trap", "listing", "post"), URL_CASES)
def test_one_url_rule(path, trap, listing, post):
    url = "https://sugar.example" + path
    assert urls.is_trap(url) is trap
    assert urls.is_listing(url) is listing
    assert urls.looks_like_post_url(url, "https://sugar.example/") is post  # sitemaps
    page = f'<html><body><a href="{path}">a link</a></body></html>'
    assert (extract_links(page, "https://sugar.example/").post_links == [url]) is post  # listing pages


def test_sitemap_slugs_are_posts_but_site_pages_are_not():
    home = "https://sugar.example/"
    assert urls.looks_like_post_url("https://sugar.example/searching-for-a-cure/", home)
    assert urls.looks_like_post_url("https://www.sugar.example/notes/my-first-cgm/", home)
    assert not urls.looks_like_post_url("https://sugar.example/about/", home)
    assert not urls.looks_like_post_url(home, home)


# --------------------------------------------------------------------------- boilerplate lines


@pytest.mark.parametrize(
    ("line", "boilerplate"),
    [
        ("Leave a Reply", True),
        ("Reply", True),
        ("Related Posts", True),
        ("3 Comments", True),
        ("Notify me of followup comments via e-mail. You can also subscribe without commenting.", True),
        ("You are commenting using your Facebook account. ( Log Out / Change )", True),
        ("Reply to the nurse was quick, thankfully.", False),
        ("Related: my A1c went down.", False),
    ],
)
def test_one_boilerplate_line_filter_for_extraction_and_normalize(line, boilerplate):
    from crawler.extract.boilerplate import is_boilerplate_line
    from crawler.extract.text import clean_lines

    assert is_boilerplate_line(line) is boilerplate
    assert (clean_lines(f"Prose first.\n{line}") == "Prose first.") is boilerplate
    assert (clean_text(f"Prose first.\n{line}") == "Prose first.") is boilerplate
