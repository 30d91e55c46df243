"""The one list of connectors' recognitions: which platform a page, a feed or a URL belongs to. Each connector
module declares its own (``RECOGNITIONS``, :class:`Recognition`); platform detection
(``crawler/extract/platform.py``, for extraction and ``sources add``) and discovery (``crawler/discovery.py``)
ask this list and nothing else, in its order. A new platform: one module in ``crawler/connectors/`` with its
``RECOGNITIONS``, its name in ``MODULES`` here, and its tests."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.extract.tree import Doc

# The connector modules whose recognitions are asked (their order: each recognition's ``rank``).
MODULES = (
    "crawler.connectors.discourse",
    "crawler.connectors.forums",
    "crawler.connectors.blog",
    "crawler.connectors.substack",
    "crawler.connectors.disqus",
)


@dataclass(frozen=True)
class Recognition:
    """How one platform gives itself away, and what ``sources add`` keeps for it.

    - ``host``: a host name pattern that alone decides (``x.substack.com``);
    - ``generator``: a pattern of a ``<meta name=generator>`` or a feed's ``<generator>``; it alone decides
      unless ``generator_decides`` is False (then it counts like the page's markup);
    - ``page``: the page's markup says so (a CSS selector, or a predicate over the parsed page);
    - ``listing``: for a platform read through a listing that is not a feed (Discourse's JSON), the listing
      URL of a homepage or category URL, and its ``feed_kind``;
    - ``feeds``: the feed URLs to try, first, when a page links none (a path under the site's home);
    - ``comments_feed``: the site-wide comment feed's path, when the platform has one.
    """

    platform: str
    rank: int  # the order recognitions are tried in: a more specific platform before one it resembles
    host: re.Pattern[str] | None = None
    generator: re.Pattern[str] | None = None
    generator_decides: bool = True
    page_css: str | None = None
    page: Callable[[Doc], bool] | None = None
    listing: Callable[[str], str] | None = None
    listing_kind: str | None = None
    feeds: tuple[str, ...] = ()
    feeds_from_root: bool = False  # ``feeds`` are paths from the host's root, not from the home URL's folder
    comments_feed: str | None = None
    comments_feed_from_root: bool = False

    def by_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        return bool(self.host and self.host.search(host))

    def by_generator(self, text: str) -> bool:
        return bool(self.generator and self.generator.search(text.lower()))

    def by_page(self, doc: Doc) -> bool:
        return bool((self.page_css and doc.select(self.page_css)) or (self.page and self.page(doc)))

    def feed_guesses(self, home: str) -> list[str]:
        return [_join(home, p, self.feeds_from_root) for p in self.feeds]

    def comments_feed_url(self, home: str) -> str | None:
        if not self.comments_feed:
            return None
        return _join(home, self.comments_feed, self.comments_feed_from_root)


def _join(home: str, path: str, from_root: bool) -> str:
    if from_root:
        return urljoin(home, "/" + path.lstrip("/"))
    return urljoin(as_dir(home), path.lstrip("/"))


def as_dir(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


@cache
def recognitions() -> tuple[Recognition, ...]:
    """Every connector's recognitions, by rank (the modules are imported on first use: they use the extraction
    package, whose platform detection asks this list)."""
    found: list[Recognition] = []
    for name in MODULES:
        found.extend(getattr(importlib.import_module(name), "RECOGNITIONS", ()))
    return tuple(sorted(found, key=lambda r: r.rank))


def recognition(platform: str) -> Recognition | None:
    return next((r for r in recognitions() if r.platform == platform), None)


def _companions() -> list[ModuleType]:
    """The connectors that add to a source of any platform (Disqus): a module with ``FACT`` (the key it keeps
    in ``sources.connector_facts``), ``NAME`` and ``facts_from_page(doc, url)``."""
    return [m for m in map(importlib.import_module, MODULES) if hasattr(m, "facts_from_page")]


def page_facts(doc: Doc, url: str) -> dict[str, str]:
    """What the companion connectors recognise of themselves in a page (``sources add``: the homepage)."""
    facts: dict[str, str] = {}
    for module in _companions():
        facts.update(module.facts_from_page(doc, url))
    return facts


def connectors_of(platform: str, facts: dict[str, Any] | None) -> list[str]:
    """The connectors that read a source: its platform's, then each companion whose fact it has."""
    return [platform, *(m.NAME for m in _companions() if (facts or {}).get(m.FACT))]
