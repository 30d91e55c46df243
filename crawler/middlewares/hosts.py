"""``DOCLISTEN_HOST_OVERRIDES`` (tests and staging only): send the requests for a third-party host to another
origin, e.g. ``{"disqus.com": "http://127.0.0.1:8123"}`` (``"*.disqus.com"`` for its subdomains too), so that a
connector that calls such a host (Disqus's embed pages) can be tested against a local server written by the
project, without special-casing URLs in the connector. The rewritten request then goes through everything any
request goes through — the SSRF guard (which refuses a private target unless private networks are allowed),
robots.txt, politeness, retries — as the target's own request. Empty (the default): nothing is rewritten."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.exceptions import NotConfigured

from crawler.exceptions import DoclistenError

logger = logging.getLogger(__name__)


class HostOverrideMiddleware:
    def __init__(self, overrides: dict[str, str]):
        self.exact: dict[str, tuple[str, str]] = {}
        self.suffixes: dict[str, tuple[str, str]] = {}
        for host, origin in overrides.items():
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise DoclistenError(f"DOCLISTEN_HOST_OVERRIDES: {origin!r} is not an http(s) origin")
            target = (parts.scheme, parts.netloc)
            if host.startswith("*."):
                self.suffixes[host[1:].lower()] = target
            else:
                self.exact[host.lower()] = target

    @classmethod
    def from_crawler(cls, crawler: Any) -> HostOverrideMiddleware:
        overrides = crawler.settings.getdict("DOCLISTEN_HOST_OVERRIDES")
        if not overrides:
            raise NotConfigured
        return cls({str(k): str(v) for k, v in overrides.items()})

    def target(self, host: str) -> tuple[str, str] | None:
        host = host.lower()
        if host in self.exact:
            return self.exact[host]
        return next((t for suffix, t in self.suffixes.items() if host.endswith(suffix)), None)

    def process_request(self, request: Any) -> Any:
        parts = urlsplit(request.url)
        target = self.target(parts.hostname or "")
        if target is None:
            return None
        url = urlunsplit((*target, parts.path, parts.query, parts.fragment))
        logger.debug("host override: %s -> %s", request.url, url)
        return request.replace(url=url)
