"""Generic fallback, platform detection, text and date helpers."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import detect_platform, extract_page
from crawler.extract.body import doubtful, page_score, score
from crawler.extract.boilerplate import is_boilerplate_line
from crawler.extract.comments import normalise_id
from crawler.extract.dates import from_epoch_ms, parse_date
from crawler.extract.generic import arbitrate
from crawler.extract.model import BLOGGER, GENERIC, WORDPRESS, WORDPRESS_COM
from crawler.extract.text import element_text
from crawler.extract.tree import Doc, parse_html
from crawler.extract.widgets import without_widgets

PAGES = Path(__file__).parent / "pages" / "extract"
URL = "https://endonotes.example/articles/living-with-lada?utm=1"


@pytest.fixture(scope="module")
def post():
    return extract_page((PAGES / "generic.html").read_bytes(), URL)


def test_generic_body_by_trafilatura(post):
    assert post.platform == GENERIC
    assert post.title == "Living with LADA"
    assert post.author == "Dr. Mira Chen"
    assert post.canonical_url == "https://endonotes.example/articles/living-with-lada"
    assert post.published_at == datetime(2021, 9, 2, 14, 0, tzinfo=UTC)  # naive -> UTC
    assert post.content_text.startswith("Latent autoimmune diabetes in adults")
    assert "\n\nAntibody testing (GAD65, IA-2, ZnT8)" in post.content_text
    for needle in (
        "Share to Twitter",
        "Leave a Comment",
        "Subscribe",
        "Privacy",
        "misdiagnosed for six years",
    ):
        assert needle not in post.content_text


def test_generic_structural_comments(post):
    first, reply = post.comments
    assert (first.external_id, first.parent_external_id, first.author) == ("501", None, "GlucoseGuardian")
    assert (reply.external_id, reply.parent_external_id, reply.author) == ("502", "501", "Dr. Mira Chen")
    assert first.published_at == datetime(2021, 9, 3, 8, 15, tzinfo=UTC)
    assert reply.published_at == datetime(2021, 9, 3, 10, 30, tzinfo=UTC)
    assert first.text == "I was misdiagnosed for six years. Thank you for writing this."


@pytest.mark.parametrize(
    ("html", "url", "expected"),
    [
        ("<html><body><p>x</p></body></html>", "https://a.wordpress.com/2020/01/01/x/", WORDPRESS_COM),
        ("<html><body><p>x</p></body></html>", "https://a.blogspot.com/2020/01/x.html", BLOGGER),
        (
            '<html><head><meta name="generator" content="Blogger"></head></html>',
            "https://b.example/",
            BLOGGER,
        ),
        (
            '<html><head><meta name="generator" content="WordPress 6.1"></head></html>',
            "https://c.example/",
            WORDPRESS,
        ),
        (
            '<html><head><link rel="stylesheet" href="/wp-content/x.css"></head></html>',
            "https://d.example/",
            WORDPRESS,
        ),
        (
            "<html><body><div class='post-body' id='post-body-123'></div></body></html>",
            "https://e.example/",
            BLOGGER,
        ),
        ("<html><body><article><p>x</p></article></body></html>", "https://f.example/", GENERIC),
    ],
)
def test_detect_platform(html, url, expected):
    assert detect_platform(html, url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 3, 2015 at 4:12 pm", datetime(2015, 3, 3, 16, 12, tzinfo=UTC)),
        ("3 March 2015 at 16:12", datetime(2015, 3, 3, 16, 12, tzinfo=UTC)),
        ("2015-03-03 16:12", datetime(2015, 3, 3, 16, 12, tzinfo=UTC)),
        ("2015-03-03T16:12:00+01:00", datetime(2015, 3, 3, 15, 12, tzinfo=UTC)),
        ("Tuesday, March 3rd, 2015 4:12 PM PST", datetime(2015, 3, 4, 0, 12, tzinfo=UTC)),
        ("3. März 2015 um 16:12 Uhr", datetime(2015, 3, 3, 16, 12, tzinfo=UTC)),
        ("12 comments", None),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_epoch_ms():
    assert from_epoch_ms("1425475920000") == datetime(2015, 3, 4, 13, 32, tzinfo=UTC)
    assert from_epoch_ms("nope") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("comment-123", "123"),
        ("div-comment-123", "123"),
        ("li-comment-7", "7"),
        ("c456", "456"),
        ("post-1", None),
    ],
)
def test_normalise_id(raw, expected):
    assert normalise_id(raw) == expected


def test_element_text_layout():
    root = parse_html(
        "<div><h2>Title</h2><p>One <b>bold</b>word.</p><ul><li>a</li><li> b </li></ul>"
        "<p>x<br>y<br><br>z</p><script>var s=1;</script><p>\u200b  </p><p>Like this:</p></div>"
    )
    assert element_text(root.find(".//div")) == "Title\n\nOne boldword.\n\na\nb\n\nx\ny\n\nz"


@pytest.mark.parametrize(
    "line",
    [
        "Share this:",
        "Like Loading...",
        "12 bloggers like this.",
        "%d bloggers like this:",
        "Leave a Reply",
        "Reply",
    ],
)
def test_boilerplate_lines(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line", ["Please reply with your A1c.", "I like this new pump.", "Related to insulin pricing, see below."]
)
def test_prose_is_not_boilerplate(line):
    assert not is_boilerplate_line(line)


def test_bytes_with_declared_charset_and_garbage():
    html = '<html><head><meta charset="iso-8859-1"></head><body><div class="entry-content"><p>Grüße</p></div>'
    post = extract_page(html.encode("latin-1"), "https://x.example/2020/01/01/a/", platform=WORDPRESS)
    assert post.content_text == "Grüße"
    assert extract_page(b"", "https://x.example/").content_text == ""
    assert extract_page("<?xml version='1.0' encoding='utf-8'?><p>ok</p>", "https://x.example/").title is None


ARTICLE = (
    "Our endocrinologist suggested a temporary basal rate for the school trip, lowering it by a fifth for "
    "six hours, and the sensor showed a flat line all afternoon. "
)


def test_second_opinion_keeps_our_body_when_it_holds_trafilaturas():
    ours = ARTICLE * 3 + "Filed under: school trips"
    assert arbitrate(ours, ARTICLE * 3, "https://x.example/p") == ours


def test_second_opinion_takes_trafilaturas_reading_when_ours_is_part_of_it():
    """A doubtful body that is only part of the article (one of its sections, a caption box): trafilatura's
    reading holds ours and reads more."""
    theirs = ARTICLE * 2 + "Day two went the same way, with one low at the museum café. " * 6
    assert arbitrate(ARTICLE, theirs, "https://x.example/p") == theirs


def test_second_opinion_keeps_our_body_when_trafilatura_reads_less_elsewhere():
    ours = ARTICLE * 4
    assert arbitrate(ours, "Subscribe to our newsletter for weekly tips.", "https://x.example/p") == ours


def test_doubt_is_the_share_of_the_pages_text_outside_chrome():
    doc = Doc(
        "<html><body><nav><p>"
        + "Menu entry text. " * 40
        + "</p></nav><div class=post><p>"
        + ARTICLE * 3
        + "</p></div><div class=more><p>"
        + ARTICLE
        + "</p></div></body></html>"
    )
    page = page_score(doc)
    post = doc.select_one("div.post")
    assert not doubtful(
        score(post), page
    )  # the navigation does not count; three quarters of the rest is enough
    assert doubtful(score(doc.select_one("div.more")), page)


def test_trafilaturas_reading_loses_what_our_cleaning_takes_for_widgets():
    """When trafilatura's reading wins, it still goes through our cleaning: lines that lie in an author box,
    a related-posts list or the title anywhere on the page — or in a widget already removed from our body —
    are left out."""
    doc = Doc(
        "<html><body><h1>Camp week</h1><div class=story><p>" + ARTICLE + "</p></div>"
        '<div class="saboxplugin-wrap"><p>Ana writes about type 1 since 2009.<br>Follow her on Instagram.</p></div>'
        "</body></html>"
    )
    removed = Doc("<div class=share-bar><p>Share this with a friend who counts carbs.</p></div>").root
    theirs = (
        f"Camp week\n\n{ARTICLE.strip()}\n\nAna writes about type 1 since 2009.\nFollow her on Instagram.\n\n"
        "Share this with a friend who counts carbs."
    )
    page = doc.root.find("body")
    assert without_widgets(theirs, page, "Camp week", removed=[removed.find(".//div")]) == ARTICLE.strip()
