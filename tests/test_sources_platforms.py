"""`doclisten sources add` recognises each connector's platform from a homepage or a forum/category URL, and
`sources list` names the connectors: Discourse, XenForo, phpBB, Substack and a blog whose comments are in
Disqus. The pages are reduced to what gives each platform away, in the platform's real markup (cited below)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from pipelines.store.models import Source
from tests.conftest import FAST, run_cli
from tests.local_server import ALLOW_ALL, LocalHandler, serving

pytestmark = pytest.mark.slow

PAGES = {
    # Discourse: <meta name="generator" content="Discourse 3.2.1 - https://github.com/discourse/discourse version
    # …"> on every page, a category's page at /c/<slug>/<id>
    "/c/type-1/5": (
        '<html><head><meta name="generator" content="Discourse 3.2.1 - https://github.com/discourse/discourse'
        ' version 3.2.1"><title>Type 1 - TuDiabetes Forum</title></head><body><div id="main-outlet">'
        "</div></body></html>"
    ),
    # XenForo 2: <html id="XF" data-app="public" data-template="…"> (its PAGE_CONTAINER template) and the RSS
    # link of the forum list (/forums/-/index.rss) or of one forum (/forums/<slug>.<id>/index.rss)
    "/community/": (
        '<!DOCTYPE html><html id="XF" lang="en-GB" dir="LTR" data-app="public" data-template="forum_list" '
        'class="has-no-js template-forum_list"><head><meta charset="utf-8"><title>Diabetes Forum</title>'
        '<link rel="alternate" type="application/rss+xml" title="RSS feed for Diabetes Forum" '
        'href="/community/forums/-/index.rss"></head><body data-template="forum_list"><div class="p-pageWrapper">'
        '<h1 class="p-title-value">Diabetes Forum</h1></div></body></html>'
    ),
    "/community/forums/type-1-diabetes.5/": (
        '<!DOCTYPE html><html id="XF" lang="en-GB" dir="LTR" data-app="public" data-template="forum_view" '
        'class="has-no-js template-forum_view"><head><meta charset="utf-8"><title>Type 1 Diabetes | Diabetes '
        'Forum</title><link rel="canonical" href="/community/forums/type-1-diabetes.5/">'
        '<link rel="alternate" type="application/rss+xml" title="RSS feed for Type 1 Diabetes" '
        'href="/community/forums/type-1-diabetes.5/index.rss"></head><body data-template="forum_view">'
        '<div class="p-pageWrapper"><h1 class="p-title-value">Type 1 Diabetes</h1></div></body></html>'
    ),
    # phpBB 3 (prosilver's overall_header.html): <body id="phpbb" class="nojs notouch section-index …"> and, when
    # the board enables feeds, <link rel="alternate" type="application/atom+xml" href="./app.php/feed">
    "/board/index.php": (
        '<!DOCTYPE html><html dir="ltr" lang="en-gb"><head><meta charset="utf-8"><title>T1D Board - Index '
        'page</title><link rel="alternate" type="application/atom+xml" title="Feed - T1D Board" '
        'href="./app.php/feed"></head><body id="phpbb" class="nojs notouch section-index ltr">'
        '<div id="wrap" class="wrap"><div id="page-header"></div></div></body></html>'
    ),
    "/board/viewforum.php?f=3": (
        '<!DOCTYPE html><html dir="ltr" lang="en-gb"><head><meta charset="utf-8"><title>Pumps - T1D Board'
        '</title><link rel="alternate" type="application/atom+xml" title="Feed - Forum - Pumps" '
        'href="./app.php/feed/forum/3"></head><body id="phpbb" class="nojs notouch section-viewforum ltr">'
        '<div id="wrap" class="wrap"></div></body></html>'
    ),
    # Substack on its own domain: its pages load substackcdn.com's assets; the feed is /feed
    "/": (
        '<!DOCTYPE html><html><head><title>Loop Notes</title><link rel="preconnect" href="https://substackcdn.com">'
        '<link rel="alternate" type="application/rss+xml" href="/feed" title="Loop Notes">'
        '<script src="https://substackcdn.com/bundle/static/js/main.js"></script></head><body></body></html>'
    ),
    # a WordPress blog whose comments are in Disqus: the homepage loads Disqus's comment-count script, as
    # Disqus's install guide gives it (<script id="dsq-count-scr" src="//<shortname>.disqus.com/count.js">)
    "/blog/": (
        '<!DOCTYPE html><html><head><title>Sugar Free Living</title><meta name="generator" '
        'content="WordPress 6.4.2"><link rel="alternate" type="application/rss+xml" title="Feed" '
        'href="/blog/feed/"></head><body class="home blog"><a href="/blog/2026/11/pump-vacation/#disqus_thread">'
        'Comments</a><script id="dsq-count-scr" src="//sugarfreeliving.disqus.com/count.js" async></script>'
        "</body></html>"
    ),
}


class Sites(LocalHandler):
    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            return self.reply(200, "text/plain", ALLOW_ALL)
        page = PAGES.get(self.path)
        if page is not None:
            return self.reply(200, "text/html; charset=utf-8", page.encode())
        return self.reply(404, "text/plain", b"no")


def test_sources_add_recognises_each_platform_and_list_names_the_connector(db_url) -> None:  # type: ignore[no-untyped-def]
    with serving(Sites) as base:
        added = run_cli("sources", "add", *(base + path for path in PAGES), *FAST, db=db_url)
    assert added.stdout.count("added source") == len(PAGES), added.stdout + added.stderr
    assert "[wordpress + disqus]" in added.stdout
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            sources = {s.home_url.removeprefix(base): s for s in conn.execute(select(Source))}
    finally:
        engine.dispose()
    got = {
        home: (s.platform, s.feed_url and s.feed_url.removeprefix(base), s.feed_kind)
        for home, s in sources.items()
    }
    assert got == {
        "/c/type-1/5": ("discourse", "/c/type-1/5/l/latest.json", "discourse"),
        "/community/": ("xenforo", "/community/forums/-/index.rss", "rss"),
        "/community/forums/type-1-diabetes.5/": (
            "xenforo",
            "/community/forums/type-1-diabetes.5/index.rss",
            "rss",
        ),
        "/board/index.php": ("phpbb", "/board/app.php/feed", "atom"),
        "/board/viewforum.php?f=3": ("phpbb", "/board/app.php/feed/forum/3", "atom"),
        "/": ("substack", "/feed", "rss"),
        "/blog/": ("wordpress", "/blog/feed/", "rss"),
    }
    assert sources["/blog/"].connector_facts == {"disqus_forum": "sugarfreeliving"}
    assert all(s.connector_facts is None for home, s in sources.items() if home != "/blog/")
    listing = run_cli("sources", "list", db=db_url, env={"COLUMNS": "250"}).stdout
    for connector in ("discourse", "xenforo", "phpbb", "substack", "wordpress + disqus"):
        assert connector in listing, listing
