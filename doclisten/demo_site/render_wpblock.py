"""Self-hosted WordPress with a block theme (Twenty Twenty-Four markup); the REST API is disabled."""

from __future__ import annotations

from .content import Comment, Post
from .render_common import avatar, comment_children, esc, human_date, long_date
from .wordpress import WordPressBase, tag_slug

_LAYOUT = "has-global-padding is-layout-constrained wp-block-group-is-layout-constrained"


def robots_meta(post: Post | None) -> str:
    """A post's own robots meta tag, as Yoast SEO prints it for a post set to "noindex" (Advanced tab)."""
    if post is None or not post.robots:
        return ""
    return f'<meta name="robots" content="{esc(post.robots)}" />\n'


class BlockWordPress(WordPressBase):
    feed_items = 10
    rest_enabled = False
    permalink_dates = False
    generator = "WordPress 6.5.2"
    feed_generator = "https://wordpress.org/?v=6.5.2"

    def page(
        self, title: str, body_class: str, main: str, post: Post | None = None, canonical: str | None = None
    ) -> str:
        links = f'<link rel="canonical" href="{canonical}" />\n' if canonical else ""
        if post is not None:
            links += f"<link rel='shortlink' href='{self.url(f'?p={post.id}')}' />\n"
        nav = "".join(
            f'<li class="wp-block-navigation-item wp-block-navigation-link"><a class="wp-block-navigation-item__content" '
            f'href="{self.url(path)}"><span class="wp-block-navigation-item__label">{esc(name)}</span></a></li>'
            for path, name in self.categories()[:3]
        )
        return (
            '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8" />\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
            f"<title>{title}</title>\n{robots_meta(post)}{self.feed_links(post)}"
            f"<link rel='stylesheet' id='wp-block-library-css' href='{self.url('wp-includes/css/dist/block-library/style.min.css?ver=6.5.2')}' media='all' />\n"
            f'<meta name="generator" content="{self.generator}" />\n{links}</head>\n'
            f'<body class="{body_class} wp-embed-responsive">\n<div class="wp-site-blocks">\n'
            '<header class="wp-block-template-part"><div class="wp-block-group alignwide is-layout-flex">'
            f'<p class="wp-block-site-title"><a href="{self.base}" target="_self" rel="home">{esc(self.blog.title)}</a></p>'
            f'<p class="wp-block-site-tagline">{esc(self.blog.tagline)}</p>'
            '<nav class="is-responsive items-justified-right wp-block-navigation is-layout-flex" aria-label="Header navigation">'
            f'<ul class="wp-block-navigation__container">{nav}</ul></nav></div></header>\n'
            f'<main class="wp-block-group {_LAYOUT}" style="margin-top:var(--wp--preset--spacing--50)">\n{main}</main>\n'
            + self.footer()
            + "</div>\n</body>\n</html>\n"
        )

    def footer(self) -> str:
        latest = "".join(
            f'<li><a class="wp-block-latest-posts__post-title" href="{self.post_url(p)}">{esc(p.title)}</a></li>'
            for p in self.blog.posts[:5]
        )
        popular = "".join(f'<li><a href="{self.tracked(p)}">{esc(p.title)}</a></li>' for p in self.popular())
        months = "".join(f'<li><a href="{self.url(path)}">{label}</a></li>' for path, label in self.months())
        cats = "".join(
            f'<li class="cat-item"><a href="{self.url(path)}">{esc(name)}</a></li>'
            for path, name in self.categories()
        )
        return (
            '<footer class="wp-block-template-part"><div class="wp-block-group alignwide has-global-padding">'
            '<div class="wp-block-columns is-layout-flex">'
            f'<div class="wp-block-column"><h2 class="wp-block-heading">Latest posts</h2><ul class="wp-block-latest-posts__list wp-block-latest-posts">{latest}</ul></div>'
            f'<div class="wp-block-column"><h2 class="wp-block-heading">Most shared</h2><ul class="wp-block-list">{popular}</ul></div>'
            f'<div class="wp-block-column"><h2 class="wp-block-heading">Archives</h2><ul class="wp-block-archives-list wp-block-archives">{months}</ul></div>'
            f'<div class="wp-block-column"><h2 class="wp-block-heading">Topics</h2><ul class="wp-block-categories-list wp-block-categories">{cats}</ul></div>'
            '<div class="wp-block-column"><div class="wp-block-jetpack-subscriptions__container"><h2 class="wp-block-heading">Follow blog via email</h2>'
            '<form action="#" method="post"><p>Get new posts delivered to your inbox.</p><input type="email" name="email" placeholder="Type your email…" required />'
            '<button type="submit" class="wp-block-button__link">Subscribe</button></form></div></div>'
            "</div>"
            '<p class="has-small-font-size">Designed with <a href="https://wordpress.org" rel="nofollow">WordPress</a></p>'
            "</div></footer>\n"
        )

    def meta_line(self, post: Post) -> str:
        cats = "".join(
            f'<a href="{self.url(f"category/{tag_slug(t)}/")}" rel="tag">{esc(t)}</a>' for t in post.tags[:2]
        )
        return (
            '<div class="wp-block-group is-layout-flex" style="font-style:normal">'
            f'<div class="wp-block-post-date"><time datetime="{self.iso(post.published)}">'
            f'<a href="{self.post_url(post)}">{long_date(self.local(post.published))}</a></time></div>'
            '<p class="has-contrast-2-color">—</p><p>by</p>'
            f'<div class="wp-block-post-author-name"><a href="{self.url("author/" + tag_slug(post.author) + "/")}" target="_self" '
            f'class="wp-block-post-author-name__link">{esc(post.author)}</a></div>'
            f'<p>in</p><div class="taxonomy-category wp-block-post-terms">{cats}</div></div>\n'
        )

    def comment_html(self, post: Post, c: Comment, children: dict, depth: int) -> str:
        url = self.post_url(post)
        name = esc(c.author)
        author = (
            f'<a rel="external nofollow ugc" href="{esc(c.author_url)}" target="_self">{name}</a>'
            if c.author_url
            else name
        )
        kids = "".join(self.comment_html(post, k, children, depth + 1) for k in children.get(c.id, []))
        return (
            f'<li id="comment-{c.id}" class="{c.kind} depth-{depth}">\n'
            '<div class="wp-block-group is-layout-flow"><div class="wp-block-columns is-layout-flex">'
            f'<div class="wp-block-column is-vertically-aligned-top" style="flex-basis:40px"><div class="wp-block-avatar">'
            f'<img alt="{name} Avatar" src="{avatar(c.author, 40)}" class="avatar avatar-40 photo wp-block-avatar__image" width="40" height="40" /></div></div>'
            '<div class="wp-block-column">'
            f'<div class="wp-block-comment-author-name has-small-font-size">{author}</div>'
            '<div class="wp-block-group is-layout-flex" style="margin-top:0px;margin-bottom:0px">'
            f'<div class="wp-block-comment-date has-small-font-size"><time datetime="{self.iso(c.published)}">'
            f'<a href="{url}#comment-{c.id}">{human_date(self.local(c.published))}</a></time></div></div>'
            '<div class="wp-block-comment-content">'
            + "".join(f"<p>{esc(p)}</p>" for p in c.paragraphs)
            + "</div>"
            f"<div class=\"wp-block-comment-reply-link has-small-font-size\"><a rel='nofollow' class='comment-reply-link' "
            f'href=\'{url}?replytocom={c.id}#respond\' data-commentid="{c.id}" data-postid="{post.id}" '
            f"aria-label='Reply to {name}'>Reply</a></div>"
            "</div></div></div>\n" + (f'<ol class="children">\n{kids}</ol>\n' if kids else "") + "</li>\n"
        )

    def comments_block(self, post: Post) -> str:
        url = self.post_url(post)
        children = comment_children(post.comments)
        listing = ""
        if post.comments or post.pings:
            n = len(post.comments) + len(post.pings)  # get_comments_number() counts pingbacks too
            title = (
                f"One response to “{esc(post.title)}”" if n == 1 else f"{n} responses to “{esc(post.title)}”"
            )
            top = sorted([*children.get(None, []), *post.pings], key=lambda c: c.published)
            items = "".join(self.comment_html(post, c, children, 1) for c in top)
            listing = f'<h3 id="comments" class="wp-block-comments-title">{title}</h3>\n<ol class="wp-block-comment-template">\n{items}</ol>\n'
        return (
            f'<div class="wp-block-comments wp-block-group alignwide {_LAYOUT}">\n'
            f'<h2 class="wp-block-heading has-x-large-font-size">Comments</h2>\n{listing}'
            '<div id="respond" class="comment-respond wp-block-post-comments-form">\n<h3 id="reply-title" class="comment-reply-title">Leave a Reply '
            f'<small><a rel="nofollow" id="cancel-comment-reply-link" href="{url}#respond" style="display:none;">Cancel reply</a></small></h3>'
            f'<form action="{self.url("wp-comments-post.php")}" method="post" id="commentform" class="comment-form" novalidate>'
            f"{self.comment_form_fields(post)}</form>\n</div>\n</div>\n"
        )

    def post_html(self, post: Post) -> str:
        main = (
            f'<div class="wp-block-group alignfull {_LAYOUT}"><h1 class="wp-block-post-title">{esc(post.title)}</h1>\n'
            + self.meta_line(post)
            + "</div>\n"
            f'<div class="entry-content alignfull wp-block-post-content {_LAYOUT}">\n{self.body_html(post)}\n</div>\n'
            + self.comments_block(post)
        )
        body_class = f"post-template-default single single-post postid-{post.id} single-format-standard"
        return self.page(
            f"{esc(post.title)} &#8211; {esc(self.blog.title)}", body_class, main, post, self.post_url(post)
        )

    def query_loop(self, posts: list[Post], pagination: str = "") -> str:
        items = "".join(
            f'<li class="wp-block-post post-{p.id} post type-post status-publish format-standard hentry">'
            f'<h2 class="wp-block-post-title has-x-large-font-size"><a href="{self.post_url(p)}" target="_self">{esc(p.title)}</a></h2>'
            f'<div class="wp-block-post-excerpt"><p class="wp-block-post-excerpt__excerpt">{esc(self.excerpt(p, 30))}</p>'
            f'<p class="wp-block-post-excerpt__more-text"><a class="wp-block-post-excerpt__more-link" href="{self.post_url(p)}">Read more</a></p></div>'
            f'<div class="wp-block-post-date"><time datetime="{self.iso(p.published)}">{long_date(self.local(p.published))}</time></div></li>\n'
            for p in posts
        )
        return f'<div class="wp-block-query alignwide"><ul class="wp-block-post-template">\n{items}</ul>\n{pagination}</div>\n'

    def home_html(self, posts: list[Post], page: int, pages: int) -> str:
        nav = ""
        if page > 1:
            prev = self.base if page == 2 else self.url(f"page/{page - 1}/")
            nav += f'<a href="{prev}" class="wp-block-query-pagination-previous">Newer Posts</a>'
        if page < pages:
            nav += f'<a href="{self.url(f"page/{page + 1}/")}" class="wp-block-query-pagination-next">Older Posts</a>'
        pagination = (
            f'<nav class="wp-block-query-pagination is-layout-flex" aria-label="Pagination">{nav}</nav>'
        )
        canonical = self.base if page == 1 else self.url(f"page/{page}/")
        body_class = "home blog" + (f" paged paged-{page}" if page > 1 else "")
        heading = '<h1 class="wp-block-heading alignwide">Blog</h1>\n'
        return self.page(
            esc(self.blog.title), body_class, heading + self.query_loop(posts, pagination), None, canonical
        )

    def archive_html(self, title: str, posts: list[Post]) -> str:
        heading = f'<h1 class="wp-block-query-title">{esc(title)}</h1>\n'
        return self.page(
            f"{esc(title)} &#8211; {esc(self.blog.title)}", "archive", heading + self.query_loop(posts)
        )
