"""The bundled sample DOC site (doclisten.demo_site), exercised over real HTTP on 127.0.0.1."""

from __future__ import annotations

import html
import json
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from doclisten.demo_site import DemoSite
from doclisten.demo_site.content import load_blogs

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "thr": "http://purl.org/syndication/thread/1.0",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
}
BIG_POST = "notes-from-the-roche-social-media-summit"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


def text(url: str, **kw) -> str:
    status, _, body = get(url, **kw)
    assert status == 200, url
    return body.decode("utf-8")


@pytest.fixture(scope="module")
def site():
    with DemoSite() as s:
        yield s


@pytest.fixture
def fresh():
    with DemoSite() as s:
        yield s


def post_url(site, key, slug):
    return site.post_url(key, slug)


def canonical_of(html: str) -> str:
    m = re.search(r"""<link rel=["']canonical["'] href=["']([^"']+)""", html) or re.search(
        r"""<link href=["']([^"']+)["'] rel=["']canonical""", html
    )
    return m.group(1)


# ---------------------------------------------------------------------------- every blog


def test_blogs_are_served_on_loopback_with_platforms(site):
    platforms = {k: b.platform for k, b in site.blogs.items()}
    assert platforms == {
        "wp-classic": "wordpress",
        "wp-block": "wordpress",
        "wpcom": "wordpress.com",
        "blogger": "blogger",
        "generic": "generic",
    }
    ports = {b.base_url for b in site.blogs.values()}
    assert len(ports) == 5
    for blog in site.blogs.values():
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", blog.base_url)
        assert blog.homepage == blog.base_url
        assert blog.feed_url.startswith(blog.base_url)


@pytest.mark.parametrize("key", ["wp-classic", "wp-block", "wpcom", "blogger", "generic"])
def test_homepage_feed_post_page_and_404(site, key):
    blog = site.blogs[key]
    status, headers, body = get(blog.homepage)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "ETag" in headers and "Last-Modified" in headers
    assert blog.base_url in body.decode()

    status, headers, body = get(blog.feed_url)
    assert status == 200
    if key == "generic":
        assert headers["Content-Type"].startswith("application/feed+json")
        assert json.loads(body)["version"] == "https://jsonfeed.org/version/1.1"
    else:
        assert headers["Content-Type"].split(";")[0] in ("application/rss+xml", "application/atom+xml")
        ET.fromstring(body)
        assert blog.base_url.encode() in body

    post = blog.content.posts[1]
    url = site.post_url(key, post.slug)
    page = text(url)
    assert canonical_of(page) == url
    assert html.escape(post.title) in page
    assert get(blog.base_url + "no/such/page/")[0] == 404


def test_robots_txt(site):
    wp = text(site.blogs["wp-classic"].base_url + "robots.txt")
    base = site.blogs["wp-classic"].base_url
    assert wp == (
        "User-agent: *\nDisallow: /wp-admin/\nDisallow: /private/\nAllow: /wp-admin/admin-ajax.php\n\n"
        f"Sitemap: {base}wp-sitemap.xml\n"
    )
    b = site.blogs["blogger"].base_url
    assert text(b + "robots.txt") == (
        "User-agent: Mediapartners-Google\nDisallow: \n\nUser-agent: *\nDisallow: /search\nAllow: /\n\n"
        f"Sitemap: {b}sitemap.xml\n"
    )
    assert "Allow: /" in text(site.blogs["generic"].base_url + "robots.txt")
    assert "Sitemap: " in text(site.blogs["wpcom"].base_url + "robots.txt")


