"""Choosing the body container, and what is removed from it (generic pages, page builders, news CMSs)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import extract_page
from crawler.extract.body import choose_body, densest, lead_before
from crawler.extract.boilerplate import is_boilerplate_line, strip_boilerplate
from crawler.extract.model import GENERIC
from crawler.extract.tree import Doc
from crawler.extract.widgets import RELATED_HEADING

PAGES = Path(__file__).parent / "pages" / "extract"
NEWS_URL = "https://valleyhealth.example/news/cgm-rules-for-schools-4711"
LOREM = (
    "Carb counting gets easier with practice, but restaurant meals still surprise me with hidden sugar, "
    "so I pre-bolus less and check two hours later. "
)


def page(body: str, head: str = "<title>A post</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


@pytest.fixture(scope="module")
def news():
    return extract_page((PAGES / "news_cms.html").read_bytes(), NEWS_URL)


def test_news_article_body_with_its_lead(news):
    assert news.platform == GENERIC
    assert news.published_at == datetime(2022, 9, 5, 5, 30, tzinfo=UTC)
    assert news.content_text.startswith("From next term, school nurses may act on sensor alerts")
    assert "\n\nWhat changes for families\n\n" in news.content_text
    assert news.content_text.endswith("several districts in the north adopted similar plans in 2019.")


@pytest.mark.parametrize(
    "needle",
    [
        "New CGM rules for schools",  # the title is a field of its own
        "Photo: Valley Health News",  # image credit
        "Get our health newsletter",
        "More on this topic",
        "Insulin price cap",  # the related-links list under that heading
        "Tweet",
        "covers health and science",  # author box
        "Flu season starts early",  # teaser grid
        "Most read",
        "bus lanes",
        "Finally. Our son's school",  # comments are not the body
        "logged in to post a comment",
        "All rights reserved",
        "Newsletter",
    ],
)
def test_news_article_leaves_out(news, needle):
    assert needle not in news.content_text


def test_body_spread_over_page_builder_sections_is_kept_whole():
    sections = "".join(
        f'<div class="cssSection"><div class="cssSectionBody"><p>{LOREM * 2}</p><p>Section {n}: {LOREM}</p>'
        "</div></div>"
        for n in range(1, 4)
    )
    html = page(
        '<div class="site"><div class="menu"><a href="/">Home</a></div><div class="XContent">'
        f'<div class="cssBody">{sections}</div></div><div class="most-read"><p><a href="/x">A teaser</a></p></div>'
        "</div>"
    )
    text = extract_page(html, "https://haus.example/magazin/garten/1500/").content_text
    assert all(f"Section {n}:" in text for n in (1, 2, 3))
    assert "A teaser" not in text


def test_densest_cluster_beats_related_post_cards_named_like_a_body():
    """Divi/Elementor-style pages: the article sits in builder modules, while listing cards elsewhere use
    the classic ``.post-content`` name."""
    cards = "".join(
        f'<article class="et_pb_post"><h2><a href="/p{n}">Older post {n}</a></h2>'
        f'<div class="post-content"><p>Short excerpt of post {n} …</p></div></article>'
        for n in range(3)
    )
    html = page(
        '<div id="main-content"><div class="et_pb_section"><div class="et_pb_row">'
        f'<div class="et_pb_module et_pb_post_content"><p>{LOREM * 3}</p><p>{LOREM * 2}</p><p>Last line.</p>'
        f'</div></div></div><div class="et_pb_blog_grid">{cards}</div></div>'
    )
    text = extract_page(html, "https://divi.example/2019/03/care/").content_text
    assert text.startswith("Carb counting") and text.endswith("Last line.")
    assert "Older post" not in text and "Short excerpt" not in text


def test_known_container_narrows_the_densest_list():
    """A long list inside ``.entry-content`` is the densest cluster; the body is the whole entry."""
    items = "".join(f"<li>{LOREM}</li>" for _ in range(4))
    html = page(
        '<div id="main"><article class="post"><h1 class="entry-title">Agenda</h1><div class="entry-content">'
        f"<p>Host: Rina Okoye</p><ol>{items}</ol><p>See you there.</p></div>"
        '<footer class="entry-meta">Posted in Meetups</footer></article></div>'
    )
    text = extract_page(html, "https://meetup.example/2012/04/agenda/").content_text
    assert text.startswith("Host: Rina Okoye") and text.endswith("See you there.")
    assert "Posted in" not in text and "Agenda" not in text


def test_sidebar_text_never_wins_over_a_short_post():
    widget = f'<li class="widget widget_text"><div class="textwidget"><p>{LOREM * 3}</p></div></li>'
    html = page(
        '<div id="wrapper"><div id="content"><div class="post" id="post-406"><h2>Short</h2>'
        '<p>"Back soon."</p><p>– "Fine."</p></div></div>'
        f'<div id="sidebar"><ul>{widget}</ul></div></div>'
    )
    text = extract_page(html, "https://short.example/2019/01/short/").content_text
    assert '"Back soon."' in text and '– "Fine."' in text
    assert "Carb counting" not in text


def test_lead_paragraph_before_the_body_container():
    doc = Doc(
        page(
            '<article><header><h1>Title</h1><p class="entry-excerpt">The lead says it all, in one sentence.</p>'
            f'</header><div class="entry-content"><p>{LOREM}</p></div></article>'
        )
    )
    body = choose_body(doc)
    assert body.get("class") == "entry-content"
    assert [el.get("class") for el in lead_before(body)] == ["entry-excerpt"]


def test_lead_repeated_in_the_body_is_not_doubled():
    lead = "The lead says it all, in one sentence that the body repeats."
    html = page(
        f'<article><header><h1>Title</h1><p class="entry-summary">{lead}</p></header>'
        f'<div class="entry-content"><p>{lead}</p><p>{LOREM}</p></div></article>'
    )
    assert extract_page(html, "https://blog.example/2021/01/lead/").content_text.count("The lead says") == 1


def test_page_wrapping_form_is_not_a_form():
    """ASP.NET WebForms wrap the whole page in one ``<form>``; forms are otherwise dropped."""
    html = page(
        '<form id="aspnetForm" method="post"><input type="hidden" name="__VIEWSTATE" value="x">'
        f'<div class="article-text"><p>{LOREM * 2}</p><p>The clinic opens on Saturdays from May.</p></div>'
        '<div class="comment-form"><form id="c"><textarea name="c"></textarea><p>Your comment</p></form></div>'
        "</form>"
    )
    text = extract_page(html, "https://clinic.example/news/4411-new-hours.aspx").content_text
    assert "The clinic opens on Saturdays from May." in text
    assert "Your comment" not in text


def test_page_chrome_goes_but_an_article_inside_a_header_stays():
    html = page(
        '<nav><a href="/">Home</a><a href="/about">About the site and its long history of travel</a></nav>'
        f'<header id="branding"><article class="page2"><p>{LOREM}</p><p>The old lighthouse can be visited in summer.</p>'
        "</article></header><footer><p>Impressum and a long footer text about cookies and privacy.</p></footer>"
    )
    doc = Doc(html)
    strip_boilerplate(doc)
    assert not doc.select("nav") and not doc.select("footer") and doc.select("header")
    text = extract_page(html, "https://travel.example/lighthouse").content_text
    assert "The old lighthouse can be visited in summer." in text and "Impressum" not in text


def test_body_found_without_paragraph_tags():
    """Text in ``<div>``s with ``<br>`` (old CMSs, Blogger) counts for its own container."""
    text = f"{LOREM}<br><br>{LOREM}<br>Kennt ihr das auch?"
    html = page(f'<div class="tips"><div class="tip-print-step"><div class="step">{text}</div></div></div>')
    doc = Doc(html)
    assert densest(doc).get("class") == "step"
    assert "Kennt ihr das auch?" in extract_page(html, "https://kochen.example/tipp/1").content_text


def test_recipe_times_stay_but_datelines_go():
    html = page(
        '<div class="entry-content"><p class="meta"><time datetime="2021-06-08">08.06.2021</time></p>'
        f'<p>{LOREM}</p><p>Baking time: <time datetime="PT25M">20–25 minutes</time></p></div>'
    )
    text = extract_page(html, "https://muffins.example/2021/06/basic/").content_text
    assert "20–25 minutes" in text and "08.06.2021" not in text


def test_widgets_named_by_class_inside_the_body():
    html = page(
        f'<div class="entry-content"><p>{LOREM}</p>'
        '<ul class="related_post wp_rp"><li><a href="/a">Related one</a> <small>An excerpt of it</small></li></ul>'
        '<div class="mollie-donation-form-holder"><p>Chip in and help us keep writing.</p></div>'
        '<div class="saboxplugin-wrap"><p>Sam writes about running with type 1.</p></div>'
        '<div class="wprm-recipe"><a class="wprm-recipe-print" href="/print">Print recipe</a>'
        f"<p>{LOREM}</p></div>"
        '<div class="l-sidebar"><div class="widget_text"><p>Free courses for every level.</p></div></div>'
        "</div>"
    )
    text = extract_page(html, "https://blog.example/2020/01/x/").content_text
    for needle in ("Related one", "Chip in", "running with", "Print recipe", "Free courses"):
        assert needle not in text
    assert text.count("Carb counting") == 2


def test_long_related_posts_list_under_a_short_post():
    """A box about other pages goes even when it holds more text than the post itself."""
    related = "".join(
        f'<li><a href="/p{n}">Earlier post {n}</a><small>{LOREM}</small></li>' for n in range(2)
    )
    html = page(
        f'<div class="entry"><p>Our new video is out.</p><p>{LOREM}</p><ul class="related_post wp_rp">{related}'
        "</ul></div>"
    )
    text = extract_page(html, "https://video.example/2012/08/trailer/").content_text
    assert text.startswith("Our new video is out.") and text.count("Carb counting") == 1
    assert "Earlier post" not in text


def test_widget_rule_never_removes_most_of_the_body():
    html = page(f'<div class="entry-content"><div class="share-wrapper"><p>{LOREM * 4}</p></div></div>')
    assert "Carb counting" in extract_page(html, "https://blog.example/2020/01/y/").content_text


@pytest.mark.parametrize(
    "heading",
    [
        "Related posts",
        "You may also like",
        "Mehr zum Thema",
        "Das könnte Sie auch interessieren",
        "Weitere Informationen zum Thema Diabetes:",
        "À lire aussi",
        "Zobacz również",
        "Vorschau auf den nächsten Artikel",
    ],
)
def test_related_headings(heading):
    assert RELATED_HEADING.match(heading)


@pytest.mark.parametrize("heading", ["What changes for families", "Related to insulin: my story"])
def test_headings_that_are_content(heading):
    assert not RELATED_HEADING.match(heading)


@pytest.mark.parametrize(
    "line",
    [
        "Vos réactions",
        "3 Kommentare",
        "Kommentare schreiben",
        "Sie müssen angemeldet sein, um einen Kommentar zu verfassen.",
        "You must be logged in to post a comment.",
        "Sie sind derzeit nicht angemeldet.",
        "Beitragsbild: Wikimedia Commons",
        "Foto: © Muster GmbH",
        "© 2021 Example Foods. All rights reserved.",
        "Werbung, enthält Affiliate-Links",
        "Um dieses Rezept kommentieren zu können, musst du eingeloggt sein.",
        "(Alle Angaben ohne Gewähr)",
    ],
)
def test_more_boilerplate_lines(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    ["Comments from readers helped me a lot.", "Photos of the new pump are below.", "Werbung nervt."],
)
def test_prose_with_those_words_is_kept(line):
    assert not is_boilerplate_line(line)


def test_text_straight_in_sections_outweighs_a_small_paragraph_box():
    """Page builders and hand-written pages put prose straight into ``<section>``s with ``<br>``s: the
    block model reads it, so a small ``<p>`` box elsewhere does not win."""
    parts = "".join(
        f'<section class="chapter"><h2>Part {n}</h2>{LOREM * 3}<br><br>Part {n} ends here. {LOREM}</section>'
        for n in range(1, 5)
    )
    doc = Doc(
        page(
            f'<div class="wrap"><div class="story">{parts}</div><div class="note"><p>{LOREM}</p></div></div>'
        )
    )
    body = choose_body(doc)
    assert body is not None and body.get("class") == "story"


def test_paragraphs_wrapped_in_spans_count_for_their_box():
    spans = "".join(f"<span>Day {n}: {LOREM * 2}</span><br><br>" for n in range(1, 6))
    doc = Doc(
        page(
            f'<div class="main-col"><div class="entry-text">{spans}</div></div><div class="aside-box"><p>{LOREM}</p></div>'
        )
    )
    body = choose_body(doc)
    assert body is not None and body.get("class") == "entry-text"


def test_section_ids_made_from_their_headings_are_not_widget_names():
    """Documentation generators name sections after their headings ("Sharing with a team" ->
    ``id=sharing-with-a-team``): a word like "sharing" or "related" in such an id is the subject."""
    sections = "".join(
        f'<div class="section" id="{slug}"><h2>{heading}<a class="headerlink" href="#{slug}">¶</a></h2>'
        f"<p>{LOREM * 2}</p><p>{heading}: {LOREM}</p></div>"
        for slug, heading in [
            ("sharing-readings-with-your-clinic", "Sharing readings with your clinic"),
            ("related-settings", "Related settings"),
            ("author-notes", "Author notes"),
        ]
    )
    html = page(
        f'<div class="document"><div class="body" role="main"><h1>Sensor guide</h1>{sections}</div></div>'
    )
    text = extract_page(html, "https://docs.example/guide/sharing.html").content_text
    for heading in ("Sharing readings with your clinic:", "Related settings:", "Author notes:"):
        assert heading in text
    html = page(
        f'<div class="entry-content"><p>{LOREM * 3}</p><div id="sharing-buttons"><h3>Share this</h3>'
        '<a href="/t">Twitter</a> <a href="/f">Facebook</a></div></div>'
    )
    assert "Twitter" not in extract_page(html, "https://blog.example/p/1").content_text  # a real share box


def test_post_in_a_column_named_sidebar_is_not_chrome():
    """Some themes name the post's own column after the sidebar next to it (``sidebar-left`` layouts):
    a sidebar-named box that holds the page's ``h1`` (or an ``article``, ``main``) is not chrome."""
    html = page(
        '<div class="sidebar-left-layout"><h1>Night lows</h1><div class="txt">'
        f"<p>Night one: {LOREM * 2}</p><p>Night two: {LOREM}</p></div></div>"
        f'<div class="strip"><p>Our shop: {LOREM}</p></div>'
        f'<div id="sidebar"><div class="widget"><p>About me: {LOREM * 4}</p></div></div>'
    )
    text = extract_page(html, "https://lows.example/2024/05/night-lows/").content_text
    assert "Night one:" in text and "Night two:" in text
    assert "About me" not in text and "Our shop" not in text


