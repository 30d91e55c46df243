"""Disqus without JavaScript: a page's embed recognised in each documented form, the thread read from the
embed page's thread data (ids, parents, authors, times), and what is left out (deleted, spam)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.extract.disqus import DisqusEmbed, find_embed, parse_thread
from crawler.extract.page import extract_page
from crawler.extract.tree import Doc

PAGES = Path(__file__).parent / "pages" / "disqus"


def embed_of(name: str, url: str = "https://sugarfree.example/2026/11/pump-vacation/") -> DisqusEmbed | None:
    return find_embed(Doc((PAGES / name).read_bytes()), url)


def test_the_wordpress_plugin_embed_gives_forum_identifier_and_url() -> None:
    embed = embed_of("wordpress_plugin_post.html")
    assert embed == DisqusEmbed(
        shortname="sugarfreeliving",
        identifier="412 https://sugarfree.example/?p=412",
        url="https://sugarfree.example/2026/11/pump-vacation/",
        title="Pump vacation, week two",
    )
    query = parse_qs(urlsplit(embed.thread_url()).query)
    assert embed.thread_url().startswith("https://disqus.com/embed/comments/?")
    assert query == {
        "base": ["default"],
        "f": ["sugarfreeliving"],
        "t_i": ["412 https://sugarfree.example/?p=412"],
        "t_u": ["https://sugarfree.example/2026/11/pump-vacation/"],
    }
    assert embed.recent_comments_feed() == "https://sugarfreeliving.disqus.com/latest.rss"


def test_the_universal_code_gives_the_shortname_from_the_loader_and_the_page_config() -> None:
    embed = embed_of("universal_code_post.html", "https://t1dballgames.example/posts/ballpark-carbs?ref=x")
    assert embed is not None
    assert (embed.shortname, embed.identifier, embed.url) == (
        "t1d-ballgames",
        "ballpark-carbs",
        "https://t1dballgames.example/posts/ballpark-carbs",
    )


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # the older globals, double quotes, a protocol-relative loader
        (
            '<script>var disqus_shortname = "dlife"; var disqus_identifier = "post-77";</script>'
            '<script src="//dlife.disqus.com/embed.js" async></script>',
            ("dlife", "post-77", "https://b.example/p/77"),
        ),
        # only the loader and a theme's data attributes
        (
            '<div id="disqus_thread" data-disqus-identifier="a1c-talk" data-disqus-url="/a1c/"></div>'
            "<script>(function(){var s=document.createElement('script');"
            "s.src='https://t1d-talks.disqus.com/embed.js';document.body.appendChild(s);})();</script>",
            ("t1d-talks", "a1c-talk", "https://b.example/a1c/"),
        ),
        # the comment-count script names the forum too
        (
            '<script id="dsq-count-scr" src="//carbsmart.disqus.com/count.js" async></script>',
            ("carbsmart", None, "https://b.example/p/77"),
        ),
    ],
)
def test_other_embed_forms(markup: str, expected: tuple) -> None:
    embed = find_embed(Doc(f"<html><body><p>Post.</p>{markup}</body></html>"), "https://b.example/p/77")
    assert embed is not None and (embed.shortname, embed.identifier, embed.url) == expected


@pytest.mark.parametrize(
    "markup",
    [
        "<p>We talked about Disqus and disqus_shortname in this post.</p>",  # text, not a script
        "<script>var comments = 'https://example.com/embed.js';</script>",
        "<div id='comments'><ol class='commentlist'></ol></div>",
    ],
)
def test_pages_without_disqus(markup: str) -> None:
    assert find_embed(Doc(f"<html><body>{markup}</body></html>"), "https://b.example/") is None


def test_the_thread_from_the_embed_page() -> None:
    thread = parse_thread((PAGES / "embed_thread.html").read_bytes())
    assert thread.total == 5 and thread.has_more  # a longer thread: the rest needs the API or the feed
    assert thread.feed_url == "https://sugarfreeliving.disqus.com/pump_vacation_week_two/latest.rss"
    assert thread.link == "https://sugarfree.example/2026/11/pump-vacation/"
    by_id = {c.external_id: c for c in thread.comments}
    assert set(by_id) == {
        "disqus:6100000001",
        "disqus:6100000002",
        "disqus:6100000004",
    }  # no deleted, no spam
    first, reply, orphan = by_id["disqus:6100000001"], by_id["disqus:6100000002"], by_id["disqus:6100000004"]
    assert first.text == "Two weeks on injections again and my overnight numbers are better. Who knew."
    assert (first.author, first.author_url) == ("Marta K", "https://disqus.com/by/martak/")
    assert first.published_at == datetime(2026, 11, 20, 8, 15, 2, tzinfo=UTC)
    assert first.parent_external_id is None and first.via == "disqus"
    assert reply.parent_external_id == "disqus:6100000001" and reply.author_url is None
    assert reply.text == "Same here with Tresiba & a pen. The pump break helped my skin too."
    assert orphan.parent_external_id == "disqus:6100000003"  # its deleted parent keeps its place


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<html><body>Sorry, this thread is closed.</body></html>", "without thread data"),
        ('<script type="text/json" id="disqus-threadData">{"code": 2, </script>', "not JSON"),
        (
            '<script type="text/json" id="disqus-threadData">{"code": 15, "response": "Invalid"}</script>',
            "without a response",
        ),
    ],
)
def test_broken_embed_pages_are_one_line_errors(body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        parse_thread(body)
    assert "\n" not in str(raised.value)


def test_the_page_itself_still_reads_as_a_post_without_comments() -> None:
    """The embed is JavaScript: the page's static HTML has no comments, and none are made up."""
    post = extract_page(
        (PAGES / "wordpress_plugin_post.html").read_bytes(),
        "https://sugarfree.example/2026/11/pump-vacation/",
    )
    assert post.content_text == "I took my pump off for two weeks. Here is how injections went."
    assert post.comments == []
    assert post.disqus_thread_url is not None and "f=sugarfreeliving" in post.disqus_thread_url  # asked next
