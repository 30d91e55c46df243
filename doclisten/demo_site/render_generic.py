"""A hand-made personal site: plain semantic HTML, JSON Feed, a Disqus placeholder instead of comments."""

from __future__ import annotations

from . import feeds
from .content import Post
from .render_common import HTML, Renderer, Resource, esc, long_date, text_resource

_ABOUT = (
    "I’m Kat. I have lived with type 1 diabetes since I was fourteen, and I write here about technology, "
    "access and the small daily negotiations that nobody sees. I do not take money from device or drug companies."
)


class GenericRenderer(Renderer):
    robots = "User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"

    def post_path(self, post: Post) -> str:
        return f"posts/{post.slug}/"

    def route(self, path: str, query: dict[str, str]) -> Resource | None:
        if path in ("/", "/index.html"):
            return self.listing("Latest writing", self.blog.posts, self.base)
        if path == "/archive/":
            return self.listing("Archive", self.blog.posts, self.url("archive/"))
        if path == "/about/":
            return text_resource(
                self.page("About", f"<article><h1>About</h1><p>{_ABOUT}</p></article>", self.url("about/")),
                HTML,
            )
        if path == "/feed.json":
            return feeds.json_feed(self, self.blog.posts)
        if path == "/sitemap.xml":
            return feeds.urlset(self, extra=["", "archive/", "about/"])
        post = self.path_of(path.lstrip("/"))
        if post is None:
            return None
        return text_resource(self.post_page(post), HTML, last_modified=post.last_activity)

    def page(self, title: str, main: str, canonical: str) -> str:
        popular = "".join(
            f'<li><a href="{self.tracked(p, "utm_source=newsletter&utm_medium=email")}">{esc(p.title)}</a></li>'
            for p in sorted(self.blog.posts, key=lambda p: p.published)[:3]
        )
        return (
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)} · {esc(self.blog.title)}</title>\n"
            f'<link rel="canonical" href="{canonical}">\n'
            f'<link rel="alternate" type="application/feed+json" title="{esc(self.blog.title)}" href="{self.url("feed.json")}">\n'
            f'<link rel="stylesheet" href="{self.url("css/site.css")}">\n</head>\n<body>\n'
            f'<header class="site-header"><a class="site-title" href="{self.base}">{esc(self.blog.title)}</a>'
            f'<nav class="site-nav"><a href="{self.base}">Home</a> <a href="{self.url("archive/")}">Archive</a> '
            f'<a href="{self.url("about/")}">About</a> <a href="{self.url("feed.json")}">Feed</a></nav></header>\n'
            f'<div class="layout">\n<main id="content">\n{main}</main>\n'
            '<aside class="sidebar">\n'
            f'<section class="widget popular-posts"><h2>Popular posts</h2><ul>{popular}</ul></section>\n'
            '<section class="widget newsletter"><h2>Get new posts by email</h2>'
            '<form action="https://buttondown.example/api/emails/embed-subscribe/kat" method="post">'
            '<input type="email" name="email" placeholder="you@example.com"> <button type="submit">Subscribe</button></form>'
            "<p>One email per post. No spam, unsubscribe any time.</p></section>\n"
            f'<section class="widget about-me"><h2>About me</h2><p>{_ABOUT[:120]}… <a href="{self.url("about/")}">More</a></p></section>\n'
            "</aside>\n</div>\n"
            '<footer class="site-footer"><p>© 2015–2026 Kat Lindqvist · Built by hand with Markdown and a Makefile · '
            f'<a href="{self.url("feed.json")}">JSON Feed</a></p></footer>\n</body>\n</html>\n'
        )

    def post_page(self, post: Post) -> str:
        url = self.post_url(post)
        tags = " ".join(f'<span class="tag">#{esc(t)}</span>' for t in post.tags)
        main = (
            '<article class="post h-entry">\n'
            f'<h1 class="p-name">{esc(post.title)}</h1>\n'
            f'<p class="byline">By <a class="p-author h-card" href="{self.url("about/")}">{esc(post.author)}</a> · '
            f'<time class="dt-published" datetime="{self.iso(post.published)}">{long_date(post.published)}</time></p>\n'
            f'<div class="e-content">\n{self.body_html(post)}\n</div>\n'
            f'<footer class="post-tags">Tagged: {tags}</footer>\n</article>\n'
            '<section class="comments"><h2>Comments</h2><div id="disqus_thread"></div>\n'
            f"<script>var disqus_config = function () {{ this.page.url = '{url}'; this.page.identifier = 'post-{post.id}'; }};</script>\n"
            "<noscript>Please enable JavaScript to view the comments powered by Disqus.</noscript></section>\n"
        )
        return self.page(post.title, main, url)

    def listing(self, title: str, posts: list[Post], canonical: str) -> Resource:
        items = "".join(
            f'<li class="post-summary"><h2><a href="{self.post_url(p)}">{esc(p.title)}</a></h2>'
            f'<time datetime="{self.iso(p.published)}">{long_date(p.published)}</time>'
            f"<p>{esc(self.excerpt(p, 35))}</p></li>\n"
            for p in posts
        )
        main = f'<h1 class="page-title">{esc(title)}</h1>\n<ul class="post-list">\n{items}</ul>\n'
        return text_resource(self.page(title, main, canonical), HTML, last_modified=self.lastmod())