@pytest.mark.parametrize(
    "hidden",
    [
        "<div hidden><p>Log in to save this article to your reading list, it takes a second.</p></div>",
        '<div aria-hidden="true"><p>Log in to save this article to your reading list, it takes a second.</p></div>',
        '<div style="color: red; display:none"><p>Log in to save this article to your reading list.</p></div>',
        '<p style="visibility: hidden">Log in to save this article to your reading list, it takes a second.</p>',
        '<div class="login-box hide"><p>Log in to save this article to your reading list, it takes a second.</p></div>',
        '<div class="hidden"><p>Log in to save this article to your reading list, it takes a second.</p></div>',
    ],
)
def test_hidden_elements_are_not_text(hidden):
    html = page(f'<div class="story"><p>{LOREM * 2}</p>{hidden}<p>Second: {LOREM}</p></div>')
    text = extract_page(html, "https://hidden.example/2024/03/story").content_text
    assert "Second:" in text and "Carb counting" in text
    assert "Log in" not in text


def test_a_page_hidden_until_a_script_shows_it_is_still_read():
    html = page(
        f'<div id="page" style="display: none"><article><h1>Pump day</h1><p>{LOREM * 2}</p></article></div>'
    )
    assert "Carb counting" in extract_page(html, "https://hidden.example/2024/03/pump").content_text


