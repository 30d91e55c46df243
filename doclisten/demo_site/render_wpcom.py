"""A WordPress.com-hosted blog: Jetpack sharing/likes/related posts, highlander comment form, no REST."""

from __future__ import annotations

from .content import Comment, Post
from .render_common import avatar, comment_children, esc, human_date, long_date
from .wordpress import WordPressBase, tag_slug

_SHARE = ("twitter", "Twitter"), ("facebook", "Facebook"), ("email", "Email")


class WordPressCom(WordPressBase):
    feed_items = 10
    rest_enabled = False
    wp_sitemap = False
    generator = "WordPress.com"
    feed_generator = "http://wordpress.com/"

    def frame(
        self,
        title: str,
        body_class: str,
        content: str,
        post: Post | None = None,
        canonical: str | None = None,
    ) -> str:
        links = f'<link rel="canonical" href="{canonical}" />\n' if canonical else ""
        if post is not None:
            links += f"<link rel='shortlink' href='https://wp.me/p4x9Qz-{post.id}' />\n"
        pages = "".join(
            f'<li class="cat-item"><a href="{self.url(path)}">{esc(name)}</a></li>'
            for path, name in self.categories()
        )
        recent = "".join(
            f'<li><a href="{self.post_url(p)}">{esc(p.title)}</a></li>' for p in self.blog.posts[:5]
        )
        top = "".join(
            f'<li><a href="{self.tracked(p)}" class="bump-view">{esc(p.title)}</a></li>'
            for p in self.popular()
        )
        months = "".join(f'<li><a href="{self.url(path)}">{label}</a></li>' for path, label in self.months())
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="UTF-8" />\n'
            f"<title>{title}</title>\n{self.feed_links(post)}"
            f'<meta name="generator" content="{self.generator}" />\n{links}'
            "<link rel='stylesheet' id='highlander-comments-css' href='https://s0.wp.com/wp-content/mu-plugins/highlander-comments/style.css' media='all' />\n"
            f'<link rel="search" type="application/opensearchdescription+xml" href="{self.url("osd.xml")}" title="{esc(self.blog.title)}" />\n'
            f'</head>\n<body class="{body_class} highlander-enabled highlander-light">\n<div id="wrapper" class="hfeed">\n'
            '<div id="header"><div id="masthead"><div id="branding" role="banner">'
            f'<div id="site-title"><span><a href="{self.base}" title="{esc(self.blog.title)}" rel="home">{esc(self.blog.title)}</a></span></div>'
            f'<div id="site-description">{esc(self.blog.tagline)}</div></div>'
            f'<div id="access" role="navigation"><div class="menu"><ul><li class="current_page_item"><a href="{self.base}">Home</a></li>'
            f'<li class="page_item"><a href="{self.url("about/")}">About</a></li></ul></div></div></div></div>\n'
            f'<div id="main"><div id="container"><div id="content" role="main">\n{content}</div></div>\n'
            '<div id="primary" class="widget-area" role="complementary"><ul class="xoxo">'
            '<li id="blog_subscription-3" class="widget-container widget_blog_subscription jetpack_subscription_widget">'
            '<h3 class="widget-title"><label for="subscribe-field">Follow Blog via Email</label></h3>'
            '<form action="https://subscribe.wordpress.com" method="post" accept-charset="utf-8" id="subscribe-blog">'
            "<p>Enter your email address to follow this blog and receive notifications of new posts by email.</p>"
            '<p><input type="text" name="email" id="subscribe-field" placeholder="Email Address" /></p>'
            '<p><input type="submit" value="Follow" /></p></form></li>'
            f'<li class="widget-container widget_recent_entries"><h3 class="widget-title">Recent Posts</h3><ul>{recent}</ul></li>'
            f'<li class="widget-container widget_top-posts"><h3 class="widget-title">Top Posts &amp; Pages</h3><ul>{top}</ul></li>'
            f'<li class="widget-container widget_archive"><h3 class="widget-title">Archives</h3><ul>{months}</ul></li>'
            f'<li class="widget-container widget_categories"><h3 class="widget-title">Categories</h3><ul>{pages}</ul></li>'
            "</ul></div></div>\n"
            '<div id="footer" role="contentinfo"><div id="colophon"><div id="site-generator">'
            '<a href="https://wordpress.com/?ref=footer_blog" rel="nofollow">Blog at WordPress.com.</a></div></div></div>\n'
            '<div id="actionbar" class="actnbr-hidden"><ul><li class="actnbr-btn actnbr-hidden"><a class="actnbr-action actnbr-actn-follow" href="">'
            "<span>Follow</span></a></li></ul></div>\n</div>\n</body>\n</html>\n"
        )

    def flair(self, post: Post) -> str:
        url = self.post_url(post)
        buttons = "".join(
            f'<li class="share-{k}"><a rel="nofollow noopener noreferrer" data-shared="sharing-{k}-{post.id}" '
            f'class="share-{k} sd-button share-icon" href="{url}?share={k}&amp;nb=1" target="_blank" '
            f'title="Click to share on {label}"><span>{label}</span></a></li>'
            for k, label in _SHARE
        )
        likes = post.id % 7 + 2
        related = [p for p in self.blog.posts if p is not post][:3]
        rel_items = "".join(
            f'<p class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-id="{p.id}" data-post-format="false">'
            f'<span class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{self.post_url(p)}?relatedposts_hit=1&amp;relatedposts_origin={post.id}&amp;relatedposts_position={i}" '
            f'title="{esc(p.title)}" data-origin="{post.id}" data-position="{i}">{esc(p.title)}</a></span>'
            f'<span class="jp-relatedposts-post-date">{long_date(p.published)}</span>'
            f'<span class="jp-relatedposts-post-context">In &quot;{esc(p.tags[0] if p.tags else "Uncategorized")}&quot;</span></p>'
            for i, p in enumerate(related)
        )
        return (
            '<div id="jp-post-flair" class="sharedaddy sd-like-enabled sd-sharing-enabled">'
            '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">'
            f'<h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>{buttons}<li class="share-end"></li></ul></div></div></div>'
            f"<div class='sharedaddy sd-block sd-like jetpack-likes-widget-wrapper' id='like-post-wrapper-69514471-{post.id}'>"
            "<h3 class=\"sd-title\">Like this:</h3><div class='likes-widget-placeholder post-likes-widget-placeholder'>"
            "<span class='button'><span>Like</span></span> <span class='loading'>Loading...</span></div>"
            f"<span class='sd-text-color'>{likes} bloggers like this:</span><a class='sd-link-color'></a></div>"
            '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>'
            f'<div class="jp-relatedposts-items jp-relatedposts-items-minimal">{rel_items}</div></div>'
            "</div>"
        )

    def entry(self, post: Post, single: bool) -> str:
        url = self.post_url(post)
        cats = ", ".join(
            f'<a href="{self.url(f"category/{tag_slug(t)}/")}" rel="category tag">{esc(t)}</a>'
            for t in post.tags
        )
        title = (
            f'<h1 class="entry-title">{esc(post.title)}</h1>'
            if single
            else f'<h2 class="entry-title"><a href="{url}" rel="bookmark">{esc(post.title)}</a></h2>'
        )
        body = self.body_html(post) if single else f"<p>{esc(self.excerpt(post, 45))}</p>"
        more = (
            ""
            if single
            else f'<a href="{url}#more-{post.id}" class="more-link">Continue reading <span class="meta-nav">&rarr;</span></a>'
        )
        return (
            f'<div id="post-{post.id}" class="post-{post.id} post type-post status-publish format-standard hentry">\n{title}\n'
            f'<div class="entry-meta"><span class="meta-prep meta-prep-author">Posted on</span> <a href="{url}" rel="bookmark">'
            f'<span class="entry-date">{long_date(post.published)}</span></a> <span class="meta-sep">by</span> '
            f'<span class="author vcard"><a class="url fn n" href="{self.url("author/" + tag_slug(post.author) + "/")}" '
            f'title="View all posts by {esc(post.author)}">{esc(post.author)}</a></span></div>\n'
            f'<div class="entry-content">\n{body}{more}\n{self.flair(post) if single else ""}\n</div>\n'
            f'<div class="entry-utility">This entry was posted in {cats}. Bookmark the <a href="{url}" rel="bookmark">permalink</a>. '
            f'<span class="comments-link"><a href="{url}#respond">Leave a comment</a></span></div>\n</div>\n'
        )

    def comment_html(self, post: Post, c: Comment, children: dict, depth: int) -> str:
        url = self.post_url(post)
        name = esc(c.author)
        fn = (
            f"<a href='{esc(c.author_url)}' rel='external nofollow ugc' class='url'>{name}</a>"
            if c.author_url
            else name
        )
        kids = "".join(self.comment_html(post, k, children, depth + 1) for k in children.get(c.id, []))
        return (
            f'<li class="comment depth-{depth} highlander-comment" id="comment-{c.id}">\n'
            f'<div id="div-comment-{c.id}" class="comment-body">\n'
            f"<div class=\"comment-author vcard\"><img alt='' src='{avatar(c.author, 40)}' class='avatar avatar-40' height='40' width='40' />"
            f'<cite class="fn">{fn}</cite> <span class="says">says:</span></div>\n'
            f'<div class="comment-meta commentmetadata"><a href="{url}#comment-{c.id}">{human_date(c.published)}</a></div>\n'
            '<div class="comment-content">' + "".join(f"<p>{esc(p)}</p>\n" for p in c.paragraphs) + "</div>\n"
            f'<p id="comment-like-{c.id}" class="comment-likes comment-not-liked"><a href="{url}?like_comment={c.id}&amp;_wpnonce=3f1c9e2a7b" '
            f'class="comment-like-link needs-login" rel="nofollow"><span>Like</span></a><span id="comment-like-count-{c.id}" class="comment-like-feedback">Like</span></p>\n'
            f"<div class=\"reply\"><a rel='nofollow' class='comment-reply-link' href='{url}?replytocom={c.id}#respond' "
            f'data-commentid="{c.id}" data-postid="{post.id}" aria-label=\'Reply to {name}\'>Reply</a></div>\n</div>\n'
            + (f'<ul class="children">\n{kids}</ul>\n' if kids else "")
            + "</li>\n"
        )

    def highlander_form(self, post: Post) -> str:
        url = self.post_url(post)
        return (
            '<div id="respond" class="comment-respond highlander-comment">\n<h3 id="reply-title" class="comment-reply-title">Leave a Reply '
            f'<small><a rel="nofollow" id="cancel-comment-reply-link" href="{url}#respond" style="display:none;">Cancel reply</a></small></h3>'
            f'<form action="{self.url("wp-comments-post.php")}" method="post" id="commentform" class="comment-form">'
            '<input type="hidden" id="highlander_comment_nonce" name="highlander_comment_nonce" value="8e1f0c2d4a" />'
            '<div class="comment-form-field comment-textarea"><label for="comment">Enter your comment here...</label>'
            '<div id="comment-form-comment"><textarea id="comment" name="comment" title="Enter your comment here..."></textarea></div></div>'
            '<div id="comment-form-identity"><div id="comment-form-nascar"><p>Fill in your details below or click an icon to log in:</p>'
            '<ul><li class="selected" style="display:none;"><a href="#comment-form-guest" id="postas-guest" class="comment-form-service-guest">Guest</a></li>'
            '<li><a href="https://wordpress.com/log-in" id="postas-wordpress" class="comment-form-service-wordpress">WordPress.com</a></li></ul></div>'
            '<div id="comment-form-guest" class="comment-form-service selected"><div class="comment-form-fields">'
            '<div class="comment-form-field comment-form-email"><label for="email">Email <span class="required">(required)</span> '
            '<span class="nopublish">(Address never made public)</span></label><div class="comment-form-input"><input id="email" name="email" type="email" value="" /></div></div>'
            '<div class="comment-form-field comment-form-author"><label for="author">Name <span class="required">(required)</span></label>'
            '<div class="comment-form-input"><input id="author" name="author" type="text" value="" /></div></div></div></div>'
            '<div id="comment-form-wordpress" class="comment-form-service"><div class="comment-form-posting-as">'
            '<p class="comment-form-posting-as-text">You are commenting using your WordPress.com account. '
            '<span class="comment-form-log-out">(&nbsp;<a href="javascript:HighlanderComments.doExternalLogout( \'wordpress\' );">Log&nbsp;Out</a>&nbsp;/&nbsp;'
            '<a href="#" onclick="javascript:HighlanderComments.switchAccount();return false;">Change</a>&nbsp;)</span></p></div></div>'
            '<div id="comment-form-load-service" class="comment-form-service"><div class="comment-form-posting-as-cancel">'
            '<a href="javascript:HighlanderComments.cancelExternalWindow();">Cancel</a></div><p>Connecting to %s</p></div></div>'
            '<div id="comment-form-subscribe"><p class="comment-subscription-form"><input type="checkbox" name="subscribe" id="subscribe" value="subscribe" /> '
            '<label class="subscribe-label" id="subscribe-label" for="subscribe">Notify me of new comments via email.</label></p>'
            '<p class="post-subscription-form"><input type="checkbox" name="subscribe_blog" id="subscribe_blog" value="subscribe" /> '
            '<label class="subscribe-label" id="subscribe-blog-label" for="subscribe_blog">Notify me of new posts via email.</label></p></div>'
            '<p class="form-submit"><input name="submit" type="submit" id="comment-submit" class="submit" value="Post Comment" /> '
            f"<input type='hidden' name='comment_post_ID' value='{post.id}' id='comment_post_ID' />"
            "<input type='hidden' name='comment_parent' id='comment_parent' value='0' /></p></form>\n</div>\n"
        )

    def post_html(self, post: Post) -> str:
        children = comment_children(post.comments)
        comments = ""
        if post.comments:
            n = len(post.comments)
            label = "One Response" if n == 1 else f"{n} Responses"
            items = "".join(self.comment_html(post, c, children, 1) for c in children.get(None, []))
            comments = f'<h3 id="comments-title">{label} to <em>{esc(post.title)}</em></h3>\n<ol class="commentlist">\n{items}</ol>\n'
        content = (
            self.entry(post, single=True)
            + f'<div id="comments">\n{comments}{self.highlander_form(post)}</div>\n'
        )
        body_class = f"post-template-default single single-post postid-{post.id} single-format-standard"
        return self.frame(
            f"{esc(post.title)} | {esc(self.blog.title)}", body_class, content, post, self.post_url(post)
        )

    def home_html(self, posts: list[Post], page: int, pages: int) -> str:
        links = []
        if page > 1:
            prev = self.base if page == 2 else self.url(f"page/{page - 1}/")
            links.append(f'<a class="prev page-numbers" href="{prev}">&larr; Newer posts</a>')
        for n in range(1, pages + 1):
            href = self.base if n == 1 else self.url(f"page/{n}/")
            links.append(
                f'<span aria-current="page" class="page-numbers current">{n}</span>'
                if n == page
                else f'<a class="page-numbers" href="{href}">{n}</a>'
            )
        if page < pages:
            links.append(
                f'<a class="next page-numbers" href="{self.url(f"page/{page + 1}/")}">Older posts &rarr;</a>'
            )
        nav = f'<nav class="navigation pagination" aria-label="Posts"><div class="nav-links">{"".join(links)}</div></nav>\n'
        canonical = self.base if page == 1 else self.url(f"page/{page}/")
        content = "".join(self.entry(p, single=False) for p in posts) + nav
        return self.frame(
            f"{esc(self.blog.title)} | {esc(self.blog.tagline)}", "home blog", content, None, canonical
        )

    def archive_html(self, title: str, posts: list[Post]) -> str:
        content = f'<h1 class="page-title">{esc(title)}</h1>\n' + "".join(
            self.entry(p, single=False) for p in posts
        )
        return self.frame(f"{esc(title)} | {esc(self.blog.title)}", "archive", content)
