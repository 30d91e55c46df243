"""Blogger: threaded comments with showComment timestamps, old dl#comments-block, ids, boilerplate."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import detect_platform, extract_page
from crawler.extract.model import BLOGGER

PAGES = Path(__file__).parent / "pages" / "extract"
URL = "https://sixuntilme.blogspot.com/2015/03/sick-day-rules.html"
CLASSIC_URL = "http://dmomdiary.example.org/2008/07/camp-week.html"
BOILERPLATE = [
    "Email This",
    "BlogThis!",
    "Share to Twitter",
    "Share to Facebook",
    "Share to Pinterest",
    "Post a Comment",
    "Subscribe to: Post Comments (Atom)",
    "Post Comments (Atom)",
    "3 comments:",
    "2 comments:",
    "Delete",
    "Reply",
    "Replies",
    "Add comment",
    "Load more",
    "Posted by",
    "said...",
    "Older Post",
]


@pytest.fixture(scope="module")
def post():
    return extract_page((PAGES / "blogger_threaded.html").read_bytes(), URL)


@pytest.fixture(scope="module")
def classic():
    return extract_page((PAGES / "blogger_classic.html").read_bytes(), CLASSIC_URL)


def test_metadata_and_ids(post):
    assert post.platform == BLOGGER
    assert post.title == "Sick day rules"
    assert post.author == "Kerri Sparling"
    assert post.published_at == datetime(2015, 3, 4, 13, 30, tzinfo=UTC)
    assert post.canonical_url == URL
    assert post.blogger_blog_id == "1111222233334444555"
    assert post.blogger_post_id == "9876543210123456789"
    assert (
        post.comment_feed_url == "https://sixuntilme.blogspot.com/feeds/9876543210123456789/comments/default"
    )
    assert post.wp_post_id is None


def test_body_paragraphs_from_br(post):
    assert post.content_text == (
        "Ketones were moderate this morning, so out came the sick day plan.\n\n"
        "Extra fluids, correction every three hours, and no heroics.\n\n"
        "Call the endo if it gets worse."
    )


def test_threaded_comments_with_showcomment_timestamps(post):
    first, reply, anon = post.comments
    assert (first.external_id, first.parent_external_id) == ("111", None)
    assert (reply.external_id, reply.parent_external_id) == ("222", "111")
    assert (anon.external_id, anon.parent_external_id) == ("333", None)
    assert first.author == "Brittany"
    assert first.author_url == "https://www.blogger.com/profile/0002"
    assert first.published_at == datetime.fromtimestamp(1425475920, tz=UTC)  # showComment, not the text
    assert reply.published_at == datetime.fromtimestamp(1425480000, tz=UTC)
    assert anon.published_at == datetime(2015, 3, 5, 19, 1, tzinfo=UTC)  # text "March 5, 2015 at 7:01 PM"
    assert anon.author == "Anonymous" and anon.author_url is None
    assert first.text == "Feel better! Sick days are the worst with T1.\nPedialyte saved me last month."
    assert reply.text == "Thanks Brittany, feeling better already."


def test_comment_prose_mentioning_widgets_is_kept(post):
    assert post.comments[2].text.startswith("Newer Post Older Post Home? No, I meant")


@pytest.mark.parametrize("needle", BOILERPLATE)
def test_no_boilerplate(post, classic, needle):
    for extracted in (post, classic):
        assert needle not in extracted.content_text
    assert all(needle not in c.text for c in post.comments[:2] + classic.comments)


def test_classic_comments_block(classic):
    assert classic.platform == BLOGGER
    assert classic.title == "Camp week"
    assert classic.blogger_blog_id == "5550001112223334445"
    assert classic.blogger_post_id == "7770001112223334445"
    assert classic.published_at == datetime(2008, 7, 12, tzinfo=UTC)
    assert classic.author == "Jen"
    meri, anon = classic.comments
    assert (meri.external_id, meri.author, meri.parent_external_id) == ("4440001", "Meri", None)
    assert meri.author_url == "https://www.blogger.com/profile/77"
    assert meri.published_at == datetime.fromtimestamp(1215900000, tz=UTC)
    assert meri.text == "Camp is magic. Our boys went for the first time this year."
    assert (anon.external_id, anon.author, anon.text) == ("4440002", "Anonymous", "So glad she had fun!")
    assert anon.published_at == datetime(2008, 7, 13, 9, 5, tzinfo=UTC)


def test_detect_custom_domain_blogger():
    html = (PAGES / "blogger_classic.html").read_bytes()
    assert detect_platform(html, CLASSIC_URL) == BLOGGER
