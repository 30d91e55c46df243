"""RetryAfterMiddleware: a 429's Retry-After rests the whole host (other requests to it wait, or are not sent
when the wait is long); other hosts go on; a 503 holds back only its own request."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from scrapy.http import Request, Response

from crawler.middlewares.retry_after import HostPaused, RetryAfterMiddleware
from crawler.stats import RETRY_AFTER_HELD


class Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count


def middleware(max_wait: float = 120) -> RetryAfterMiddleware:
    return RetryAfterMiddleware(max_wait=max_wait, max_retries=2, stats=Stats())


def answer(url: str, status: int, retry_after: str) -> tuple[Request, Response]:
    request = Request(url)
    return request, Response(url, status=status, headers={"Retry-After": retry_after}, request=request)


async def settles(coro: object, seconds: float = 0.2) -> bool:
    """Whether ``process_request`` lets the request go within ``seconds`` (a held one sleeps far longer)."""
    try:
        await asyncio.wait_for(coro, seconds)  # type: ignore[arg-type]
    except TimeoutError:
        return False
    return True


def test_a_429_rests_its_host_and_only_its_host() -> None:
    async def scenario() -> None:
        mw = middleware()
        request, response = answer("https://forum.example/t/1", 429, "90")  # within max_wait: retried later
        retried = asyncio.ensure_future(mw.process_response(request, response))
        await asyncio.sleep(0)  # the answer is seen: the host rests from now on
        assert not await settles(mw.process_request(Request("https://forum.example/t/2")))
        assert mw.stats.values[RETRY_AFTER_HELD] == 1
        assert await settles(mw.process_request(Request("https://other.example/feed/")))
        assert await settles(mw.process_request(Request("https://sub.forum.example/")))  # another host
        retried.cancel()

    asyncio.run(scenario())


def test_a_long_rest_refuses_the_hosts_other_requests_with_the_time() -> None:
    async def scenario() -> None:
        mw = middleware(max_wait=60)
        request, response = answer("https://forum.example/latest.json", 429, "3600")
        assert await mw.process_response(request, response) is response  # not waited: the errback records it
        with pytest.raises(HostPaused) as refused:
            await mw.process_request(Request("https://forum.example/t/2.json"))
        expected = datetime.now(UTC) + timedelta(seconds=3600)
        assert abs((refused.value.until - expected).total_seconds()) < 60
        assert "forum.example asked to wait until" in str(refused.value)
        assert await settles(mw.process_request(Request("https://blog.example/feed/")))

    asyncio.run(scenario())


def test_a_503_or_a_429_without_retry_after_rests_nobody_else() -> None:
    async def scenario() -> None:
        mw = middleware(max_wait=60)
        request, response = answer("https://blog.example/feed/", 503, "3600")
        assert await mw.process_response(request, response) is response
        assert await settles(mw.process_request(Request("https://blog.example/2024/01/post/")))
        plain = Request("https://blog.example/a/")
        bare = Response(plain.url, status=429, request=plain)
        waiting = asyncio.ensure_future(mw.process_response(plain, bare))  # waits its own 1 s default
        await asyncio.sleep(0)
        assert await settles(mw.process_request(Request("https://blog.example/b/")))
        waiting.cancel()

    asyncio.run(scenario())


def test_a_rest_ends() -> None:
    async def scenario() -> None:
        mw = middleware()
        request, response = answer("https://forum.example/t/1", 429, "0")
        await mw.process_response(request, response)
        assert await settles(mw.process_request(Request("https://forum.example/t/2")))
        assert mw.paused == {}

    asyncio.run(scenario())
