"""The one platform detector: which blog platform produced a page or feed (WordPress.com, Blogger,
self-hosted WordPress or generic), from its host, its generator and its markup.  Discovery
(``sources add``) and extraction both ask it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extract.model import BLOGGER, DISCOURSE, GENERIC, SUBSTACK, WORDPRESS, WORDPRESS_COM
from crawler.extract.tree import Doc

# x.blogspot.com, x.blogspot.co.uk, x.blogspot.com.au; blogger.com serves Blogger and nothing else
# (www.blogger.com/feeds/<blogId>/posts/default, comment forms, profiles).
_BLOGGER_HOST = re.compile(r"(?:^|\.)(?:blogspot(?:\.[a-z]{2,3}){1,2}|blogger\.com)$")
_BLOGGER_CSS = (
    "meta[itemprop=blogId], link[rel='service.post'][href*='blogger.com'], div[id^='post-body-'], "
    "link[href*='blogger.com/static'], script[src*='blogger.com/static'], a.blog-pager-older-link, "
    "link[href*='.blogspot.com/feeds/']"
)
_SUBSTACK_CSS = (
    "link[href*='substackcdn.com'], script[src*='substackcdn.com'], meta[content*='substackcdn.com']"
)
_WPCOM_CSS = (
    ".highlander-comment, #highlander-comment-form, link[href*='wordpress.com/xmlrpc.php'], "
    "link[rel=search][href*='wordpress.com/opensearch']"
)
_WORDPRESS_CSS = (
    "link[href*='/wp-content/'], script[src*='/wp-content/'], link[href*='/wp-includes/'], "
    "script[src*='/wp-includes/'], link[rel='https://api.w.org/'], img[src*='/wp-content/uploads/'], "
    "body[class*='postid-']"
)


def platform_from_host(url: str) -> str | None:
    """The platform a host name gives away, else None."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host.endswith(".wordpress.com"):
        return WORDPRESS_COM
    if _BLOGGER_HOST.search(host):
        return BLOGGER
    if host.endswith(".substack.com"):
        return SUBSTACK
    return None


def platform_from_generator(generator: str | None) -> str | None:
    """The platform a ``<meta name=generator>`` or a feed's ``<generator>`` names, else None."""
    text = (generator or "").lower()
    if text.startswith("discourse") or " discourse " in f" {text} ":
        return DISCOURSE
    if "wordpress.com" in text:
        return WORDPRESS_COM
    if "blogger" in text:
        return BLOGGER
    if "wordpress" in text:
        return WORDPRESS
    return None


def _generator(doc: Doc) -> str:
    metas = doc.select("meta[name=generator], meta[name=Generator], meta[name=GENERATOR]")
    return " ".join(el.get("content") or "" for el in metas).lower()


def _script_mentions(doc: Doc, needle: str) -> bool:
    return any(needle in (s.text or "") for s in doc.select("script"))


def _has_block_classes(doc: Doc) -> bool:
    """Block editor markup (``wp-block-paragraph``, ``wp-block-image`` …)."""
    return any(token.startswith("wp-block-") for token in doc.class_tokens())


def detect_platform(html: bytes | str | Doc, url: str) -> str:
    """One of ``model.WORDPRESS_COM``, ``BLOGGER``, ``WORDPRESS``, ``DISCOURSE``, ``SUBSTACK``, ``GENERIC``."""
    if platform := platform_from_host(url):
        return platform
    doc = html if isinstance(html, Doc) else Doc(html)
    generator = platform_from_generator(_generator(doc))
    if generator in (BLOGGER, WORDPRESS_COM, DISCOURSE):
        return generator
    if doc.select(_BLOGGER_CSS) or _script_mentions(doc, "_WidgetManager"):
        return BLOGGER
    if doc.select(_SUBSTACK_CSS):  # a publication on its own domain still loads Substack's assets
        return SUBSTACK
    if doc.select(_WPCOM_CSS):  # before a self-hosted WordPress generator: Jetpack sites say "WordPress"
        return WORDPRESS_COM
    if generator == WORDPRESS or _has_block_classes(doc) or doc.select(_WORDPRESS_CSS):
        return WORDPRESS
    return GENERIC
