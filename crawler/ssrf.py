"""Which network addresses the crawler may reach (the SSRF guard's rules).

Two places enforce them (see ``crawler.middlewares.ssrf``): the DNS resolver, where names
become addresses (so names that resolve to private addresses and redirects to them are caught),
and a downloader middleware for URLs whose host is already an IP literal in any spelling
(dotted, decimal ``2130706433``, hex ``0x7f000001``, IPv4-mapped IPv6).
"""

from __future__ import annotations

import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a URL host denotes when it is an IP literal (any spelling), else None."""
    host = host.strip().strip("[]").rstrip(".")
    if not host:
        return None
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if all(c in "0123456789abcdefxABCDEFX." for c in host) and any(c.isdigit() for c in host):
        try:  # inet_aton accepts 127.1, 2130706433, 0x7f.0.0.1, 0177.0.0.1 like resolvers do
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def is_forbidden(address: IPAddress) -> bool:
    """True for loopback, private, link-local, multicast, reserved and unspecified addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_forbidden(mapped)
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:  # fec0::/10, deprecated
        return True
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def check_address(value: str) -> str | None:
    """A one-line reason when ``value`` (an address string) must not be contacted."""
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if is_forbidden(address):
        return f"refusing to fetch from non-public address {address} (set DOCLISTEN_ALLOW_PRIVATE_NETWORKS=1 to allow)"
    return None
