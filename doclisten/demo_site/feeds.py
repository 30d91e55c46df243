"""Feeds and sitemaps: WordPress RSS 2.0, Blogger Atom, JSON Feed 1.1, sitemaps.org XML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from .content import Comment, Post
from .render_common import ATOM, JSONFEED, RSS, XML, Renderer, Resource, human_date, rfc822, text_resource

# a blog without posts still gives its feeds a time
NO_POSTS_TIME = datetime(2000, 1, 1, tzinfo=UTC)

_RSS_OPEN = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>
"""


def _ncr(text: str) -> str:
    """HTML-escaped, every non-ASCII character a numeric reference (WordPress's ``esc_html`` + ``ent2ncr``)."""
    return "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in escape(text))


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _channel_head(
    r: Renderer, title: str, self_url: str, link: str, last: datetime | None, generator: str
) -> str:
    return (
        f"<channel>\n\t<title>{escape(title)}</title>\n"
        f'\t<atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{escape(link)}</link>\n\t<description>{escape(r.blog.tagline)}</description>\n"
        f"\t<lastBuildDate>{rfc822(last) if last else ''}</lastBuildDate>\n\t<language>en-US</language>\n"
        "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
        f"\t<generator>{escape(generator)}</generator>\n"
    )


def wp_posts_rss(r: Renderer, posts: list[Post], generator: str) -> Resource:
    """The WordPress ``/feed/``. Like WordPress, the ETag follows Last-Modified (newest post change),
    so a new comment (which changes ``slash:comments``) does not invalidate it."""
    last = r.lastmod(posts)
    out = [_RSS_OPEN, _channel_head(r, r.blog.title, r.url("feed/"), r.base, last, generator)]
    for p in posts:
        link = r.post_url(p)
        cats = "".join(f"\t\t<category>{_cdata(t)}</category>\n" for t in p.tags)
        out.append(
            f"\t<item>\n\t\t<title>{escape(p.title)}</title>\n\t\t<link>{escape(link)}</link>\n"
            f"\t\t<comments>{escape(link)}#respond</comments>\n"
            f"\t\t<dc:creator>{_cdata(p.author)}</dc:creator>\n\t\t<pubDate>{rfc822(p.published)}</pubDate>\n"
            f'{cats}\t\t<guid isPermaLink="false">{escape(r.url(f"?p={p.id}"))}</guid>\n'
            f"\t\t<description>{_cdata(r.excerpt(p))}</description>\n"
            f"\t\t<content:encoded>{_cdata(r.body_html(p))}</content:encoded>\n"
            f"\t\t<wfw:commentRss>{escape(link)}feed/</wfw:commentRss>\n"
            # WordPress counts pingbacks here too; the sample counts reader comments only, so that a post with a
            # pingback is not fetched again on every crawl (doclisten stores no ping count to compare with)
            f"\t\t<slash:comments>{len(p.comments)}</slash:comments>\n\t</item>\n"
        )
    out.append("\t</channel>\n</rss>\n")
    basis = f"{last.isoformat() if last else ''}|{[p.id for p in posts]}".encode()
    return text_resource("".join(out), RSS, last_modified=last, etag_basis=basis)


def wp_comments_rss(r: Renderer, post: Post | None, generator: str) -> Resource:
    """Per-post comment feed (``post`` given) or the site-wide ``/comments/feed/``."""
    if post is not None:
        pairs = [(post, c) for c in [*post.comments, *post.pings]]
        title, link, self_url = f"Comments on: {post.title}", r.post_url(post), r.post_url(post) + "feed/"
        last = max([post.updated, *(c.published for c in [*post.comments, *post.pings])])
    else:
        pairs = r.blog.all_comments() + r.blog.all_pings()
        title, link, self_url = f"Comments for {r.blog.title}", r.base, r.url("comments/feed/")
        last = r.comments_lastmod() or NO_POSTS_TIME
    pairs = sorted(pairs, key=lambda pc: pc[1].published, reverse=True)[:20]
    out = [_RSS_OPEN, _channel_head(r, title, self_url, link, last, generator)]
    for p, c in pairs:
        # a pingback's author is the linking page's <title> as WordPress stored it (HTML-escaped), which
        # get_comment_author_rss() passes through ent2ncr: "Blog &#187; Post" — inside <dc:creator>'s CDATA
        # the reference stays as it is (wp-includes/feed-rss2-comments.php); the <title> decodes it
        ping = c.kind != "comment"
        author = _ncr(c.author) if ping else c.author
        item_title = f"By: {author}" if post is not None else f"Comment on {escape(p.title)} by {author}"
        item_title = (
            item_title
            if ping
            else escape(f"By: {c.author}" if post is not None else f"Comment on {p.title} by {c.author}")
        )
        curl = f"{r.post_url(p)}#comment-{c.id}"
        paragraphs = [_ncr(par) for par in c.paragraphs] if ping else c.paragraphs
        body = "".join(f"<p>{par if ping else escape(par)}</p>\n" for par in paragraphs)
        out.append(
            f"\t<item>\n\t\t<title>{item_title}</title>\n\t\t<link>{escape(curl)}</link>\n"
            f"\t\t<dc:creator>{_cdata(author)}</dc:creator>\n\t\t<pubDate>{rfc822(c.published)}</pubDate>\n"
            f'\t\t<guid isPermaLink="false">{escape(curl)}</guid>\n'
            f"\t\t<description>{_cdata(' '.join(paragraphs))}</description>\n"
            f"\t\t<content:encoded>{_cdata(body)}</content:encoded>\n\t</item>\n"
        )
    out.append("\t</channel>\n</rss>\n")
    return text_resource("".join(out), RSS, last_modified=last)


