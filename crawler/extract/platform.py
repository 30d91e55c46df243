"""The one platform detector: which platform produced a page or feed (WordPress.com, Blogger, self-hosted
WordPress, Substack, Discourse, XenForo, phpBB or generic), from its host, its generator and its markup.
Discovery (``sources add``) and extraction both ask it; what gives each platform away is its connector's
(``RECOGNITIONS`` in ``crawler/connectors/<platform>.py``, listed in ``crawler/connectors/registry.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.extract.model import GENERIC
from crawler.extract.tree import Doc

if TYPE_CHECKING:
    from crawler.connectors.registry import Recognition


def _recognitions() -> tuple[Recognition, ...]:
    # the connector modules use this package (its extraction functions): their list is read on first use
    from crawler.connectors.registry import recognitions

    return recognitions()


def platform_from_host(url: str) -> str | None:
    """The platform a host name gives away, else None."""
    return next((r.platform for r in _recognitions() if r.by_host(url)), None)


def platform_from_generator(generator: str | None) -> str | None:
    """The platform a ``<meta name=generator>`` or a feed's ``<generator>`` names, else None."""
    text = generator or ""
    return next((r.platform for r in _recognitions() if r.by_generator(text)), None)


def _generator(doc: Doc) -> str:
    metas = doc.select("meta[name=generator], meta[name=Generator], meta[name=GENERATOR]")
    return " ".join(el.get("content") or "" for el in metas).lower()


def detect_platform(html: bytes | str | Doc, url: str) -> str:
    """One of the platforms (``crawler.extract.model.PLATFORMS``): the first recognition whose host names the
    URL's; else the first whose generator the page names, when a generator alone decides; else the first
    whose markup (or generator) the page has; else ``GENERIC``."""
    if platform := platform_from_host(url):
        return platform
    doc = html if isinstance(html, Doc) else Doc(html)
    generator = _generator(doc)
    named = next((r for r in _recognitions() if r.by_generator(generator)), None)
    if named is not None and named.generator_decides:
        return named.platform
    for recognition in _recognitions():
        if recognition is named or recognition.by_page(doc):
            return recognition.platform
    return GENERIC