def test_sitemaps_list_every_post(site):
    def locs(body: bytes) -> list[str]:
        return [e.text for e in ET.fromstring(body).iter(f"{{{NS['sm']}}}loc")]

    classic = site.blogs["wp-classic"]
    status, headers, body = get(classic.base_url + "wp-sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    (child,) = locs(body)
    posts = locs(get(child)[2])
    assert len(posts) == 12 == len(classic.content.posts)
    assert set(posts) == {site.post_url("wp-classic", p.slug) for p in classic.content.posts}
    # (8: with the two consent-signal posts of issue 16, a noindex one and a noarchive one)
    assert len(locs(get(site.blogs["wp-block"].base_url + "wp-sitemap-posts-post-1.xml")[2])) == 8
    for key, count in (("wpcom", 6), ("blogger", 8), ("generic", 4)):
        found = [
            u
            for u in locs(get(site.blogs[key].base_url + "sitemap.xml")[2])
            if u.rstrip("/") != site.blogs[key].base_url.rstrip("/")
        ]
        assert sum(1 for u in found if any(p.slug in u for p in site.blogs[key].content.posts)) == count


# ---------------------------------------------------------------------------- WordPress classic


def test_wp_classic_post_markup(site):
    post = site.blogs["wp-classic"].content.post_by_slug(BIG_POST)
    url = post_url(site, "wp-classic", BIG_POST)
    page = text(url)
    base = site.blogs["wp-classic"].base_url
    for needle in (
        f'<article id="post-{post.id}" class="post-{post.id} post ',
        f"single single-post postid-{post.id}",
        '<h1 class="entry-title">',
        '<div class="entry-content">',
        f'<link rel="https://api.w.org/" href="{base}wp-json/" />',
        '<meta name="generator" content="WordPress 6.',
        f"<link rel='shortlink' href='{base}?p={post.id}' />",
        f'href="{url}feed/"',
        '<time class="entry-date published" datetime="2014-09-15T06:30:00-05:00">',
        '<ol class="comment-list">',
        '<ol class="children">',
        '<span class="says">says:</span>',
        "Leave a Reply",
        "Your email address will not be published.",
        "Required fields are marked",
        f"?replytocom={post.comments[0].id}#respond",
    ):
        assert needle in page, needle
    assert re.search(r'<span class="author vcard">.*?<a class="url fn n" href="[^"]+">Megan Hollis</a>', page)
    c = post.comments[0]
    assert f'<li id="comment-{c.id}" class="comment' in page
    assert f'<article id="div-comment-{c.id}" class="comment-body">' in page
    assert '<b class="fn"><a href="http://sugarcoatedjess.example.org/" class="url"' in page


def test_wp_classic_threads_nest_three_levels(site):
    post = site.blogs["wp-classic"].content.post_by_slug(BIG_POST)
    by_id = {c.id: c for c in post.comments}

    def depth(c):
        return 1 if c.parent_id is None else 1 + depth(by_id[c.parent_id])

    assert max(depth(c) for c in post.comments) >= 3
    assert len(post.comments) > 10
    page = text(post_url(site, "wp-classic", BIG_POST))
    assert re.search(r'<ol class="children">(?:(?!</ol>).)*<ol class="children">', page, re.S)
    assert 'class="comment depth-3' in page


def test_wp_classic_feed_has_five_newest_and_pagination_reaches_all(site):
    blog = site.blogs["wp-classic"]
    root = ET.fromstring(get(blog.feed_url)[2])
    items = root.findall("./channel/item")
    assert [i.findtext("title") for i in items] == [p.title for p in blog.content.posts[:5]]
    first, post = items[0], blog.content.posts[0]
    assert first.find("guid").get("isPermaLink") == "false"
    assert first.findtext("guid") == f"{blog.base_url}?p={post.id}"
    assert first.findtext("wfw:commentRss", namespaces=NS) == site.post_url("wp-classic", post.slug) + "feed/"
    assert first.findtext("slash:comments", namespaces=NS) == str(len(post.comments))
    assert first.findtext("dc:creator", namespaces=NS) == post.author
    assert "<p>" in first.findtext("content:encoded", namespaces=NS)

    home = text(blog.homepage)
    assert f'<div class="nav-previous"><a href="{blog.base_url}page/2/">Older posts</a></div>' in home
    seen = set()
    for page in (1, 2, 3):
        html = text(blog.homepage if page == 1 else f"{blog.base_url}page/{page}/")
        seen |= set(re.findall(r'<article id="post-(\d+)"', html))
    assert seen == {str(p.id) for p in blog.content.posts}
    assert get(blog.base_url + "page/4/")[0] == 404


def test_wp_comment_feeds(site):
    blog = site.blogs["wp-classic"]
    post = blog.content.post_by_slug(BIG_POST)
    url = post_url(site, "wp-classic", BIG_POST)
    assert site.comment_feed_url("wp-classic", BIG_POST) == url + "feed/"
    root = ET.fromstring(get(url + "feed/")[2])
    items = root.findall("./channel/item")
    assert len(items) == len(post.comments)
    guids = {i.findtext("guid") for i in items}
    assert guids == {f"{url}#comment-{c.id}" for c in post.comments}
    assert all(i.findtext("dc:creator", namespaces=NS) for i in items)
    site_feed = ET.fromstring(get(blog.base_url + "comments/feed/")[2])
    assert site_feed.findall("./channel/item")


def test_wp_rest_comments_paginate(site):
    blog = site.blogs["wp-classic"]
    post = blog.content.post_by_slug(BIG_POST)
    base = f"{blog.base_url}wp-json/wp/v2/comments?post={post.id}"
    root = json.loads(text(blog.base_url + "wp-json/"))
    assert "wp/v2" in root["namespaces"]

    status, headers, body = get(base)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert "ETag" not in headers
    page1 = json.loads(body)
    assert len(page1) == 10
    assert headers["X-WP-Total"] == str(len(post.comments))
    assert headers["X-WP-TotalPages"] == "2"
    _, _, body2 = get(base + "&page=2")
    page2 = json.loads(body2)
    assert len(page1) + len(page2) == len(post.comments)
    assert {c["id"] for c in page1 + page2} == {c.id for c in post.comments}
    one = next(c for c in page1 + page2 if c["parent"])
    assert set(one) >= {
        "id",
        "post",
        "parent",
        "author_name",
        "author_url",
        "date",
        "date_gmt",
        "content",
        "link",
        "type",
    }
    assert one["content"]["rendered"].startswith("<p>") and one["content"]["rendered"].endswith("</p>\n")
    model = {c.id: c for c in post.comments}[one["id"]]
    assert one["date_gmt"] == model.published.strftime("%Y-%m-%dT%H:%M:%S")
    assert one["parent"] == model.parent_id
    assert len(json.loads(get(base + "&per_page=100")[2])) == len(post.comments)
    assert get(base + "&page=3")[0] == 400
    assert get(base + "&per_page=101")[0] == 400
    posts = json.loads(get(blog.base_url + "wp-json/wp/v2/posts?per_page=5&page=3")[2])
    assert len(posts) == 2


def test_rest_is_404_where_disabled(site):
    for key in ("wp-block", "wpcom", "blogger", "generic"):
        assert get(site.blogs[key].base_url + "wp-json/")[0] == 404
    assert "api.w.org" not in text(site.blogs["wp-block"].homepage)


def test_private_page_is_linked_served_and_disallowed(site):
    blog = site.blogs["wp-classic"]
    page = text(post_url(site, "wp-classic", "humalog-pharmacy-counters-and-the-price-of-staying-alive"))
    private = f"{blog.base_url}private/insulin-costs-2015/"
    assert f'href="{private}"' in page
    assert get(private)[0] == 200


def test_shortlink_redirects_to_permalink(site):
    blog = site.blogs["wp-classic"]
    post = blog.content.posts[3]
    status, headers, _ = get(f"{blog.base_url}?p={post.id}")
    assert status == 301 and headers["Location"] == site.post_url("wp-classic", post.slug)


# ---------------------------------------------------------------------------- other platforms


def test_wp_block_markup(site):
    blog = site.blogs["wp-block"]
    post = blog.content.post_by_slug("dexcom-g6-alarms-at-3-am")
    page = text(post_url(site, "wp-block", post.slug))
    for needle in (
        '<main class="wp-block-group',
        '<h1 class="wp-block-post-title">',
        'class="entry-content alignfull wp-block-post-content',
        'class="wp-block-post-author-name',
        '<div class="wp-block-post-date"><time datetime="',
        '<div class="wp-block-comments',
        '<ol class="wp-block-comment-template">',
        '<div class="wp-block-comment-author-name',
        '<div class="wp-block-comment-date',
        '<div class="wp-block-comment-content">',
        'class="wp-block-comment-reply-link',
        '<ol class="children">',
        "wp-block-post-comments-form",
        "Leave a Reply",
    ):
        assert needle in page, needle
    items = ET.fromstring(get(blog.feed_url)[2]).findall("./channel/item")
    assert len(items) == len(blog.content.posts) == 8  # (with the two consent-signal posts)
    assert get(blog.base_url + "wp-sitemap.xml")[0] == 200


def test_wpcom_markup(site):
    blog = site.blogs["wpcom"]
    post = blog.content.post_by_slug("a-glucagon-story-i-never-told")
    page = text(post_url(site, "wpcom", post.slug))
    for needle in (
        '<meta name="generator" content="WordPress.com" />',
        '<div class="entry-content">',
        'class="sharedaddy sd-sharing-enabled"',
        "Share this:",
        "sd-like",
        "Like this:",
        "Loading...",
        "bloggers like this:",
        'id="jp-relatedposts"',
        '<ol class="commentlist">',
        '<ul class="children">',
        '<div class="comment-author vcard">',
        '<cite class="fn">',
        '<div class="comment-content">',
        "comment-reply-link",
        'id="respond" class="comment-respond highlander-comment"',
        "Fill in your details below or click an icon to log in:",
        "You are commenting using your WordPress.com account.",
        "Notify me of new comments via email.",
        ">Cancel<",
    ):
        assert needle in page, needle
    c = post.comments[0]
    assert f'<li class="comment depth-1 highlander-comment" id="comment-{c.id}">' in page
    assert "April 12, 2016 at 1:20 pm" in page
    assert ET.fromstring(get(post_url(site, "wpcom", post.slug) + "feed/")[2]).findall("./channel/item")
    assert get(blog.base_url + "wp-sitemap.xml")[0] == 404


def test_blogger_markup_and_variants(site):
    blog = site.blogs["blogger"]
    post = blog.content.post_by_slug("the-humalog-bill-that-broke-me")
    url = post_url(site, "blogger", post.slug)
    assert re.search(r"/2016/01/the-humalog-bill-that-broke-me\.html$", url)
    page = text(url)
    top, reply = post.comments[0], post.comments[1]
    for needle in (
        "<div class='post hentry",
        "<h3 class='post-title entry-title' itemprop='name'>",
        f"<div class='post-body entry-content' id='post-body-{post.id}'",
        f"<meta content='{blog.content.blog_id}' itemprop='blogId'/>",
        f"<meta content='{post.id}' itemprop='postId'/>",
        "<span class='post-author vcard'>Posted by <span class='fn'",
        "<abbr class='published' itemprop='datePublished' title='2016-01-15T18:45:00+00:00'>",
        "Email This",
        "BlogThis!",
        "Share to Pinterest",
        "3 comments:",
        f'<li class="comment" id="c{top.id}">',
        f'<ol id="c{top.id}-ra"',
        f'id="c{top.id}-rt" class="comment-thread inline-thread"',
        '<cite class="user"><a href="http://sugarandstories.example.com/"',
        "January 16, 2016 at 9:00 AM",
        f"?showComment={int(top.published.timestamp() * 1000)}#c{top.id}",
        '<p class="comment-content">',
        "Post a Comment",
        "Post Comments (Atom)",
        "Newer Post",
        "Older Post",
    ):
        assert needle in page, needle
    assert f'id="c{reply.id}"' in page.split(f'<ol id="c{top.id}-ra"')[1]
    assert text(url + "?showComment=1452934800000") == page
    mobile = text(url + "?m=1")
    assert canonical_of(mobile) == url and f'id="c{reply.id}"' in mobile
    home = text(blog.homepage)
    assert "class='blog-pager-older-link' href='" + blog.base_url + "search?updated-max=" in home
    older = re.search(r"class='blog-pager-older-link' href='([^']+)'", home).group(1).replace("&amp;", "&")
    assert text(older).count("<div class='post hentry") == 3


def test_blogger_atom_feeds(site):
    blog = site.blogs["blogger"]
    root = ET.fromstring(get(blog.feed_url)[2])
    entries = root.findall("atom:entry", NS)
    assert len(entries) == 5 < len(blog.content.posts)
    post = blog.content.posts[0]
    assert (
        entries[0].findtext("atom:id", namespaces=NS)
        == f"tag:blogger.com,1999:blog-{blog.content.blog_id}.post-{post.id}"
    )
    replies = [x.get("href") for x in entries[0].findall("atom:link", NS) if x.get("rel") == "replies"]
    assert f"{blog.base_url}feeds/{post.id}/comments/default" in replies
    assert entries[0].findtext("thr:total", namespaces=NS) == str(len(post.comments))

    humalog = blog.content.post_by_slug("the-humalog-bill-that-broke-me")
    croot = ET.fromstring(get(f"{blog.base_url}feeds/{humalog.id}/comments/default")[2])
    centries = croot.findall("atom:entry", NS)
    assert len(centries) == len(humalog.comments)
    by_id = {c.id: c for c in humalog.comments}
    for entry in centries:
        cid = int(entry.findtext("atom:id", namespaces=NS).rsplit("post-", 1)[1])
        irt = entry.find("thr:in-reply-to", NS)
        assert irt.get("ref") == f"tag:blogger.com,1999:blog-{blog.content.blog_id}.post-{humalog.id}"
        related = [x.get("href") for x in entry.findall("atom:link", NS) if x.get("rel") == "related"]
        parent = by_id[cid].parent_id
        assert related == ([f"{blog.base_url}feeds/{humalog.id}/comments/default/{parent}"] if parent else [])
        assert entry.find("atom:author/atom:name", NS).text == by_id[cid].author
    assert ET.fromstring(get(blog.base_url + "feeds/comments/default")[2]).findall("atom:entry", NS)


def test_generic_site_and_syndicated_copy(site):
    blog = site.blogs["generic"]
    feed = json.loads(get(blog.feed_url)[2])
    assert len(feed["items"]) == 4
    assert '<link rel="alternate" type="application/feed+json"' in text(blog.homepage)
    copy = next(
        p for p in blog.content.posts if p.text.startswith("Originally published at Sugar & Stories.")
    )
    original = site.blogs["wp-classic"].content.post_by_slug(
        "humalog-pharmacy-counters-and-the-price-of-staying-alive"
    )
    assert copy.text == "Originally published at Sugar & Stories.\n\n" + original.text
    page = text(post_url(site, "generic", copy.slug))
    assert '<div id="disqus_thread"></div>' in page and "<article" in page and "<time" in page
    assert get(blog.base_url + "feed/")[0] == 404


# ---------------------------------------------------------------------------- URL variants and caching


def test_tracking_and_reply_variants_serve_identical_pages(site):
    for key, slug in (
        ("wp-classic", BIG_POST),
        ("wpcom", "a-glucagon-story-i-never-told"),
        ("wp-block", "dexcom-g6-alarms-at-3-am"),
    ):
        url = post_url(site, key, slug)
        comment_id = site.blogs[key].content.post_by_slug(slug).comments[0].id
        plain = get(url)
        for variant in (
            url + "?utm_source=twitter&utm_medium=social",
            url + f"?replytocom={comment_id}",
            url + "?utm_source=facebook&utm_medium=social&utm_campaign=x",
        ):
            status, headers, body = get(variant)
            assert status == 200 and body == plain[2] and headers["ETag"] == plain[1]["ETag"]
            assert canonical_of(body.decode()) == url
    home = text(site.blogs["wp-classic"].homepage)
    assert "?utm_source=twitter&amp;utm_medium=social" in home
    assert "#respond" in home


def test_conditional_get(site):
    url = post_url(site, "wp-classic", BIG_POST)
    status, headers, _ = get(url)
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    assert get(url, {"If-None-Match": '"nope"'})[0] == 200
    status, _, body = get(url, {"If-None-Match": headers["ETag"]})
    assert body == b""


def test_new_comment_invalidates_exactly_the_affected_resources(fresh):
    blog = fresh.blogs["wp-classic"]
    post = blog.content.post_by_slug("baqsimi-in-the-backpack")
    url = post_url(fresh, "wp-classic", post.slug)
    urls = {
        "post": url,
        "post_feed": url + "feed/",
        "site_comments": blog.base_url + "comments/feed/",
        "home": blog.homepage,
        "feed": blog.feed_url,
        "sitemap": blog.base_url + "wp-sitemap-posts-post-1.xml",
        "other_post": post_url(fresh, "wp-classic", "a-back-to-school-glucagon-plan"),
    }
    before = {name: get(u)[1] for name, u in urls.items()}
    comment = fresh.add_comment(
        "wp-classic", post.slug, "Nina V.", "Same here!\n\nWe carry two.", parent_id=post.comments[0].id
    )
    changed = {name for name, u in urls.items() if get(u, {"If-None-Match": before[name]["ETag"]})[0] == 200}
    assert changed == {"post", "post_feed", "site_comments"}
    assert all(
        get(u, {"If-Modified-Since": before[n]["Last-Modified"]})[0] == 304
        for n, u in urls.items()
        if n not in changed
    )
    assert get(url, {"If-Modified-Since": before["post"]["Last-Modified"]})[0] == 200
    assert f'id="comment-{comment.id}"' in text(url)
    rest = json.loads(get(f"{blog.base_url}wp-json/wp/v2/comments?post={post.id}")[2])
    assert rest[0]["id"] == comment.id and rest[0]["parent"] == post.comments[0].id
    assert comment.published <= datetime.now(UTC)


def test_new_and_edited_posts_invalidate_listings(fresh):
    for key in ("wp-classic", "blogger", "generic"):
        blog = fresh.blogs[key]
        sitemap = blog.base_url + ("wp-sitemap-posts-post-1.xml" if key == "wp-classic" else "sitemap.xml")
        urls = [blog.homepage, blog.feed_url, sitemap]
        before = [get(u)[1]["ETag"] for u in urls]
        post = fresh.add_post(key, "A brand new post about Dexcom", ["First paragraph.", "Second paragraph."])
        assert [get(u, {"If-None-Match": e})[0] for u, e in zip(urls, before, strict=True)] == [200, 200, 200]
        url = fresh.post_url(key, post.slug)
        assert "Second paragraph." in text(url)
        etag = get(url)[1]["ETag"]
        fresh.edit_post(key, post.slug, paragraphs=["Rewritten."])
        assert get(url, {"If-None-Match": etag})[0] == 200
        assert "Rewritten." in text(url)


def test_blogger_and_wpcom_comments_mutate(fresh):
    post = fresh.blogs["blogger"].content.posts[0]
    c = fresh.add_comment("blogger", post.slug, "Reader", "Hello from the test.")
    root = ET.fromstring(get(f"{fresh.blogs['blogger'].base_url}feeds/{post.id}/comments/default")[2])
    assert any(
        e.findtext("atom:id", namespaces=NS).endswith(f"post-{c.id}") for e in root.findall("atom:entry", NS)
    )
    fresh.add_comment(
        "wpcom", "logging-off-social-media-for-a-month", "Reader", "Nice.", author_url="https://r.example/"
    )
    assert "Nice." in text(post_url(fresh, "wpcom", "logging-off-social-media-for-a-month"))


def test_mutations_do_not_leak_between_instances():
    with DemoSite() as one:
        one.add_comment("wp-classic", BIG_POST, "Leaky", "Should stay here.")
        count = len(one.blogs["wp-classic"].content.post_by_slug(BIG_POST).comments)
    with DemoSite() as two:
        assert len(two.blogs["wp-classic"].content.post_by_slug(BIG_POST).comments) == count - 1


def test_request_log(fresh):
    blog = fresh.blogs["wpcom"]
    fresh.clear_requests()
    get(blog.homepage + "?utm_source=twitter", {"User-Agent": "doclisten-test"})
    get(blog.base_url + "missing/")
    records = fresh.requests_for("wpcom")
    assert [(r.blog_key, r.method, r.path, r.status) for r in records] == [
        ("wpcom", "GET", "/?utm_source=twitter", 200),
        ("wpcom", "GET", "/missing/", 404),
    ]
    assert records[0].headers["User-Agent"] == "doclisten-test"
    assert fresh.requests_for("generic") == []
    fresh.clear_requests()
    assert fresh.requests == []


def test_main_module_help():
    out = subprocess.run(
        [sys.executable, "-m", "doclisten.demo_site", "--help"], capture_output=True, text=True, check=True
    )
    assert "--port-base" in out.stdout
    assert "--host" in out.stdout and "--public-host" in out.stdout


def local_url(blog, path: str = "") -> str:
    """The blog's URL through 127.0.0.1, whatever host name its pages use."""
    return f"http://127.0.0.1:{urlsplit(blog.base_url).port}/{path}"


def test_public_host_names_every_absolute_url():
    with DemoSite(public_host="demo-site.test") as s:
        assert s.host == "127.0.0.1"
        for blog in s.blogs.values():
            port = urlsplit(blog.base_url).port
            assert blog.base_url == f"http://demo-site.test:{port}/"
            home = text(local_url(blog))
            assert blog.base_url in home and "127.0.0.1" not in home
            assert "127.0.0.1" not in text(local_url(blog, blog.feed_url.removeprefix(blog.base_url)))
        wp = s.blogs["wp-classic"]
        assert f"Sitemap: {wp.base_url}wp-sitemap.xml" in text(local_url(wp, "robots.txt"))
        assert s.post_url("wp-classic", BIG_POST).startswith(wp.base_url)


def test_wildcard_host_defaults_public_host_to_machine_name():
    with DemoSite(host="0.0.0.0") as s:
        assert s.public_host == socket.gethostname()
        blog = s.blogs["generic"]
        assert urlsplit(blog.base_url).hostname == socket.gethostname().lower()
        assert get(local_url(blog))[0] == 200  # listening on every interface, loopback included


def test_main_module_serves_with_host_and_public_host():
    cmd = [
        sys.executable,
        "-m",
        "doclisten.demo_site",
        "--host",
        "127.0.0.1",
        "--public-host",
        "demo-site.test",
    ]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            lines = [proc.stdout.readline() for _ in range(6)]
            urls = [re.search(r"(http://\S+/)  \(feed:", line).group(1) for line in lines[:5]]
            assert "on 127.0.0.1 (as demo-site.test)" in lines[5]
            ports = {urlsplit(u).port for u in urls}
            assert len(ports) == 5 and all(urlsplit(u).hostname == "demo-site.test" for u in urls)
            home = text(f"http://127.0.0.1:{urlsplit(urls[0]).port}/")
            assert urls[0] in home
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err
    assert "Stopped." in out


# ---------------------------------------------------------------------------- content requirements


def test_content_requirements():
    blogs = load_blogs()
    posts = [p for b in blogs.values() for p in b.posts]
    corpus = "\n".join(p.title + "\n" + p.text + "\n" + "\n".join(c.text for c in p.comments) for p in posts)
    for word in (
        "Roche", "Accu-Chek", "ACCU-CHEK", "Accu Chek", "glucagon", "Dexcom G6", "Dexcom G7", "Medtronic",
        "MiniMed", "Animas", "Humalog", "Omnipod", "FreeStyle Libre", "insulin prices", "Baqsimi", "#DOC",
        "DSMA", "#WeAreNotWaiting", "Loop",
    ):  # fmt: skip
        assert word in corpus, word
    both = [p for p in posts if "social media" in p.text and "Roche" in p.text]
    assert len({id(p) for p in both}) >= 2
    assert any("social media" in p.text and "Roche" not in p.text for p in posts)
    assert any("Roche" in p.text and "social media" not in p.text for p in posts)
    assert sum("glucagon" in p.text.lower() for p in posts) >= 3
    assert any(not p.comments for p in posts)
    assert any(re.search(r"[\U0001F300-\U0001FAFF]", p.text) for p in posts)
    assert all(ch in corpus for ch in "é’“”—")
    cutoff = datetime(2026, 11, 1, tzinfo=UTC)
    years = {p.published.year for p in posts}
    assert {2014, 2015, 2016, 2025, 2026} <= years
    for blog in blogs.values():
        ids = [c.id for p in blog.posts for c in p.comments]
        assert len(ids) == len(set(ids))
        for p in blog.posts:
            assert p.published.tzinfo is not None and p.published < cutoff
            assert 150 <= len(p.text.split()) <= 600, p.slug
            assert all(p.published <= c.published < cutoff for c in p.comments)
    assert [len(b.posts) for b in blogs.values()] == [12, 8, 6, 8, 4]  # wp-block: + 2 consent-signal posts


def test_consent_signal_pages() -> None:
    """The sample site's consent signals (docs/privacy.md): a post with Yoast's per-post robots meta tag
    and one served with a bot-specific X-Robots-Tag header."""
    with DemoSite() as site:
        blog = site.blogs["wp-block"]
        hidden = blog.content.post_by_slug("a-hard-week-not-for-search-engines")
        withheld = blog.content.post_by_slug("school-nurse-meeting-notes")
        assert hidden is not None and withheld is not None
        status, headers, body = get(site.post_url("wp-block", hidden.slug))
        assert status == 200 and '<meta name="robots" content="noindex, follow" />' in body.decode()
        assert "X-Robots-Tag" not in headers
        status, headers, body = get(site.post_url("wp-block", withheld.slug))
        assert status == 200 and headers["X-Robots-Tag"] == "otherbot: noindex, doclisten: noarchive"
        assert 'name="robots"' not in body.decode()