def test_an_article_marked_commented_is_not_a_comment():
    """Themes mark a post that has comments (``<article class="post commented">``): that names its state,
    so the article is neither a comment nor a comment area (and is not deleted as a thread)."""
    articles = "".join(
        f'<article class="post hentry commented" id="post-{n}"><h2>Week {n}</h2><div class="post-content">'
        f"<p>Week {n}: {LOREM * 2}</p><p>{LOREM}</p></div>"
        f'<div class="meta"><span class="author">Jo</span> <time datetime="2024-0{n}-01">1 {n} 2024</time></div>'
        "</article>"
        for n in (1, 2)
    )
    html = page(f"<main>{articles}</main>")
    post = extract_page(html, "https://weeks.example/2024/week-1")
    assert post.comments == []
    assert "Week 1:" in post.content_text


def test_a_list_of_teasers_is_lines_not_an_articles_paragraphs():
    """Twelve list items of 90 characters read more than three paragraphs of 300, but a list is lines:
    the article's paragraphs make the densest cluster."""
    teaser = "<li><b>Pump news</b> A short summary of another story on this site, with a date and a teaser line.</li>"
    story = "".join(f"<p>Part {n}: {LOREM * 2}</p>" for n in range(1, 4))
    doc = Doc(
        page(
            f'<div class="col"><div class="story-text">{story}</div></div><div class="col2"><ul>{teaser * 12}</ul></div>'
        )
    )
    body = choose_body(doc)
    assert body is not None and body.get("class") == "story-text"


