"""Comments on pages no adapter knows: discovered comment items, learned markup, threading."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import extract_page
from crawler.extract.comments import CommentMarkup, extract_comments
from crawler.extract.learned import learn_markup, words
from crawler.extract.threads import find_items
from crawler.extract.tree import Doc

PAGES = Path(__file__).parent / "pages" / "extract"
BODY = (
    '<article><div class="entry-content"><p>Our clinic now offers group sessions for newly diagnosed adults, '
    "every second Tuesday, with a dietitian and a diabetes educator.</p></div></article>"
)


def page(comments: str, body: str = BODY) -> str:
    return f"<!DOCTYPE html><html><head><title>Post</title></head><body><main>{body}{comments}</main></body></html>"


def test_news_cms_reader_letters():
    post = extract_page((PAGES / "news_cms.html").read_bytes(), "https://valleyhealth.example/news/x-4711")
    assert [(c.external_id, c.author) for c in post.comments] == [
        ("901", "Tom Becker"),
        ("902", "M. Alvarez"),
        ("903", "Nurse Jo"),
    ]
    assert post.comments[2].published_at == datetime(2022, 9, 6, 18, 5, tzinfo=UTC)
    assert post.comments[0].text == "Finally. Our son's school made him walk to the office during every low."
    assert all("Bus lanes" not in c.text for c in post.comments)  # the sidebar's latest-comments links


def test_wpdiscuz_threads_on_a_wordpress_page():
    post = extract_page(
        (PAGES / "wpdiscuz.html").read_bytes(), "https://suess-t1.example/rezepte/apfelschnitten.html"
    )
    assert [(c.external_id, c.parent_external_id, c.author) for c in post.comments] == [
        ("3101", None, "Jana"),
        ("3117", "3101", "Miriam"),
        ("3190", None, "Olli"),
    ]
    jana, miriam, _ = post.comments
    assert jana.text == "Meine Schnitten sind beim Schneiden zerbröselt. Zu wenig Ei?"
    assert jana.published_at == datetime(2018, 3, 12, 8, 20, tzinfo=UTC)
    assert miriam.author_url == "https://suess-t1.example/"
    assert "Daumen hoch" not in " ".join(c.text for c in post.comments)
    assert "zerbröselt" not in post.content_text and "Neueste Kommentare" not in post.content_text


def test_learned_markup_prefers_the_text_container_without_the_author_line():
    html = page(
        '<ul class="forum comments-list">'
        + "".join(
            f'<li class="forum-fil comment"><div class="comment-message"><div class="comment-content">'
            f'<p>Message number {n}, long enough to read.</p></div><div class="comment-meta">'
            f'<span class="comment-author"><strong class="fn">User {n}</strong></span>'
            f'<abbr class="date" title="2019-12-0{n}T12:45:37Z">Le {n} décembre 2019 à 13:45</abbr></div></div></li>'
            for n in (1, 2, 3)
        )
        + "</ul>"
    )
    items = find_items(Doc(page_with_area(html)))
    markup = learn_markup(items)
    assert markup.content == (".comment-content",)
    assert markup.author[0] == ".comment-author" and markup.date[0] == ".date"


def page_with_area(html: str) -> str:
    return html.replace("<main>", '<main><div id="comments" class="comments">', 1).replace(
        "</main>", "</div></main>", 1
    )


def test_id_less_replies_nested_in_id_less_comments_are_kept():
    """SPIP forums: ``li.comment`` inside ``li.comment`` with no ids; a reply is not a wrapper."""
    html = page(
        '<div id="comments"><ul class="comments-list">'
        '<li class="comment"><div class="comment-content"><p>First message, with some words.</p></div>'
        '<span class="comment-author">Ann</span>'
        '<ul><li class="comment"><div class="comment-content"><p>A reply to the first message.</p></div>'
        '<span class="comment-author">Ben</span></li></ul></li>'
        '<li class="comment"><div class="comment-content"><p>Second message, also long.</p></div>'
        '<span class="comment-author">Cy</span></li></ul></div>'
    )
    post = extract_page(html, "https://spip.example/article/deux-ans")
    assert [(c.author, c.text) for c in post.comments] == [
        ("Ann", "First message, with some words."),
        ("Ben", "A reply to the first message."),
        ("Cy", "Second message, also long."),
    ]


def test_wrapper_inside_a_comment_is_not_a_second_comment():
    html = (
        '<ol class="commentlist"><li class="comment" id="comment-7"><div class="comment">'
        '<p class="comment-text">Only one comment here.</p><cite class="fn">Dee</cite></div></li></ol>'
    )
    markup = CommentMarkup(
        items="li.comment, div.comment", content=(".comment-text",), author=("cite",), date=(), meta=""
    )
    doc = Doc(page(html))
    comments = extract_comments(doc.select("li.comment, div.comment"), markup, "https://x.example/")
    assert [(c.external_id, c.text) for c in comments] == [("7", "Only one comment here.")]


def test_definition_list_comments():
    """Old themes: ``<dt>`` with author and date, ``<dd>`` with the text."""
    entries = "".join(
        f'<dt class="comment" id="comment-{n}"><span class="comment_author">Reader {n}</span>'
        f'<span class="comment_time"><a href="#comment-{n}">July {n}, 2015 at 9:40 am</a></span></dt>'
        f'<dd class="comment"><div class="format_text"><p>Reader {n} thinks the list misses a few great singers.</p></div></dd>'
        for n in (1, 2)
    )
    post = extract_page(
        page(f'<div id="comments"><dl id="comment_list">{entries}</dl></div>'), "https://m.example/"
    )
    assert [(c.external_id, c.author, c.text) for c in post.comments] == [
        ("1", "Reader 1", "Reader 1 thinks the list misses a few great singers."),
        ("2", "Reader 2", "Reader 2 thinks the list misses a few great singers."),
    ]
    assert post.comments[1].published_at == datetime(2015, 7, 2, 9, 40, tzinfo=UTC)


def test_a_lone_comment_inside_a_comment_area():
    html = page(
        '<div class="kommentare"><div class="kommentar-item"><div class="kommentar-info">'
        '<div class="benutzer">Wanderer71</div><div class="datum">14.11.2023, 07.45 Uhr</div></div>'
        '<div class="kommentar-text">Der neue Radweg ist prima, nur die Beleuchtung fehlt noch.</div></div></div>'
    )
    (comment,) = extract_page(html, "https://nachrichten.example/news.php?ArtNr=1").comments
    assert (comment.author, comment.text) == (
        "Wanderer71",
        "Der neue Radweg ist prima, nur die Beleuchtung fehlt noch.",
    )
    assert comment.published_at == datetime(2023, 11, 14, 7, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    "html",
    [
        # a lone element named after comments, outside any comment area
        '<div class="comment-note"><p>Comments are moderated and may take a day to appear.</p></div>',
        # headings and notices about comments
        '<div id="comments"><h3 id="comments">2 Kommentare</h3><p class="nocomments">Kommentare sind geschlossen.</p></div>',
        # a sidebar widget listing other pages' comments (links)
        '<aside><ul><li class="comment-item"><a href="/a#c1">Anna on Pump tips: loved this post, thanks a lot</a></li>'
        '<li class="comment-item"><a href="/b#c2">Ben on CGM: great overview of the sensors on offer</a></li></ul></aside>',
        # posts of a listing are not comments (named weakly, no comment area)
        '<div class="posts"><div class="post-item"><p>Another post of this blog, teaser text.</p></div>'
        '<div class="post-item"><p>Yet another post of this blog, teaser text.</p></div></div>',
    ],
)
def test_not_comments(html):
    assert extract_page(page(html), "https://blog.example/2020/01/post/").comments == []


def test_review_widget_items_inside_a_reviews_area():
    """Shop review plugins (Judge.me): items named weakly (``jdgm-rev``) count inside an area named reviews."""
    reviews = "".join(
        f'<div class="jdgm-rev"><span class="jdgm-rev__author">Buyer {n}</span>'
        f'<span class="jdgm-rev__timestamp">0{n}.03.2021</span>'
        f'<div class="jdgm-rev__body"><p>Review {n}: the beans arrived fresh and well packed.</p></div></div>'
        for n in (1, 2)
    )
    html = page(
        f'<div id="judgeme_product_reviews"><div class="jdgm-rev-widg__reviews">{reviews}</div></div>'
    )
    comments = extract_page(html, "https://shop.example/products/sidamo").comments
    assert [(c.author, c.text) for c in comments] == [
        ("Buyer 1", "Review 1: the beans arrived fresh and well packed."),
        ("Buyer 2", "Review 2: the beans arrived fresh and well packed."),
    ]


def test_comment_date_printed_in_the_author_line():
    html = page(
        '<div id="comments"><ol class="commentlist"><li class="comment" id="comment-1361">'
        '<div id="div-comment-1361"><div class="comment_author vcard"><img class="avatar" src="/a.png" alt="">'
        '<strong class="fn"><a href="https://anna.example/">anna_k</a></strong> said, on August 3, 2019 '
        'at <a href="/2019/08/03/x/#comment-1361">3:12 pm</a></div>'
        "<p>Danke, das hilft mir bei meiner Präsentation.</p></div></li></ol></div>"
    )
    (comment,) = extract_page(html, "https://ideas-lab.wordpress.com/2019/08/03/x/").comments
    assert (comment.author, comment.text) == ("anna_k", "Danke, das hilft mir bei meiner Präsentation.")
    assert comment.published_at == datetime(2019, 8, 3, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("MtnCommentText", ("mtn", "comment", "text")),
        ("wc-comment-author", ("wc", "comment", "author")),
        ("allShareBarCommentsListComment", ("all", "share", "bar", "comments", "list", "comment")),
        ("kommentar_2766706", ("kommentar", "2766706")),
    ],
)
def test_words_of_class_names(name, expected):
    assert words(name) == expected
