"""URL layout shared by the three WordPress flavours (classic theme, block theme, WordPress.com).

Subclasses render the HTML (``home_html``, ``post_html``, ``archive_html``) and choose feed size,
sitemap style and whether the REST API answers.
"""

from __future__ import annotations

import re

from . import feeds, rest
from .content import Post
from .render_common import HTML, Renderer, Resource, esc, long_date, redirect, text_resource

_PAGE = re.compile(r"^/page/(\d+)/$")
_CATEGORY = re.compile(r"^/category/([a-z0-9-]+)/(?:page/(\d+)/)?$")
_MONTH = re.compile(r"^/(\d{4})/(\d{2})/$")
_PRIVATE_PAGE = """<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><meta name="robots" content="noindex, nofollow">
<title>Private: insulin costs 2015 – {title}</title></head>
<body class="page-template-default page private">
<h1 class="entry-title">Private: insulin costs 2015</h1>
<div class="entry-content"><p>January: $88. February: $96. March: $412. (Not for publication.)</p></div>
</body></html>
"""


def tag_slug(tag: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")


class WordPressBase(Renderer):
    per_page = 5
    feed_items = 10
    generator = "WordPress 6.4.3"
    feed_generator = "https://wordpress.org/?v=6.4.3"
    rest_enabled = False
    private_pages = False
    wp_sitemap = True  # WordPress core /wp-sitemap.xml (else /sitemap.xml like WordPress.com)
    permalink_dates = True

    @property
    def robots(self) -> str:  # type: ignore[override]
        sitemap = "wp-sitemap.xml" if self.wp_sitemap else "sitemap.xml"
        extra = "Disallow: /private/\n" if self.private_pages else ""
        return (
            f"User-agent: *\nDisallow: /wp-admin/\n{extra}Allow: /wp-admin/admin-ajax.php\n\n"
            f"Sitemap: {{base}}{sitemap}\n"
        )

    def post_path(self, post: Post) -> str:
        if not self.permalink_dates:
            return f"{post.slug}/"
        return f"{self.local(post.published):%Y/%m/%d}/{post.slug}/"

    def comment_feed_url(self, post: Post) -> str:
        return self.post_url(post) + "feed/"

    # ------------------------------------------------------------------ routing
    def route(self, path: str, query: dict[str, str]) -> Resource | None:
        if path == "/" and query.get("p", "").isdigit():
            post = self.blog.post_by_id(int(query["p"]))
            return redirect(self.post_url(post)) if post else None
        if path == "/":
            return self.home(1)
        if m := _PAGE.match(path):
            return self.home(int(m.group(1)))
        if path == "/feed/":
            return feeds.wp_posts_rss(self, self.blog.posts[: self.feed_items], self.feed_generator)
        if path == "/comments/feed/":
            return feeds.wp_comments_rss(self, None, self.feed_generator)
        if path.startswith("/wp-json"):
            return rest.route(self, path, query) if self.rest_enabled else None
        if self.private_pages and path.startswith("/private/"):
            return text_resource(
                _PRIVATE_PAGE.format(title=esc(self.blog.title)), last_modified=self.lastmod()
            )
        if found := self.route_sitemap(path):
            return found
        if m := _CATEGORY.match(path):
            names = {tag_slug(t): t for p in self.blog.posts for t in p.tags}
            posts = [p for p in self.blog.posts if m.group(1) in {tag_slug(t) for t in p.tags}]
            return self.archive(f"Category: {names.get(m.group(1), '')}", posts)
        if m := _MONTH.match(path):
            posts = [p for p in self.blog.posts if f"{self.local(p.published):%Y/%m}" == f"{m[1]}/{m[2]}"]
            return (
                self.archive(f"Month: {long_date(posts[0].published).split(' ')[0]} {m[1]}", posts)
                if posts
                else None
            )
        return self.route_post(path.lstrip("/"))

    def route_sitemap(self, path: str) -> Resource | None:
        if self.wp_sitemap and path == "/wp-sitemap.xml":
            return feeds.sitemap_index(self, ["wp-sitemap-posts-post-1.xml"])
        if self.wp_sitemap and path == "/wp-sitemap-posts-post-1.xml":
            return feeds.urlset(self)
        if not self.wp_sitemap and path == "/sitemap.xml":
            return feeds.urlset(self, extra=[""])
        return None

    def route_post(self, rel: str) -> Resource | None:
        is_feed = rel.endswith("/feed/")
        post = self.path_of(rel[: -len("feed/")] if is_feed else rel)
        if post is None:
            return None
        if is_feed:
            return feeds.wp_comments_rss(self, post, self.feed_generator)
        headers = {"X-Robots-Tag": post.x_robots} if post.x_robots else {}
        return text_resource(self.post_html(post), last_modified=post.last_activity, headers=headers)

    def home(self, page: int) -> Resource | None:
        pages = max(1, -(-len(self.blog.posts) // self.per_page))
        if page < 1 or page > pages:
            return None
        posts = self.blog.posts[(page - 1) * self.per_page : page * self.per_page]
        return text_resource(self.home_html(posts, page, pages), HTML, last_modified=self.lastmod())

    def archive(self, title: str, posts: list[Post]) -> Resource | None:
        if not posts:
            return None
        return text_resource(self.archive_html(title, posts), HTML, last_modified=self.lastmod())

    # ------------------------------------------------------------------ shared bits of markup
    def feed_links(self, post: Post | None = None) -> str:
        t = esc(self.blog.title)
        out = (
            f'<link rel="alternate" type="application/rss+xml" title="{t} &raquo; Feed" href="{self.url("feed/")}" />\n'
            f'<link rel="alternate" type="application/rss+xml" title="{t} &raquo; Comments Feed" '
            f'href="{self.url("comments/feed/")}" />\n'
        )
        if post is not None:
            out += (
                f'<link rel="alternate" type="application/rss+xml" title="{t} &raquo; {esc(post.title)} Comments Feed" '
                f'href="{self.comment_feed_url(post)}" />\n'
            )
        return out

    def months(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for p in self.blog.posts:
            d = self.local(p.published)
            seen.setdefault(f"{d:%Y/%m}/", f"{d:%B} {d.year}")
        return list(seen.items())

    def categories(self) -> list[tuple[str, str]]:
        names = sorted({t for p in self.blog.posts for t in p.tags}, key=str.lower)
        return [(f"category/{tag_slug(t)}/", t) for t in names]

    def popular(self) -> list[Post]:
        """A stable "popular posts" pick (the oldest three), so comments never change other pages."""
        return sorted(self.blog.posts, key=lambda p: p.published)[:3]

    def comment_form_fields(self, post: Post) -> str:
        return (
            '<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> '
            '<span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>'
            '<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> '
            '<textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>'
            '<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> '
            '<input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required /></p>\n'
            '<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> '
            '<input id="email" name="email" type="email" value="" size="30" maxlength="100" autocomplete="email" required /></p>\n'
            '<p class="comment-form-url"><label for="url">Website</label> '
            '<input id="url" name="url" type="url" value="" size="30" maxlength="200" autocomplete="url" /></p>\n'
            '<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" '
            'type="checkbox" value="yes" /> <label for="wp-comment-cookies-consent">Save my name, email, and website in this '
            "browser for the next time I comment.</label></p>\n"
            '<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /> '
            f"<input type='hidden' name='comment_post_ID' value='{post.id}' id='comment_post_ID' />\n"
            "<input type='hidden' name='comment_parent' id='comment_parent' value='0' />\n</p>"
        )

    # ------------------------------------------------------------------ per theme
    def home_html(self, posts: list[Post], page: int, pages: int) -> str:
        raise NotImplementedError

    def archive_html(self, title: str, posts: list[Post]) -> str:
        raise NotImplementedError

    def post_html(self, post: Post) -> str:
        raise NotImplementedError
