"""WordPress.com: sharedaddy/jp-post-flair/related posts and the highlander comment form never leak."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import detect_platform, extract_page
from crawler.extract.model import WORDPRESS_COM

PAGES = Path(__file__).parent / "pages" / "extract"
URL = "https://sweetlittlelife.wordpress.com/2016/11/14/a1c-day/"
BOILERPLATE = [
    "Share this:",
    "Like this:",
    "Like",
    "Loading...",
    "Related",
    "bloggers like this",
    "Click to share",
    "Twitter",
    "Facebook",
    "Leave a Reply",
    "Cancel reply",
    "Fill in your details below or click an icon to log in",
    "You are commenting using your",
    "Notify me of new comments via email",
    "Enter your comment here",
    "Liked by",
    "says:",
    "Follow",
    "This entry was posted in",
]


@pytest.fixture(scope="module")
def post():
    return extract_page((PAGES / "wpcom.html").read_bytes(), URL)


def test_detected_by_host_and_generator():
    html = (PAGES / "wpcom.html").read_bytes()
    assert detect_platform(html, URL) == WORDPRESS_COM
    assert detect_platform(html, "https://sweetlittlelife.example/2016/11/14/a1c-day/") == WORDPRESS_COM


def test_body_and_metadata(post):
    assert post.platform == WORDPRESS_COM
    assert post.title == "A1c day"
    assert post.author == "sweetlittle"
    assert post.published_at == datetime(2016, 11, 14, 20, 5, 31, tzinfo=UTC)
    assert post.canonical_url == URL
    assert post.wp_post_id == "598"
    assert post.comment_feed_url == URL + "feed/"
    assert post.content_text == (
        "World Diabetes Day, and my endo appointment. The number was 6.8%.\n\nNot perfect, but I will take it."
    )


def test_comments(post):
    first, reply = post.comments
    assert (first.external_id, first.parent_external_id) == ("33", None)
    assert (reply.external_id, reply.parent_external_id) == ("34", "33")
    assert first.author == "BG Now"
    assert first.author_url == "http://bgnow.example"
    assert first.published_at == datetime(2016, 11, 14, 21, 47, 1, tzinfo=UTC)
    assert first.text == "Congrats! That is a number to be proud of."
    assert reply.published_at == datetime(2016, 11, 14, 22, 10, tzinfo=UTC)  # "14 November 2016 at 22:10"
    assert reply.text == "Thank you!! Related: my pump is finally paid off."


@pytest.mark.parametrize("needle", BOILERPLATE)
def test_no_boilerplate(post, needle):
    assert needle not in post.content_text
    assert all(needle not in c.text.replace("Related: my pump", "") for c in post.comments)
