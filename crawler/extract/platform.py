"""Which blog platform produced a page: WordPress.com, Blogger, self-hosted WordPress or generic."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.extract.model import BLOGGER, GENERIC, WORDPRESS, WORDPRESS_COM
from crawler.extract.tree import Doc

_BLOGGER_CSS = (
    "meta[itemprop=blogId], link[rel='service.post'][href*='blogger.com'], div[id^='post-body-'], "
    "link[href*='blogger.com/static'], script[src*='blogger.com/static'], a.blog-pager-older-link, "
    "link[href*='.blogspot.com/feeds/']"
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


def _generator(doc: Doc) -> str:
    return " ".join(el.get("content") or "" for el in doc.select("meta[name=generator]")).lower()


def _script_mentions(doc: Doc, needle: str) -> bool:
    return any(needle in (s.text or "") for s in doc.select("script"))


def _has_block_classes(doc: Doc) -> bool:
    """Block editor markup (``wp-block-paragraph``, ``wp-block-image`` …)."""
    return any(token.startswith("wp-block-") for token in doc.class_tokens())


def detect_platform(html: bytes | str | Doc, url: str) -> str:
    """One of ``model.WORDPRESS_COM``, ``BLOGGER``, ``WORDPRESS``, ``GENERIC``."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(".wordpress.com"):
        return WORDPRESS_COM
    if ".blogspot." in host or host.endswith(".blogger.com"):
        return BLOGGER
    doc = html if isinstance(html, Doc) else Doc(html)
    generator = _generator(doc)
    if "blogger" in generator:
        return BLOGGER
    if "wordpress.com" in generator:
        return WORDPRESS_COM
    if doc.select(_BLOGGER_CSS) or _script_mentions(doc, "_WidgetManager"):
        return BLOGGER
    if doc.select(_WPCOM_CSS):
        return WORDPRESS_COM
    if "wordpress" in generator or _has_block_classes(doc) or doc.select(_WORDPRESS_CSS):
        return WORDPRESS
    return GENERIC