# ---------------------------------------------------------------- Blogger Atom

_ATOM_OPEN = (
    "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
    "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' xmlns:blogger='http://schemas.google.com/blogger/2008' "
    "xmlns:georss='http://www.georss.org/georss' xmlns:gd='http://schemas.google.com/g/2005' "
    "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
)


def _atom_time(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def _atom_author(name: str, uri: str | None) -> str:
    uri_xml = f"<uri>{escape(uri)}</uri>" if uri else ""
    return (
        f"<author><name>{escape(name)}</name>{uri_xml}<email>noreply@blogger.com</email>"
        "<gd:image rel='http://schemas.google.com/g/2005#thumbnail' width='16' height='16' "
        "src='https://img1.blogblog.com/img/b16-rounded.gif'/></author>"
    )


def _tag(r: Renderer, item_id: int) -> str:
    return f"tag:blogger.com,1999:blog-{r.blog.blog_id}.post-{item_id}"


def blogger_posts_atom(r: Renderer, posts: list[Post], profile: str) -> Resource:
    last = r.lastmod() or NO_POSTS_TIME
    feed_url = r.url("feeds/posts/default")
    out = [
        _ATOM_OPEN,
        f"<id>tag:blogger.com,1999:blog-{r.blog.blog_id}</id><updated>{_atom_time(last)}</updated>",
        *(f"<category term='{escape(t)}'/>" for t in sorted({t for p in r.blog.posts for t in p.tags})),
        f"<title type='text'>{escape(r.blog.title)}</title><subtitle type='html'>{escape(r.blog.tagline)}</subtitle>",
        f"<link rel='http://schemas.google.com/g/2005#feed' type='application/atom+xml' href='{feed_url}'/>",
        f"<link rel='self' type='application/atom+xml' href='{feed_url}'/>",
        f"<link rel='alternate' type='text/html' href='{r.base}'/>",
        f"<link rel='next' type='application/atom+xml' href='{feed_url}?start-index=6&amp;max-results=5'/>",
        _atom_author(posts[0].author if posts else "", profile),
        "<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>",
        f"<openSearch:totalResults>{len(r.blog.posts)}</openSearch:totalResults>",
        "<openSearch:startIndex>1</openSearch:startIndex><openSearch:itemsPerPage>5</openSearch:itemsPerPage>",
    ]
    for p in posts:
        link, replies = r.post_url(p), r.url(f"feeds/{p.id}/comments/default")
        out.append(
            f"<entry><id>{_tag(r, p.id)}</id><published>{_atom_time(p.published)}</published>"
            f"<updated>{_atom_time(p.updated)}</updated>"
            + "".join(
                f"<category scheme='http://www.blogger.com/atom/ns#' term='{escape(t)}'/>" for t in p.tags
            )
            + f"<title type='text'>{escape(p.title)}</title><content type='html'>{escape(r.body_html(p))}</content>"
            f"<link rel='replies' type='application/atom+xml' href='{replies}' title='Post Comments'/>"
            f"<link rel='replies' type='text/html' href='{link}#comment-form' title='{len(p.comments)} Comments'/>"
            f"<link rel='edit' type='application/atom+xml' href='https://www.blogger.com/feeds/{r.blog.blog_id}/posts/default/{p.id}'/>"
            f"<link rel='self' type='application/atom+xml' href='{feed_url}/{p.id}'/>"
            f"<link rel='alternate' type='text/html' href='{link}' title='{escape(p.title)}'/>"
            f"{_atom_author(p.author, profile)}<thr:total>{len(p.comments)}</thr:total></entry>"
        )
    out.append("</feed>")
    basis = f"{last.isoformat()}|{[p.id for p in posts]}".encode()
    return text_resource("".join(out), ATOM, last_modified=last, etag_basis=basis)


def blogger_comments_atom(r: Renderer, post: Post | None, only: Comment | None = None) -> Resource:
    """``/feeds/<postId>/comments/default`` (post given), ``/feeds/comments/default`` (None), or one entry."""
    pairs = [(post, c) for c in post.comments] if post is not None else r.blog.all_comments()
    if only is not None and post is not None:  # one comment's entry is asked for by its post's feed URL
        pairs = [(post, only)]
    pairs = sorted(pairs, key=lambda pc: pc[1].published, reverse=True)
    last = (
        max([c.published for _, c in pairs], default=None)
        or (post.updated if post else r.lastmod())
        or NO_POSTS_TIME
    )
    feed_url = r.url(f"feeds/{post.id}/comments/default" if post else "feeds/comments/default")
    title = f"Comments on {r.blog.title}: {post.title}" if post else f"{r.blog.title} - Comments"
    out = [
        _ATOM_OPEN,
        f"<id>tag:blogger.com,1999:blog-{r.blog.blog_id}{f'.post{post.id}' if post else ''}.comments</id>",
        f"<updated>{_atom_time(last)}</updated><title type='text'>{escape(title)}</title>",
        f"<link rel='self' type='application/atom+xml' href='{feed_url}'/>",
        f"<link rel='alternate' type='text/html' href='{r.post_url(post) if post else r.base}'/>",
        "<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>",
        f"<openSearch:totalResults>{len(pairs)}</openSearch:totalResults>",
    ]
    for p, c in pairs:
        plink = r.post_url(p)
        pfeed = r.url(f"feeds/{p.id}/comments/default")
        ms = int(c.published.timestamp() * 1000)
        related = (
            f"<link rel='related' type='application/atom+xml' href='{pfeed}/{c.parent_id}'/>"
            if c.parent_id
            else ""
        )
        content = "&lt;br /&gt;&lt;br /&gt;".join(escape(par) for par in c.paragraphs)
        out.append(
            f"<entry><id>{_tag(r, c.id)}</id><published>{_atom_time(c.published)}</published>"
            f"<updated>{_atom_time(c.published)}</updated><title type='text'>{escape(c.paragraphs[0][:40])}</title>"
            f"<content type='html'>{content}</content>"
            f"<link rel='edit' type='application/atom+xml' href='https://www.blogger.com/feeds/{r.blog.blog_id}/{p.id}/comments/default/{c.id}'/>"
            f"<link rel='self' type='application/atom+xml' href='{pfeed}/{c.id}'/>"
            f"<link rel='alternate' type='text/html' href='{plink}?showComment={ms}#c{c.id}' title=''/>"
            f"{related}{_atom_author(c.author, c.author_url)}"
            f"<thr:in-reply-to xmlns:thr='http://purl.org/syndication/thread/1.0' href='{plink}' "
            f"ref='{_tag(r, p.id)}' source='{r.url(f'feeds/posts/default/{p.id}')}' type='text/html'/>"
            f"<gd:extendedProperty name='blogger.itemClass' value='pid-{c.id % 1000000000}'/>"
            f"<gd:extendedProperty name='blogger.displayTime' value='{escape(human_date(c.published, upper_ampm=True))}'/>"
            "</entry>"
        )
    out.append("</feed>")
    return text_resource("".join(out), ATOM, last_modified=last)


# ---------------------------------------------------------------- JSON Feed, sitemaps


def json_feed(r: Renderer, posts: list[Post]) -> Resource:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": r.blog.title,
        "home_page_url": r.base,
        "feed_url": r.url("feed.json"),
        "description": r.blog.tagline,
        "language": "en",
        "authors": [{"name": r.blog.title, "url": r.url("about/")}],
        "items": [
            {
                "id": r.post_url(p),
                "url": r.post_url(p),
                "title": p.title,
                "content_html": r.body_html(p),
                "summary": r.excerpt(p, 30),
                "date_published": r.iso(p.published),
                "date_modified": r.iso(p.updated),
                "authors": [{"name": p.author}],
                "tags": p.tags,
            }
            for p in posts
        ],
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return text_resource(text, JSONFEED, last_modified=r.lastmod(posts))


def sitemap_index(r: Renderer, paths: list[str]) -> Resource:
    items = "".join(f"<sitemap><loc>{escape(r.url(p))}</loc></sitemap>" for p in paths)
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{items}</sitemapindex>\n"
    )
    return text_resource(text, XML, last_modified=r.lastmod())


def urlset(r: Renderer, extra: Sequence[str] = ()) -> Resource:
    rows = [f"<url><loc>{escape(r.url(p))}</loc></url>" for p in extra]
    rows += [
        f"<url><loc>{escape(r.post_url(p))}</loc><lastmod>{r.iso(p.updated)}</lastmod></url>"
        for p in r.blog.posts
    ]
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    )
    return text_resource(text, XML, last_modified=r.lastmod())
