"""One page for ``doclisten extract URL``: fetched through Scrapy like every other request (robots.txt, the
User-Agent, the SSRF guard, timeouts and size limits) and handed back as a :class:`FetchedPage`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.spiders.errors import error_message


@dataclass
class FetchedPage:
    url: str  # as asked for
    final_url: str | None = None  # after redirects
    status: int | None = None
    text: str | bytes = b""  # decoded by Scrapy (HTTP and <meta> charset) when the answer is text
    error: str | None = None  # one line, when nothing usable came back


class FetchSpider(Spider):
    name = "fetch"

    def __init__(self, url: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.url = url

    async def start(self) -> AsyncIterator[Any]:
        yield Request(self.url, callback=self.parse, errback=self.on_error, dont_filter=True)

    def parse(self, response: Any) -> Iterator[FetchedPage]:
        text = response.text if isinstance(response, TextResponse) else response.body
        yield FetchedPage(self.url, response.url, response.status, text)

    def on_error(self, failure: Any) -> Iterator[FetchedPage]:
        if failure.check(HttpError):
            response = failure.value.response
            message = f"{self.url}: HTTP {response.status}"
        elif failure.check(IgnoreRequest):
            reason = failure.getErrorMessage() or "refused"
            message = reason if self.url in reason else f"{self.url}: {reason}"
        else:
            message = f"cannot fetch {self.url}: {error_message(failure)}"
        yield FetchedPage(self.url, error=message)
