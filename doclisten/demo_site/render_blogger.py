"""A Blogger blog (Simple template markup), its Atom feeds and Blogger's robots.txt."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote

from . import feeds
from .content import Comment, Post
from .render_common import HTML, TRACKING, Renderer, Resource, esc, human_date, text_resource

_POST = re.compile(r"^/(\d{4})/(\d{2})/([a-z0-9-]+)\.html$")
_FEED = re.compile(r"^/feeds/(\d+)/comments/default(?:/(\d+))?$")
_ARCHIVE = re.compile(r"^/(\d{4})/(?:(\d{2})/)?$")
PROFILE = "https://www.blogger.com/profile/08217733590416621045"


class BloggerRenderer(Renderer):
    robots = (
        "User-agent: Mediapartners-Google\nDisallow: \n\nUser-agent: *\nDisallow: /search\nAllow: /\n\n"
        "Sitemap: {base}sitemap.xml\n"
    )
    per_page = 5

    def post_path(self, post: Post) -> str:
        return f"{post.published:%Y/%m}/{post.slug}.html"

    def route(self, path: str, query: dict[str, str]) -> Resource | None:
        mobile = query.get("m") == "1"
        if path == "/":
            return self.listing(self.blog.posts[: self.per_page], mobile)
        if path == "/search":
            posts = self.blog.posts
            if "updated-max" in query:
                limit = datetime.fromisoformat(query["updated-max"].replace(" ", "+"))
                posts = [p for p in posts if p.published < limit]
            return self.listing(posts[: int(query.get("max-results", "5") or 5)], mobile)
        if path.startswith("/search/label/"):
            label = unquote(path.removeprefix("/search/label/"))
            return self.listing([p for p in self.blog.posts if label in p.tags], mobile)
        if m := _ARCHIVE.match(path):
            prefix = f"{m[1]}/{m[2]}" if m[2] else m[1]
            posts = [p for p in self.blog.posts if self.post_path(p).startswith(prefix)]
            return self.listing(posts, mobile) if posts else None
        if path == "/feeds/posts/default":
            return feeds.blogger_posts_atom(self, self.blog.posts[: self.per_page], PROFILE)
        if path == "/feeds/comments/default":
            return feeds.blogger_comments_atom(self, None)
        if m := _FEED.match(path):
            post = self.blog.post_by_id(int(m[1]))
            if post is None:
                return None
            if m[2]:
                only = next((c for c in post.comments if c.id == int(m[2])), None)
                return feeds.blogger_comments_atom(self, post, only) if only else None
            return feeds.blogger_comments_atom(self, post)
        if path == "/sitemap.xml":
            return feeds.urlset(self)
        post = self.path_of(path.lstrip("/"))
        if post is None:
            return None
        return text_resource(
            self.page(post.title, [post], mobile, post), HTML, last_modified=post.last_activity
        )

    def listing(self, posts: list[Post], mobile: bool) -> Resource | None:
        if not posts:
            return None
        return text_resource(self.page(None, posts, mobile, None), HTML, last_modified=self.lastmod())

    # ------------------------------------------------------------------ markup
    def page(self, title: str | None, posts: list[Post], mobile: bool, single: Post | None) -> str:
        t = esc(self.blog.title)
        canonical = self.post_url(single) if single else self.base
        extra = ""
        if single:
            extra = (
                f'<link rel="alternate" type="application/atom+xml" title="{t} - Atom" '
                f'href="{self.url(f"feeds/{single.id}/comments/default")}" />\n'
            )
        head = (
            "<!DOCTYPE html>\n<html class='v2' dir='ltr' lang='en' xmlns='http://www.w3.org/1999/xhtml' "
            "xmlns:b='http://www.google.com/2005/gml/b' xmlns:data='http://www.google.com/2005/gml/data' "
            "xmlns:expr='http://www.google.com/2005/gml/expr'>\n<head>\n"
            "<meta content='width=1100' name='viewport'/>\n<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>\n"
            "<meta content='blogger' name='generator'/>\n"
            f"<link href='{self.url('favicon.ico')}' rel='icon' type='image/x-icon'/>\n<link href='{canonical}' rel='canonical'/>\n"
            f'<link rel="alternate" type="application/atom+xml" title="{t} - Atom" href="{self.url("feeds/posts/default")}" />\n'
            f'<link rel="alternate" type="application/rss+xml" title="{t} - RSS" href="{self.url("feeds/posts/default?alt=rss")}" />\n'
            f'<link rel="service.post" type="application/atom+xml" title="{t} - Atom" '
            f'href="https://www.blogger.com/feeds/{self.blog.blog_id}/posts/default" />\n{extra}'
            f"<title>{t}{': ' + esc(title) if title else ''}</title>\n"
            f"<meta content='{canonical}' property='og:url'/>\n</head>\n"
        )
        body_class = "mobile variant-mobile" if mobile else "loading variant-simplysimple"
        posts_html = "".join(self.post_html(p, single is not None, mobile) for p in posts)
        pager = self.pager(posts, single, mobile)
        sidebar = "" if mobile else self.sidebar()
        return (
            f"{head}<body class='{body_class}'>\n"
            "<div class='navbar section' id='navbar' name='Navbar'><div class='widget Navbar' data-version='1' id='Navbar1'></div></div>\n"
            "<div class='content'><div class='content-outer'><header><div class='header-outer'><div class='section' id='header'>"
            "<div class='widget Header' data-version='1' id='Header1'><div id='header-inner'><div class='titlewrapper'>"
            f"<h1 class='title'><a href='{self.base}'>{t}</a></h1></div><div class='descriptionwrapper'>"
            f"<p class='description'><span>{esc(self.blog.tagline)}</span></p></div></div></div></div></div></header>\n"
            "<div class='tabs-outer'><div class='tabs section' id='crosscol'><div class='widget PageList' data-version='1' id='PageList1'>"
            f"<div class='widget-content'><ul><li class='selected'><a href='{self.base}'>Home</a></li></ul></div></div></div></div>\n"
            "<div class='main-outer'><div class='columns fauxcolumns'><div class='column-center-outer'><div class='column-center-inner'>"
            "<div class='main section' id='main' name='Main'><div class='widget Blog' data-version='1' id='Blog1'>\n"
            f"<div class='blog-posts hfeed'>\n{posts_html}</div>\n{pager}"
            "</div></div></div></div>\n"
            f"{sidebar}</div></div>\n"
            "<footer><div class='footer-outer'><div class='widget Attribution' data-version='1' id='Attribution1'>"
            "<div class='widget-content' style='text-align: center;'>Simple theme. Powered by "
            "<a href='https://www.blogger.com' target='_blank'>Blogger</a>.</div></div></div></footer>\n"
            "</div></div>\n</body>\n</html>\n"
        )

    def body_html(self, post: Post, indent: str = "") -> str:  # Blogger's editor: <div> lines and <br />
        from .content import inline_html

        return "\n<div><br /></div>\n".join(
            f"<div>{inline_html(p, self.base, self.slug_url)}</div>" for p in post.paragraphs
        )

    def post_html(self, post: Post, single: bool, mobile: bool) -> str:
        url = self.post_url(post)
        title = esc(post.title) if single else f"<a href='{url}'>{esc(post.title)}</a>"
        labels = ", ".join(
            f"<a href='{self.url('search/label/' + t.replace(' ', '%20'))}' rel='tag'>{esc(t)}</a>"
            for t in post.tags
        )
        share = "".join(
            f"<a class='goog-inline-block share-button sb-{k}' href='https://www.blogger.com/share-post.g?blogID={self.blog.blog_id}&amp;postID={post.id}&amp;target={k}' "
            f"target='_blank' title='{label}'><span class='share-button-link-text'>{label}</span></a>"
            for k, label in (
                ("email", "Email This"),
                ("blog", "BlogThis!"),
                ("twitter", "Share to Twitter"),
                ("facebook", "Share to Facebook"),
                ("pinterest", "Share to Pinterest"),
            )
        )
        comments = (
            self.comments_html(post)
            if single
            else (
                f"<span class='post-comment-link'><a class='comment-link' href='{url}#comment-form'>Comments</a></span>"
            )
        )
        return (
            f"<div class='date-outer'><h2 class='date-header'><span>{post.published:%A, %B} {post.published.day}, {post.published.year}</span></h2>"
            "<div class='date-posts'><div class='post-outer'>\n"
            "<div class='post hentry uncustomized-post-template' itemprop='blogPost' itemscope='itemscope' itemtype='http://schema.org/BlogPosting'>\n"
            f"<meta content='{self.blog.blog_id}' itemprop='blogId'/>\n<meta content='{post.id}' itemprop='postId'/>\n"
            f"<a name='{post.id}'></a>\n<h3 class='post-title entry-title' itemprop='name'>\n{title}\n</h3>\n"
            "<div class='post-header'><div class='post-header-line-1'></div></div>\n"
            f"<div class='post-body entry-content' id='post-body-{post.id}' itemprop='description articleBody'>\n"
            f"{self.body_html(post)}\n<div style='clear: both;'></div>\n</div>\n"
            "<div class='post-footer'><div class='post-footer-line post-footer-line-1'>"
            "<span class='post-author vcard'>Posted by <span class='fn' itemprop='author' itemscope='itemscope' itemtype='http://schema.org/Person'>"
            f"<meta content='{PROFILE}' itemprop='url'/><a class='g-profile' href='{PROFILE}' rel='author' title='author profile'>"
            f"<span itemprop='name'>{esc(post.author)}</span></a></span></span>\n"
            f"<span class='post-timestamp'>at <meta content='{url}' itemprop='url'/><a class='timestamp-link' href='{url}' rel='bookmark' title='permanent link'>"
            f"<abbr class='published' itemprop='datePublished' title='{post.published.isoformat()}'>{post.published:%I:%M %p}</abbr></a></span>\n"
            f"<div class='post-share-buttons goog-inline-block'>{share}</div></div>\n"
            f"<div class='post-footer-line post-footer-line-2'><span class='post-labels'>Labels: {labels}</span></div></div>\n"
            f"</div>\n{comments}</div></div></div>\n"
        )

    def comment_html(self, post: Post, c: Comment, children: dict) -> str:
        url = self.post_url(post)
        ms = int(c.published.timestamp() * 1000)
        name = esc(c.author)
        user = f'<a href="{esc(c.author_url)}" rel="nofollow">{name}</a>' if c.author_url else name
        author_icon = " blog-author" if c.author == post.author else ""
        body = "<br><br>".join(esc(p) for p in c.paragraphs)
        replies = "".join(self.comment_html(post, k, children) for k in children.get(c.id, []))
        thread = ""
        if replies:
            thread = (
                f'<div class="comment-replies"><div id="c{c.id}-rt" class="comment-thread inline-thread">'
                '<span class="thread-toggle thread-expanded"><span class="thread-arrow"></span><span class="thread-count"><a target="_self">Replies</a></span></span>'
                f'<ol id="c{c.id}-ra" class="thread-chrome thread-expanded"><div>{replies}</div>'
                f'<div id="c{c.id}-continue" class="continue"><a class="comment-reply" target="_self" data-comment-id="{c.id}">Reply</a></div></ol></div></div>'
            )
        return (
            f'<li class="comment" id="c{c.id}"><div class="avatar-image-container"><img src="//resources.blogblog.com/img/blank.gif" alt=""/></div>'
            f'<div class="comment-block"><div class="comment-header"><cite class="user">{user}</cite><span class="icon user{author_icon}"></span>'
            f'<span class="datetime secondary-text"><a rel="nofollow" href="{url}?showComment={ms}#c{c.id}">{human_date(c.published, upper_ampm=True)}</a></span></div>'
            f'<p class="comment-content">{body}</p><span class="comment-actions secondary-text"><a class="comment-reply" target="_self" data-comment-id="{c.id}">Reply</a>'
            f'<span class="item-control blog-admin blog-admin pid-{c.id % 1000000000}"><a target="_self" href="https://www.blogger.com/delete-comment.g?blogID={self.blog.blog_id}&amp;postID={c.id}">Delete</a></span></span></div>'
            f'{thread}<div class="comment-replybox-single" id="c{c.id}-ce"></div></li>'
        )

    def comments_html(self, post: Post) -> str:
        from .render_common import comment_children

        children = comment_children(post.comments)
        n = len(post.comments)
        heading = "No comments:" if n == 0 else ("1 comment:" if n == 1 else f"{n} comments:")
        items = "".join(self.comment_html(post, c, children) for c in children.get(None, []))
        return (
            "<div class='comments' id='comments'>\n<a name='comments'></a>\n"
            f"<h4>{heading}</h4>\n<div class='comments-content'><div id='comment-holder'>"
            f'<div class="comment-thread toplevel-thread"><ol id="top-ra">{items}</ol>'
            '<div id="top-continue" class="continue"><a class="comment-reply" target="_self">Add comment</a></div>'
            f'<div class="comment-replybox-thread" id="top-ce"></div><div class="loadmore hidden" data-post-id="{post.id}"><a target="_self">Load more...</a></div></div>'
            "</div></div>\n<p class='comment-footer'></p><div class='comment-form'><a name='comment-form'></a>"
            "<h4 id='comment-post-message'>Post a Comment</h4><p></p>"
            f"<a href='https://www.blogger.com/comment/frame/{self.blog.blog_id}?po={post.id}&amp;hl=en' id='comment-editor-src'></a>"
            "<iframe allowtransparency='true' class='blogger-iframe-colorize blogger-comment-from-post' frameborder='0' height='410px' "
            "id='comment-editor' name='comment-editor' src='' width='100%'></iframe></div>\n</div>\n"
        )

    def pager(self, posts: list[Post], single: Post | None, mobile: bool) -> str:
        if single is None:
            older = ""
            rest = [p for p in self.blog.posts if p.published < posts[-1].published]
            if rest:
                stamp = posts[-1].published.strftime("%Y-%m-%dT%H:%M:%S%%2B00:00")
                older = (
                    f"<span id='blog-pager-older-link'><a class='blog-pager-older-link' href='{self.url('search')}?updated-max={stamp}&amp;max-results=5' "
                    "id='Blog1_blog-pager-older-link' title='Older Posts'>Older Posts</a></span>"
                )
            return f"<div class='blog-pager' id='blog-pager'>{older}<a class='home-link' href='{self.base}'>Home</a></div>\n"
        i = self.blog.posts.index(single)
        newer = self.blog.posts[i - 1] if i > 0 else None
        old = self.blog.posts[i + 1] if i + 1 < len(self.blog.posts) else None
        links = ""
        if newer:
            links += f"<span id='blog-pager-newer-link'><a class='blog-pager-newer-link' href='{self.post_url(newer)}' title='Newer Post'>Newer Post</a></span>"
        if old:
            links += f"<span id='blog-pager-older-link'><a class='blog-pager-older-link' href='{self.post_url(old)}' title='Older Post'>Older Post</a></span>"
        return (
            f"<div class='blog-pager' id='blog-pager'>{links}<a class='home-link' href='{self.base}'>Home</a></div>\n"
            "<div class='post-feeds'><div class='feed-links'>Subscribe to: "
            f"<a class='feed-link' href='{self.url(f'feeds/{single.id}/comments/default')}' target='_blank' type='application/atom+xml'>Post Comments (Atom)</a></div></div>\n"
        )

    def sidebar(self) -> str:
        popular = "".join(
            f"<li><div class='item-content'><div class='item-title'><a href='{self.tracked(p, TRACKING)}'>{esc(p.title)}</a></div>"
            f"<div class='item-snippet'>{esc(self.excerpt(p, 20))}</div></div></li>"
            for p in sorted(self.blog.posts, key=lambda p: p.published)[:3]
        )
        years: dict[int, list[Post]] = {}
        for p in self.blog.posts:
            years.setdefault(p.published.year, []).append(p)
        archive = "".join(
            f"<li class='archivedate'><a class='post-count-link' href='{self.url(f'{y}/')}'>{y}</a> <span class='post-count' dir='ltr'>({len(ps)})</span>"
            "<ul class='posts'>"
            + "".join(f"<li><a href='{self.post_url(p)}'>{esc(p.title)}</a></li>" for p in ps)
            + "</ul></li>"
            for y, ps in years.items()
        )
        labels = sorted({t for p in self.blog.posts for t in p.tags}, key=str.lower)
        label_html = "".join(
            f"<li><a dir='ltr' href='{self.url('search/label/' + t.replace(' ', '%20'))}'>{esc(t)}</a></li>"
            for t in labels
        )
        return (
            "<div class='column-right-outer'><div class='column-right-inner'><aside><div class='sidebar section' id='sidebar-right-1'>\n"
            "<div class='widget FollowByEmail' data-version='1' id='FollowByEmail1'><h2 class='title'>Follow by Email</h2>"
            "<div class='widget-content'><div class='follow-by-email-inner'><form action='https://feedburner.google.com/fb/a/mailverify' method='post'>"
            "<input class='follow-by-email-address' name='email' placeholder='Email address...' type='text'/>"
            "<input class='follow-by-email-submit' type='submit' value='Submit'/></form></div></div></div>\n"
            f"<div class='widget PopularPosts' data-version='1' id='PopularPosts1'><h2>Popular Posts</h2><div class='widget-content popular-posts'><ul>{popular}</ul></div></div>\n"
            f"<div class='widget BlogArchive' data-version='1' id='BlogArchive1'><h2>Blog Archive</h2><div class='widget-content'><div id='ArchiveList'><ul class='hierarchy'>{archive}</ul></div></div></div>\n"
            f"<div class='widget Label' data-version='1' id='Label1'><h2>Labels</h2><div class='widget-content list-label-widget-content'><ul>{label_html}</ul></div></div>\n"
            "<div class='widget Profile' data-version='1' id='Profile1'><h2>About Me</h2><div class='widget-content'>"
            f"<a class='profile-name-link g-profile' href='{PROFILE}'>Ben Castellanos</a>"
            f"<a class='profile-link' href='{PROFILE}' rel='author'>View my complete profile</a></div></div>\n"
            "</div></aside></div></div>\n"
        )
