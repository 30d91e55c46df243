from pathlib import Path

import pytest

from crawler.discovery import Discovery, DiscoveryError, discover
from crawler.extract.model import BLOGGER, GENERIC, WORDPRESS, WORDPRESS_COM

PAGES = Path(__file__).parent / "pages" / "feeds"


def load(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_wordpress_homepage():
    found = discover(load("wordpress_home.html"), "https://type1tales.example/", "text/html; charset=UTF-8")
    assert found == Discovery(
        home_url="https://type1tales.example/",
        feed_url="https://type1tales.example/feed/",
        feed_kind="rss",
        comments_feed_url="https://type1tales.example/comments/feed/",
        rest_root="https://type1tales.example/wp-json/",
        platform=WORDPRESS,
        title="Type 1 Tales",
        candidate_feed_urls=[],
        is_feed=False,
    )


def test_blogger_homepage():
    found = discover(load("blogger_home.html"), "https://sugarhighs.blogspot.com/?m=1", "text/html")
    assert found.home_url == "https://sugarhighs.blogspot.com/"  # <link rel=canonical>
    assert found.feed_url == "https://sugarhighs.blogspot.com/feeds/posts/default"
    assert found.feed_kind == "atom"
    assert found.platform == BLOGGER
    assert found.comments_feed_url == "https://sugarhighs.blogspot.com/feeds/comments/default"
    assert found.rest_root is None
    assert found.title == "Sugar Highs and Lows"


def test_wordpress_com_homepage_comments_feed_listed_first():
    found = discover(load("wpcom_home.html"), "https://pancreasonstrike.wordpress.com/", "text/html")
    assert found.platform == WORDPRESS_COM
    assert found.feed_url == "https://pancreasonstrike.wordpress.com/feed/"
    assert found.comments_feed_url == "https://pancreasonstrike.wordpress.com/comments/feed/"
    assert found.rest_root == "https://pancreasonstrike.wordpress.com/wp-json/"


def test_generic_page_without_feed_links():
    found = discover(load("generic_home.html"), "https://gazette.example/", None)
    assert found.platform == GENERIC
    assert found.feed_url is None
    assert found.comments_feed_url is None
    assert found.title == "Glucose Gazette"
    assert found.candidate_feed_urls == [
        "https://gazette.example/feed/",
        "https://gazette.example/rss.xml",
        "https://gazette.example/atom.xml",
        "https://gazette.example/feed.xml",
        "https://gazette.example/index.xml",
        "https://gazette.example/feed.json",
    ]


def test_platform_from_markup_and_rest_link_header():
    html = b"""<!DOCTYPE html><html><head><title>Sweet Life</title>
    <link rel='stylesheet' href='/blog/wp-content/themes/x/style.css'></head><body></body></html>"""
    headers = {b"Link": [b'<https://sweet.example/blog/wp-json/>; rel="https://api.w.org/"']}
    found = discover(html, "https://sweet.example/blog/", "text/html", headers=headers)
    assert found.platform == WORDPRESS
    assert found.rest_root == "https://sweet.example/blog/wp-json/"
    assert found.comments_feed_url == "https://sweet.example/blog/comments/feed/"
    assert found.candidate_feed_urls[0] == "https://sweet.example/blog/feed/"


def test_link_header_with_several_links_and_str_headers():
    headers = {
        "content-type": "text/html",
        "link": '<https://x.example/?p=5>; rel=shortlink, <https://x.example/?rest_route=/>; rel="https://api.w.org/"',
    }
    found = discover(b"<html><head><title>x</title></head></html>", "https://x.example/", headers=headers)
    assert found.rest_root == "https://x.example/?rest_route=/"


def test_blogger_host_without_feed_links():
    found = discover(b"<html><head><title>B</title></head></html>", "https://b.blogspot.co.uk/", "text/html")
    assert found.platform == BLOGGER
    assert found.candidate_feed_urls[0] == "https://b.blogspot.co.uk/feeds/posts/default"
    assert found.comments_feed_url == "https://b.blogspot.co.uk/feeds/comments/default"


def test_relative_feed_links_and_base():
    html = b"""<html><head><base href="https://rel.example/blog/">
    <link rel="alternate" type="application/atom+xml" href="atom.xml">
    <link rel="alternate" type="application/rss+xml" href="comments/rss.xml" title="All comments"></head></html>"""
    found = discover(html, "https://rel.example/", "text/html")
    assert found.feed_url == "https://rel.example/blog/atom.xml"
    assert found.comments_feed_url == "https://rel.example/blog/comments/rss.xml"


def test_foreign_canonical_is_ignored():
    html = b'<html><head><link rel="canonical" href="https://medium.example/@me"></head></html>'
    assert discover(html, "https://mine.example/", "text/html").home_url == "https://mine.example/"


@pytest.mark.parametrize(
    ("name", "url", "platform", "home"),
    [
        ("wordpress_rss.xml", "https://type1tales.example/feed/", WORDPRESS, "https://type1tales.example"),
        (
            "wordpress_com_rss.xml",
            "https://pancreasonstrike.wordpress.com/feed/",
            WORDPRESS_COM,
            "https://pancreasonstrike.wordpress.com",
        ),
        (
            "blogger_posts.xml",
            "https://sugarhighs.blogspot.com/feeds/posts/default",
            BLOGGER,
            "https://sugarhighs.blogspot.com/",
        ),
        ("jsonfeed.json", "https://loopnotes.example/feed.json", GENERIC, "https://loopnotes.example/"),
    ],
)
def test_feed_urls(name, url, platform, home):
    # served as text/html on purpose: sniffing wins over a wrong content type
    found = discover(load(name), url, "text/html")
    assert found.is_feed
    assert found.feed_url == url
    assert found.platform == platform
    assert found.home_url == home
    assert found.title


def test_feed_defaults_for_comments_feed():
    wp = discover(load("wordpress_rss.xml"), "https://type1tales.example/feed/", "application/rss+xml")
    assert wp.feed_kind == "rss"
    assert wp.comments_feed_url == "https://type1tales.example/comments/feed/"
    blogger = discover(load("blogger_posts.xml"), "https://sugarhighs.blogspot.com/feeds/posts/default")
    assert blogger.feed_kind == "atom"
    assert blogger.comments_feed_url == "https://sugarhighs.blogspot.com/feeds/comments/default"
    json_feed = discover(
        load("jsonfeed.json"), "https://loopnotes.example/feed.json", "application/feed+json"
    )
    assert json_feed.feed_kind == "json"
    assert json_feed.comments_feed_url is None


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "text/html"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b'{"hello": "world"}', "application/json"),
        (b"plain words", "text/plain"),
        (b"\x00\x01<html>\x00", "text/html"),
    ],
)
def test_neither_html_nor_feed(body, content_type):
    with pytest.raises(DiscoveryError) as info:
        discover(body, "https://x.example/", content_type)
    assert "\n" not in str(info.value)


def test_truncated_feed_is_still_a_feed():
    found = discover(load("truncated_rss.xml"), "https://diabetesdad.example/feed/", "application/rss+xml")
    assert found.is_feed
    assert found.home_url == "https://diabetesdad.example/"
    assert found.title == "Diabetes Dad"
