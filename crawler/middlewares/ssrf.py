"""SSRF guard: a DNS resolver that refuses non-public addresses, and a literal-IP check.

Both are disabled when the ``DOCLISTEN_ALLOW_PRIVATE_NETWORKS`` setting is true.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.datatypes import LocalCache
from twisted.internet.error import DNSLookupError

from crawler.ssrf import check_address, is_forbidden, parse_ip_literal
from crawler.urls import short_url

logger = logging.getLogger(__name__)


class BlockedAddressError(DNSLookupError):
    """The name resolves to an address the crawler must not contact."""


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to non-public addresses.

    Twisted reports any resolver failure as "no results", so the reason for a refusal is kept
    in ``blocked`` (name -> reason) for error messages: see :func:`refusal_reason`.
    """

    allow_private = False
    blocked: LocalCache[str, str]

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool("DOCLISTEN_ALLOW_PRIVATE_NETWORKS")
        resolver.blocked = LocalCache(1000)
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:
        d = super().getHostByName(name, timeout)
        if not self.allow_private:
            d.addCallback(self._check, name)
        return d

    def _check(self, address: str, name: str) -> str:
        reason = check_address(address)
        if reason:
            logger.info("%s resolves to %s: %s", name, address, reason)
            self.blocked[name.lower()] = reason
            raise BlockedAddressError(f"{name}: {reason}")
        return address


def refusal_reason(host: str | None) -> str | None:
    """Why the installed resolver refused ``host``, if it did."""
    from twisted.internet import reactor

    blocked = getattr(getattr(reactor, "resolver", None), "blocked", None)
    if not host or blocked is None:
        return None
    return blocked.get(host.lower())


class SSRFGuardMiddleware:
    """Refuses requests whose host is a non-public IP literal (redirect targets included)."""

    def __init__(self, allow_private: bool):
        if allow_private:
            raise NotConfigured

    @classmethod
    def from_crawler(cls, crawler: Any) -> SSRFGuardMiddleware:
        return cls(crawler.settings.getbool("DOCLISTEN_ALLOW_PRIVATE_NETWORKS"))

    def process_request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise IgnoreRequest(f"refusing non-HTTP URL {short_url(request.url)}")
        host = parts.hostname or ""
        address = parse_ip_literal(host)
        if host.lower().rstrip(".") == "localhost" or host.lower().endswith(".localhost"):
            raise IgnoreRequest(f"refusing to fetch {short_url(request.url)}: localhost is not public")
        if address is not None and is_forbidden(address):
            raise IgnoreRequest(
                f"refusing to fetch {short_url(request.url)}: non-public address {address} "
                "(set DOCLISTEN_ALLOW_PRIVATE_NETWORKS=1 to allow)"
            )
        return None
