"""DOCLISTEN_HOST_OVERRIDES: a third-party host's requests go to another origin (tests), nothing else moves."""

from __future__ import annotations

import pytest
from scrapy.http import Request

from crawler.exceptions import DoclistenError
from crawler.middlewares.hosts import HostOverrideMiddleware


def test_a_host_and_its_subdomains_go_elsewhere_with_path_and_query() -> None:
    mw = HostOverrideMiddleware(
        {"disqus.com": "http://127.0.0.1:8123", "*.disqus.com": "http://127.0.0.1:8124"}
    )
    moved = mw.process_request(Request("https://disqus.com/embed/comments/?f=dlife&t_i=7"))
    assert moved.url == "http://127.0.0.1:8123/embed/comments/?f=dlife&t_i=7"
    assert (
        mw.process_request(Request("https://dlife.disqus.com/latest.rss")).url
        == "http://127.0.0.1:8124/latest.rss"
    )
    assert mw.process_request(Request("https://blog.example/disqus.com/")) is None  # other hosts stay
    assert mw.process_request(Request("http://127.0.0.1:8123/embed/comments/")) is None  # no loop


@pytest.mark.parametrize("origin", ["ftp://127.0.0.1/", "127.0.0.1:8123", ""])
def test_a_bad_override_is_a_one_line_error(origin: str) -> None:
    with pytest.raises(DoclistenError, match="not an http"):
        HostOverrideMiddleware({"disqus.com": origin})
