"""SSRF guard rules: literal IPs in every spelling, resolver results, the middleware."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.datatypes import LocalCache

from crawler.middlewares.ssrf import BlockedAddressError, GuardedResolver, SSRFGuardMiddleware
from crawler.ssrf import check_address, is_forbidden, parse_ip_literal

BLOCKED = [
    "127.0.0.1",
    "127.255.0.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "100.64.0.1",
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "172.32.0.1"]


@pytest.mark.parametrize("address", BLOCKED)
def test_non_public_addresses_are_forbidden(address: str) -> None:
    assert is_forbidden(parse_ip_literal(address))
    assert "DOCLISTEN_ALLOW_PRIVATE_NETWORKS" in check_address(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_forbidden(parse_ip_literal(address))
    assert check_address(address) is None


@pytest.mark.parametrize(
    "spelling", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::1]", "0x7f.0.0.1"]
)
def test_odd_spellings_of_loopback(spelling: str) -> None:
    assert str(parse_ip_literal(spelling)) in ("127.0.0.1", "::1")


def test_names_are_not_literals() -> None:
    assert parse_ip_literal("example.com") is None
    assert parse_ip_literal("deadbeef.com") is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/",
        "http://2130706433/",
        "http://0x7f000001/x",
        "http://[::1]/",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:192.168.0.1]/",
        "ftp://example.com/",
        "file:///etc/passwd",
    ],
)
def test_middleware_refuses(url: str) -> None:
    with pytest.raises(IgnoreRequest):
        SSRFGuardMiddleware(allow_private=False).process_request(Request(url))


def test_middleware_passes_public_and_is_off_when_allowed() -> None:
    assert SSRFGuardMiddleware(allow_private=False).process_request(Request("https://93.184.216.34/")) is None
    with pytest.raises(NotConfigured):
        SSRFGuardMiddleware(allow_private=True)


def test_resolver_check_refuses_private_results() -> None:
    resolver = GuardedResolver.__new__(GuardedResolver)  # no reactor needed for the check itself
    resolver.blocked = LocalCache(10)
    with pytest.raises(BlockedAddressError):
        resolver._check("10.0.0.5", "Intranet.example")
    assert "non-public address 10.0.0.5" in resolver.blocked["intranet.example"]
    assert resolver._check("93.184.216.34", "example.com") == "93.184.216.34"
