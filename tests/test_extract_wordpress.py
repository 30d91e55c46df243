"""WordPress classic and block themes: body, metadata, threaded comments, boilerplate."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import detect_platform, extract_page
from crawler.extract.model import WORDPRESS

PAGES = Path(__file__).parent / "pages" / "extract"
CLASSIC_URL = "https://sugarhighs.example/2015/03/03/pump-site-rotation/"
BLOCK_URL = "https://betacell.example/low-on-the-trail/"
BOILERPLATE = [
    "Leave a Reply",
    "Cancel reply",
    "Your email address will not be published",
    "Required fields are marked",
    "Notify me of new comments via email",
    "Share this:",
    "Like this:",
    "Loading...",
    "Related",
    "says:",
    "Edit",
    "Older Comments",
    "Previous post",
    "Proudly powered",
    "Archives",
]


def page(name: str, url: str):
    return extract_page((PAGES / name).read_bytes(), url)


@pytest.fixture(scope="module")
def classic():
    return page("wp_classic.html", CLASSIC_URL)


@pytest.fixture(scope="module")
def block():
    return page("wp_block.html", BLOCK_URL)


def test_classic_metadata(classic):
    assert classic.platform == WORDPRESS
    assert classic.title == "Pump site rotation tips"
    assert classic.author == "Kerri"
    assert classic.canonical_url == CLASSIC_URL
    assert classic.published_at == datetime(2015, 3, 3, 14, 30, tzinfo=UTC)
    assert classic.updated_at == datetime(2015, 3, 5, 10, 0, tzinfo=UTC)
    assert classic.wp_post_id == "4242"
    assert classic.comment_feed_url == CLASSIC_URL + "feed/"
    assert classic.next_comments_url == CLASSIC_URL + "comment-page-1/"


def test_classic_body_layout(classic):
    assert classic.content_text == (
        "After eleven years on an insulin pump, I finally have a rotation system that works.\n\n"
        "My four zones\n\n"
        "Left abdomen\nRight abdomen\nUpper arms\n\n"
        "Scar tissue is real, and it changes how fast the insulin gets absorbed.\nRotate, rotate, rotate.\n\n"
        "Reply to this post if you have a favourite site – I read everything."
    )


def test_classic_threaded_comments(classic):
    by_id = {c.external_id: c for c in classic.comments}
    assert list(by_id) == ["101", "102", "103"]  # the pingback is not a reader comment
    assert [by_id[i].parent_external_id for i in by_id] == [None, "101", "102"]
    first = by_id["101"]
    assert first.author == "Type1Mom"
    assert first.author_url == "http://type1mom.example/"
    assert first.text == "My son uses his thighs and it works great for him.\n\nThanks for sharing!"
    assert first.published_at == datetime(2015, 3, 3, 16, 12, tzinfo=UTC)
    assert first.via == "html"
    assert by_id["102"].published_at == datetime(2015, 3, 3, 18, 40, tzinfo=UTC)  # text date, naive -> UTC
    assert by_id["103"].published_at == datetime(2015, 3, 4, 13, 0, tzinfo=UTC)


def test_prose_containing_boilerplate_words_is_kept(classic):
    assert "Reply to this post if you have a favourite site" in classic.content_text
    assert "Leave a reply below if it works for you." in classic.comments[2].text


@pytest.mark.parametrize("needle", BOILERPLATE)
def test_no_boilerplate_in_classic(classic, needle):
    assert needle not in classic.content_text.replace("Reply to this post", "")
    for comment in classic.comments:
        assert needle not in comment.text.replace("Leave a reply below", "")


def test_block_theme(block):
    assert block.platform == WORDPRESS
    assert block.title == "Low on the trail"
    assert block.author == "Sam Rivera"
    assert block.published_at == datetime(2023, 6, 10, 5, 15, tzinfo=UTC)
    assert block.updated_at == datetime(2023, 6, 11, 6, 0, tzinfo=UTC)
    assert block.wp_post_id == "77"
    assert block.comment_feed_url == BLOCK_URL + "feed/"
    assert block.content_text == (
        "Ten kilometres in, my CGM buzzed: 3.4 mmol/L and dropping.\n\n"
        "Stop.\nEat 15 g of glucose tabs.\nWait fifteen minutes.\n\n"
        "Always pack more sugar than you think you need."
    )


def test_block_theme_comments(block):
    first, reply = block.comments
    assert (first.external_id, first.parent_external_id) == ("9", None)
    assert (reply.external_id, reply.parent_external_id) == ("10", "9")
    assert first.author == "Trail Runner T1"
    assert first.author_url == "https://runner.example"
    assert first.text == "Been there. Gels in every pocket now."
    assert first.published_at == datetime(2023, 6, 10, 10, 3, tzinfo=UTC)
    assert reply.author == "Sam Rivera"
    assert reply.published_at == datetime(2023, 6, 10, 13, 0, tzinfo=UTC)
    assert reply.text == "Gels are a great idea!"
    for needle in ("Reply", "Edit", "Leave a Reply", "Required fields"):
        assert all(needle not in c.text for c in block.comments)
        assert needle not in block.content_text


def test_comment_text_inside_author_block_and_yearless_date():
    html = """<html><body class="postid-5"><div class="entry-content"><p>Body.</p></div>
    <ol class="commentlist"><li class="comment" id="comment-7"><div id="div-comment-7">
      <div class="comment-author vcard"><img class="avatar" src="a.png"><p>Basal testing is tedious but worth it.</p>
      <p><cite>Comment by <span class="fn">Margit</span> &#8212; 2019-01-01 @ <a href="#comment-7">00:39</a></cite>
      <span class="reply"> | <a class="comment-reply-link" href="?replytocom=7#respond">Reply</a></span></p></div></div></li>
    <li class="comment" id="comment-8"><cite class="comment-author"><a href="http://j.example" class="url">Jan</a></cite>
      <small class="commentmetadata"><a href="#comment-8">Jun 20th at 2:41 am</a></small>
      <div class="contenttext"><p>Same here.</p></div></li></ol></body></html>"""
    url = "https://blog.example/2019/06/19/basal/"
    post = extract_page(html, url, platform=WORDPRESS)
    dated = '<head><meta property="article:published_time" content="2019-06-19T10:00:00+00:00"></head><body'
    post_date = extract_page(html.replace("<body", dated, 1), url, platform=WORDPRESS)
    first, second = post_date.comments
    assert (first.text, first.author) == ("Basal testing is tedious but worth it.", "Margit")
    assert first.published_at == datetime(2019, 1, 1, 0, 39, tzinfo=UTC)
    assert (second.text, second.author, second.author_url) == ("Same here.", "Jan", "http://j.example")
    assert second.published_at == datetime(2019, 6, 20, 2, 41, tzinfo=UTC)  # year from the post date
    assert post.comments[1].published_at is None  # no post date: a year-less date is not guessed


def test_str_input_and_platform_override():
    html = (PAGES / "wp_classic.html").read_text(encoding="utf-8")
    assert detect_platform(html, CLASSIC_URL) == WORDPRESS
    post = extract_page(html, CLASSIC_URL, platform="generic")
    assert post.platform == "generic"
    assert "rotation system that works" in post.content_text
    assert len(post.comments) == 3  # the generic path finds the comment list too
