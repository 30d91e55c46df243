"""Security: the SSRF guard (addresses, spellings, names, redirects), XML entity attacks through a real
crawl, and database / Redis passwords that never reach the terminal.

How redirects to private addresses are tested. The guard has two parts: ``SSRFGuardMiddleware`` refuses
URLs whose host is an IP literal (any spelling) and ``GuardedResolver`` refuses names that resolve to a
non-public address. A redirect is a new request that goes through the whole downloader chain again, so
both parts apply to it. A real end-to-end test needs a first hop that is public while the guard is on,
which is impossible offline (and a test-only allow-list in production code would be a hole). So:

- in-process, Scrapy's own ``RedirectMiddleware`` / ``MetaRefreshMiddleware`` build the redirect request
  from a 302 / ``<meta refresh>`` answer, and the guard middleware must refuse it; for redirects to a name,
  the resolver check must refuse the address the name resolves to here;
- in a subprocess (``tests/ssrf_probe.py``), a real Scrapy crawl with doclisten's settings, where a
  test-only middleware placed *after* the guard answers the first hop (``public.example``) with a 302
  without any network. The redirect then goes through Scrapy exactly as from a real server: with the
  guard on nothing reaches the local server; with the guard off the same redirects do reach it.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.datatypes import LocalCache
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, text

from crawler.middlewares.ssrf import BlockedAddressError, GuardedResolver, SSRFGuardMiddleware
from crawler.ssrf import is_forbidden, parse_ip_literal
from tests.conftest import FAST, run_cli, run_python
from tests.faults import SECRET, FaultSite, healthy, hostile

# ---------------------------------------------------------------------------------------------- addresses

FORBIDDEN = {
    "127.0.0.0/8": ["127.0.0.1", "127.0.0.0", "127.255.255.254", "127.1.2.3"],
    "10/8": ["10.0.0.0", "10.0.0.1", "10.255.255.255"],
    "172.16/12": ["172.16.0.0", "172.16.0.1", "172.20.1.1", "172.31.255.255"],
    "192.168/16": ["192.168.0.0", "192.168.1.1", "192.168.255.255"],
    "169.254/16": ["169.254.0.1", "169.254.169.254", "169.254.255.255"],
    "0.0.0.0": ["0.0.0.0", "0.1.2.3"],
    "::1": ["::1", "0:0:0:0:0:0:0:1"],
    "::": ["::"],
    "fc00::/7": ["fc00::", "fc00::1", "fd12:3456:789a::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    "fe80::/10": ["fe80::", "fe80::1", "febf:ffff::1"],
    "fec0::/10 (site-local)": ["fec0::1"],
    "IPv4-mapped": ["::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "::ffff:169.254.169.254"],
    "IPv4-compatible, 6to4, NAT64": ["::127.0.0.1", "2002:7f00:1::", "2002:a00:1::", "64:ff9b::7f00:1"],
    "other non-public": ["100.64.0.1", "198.18.0.1", "224.0.0.1", "255.255.255.255", "ff02::1"],
}
PUBLIC = ["8.8.8.8", "93.184.216.34", "172.15.255.255", "172.32.0.0", "192.169.0.1", "2606:4700:4700::1111"]


@pytest.mark.parametrize(
    "address", [a for group in FORBIDDEN.values() for a in group], ids=lambda a: a.replace(":", "_")
)
def test_non_public_ranges_are_refused(address: str) -> None:
    assert is_forbidden(parse_ip_literal(address))
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(IgnoreRequest, match="non-public address"):
        SSRFGuardMiddleware(allow_private=False).process_request(Request(f"http://{host}:8080/feed/"))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_neighbours_are_allowed(address: str) -> None:
    assert not is_forbidden(parse_ip_literal(address))
    host = f"[{address}]" if ":" in address else address
    assert SSRFGuardMiddleware(allow_private=False).process_request(Request(f"http://{host}/")) is None


SPELLINGS = [  # every one is 127.0.0.1, 10.0.0.1, 0.0.0.0 or ::1 for a resolver or a socket
    "2130706433",
    "0x7f000001",
    "0X7F000001",
    "0177.0.0.1",
    "017700000001",
    "0x7f.0.0.1",
    "0x7f.1",
    "127.1",
    "127.0.1",
    "127.0.0.1.",
    "167772161",
    "0xa000001",
    "012.0.0.1",
    "0",
    "0.0",
    "[::1]",
    "[0:0::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[fe80::1%25eth0]",
    "１２７.０.０.１",  # full-width digits: IDNA turns them into 127.0.0.1
]


@pytest.mark.parametrize("host", SPELLINGS)
def test_odd_spellings_are_refused(host: str) -> None:
    with pytest.raises(IgnoreRequest, match="non-public address"):
        SSRFGuardMiddleware(allow_private=False).process_request(Request(f"http://{host}:8080/x"))


@pytest.mark.parametrize(
    "url", ["http://localhost/", "http://LOCALHOST./", "http://blog.localhost/", "http://user@localhost:80/"]
)
def test_localhost_names_are_refused(url: str) -> None:
    with pytest.raises(IgnoreRequest, match="localhost"):
        SSRFGuardMiddleware(allow_private=False).process_request(Request(url))


@pytest.mark.parametrize("name", ["vm", "localhost", socket.gethostname()])
def test_names_resolving_to_loopback_are_refused_by_the_resolver(name: str) -> None:
    resolver = GuardedResolver.__new__(GuardedResolver)  # the check itself needs no reactor
    resolver.blocked = LocalCache(10)
    address = socket.gethostbyname(name)  # what Scrapy's threaded resolver gets for the name
    with pytest.raises(BlockedAddressError):
        resolver._check(address, name)
    assert "non-public address" in resolver.blocked[name.lower()]


# ---------------------------------------------------------------------------------------------- redirects

REDIRECT_TARGETS = [
    "http://127.0.0.1:8080/admin",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.0.1/router",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0:8080/",
    "http://[::1]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://localhost:6379/",
    "//10.1.1.1/scheme-relative",
]


def _redirect(mw, target: str):  # type: ignore[no-untyped-def]
    request = Request("http://public.example/post/")
    answer = Response(request.url, status=302, headers={"Location": target}, request=request)
    return mw.process_response(request, answer)


@pytest.mark.parametrize("target", REDIRECT_TARGETS)
def test_redirect_to_non_public_address_is_refused(target: str) -> None:
    redirected = _redirect(RedirectMiddleware.from_crawler(get_crawler(Spider)), target)
    assert isinstance(redirected, Request) and redirected.meta["redirect_urls"] == [
        "http://public.example/post/"
    ]
    with pytest.raises(IgnoreRequest, match="non-public address|localhost is not public"):
        SSRFGuardMiddleware(allow_private=False).process_request(redirected)


def test_meta_refresh_to_non_public_address_is_refused() -> None:
    request = Request("http://public.example/post/")
    page = b'<html><head><meta http-equiv="refresh" content="0;url=http://169.254.169.254/"></head></html>'
    answer = HtmlResponse(request.url, body=page, request=request)
    redirected = MetaRefreshMiddleware.from_crawler(get_crawler(Spider)).process_response(request, answer)
    assert isinstance(redirected, Request)
    with pytest.raises(IgnoreRequest, match="non-public address"):
        SSRFGuardMiddleware(allow_private=False).process_request(redirected)


def test_redirect_to_a_name_is_left_to_the_resolver() -> None:
    """A name is not refused by the middleware (it cannot know the address); the resolver is."""
    redirected = _redirect(RedirectMiddleware.from_crawler(get_crawler(Spider)), "http://vm:8080/")
    assert SSRFGuardMiddleware(allow_private=False).process_request(redirected) is None
    resolver = GuardedResolver.__new__(GuardedResolver)
    resolver.blocked = LocalCache(10)
    with pytest.raises(BlockedAddressError):
        resolver._check(socket.gethostbyname("vm"), "vm")


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b"internal admin page"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def internal_server():  # type: ignore[no-untyped-def]
    """A server on 127.0.0.1 standing for an internal service; ``.hits`` lists what reached it."""
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,))
    thread.start()
    try:
        yield server.server_address[1], _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def probe(urls: list[str], allow_private: bool) -> dict[str, dict]:
    env = dict(os.environ, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1" if allow_private else "0")
    proc = run_python("-m", "tests.ssrf_probe", *urls, env=env)
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {r["url"]: r for r in results}


def _targets(port: int) -> list[str]:
    hosts = ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0.0.0.0", "[::ffff:127.0.0.1]"]
    names = ["vm", "localhost", socket.gethostname()]
    return [f"http://{host}:{port}/internal" for host in hosts + names]


@pytest.mark.slow
def test_guard_stops_direct_and_redirected_requests_in_a_real_crawl(internal_server) -> None:  # type: ignore[no-untyped-def]
    port, hits = internal_server
    targets = _targets(port)
    redirects = [f"http://public.example/?to={quote(t, safe='')}" for t in targets]
    guarded = probe(targets + redirects, allow_private=False)
    assert set(guarded) == set(targets + redirects)
    for result in guarded.values():
        assert result["outcome"] == "refused", result
    assert hits == []  # nothing reached the internal server, not even a robots.txt request
    # the same redirects with the guard off do reach it: the refusals above are the guard's doing
    unguarded = probe(redirects[:1] + redirects[-3:], allow_private=True)
    assert all(r["outcome"] == "fetched" for r in unguarded.values()), unguarded
    assert "/internal" in hits


# ---------------------------------------------------------------------------------------------- XML entities


@pytest.mark.slow
def test_entity_attacks_in_feeds_and_sitemaps_expand_nothing_in_a_crawl(
    tmp_path: Path, sqlite_url: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    with FaultSite([hostile(secret.as_uri()), healthy()]) as site:
        run_cli("sources", "add", site.home("hostile"), site.home("healthy"), *FAST, db=sqlite_url)
        started = time.monotonic()
        result = run_cli("crawl", *FAST, db=sqlite_url, timeout=120)
        assert time.monotonic() - started < 60
        assert site.hits("hostile", "/sitemap.xml") == 1  # the sitemap was read (and its entities ignored)
    engine = create_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            dump = " ".join(
                str(tuple(row))
                for table in ("sources", "posts", "comments", "fetch_errors", "keyword_matches")
                for row in conn.execute(text(f"SELECT * FROM {table}"))
            )
            titles = (
                conn.execute(text("SELECT title FROM posts WHERE url LIKE '%/2024/01/%'")).scalars().all()
            )
    finally:
        engine.dispose()
    output = result.stdout + result.stderr
    for text_ in (dump, output):
        assert SECRET not in text_
        assert "lollol" not in text_
    assert len(titles) == 5 and all(len(t) < 100 for t in titles)  # hostile's 2 (feed titles), healthy's 3
    assert "Unsupported URL scheme 'file'" in dump  # the file: comment feed was refused, not read


def test_opml_with_entities_is_refused(tmp_path: Path, sqlite_url: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    opml = tmp_path / "evil.opml"
    opml.write_text(
        '<?xml version="1.0"?>'
        + f'<!DOCTYPE opml [<!ENTITY a "lollollollol"><!ENTITY b "&a;&a;&a;&a;"><!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        + '<opml><body><outline text="&b;&x;" xmlUrl="http://127.0.0.1:9/&x;/feed/"/></body></opml>'
    )
    result = run_cli("sources", "import", str(opml), db=sqlite_url, check=False, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"Error: {opml}: OPML with entity declarations is refused"]
    assert SECRET not in result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------- secrets


BAD_DATABASE = "postgresql://user:secret@127.0.0.1:1/x"


@pytest.mark.parametrize(
    "args",
    [
        ["sources", "list"],
        ["sources", "add", "http://127.0.0.1:9/"],
        ["crawl", "-v"],
        ["status"],
        ["migrate"],
    ],
    ids=" ".join,
)
def test_database_password_is_never_printed(args: list[str]) -> None:
    result = run_cli(*args, db=BAD_DATABASE, check=False, timeout=60)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "secret" not in output
    assert "Traceback" not in output


def test_database_password_in_the_query_is_never_printed() -> None:
    result = run_cli("sources", "list", db="postgresql://user@127.0.0.1:1/x?password=secret", check=False)
    assert result.returncode == 1 and "secret" not in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.postgres
def test_working_database_password_stays_out_of_verbose_logs(pg_url: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.engine import make_url

    url = make_url(pg_url).set(password="secret").render_as_string(hide_password=False)
    with FaultSite([healthy()]) as site:
        added = run_cli("sources", "add", site.home("healthy"), "-v", *FAST, db=url)
        crawled = run_cli("crawl", "-v", *FAST, "-s", "LOG_LEVEL=DEBUG", db=url)
    output = added.stdout + added.stderr + crawled.stdout + crawled.stderr
    assert "new posts" in crawled.stdout
    assert "secret" not in output


def test_redis_password_is_never_printed(sqlite_url: str) -> None:
    """``status`` with Redis down (redis-py retries for a while before it gives up: one command only)."""
    env = {"DOCLISTEN_REDIS_URL": "redis://:secret@127.0.0.1:1/0"}
    result = run_cli("status", db=sqlite_url, env=env, own_process=True, check=False, timeout=90)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Redis unavailable at redis://:***@127.0.0.1:1/0: ")
    assert "secret" not in result.stdout + result.stderr
