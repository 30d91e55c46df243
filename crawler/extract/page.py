"""``extract_page``: one blog post page -> :class:`ExtractedPost` (body, metadata, comments)."""

from __future__ import annotations

from types import ModuleType

from crawler.extract import blogger, generic, wordpress, wpcom
from crawler.extract.boilerplate import strip_boilerplate
from crawler.extract.meta import fill_metadata
from crawler.extract.model import BLOGGER, GENERIC, WORDPRESS, WORDPRESS_COM, ExtractedPost
from crawler.extract.platform import detect_platform
from crawler.extract.text import element_text
from crawler.extract.tree import Doc, drop

ADAPTERS: dict[str, ModuleType] = {
    WORDPRESS: wordpress,
    WORDPRESS_COM: wpcom,
    BLOGGER: blogger,
    GENERIC: generic,
}


def _drop_comment_areas(doc: Doc) -> None:
    for area in doc.select(generic.COMMENT_AREAS):
        if area.getparent() is not None:
            drop(area)


def extract_page(html: bytes | str, url: str, platform: str | None = None) -> ExtractedPost:
    """Extract a blog post page.  ``platform`` skips detection when the source's platform is known."""
    doc = Doc(html)
    platform = platform if platform in ADAPTERS else detect_platform(doc, url)
    adapter = ADAPTERS[platform]
    post = ExtractedPost(url=url, platform=platform)
    fill_metadata(
        post, doc, url, wordpress=platform in (WORDPRESS, WORDPRESS_COM), blogger=platform == BLOGGER
    )
    strip_boilerplate(doc, adapter.BOILERPLATE)
    near = post.published_at
    post.comments = adapter.find_comments(doc, url, near) or (
        generic.find_comments(doc, url, near) if adapter is not generic else []
    )
    _drop_comment_areas(doc)
    body = adapter.find_body(doc)
    post.content_text = element_text(body) if body is not None else ""
    if not post.content_text:
        post.content_text = generic.fallback_text(doc.root, url)
    return post
