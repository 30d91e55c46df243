"""extract_links: post links without reply/feed/admin/taxonomy/share traps, and archive pagination."""

from pathlib import Path

from crawler.extract import PageLinks, extract_links

PAGES = Path(__file__).parent / "pages" / "extract"


def test_wordpress_archive():
    links = extract_links((PAGES / "wp_archive.html").read_bytes(), "https://sugarhighs.example/")
    assert isinstance(links, PageLinks)
    assert links.post_links == [
        "https://sugarhighs.example/2015/03/03/pump-site-rotation/",
        "https://sugarhighs.example/2015/02/cgm-overnight/",
        "https://sugarhighs.example/my-about-diabetes-story/",
        "https://sugarhighs.example/?p=4000",
    ]
    assert links.next_page == "https://sugarhighs.example/page/2/"


def test_no_traps():
    links = extract_links((PAGES / "wp_archive.html").read_bytes(), "https://sugarhighs.example/")
    for link in links.post_links:
        for trap in (
            "replytocom",
            "#",
            "/feed/",
            "/wp-admin/",
            "wp-login",
            "/tag/",
            "/category/",
            "/author/",
        ):
            assert trap not in link
        assert "share=" not in link and "other-blog.example" not in link


def test_blogger_archive():
    links = extract_links((PAGES / "blogger_archive.html").read_bytes(), "https://sixuntilme.blogspot.com/")
    assert links.post_links == [
        "https://sixuntilme.blogspot.com/2015/03/sick-day-rules.html",
        "https://sixuntilme.blogspot.com/2015/02/valentine.html",
    ]
    assert links.next_page.startswith("https://sixuntilme.blogspot.com/search?updated-max=2015-02-14")


def test_older_posts_text_and_post_navigation():
    html = """<html><body>
      <nav class="navigation post-navigation"><div class="nav-previous">
        <a href="/2020/01/01/previous-post/">Previous</a></div></nav>
      <div class="pager"><a href="/archive?page=3">Older Entries</a></div></body></html>"""
    links = extract_links(html, "https://blog.example/2020/01/02/this-post/")
    assert links.next_page == "https://blog.example/archive?page=3"
    assert links.post_links == ["https://blog.example/2020/01/01/previous-post/"]


def test_empty_page():
    assert extract_links("", "https://blog.example/") == PageLinks(post_links=[], next_page=None)
