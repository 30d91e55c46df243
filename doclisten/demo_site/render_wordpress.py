"""Self-hosted WordPress with a classic theme (Twenty Sixteen markup)."""

from __future__ import annotations

from .content import Comment, Post
from .render_common import avatar, comment_children, esc, human_date, long_date
from .wordpress import WordPressBase, tag_slug


class ClassicWordPress(WordPressBase):
    feed_items = 5
    rest_enabled = True
    private_pages = True

    # ------------------------------------------------------------------ page frame
    def head(self, title: str, post: Post | None = None, canonical: str | None = None) -> str:
        rest = f'<link rel="https://api.w.org/" href="{self.url("wp-json/")}" />'
        if post is not None:
            rest += (
                f'<link rel="alternate" title="JSON" type="application/json" '
                f'href="{self.url(f"wp-json/wp/v2/posts/{post.id}")}" />'
            )
        links = f'<link rel="canonical" href="{canonical}" />\n' if canonical else ""
        if post is not None:
            links += f"<link rel='shortlink' href='{self.url(f'?p={post.id}')}' />\n"
        return (
            '<!DOCTYPE html>\n<html lang="en-US" class="no-js">\n<head>\n<meta charset="UTF-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<link rel="profile" href="https://gmpg.org/xfn/11">\n'
            f'<link rel="pingback" href="{self.url("xmlrpc.php")}">\n'
            f"<title>{title}</title>\n<meta name='robots' content='max-image-preview:large' />\n"
            f"{self.feed_links(post)}"
            f"<link rel='stylesheet' id='twentysixteen-style-css' href='{self.url('wp-content/themes/twentysixteen/style.css?ver=20231107')}' media='all' />\n"
            f"{rest}\n"
            f'<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{self.url("xmlrpc.php?rsd")}" />\n'
            f'<meta name="generator" content="{self.generator}" />\n{links}</head>\n'
        )

    def masthead(self) -> str:
        menu = "".join(
            f'<li class="menu-item menu-item-type-taxonomy"><a href="{self.url(path)}">{esc(name)}</a></li>'
            for path, name in self.categories()[:4]
        )
        return (
            '<div id="page" class="site">\n<div class="site-inner">\n'
            '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
            '<header id="masthead" class="site-header">\n<div class="site-header-main">\n<div class="site-branding">\n'
            f'<p class="site-title"><a href="{self.base}" rel="home">{esc(self.blog.title)}</a></p>\n'
            f'<p class="site-description">{esc(self.blog.tagline)}</p>\n</div>\n'
            '<div id="site-header-menu" class="site-header-menu">\n'
            '<nav id="site-navigation" class="main-navigation" aria-label="Primary Menu">'
            f'<div class="menu-primary-container"><ul id="menu-primary" class="primary-menu">'
            f'<li class="menu-item menu-item-home"><a href="{self.base}">Home</a></li>{menu}</ul></div></nav>\n'
            "</div>\n</div>\n</header>\n"
            '<div id="content" class="site-content">\n<div id="primary" class="content-area">\n<main id="main" class="site-main">\n'
        )

    def sidebar_and_footer(self) -> str:
        recent = "".join(
            f'<li><a href="{self.post_url(p)}">{esc(p.title)}</a></li>' for p in self.blog.posts[:5]
        )
        popular = "".join(
            f'<li><a href="{self.tracked(p)}" class="bump-view" data-bump-view="tp">{esc(p.title)}</a></li>'
            for p in self.popular()
        )
        months = "".join(f'<li><a href="{self.url(path)}">{label}</a></li>' for path, label in self.months())
        cats = "".join(
            f'<li class="cat-item"><a href="{self.url(path)}">{esc(name)}</a></li>'
            for path, name in self.categories()
        )
        return (
            "</main>\n</div>\n"
            '<aside id="secondary" class="sidebar widget-area">\n'
            f'<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{self.base}">'
            '<label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" '
            'placeholder="Search &hellip;" value="" name="s" /></label><button type="submit" class="search-submit">'
            '<span class="screen-reader-text">Search</span></button></form></section>\n'
            '<section id="blog_subscription-2" class="widget widget_blog_subscription jetpack_subscription_widget">'
            '<h2 class="widget-title">Follow Blog via Email</h2><form action="#" method="post" id="subscribe-blog">'
            "<p>Enter your email address to follow this blog and receive notifications of new posts by email.</p>"
            '<p><input type="email" name="email" placeholder="Email Address" /></p>'
            '<p><button type="submit" name="jetpack_subscriptions_widget">Follow</button></p></form></section>\n'
            f'<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>\n'
            f'<section id="top-posts-2" class="widget widget_top-posts"><h2 class="widget-title">Popular on Twitter</h2><ul>{popular}</ul></section>\n'
            f'<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul>{months}</ul></section>\n'
            f'<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>{cats}</ul></section>\n'
            '<section id="meta-2" class="widget widget_meta"><h2 class="widget-title">Meta</h2><ul>'
            f'<li><a href="{self.url("wp-login.php")}">Log in</a></li><li><a href="{self.url("feed/")}">Entries feed</a></li>'
            f'<li><a href="{self.url("comments/feed/")}">Comments feed</a></li><li><a href="https://wordpress.org/">WordPress.org</a></li>'
            "</ul></section>\n</aside>\n</div>\n"
            '<footer id="colophon" class="site-footer">\n<div class="site-info">'
            f'<span class="site-title"><a href="{self.base}" rel="home">{esc(self.blog.title)}</a></span>\n'
            '<a href="https://wordpress.org/" class="imprint">Proudly powered by WordPress</a>\n</div>\n</footer>\n'
            "</div>\n</div>\n</body>\n</html>\n"
        )

    # ------------------------------------------------------------------ entries
    def entry(self, post: Post, single: bool) -> str:
        url = self.post_url(post)
        classes = " ".join(f"category-{tag_slug(t)}" for t in post.tags)
        title = (
            f'<h1 class="entry-title">{esc(post.title)}</h1>'
            if single
            else f'<h2 class="entry-title"><a href="{url}" rel="bookmark">{esc(post.title)}</a></h2>'
        )
        body = self.body_html(post)
        if not single:
            body = f"<p>{esc(self.excerpt(post, 40))}</p>\n" + (
                f'<p><a href="{url}#more-{post.id}" class="more-link">Continue reading<span class="screen-reader-text"> '
                f"&#8220;{esc(post.title)}&#8221;</span></a></p>"
            )
        cats = ", ".join(
            f'<a href="{self.url(f"category/{tag_slug(t)}/")}" rel="category tag">{esc(t)}</a>'
            for t in post.tags
        )
        updated = self.local(post.updated)
        return (
            f'<article id="post-{post.id}" class="post-{post.id} post type-post status-publish format-standard hentry {classes}">\n'
            f'<header class="entry-header">{title}</header>\n'
            f'<div class="entry-content">\n{body}\n</div><!-- .entry-content -->\n'
            '<footer class="entry-footer"><span class="byline"><span class="author vcard">'
            f"<img alt='' src='{avatar(post.author, 49)}' class='avatar avatar-49 photo' height='49' width='49' />"
            f'<span class="screen-reader-text">Author </span> <a class="url fn n" href="{self.url("author/" + tag_slug(post.author) + "/")}">'
            f"{esc(post.author)}</a></span></span>"
            f'<span class="posted-on"><span class="screen-reader-text">Posted on </span><a href="{url}" rel="bookmark">'
            f'<time class="entry-date published" datetime="{self.iso(post.published)}">{long_date(self.local(post.published))}</time>'
            f'<time class="updated" datetime="{updated.isoformat()}">{long_date(updated)}</time></a></span>'
            f'<span class="cat-links"><span class="screen-reader-text">Categories </span>{cats}</span>'
            f'<span class="comments-link"><a href="{url}#respond">Leave a comment<span class="screen-reader-text"> on {esc(post.title)}</span></a></span>'
            "</footer>\n</article>\n"
        )

    def comment_html(self, post: Post, c: Comment, children: dict, depth: int) -> str:
        url = self.post_url(post)
        name = esc(c.author)
        fn = (
            f'<a href="{esc(c.author_url)}" class="url" rel="ugc external nofollow">{name}</a>'
            if c.author_url
            else name
        )
        kids = children.get(c.id, [])
        nested = "".join(self.comment_html(post, k, children, depth + 1) for k in kids)
        by_author = " bypostauthor" if c.author == post.author else ""
        return (
            f'<li id="comment-{c.id}" class="comment{by_author} depth-{depth}{" parent" if kids else ""}">\n'
            f'<article id="div-comment-{c.id}" class="comment-body">\n<footer class="comment-meta">\n'
            f"<div class=\"comment-author vcard\"><img alt='' src='{avatar(c.author, 42)}' class='avatar avatar-42 photo' height='42' width='42' loading='lazy' />"
            f'<b class="fn">{fn}</b> <span class="says">says:</span></div>\n'
            f'<div class="comment-metadata"><a href="{url}#comment-{c.id}"><time datetime="{self.iso(c.published)}">'
            f"{human_date(self.local(c.published))}</time></a></div>\n</footer>\n"
            '<div class="comment-content">' + "".join(f"<p>{esc(p)}</p>\n" for p in c.paragraphs) + "</div>\n"
            f"<div class=\"reply\"><a rel='nofollow' class='comment-reply-link' href='{url}?replytocom={c.id}#respond' "
            f'data-commentid="{c.id}" data-postid="{post.id}" data-belowelement="div-comment-{c.id}" data-respondelement="respond" '
            f"aria-label='Reply to {name}'>Reply</a></div>\n</article>\n"
            + (f'<ol class="children">\n{nested}</ol>\n' if nested else "")
            + "</li>\n"
        )

    def ping_html(self, c: Comment) -> str:
        """A pingback as ``Walker_Comment::ping`` prints it (``comment_class()`` says ``pingback``)."""
        link = (
            f'<a href="{esc(c.author_url or "")}" class="url" rel="ugc external nofollow">{esc(c.author)}</a>'
        )
        return (
            f'<li id="comment-{c.id}" class="{c.kind} even thread-even depth-1">\n'
            f'<div class="comment-body">\nPingback: {link} </div>\n</li>\n'
        )

    def comments_area(self, post: Post) -> str:
        url = self.post_url(post)
        children = comment_children(post.comments)
        listing = ""
        if post.comments or post.pings:
            n = len(post.comments) + len(post.pings)  # get_comments_number() counts pingbacks too
            heading = (
                f"One thought on &ldquo;{esc(post.title)}&rdquo;"
                if n == 1
                else f"{n} thoughts on &ldquo;{esc(post.title)}&rdquo;"
            )
            top = sorted([*children.get(None, []), *post.pings], key=lambda c: c.published)
            items = "".join(
                self.ping_html(c) if c.kind != "comment" else self.comment_html(post, c, children, 1)
                for c in top
            )
            listing = f'<h2 class="comments-title">{heading}</h2>\n<ol class="comment-list">\n{items}</ol><!-- .comment-list -->\n'
        return (
            f'<div id="comments" class="comments-area">\n{listing}'
            '<div id="respond" class="comment-respond">\n<h2 id="reply-title" class="comment-reply-title">Leave a Reply '
            f'<small><a rel="nofollow" id="cancel-comment-reply-link" href="{url}#respond" style="display:none;">Cancel reply</a></small></h2>'
            f'<form action="{self.url("wp-comments-post.php")}" method="post" id="commentform" class="comment-form" novalidate>'
            f"{self.comment_form_fields(post)}</form>\n</div><!-- #respond -->\n</div><!-- .comments-area -->\n"
        )

    def post_nav(self, post: Post) -> str:
        i = self.blog.posts.index(post)
        newer = self.blog.posts[i - 1] if i > 0 else None
        older = self.blog.posts[i + 1] if i + 1 < len(self.blog.posts) else None
        links = ""
        if older:
            links += f'<div class="nav-previous"><a href="{self.post_url(older)}" rel="prev"><span class="meta-nav">Previous</span> <span class="post-title">{esc(older.title)}</span></a></div>'
        if newer:
            links += f'<div class="nav-next"><a href="{self.post_url(newer)}" rel="next"><span class="meta-nav">Next</span> <span class="post-title">{esc(newer.title)}</span></a></div>'
        return f'<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">{links}</div></nav>\n'

    # ------------------------------------------------------------------ pages
    def post_html(self, post: Post) -> str:
        url = self.post_url(post)
        classes = f"post-template-default single single-post postid-{post.id} single-format-standard"
        return (
            self.head(f"{esc(post.title)} &#8211; {esc(self.blog.title)}", post, url)
            + f'<body class="{classes}">\n'
            + self.masthead()
            + self.entry(post, single=True)
            + self.comments_area(post)
            + self.post_nav(post)
            + self.sidebar_and_footer()
        )

    def listing(self, posts: list[Post], nav: str, body_class: str, title: str, canonical: str | None) -> str:
        entries = "".join(self.entry(p, single=False) for p in posts)
        return (
            self.head(title, canonical=canonical)
            + f'<body class="{body_class}">\n'
            + self.masthead()
            + entries
            + nav
            + self.sidebar_and_footer()
        )

    def home_html(self, posts: list[Post], page: int, pages: int) -> str:
        links = ""
        if page < pages:
            links += (
                f'<div class="nav-previous"><a href="{self.url(f"page/{page + 1}/")}">Older posts</a></div>'
            )
        if page > 1:
            newer = self.base if page == 2 else self.url(f"page/{page - 1}/")
            links += f'<div class="nav-next"><a href="{newer}">Newer posts</a></div>'
        nav = f'<nav class="navigation posts-navigation" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2><div class="nav-links">{links}</div></nav>\n'
        title = esc(self.blog.title) + (
            f" &#8211; Page {page}" if page > 1 else f" &#8211; {esc(self.blog.tagline)}"
        )
        canonical = self.base if page == 1 else self.url(f"page/{page}/")
        body_class = "home blog" + (f" paged paged-{page}" if page > 1 else "")
        return self.listing(posts, nav, body_class, title, canonical)

    def archive_html(self, title: str, posts: list[Post]) -> str:
        header = f'<header class="page-header"><h1 class="page-title">{esc(title)}</h1></header>\n'
        return self.listing(
            posts, "", "archive", f"{esc(title)} &#8211; {esc(self.blog.title)}", None
        ).replace('<main id="main" class="site-main">\n', '<main id="main" class="site-main">\n' + header, 1)