def test_paragraphs_wrapped_in_a_byline_span_stay_but_a_byline_goes():
    """Blogger templates wrap a post's paragraphs in ``span.byline``-named elements; a byline is a line,
    so such a span that holds paragraphs is the post's text."""
    paras = "".join(f'<span class="byline-text"><p>Entry {n}: {LOREM}</p></span>' for n in range(1, 5))
    html = page(
        '<div class="post hentry"><h3 class="post-title">Sick day rules</h3>'
        '<div class="post-header"><span class="byline post-timestamp">Posted by Ana at 9:14 AM</span></div>'
        f'<div class="post-body entry-content">{paras}</div></div>'
    )
    text = extract_page(html, "https://anaspancreas.blogspot.com/2024/02/sick-day.html").content_text
    assert all(f"Entry {n}:" in text for n in (1, 2, 3, 4))
    assert "Posted by Ana" not in text


def test_the_article_with_the_pages_h1_among_related_coverage():
    """News pages follow the story with more ``article``s ("Related coverage", the next stories of an
    endless page) that may read more than the story: the one holding the page's ``h1`` is the post."""
    story = f"<article><h1>School nurses get CGM alerts</h1><p>Story: {LOREM * 2}</p><p>{LOREM}</p></article>"
    more = "".join(
        f"<article><h2>Other story {n}</h2><p>Other {n}: {LOREM * 2}</p><p>{LOREM}</p></article>"
        for n in range(1, 4)
    )
    html = page(f'<main><div class="stream">{story}<h2>Coverage</h2>{more}</div></main>')
    text = extract_page(html, "https://news.example/2024/cgm-alerts").content_text
    assert "Story:" in text
    assert "Other 1:" not in text and "Other 3:" not in text


@pytest.mark.parametrize(
    ("heading", "removed"),
    [
        ("Night lows", True),
        ("Night lows | Ana’s Pancreas", True),
        ("“Burned up” — night lows", True),  # the page title writes "Burned up" - night lows
        ("Night", False),  # a heading that merely starts like the title is content
    ],
)
def test_the_title_heading_goes_whatever_the_site_name_and_quotes(heading, removed):
    title = {"“Burned up” — night lows": '"Burned up" - night lows | Ana\'s Pancreas'}.get(
        heading, "Night lows | Ana's Pancreas"
    )
    html = page(
        f'<div class="entry-content"><h2>{heading}</h2><p>{LOREM * 2}</p><p>{LOREM}</p></div>',
        head=f"<title>{title}</title>",
    )
    text = extract_page(html, "https://anas.example/2024/05/night-lows/").content_text
    assert (heading not in text) is removed


def test_the_article_container_wins_over_a_denser_teaser_block_that_reads_less():
    """The densest cluster of paragraphs can be a block of teasers while the post's own container, its text
    in ``<br>``-separated boxes, reads more: disjoint from the cluster, the container that reads more wins."""
    boxes = "".join(f"<div>Box {n}: {LOREM}<br>{LOREM}<br>{LOREM}</div>" for n in range(1, 4))
    teasers = "".join(
        f"<p>Teaser {n}: another story on this site, summed up in a line or two here.</p>" for n in range(11)
    )
    doc = Doc(page(f'<div class="entry-content">{boxes}</div><div class="more-box">{teasers}</div>'))
    body = choose_body(doc)
    assert body is not None and body.get("class") == "entry-content"
