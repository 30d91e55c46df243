"""Baseline for the crawl benchmark: a bare Scrapy fetch of a list of URLs, no pipelines.

    .venv/bin/python bench/bare_fetch.py URLS.txt [--concurrency 8] [--total-concurrency 16]

GETs every URL of the file (one a line, duplicates included) exactly once, with the concurrency
``doclisten crawl --delay 0 --concurrency 8`` runs with (per host and in total), no delay, no
AutoThrottle, no robots.txt, no redirects followed, doclisten's User-Agent, timeout and retries;
the callback only counts bytes. Prints one JSON line: responses, bytes, statuses, seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import AsyncCrawlerProcess

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler import settings as doclisten_settings


class BareSpider(Spider):
    name = "bare"

    def __init__(self, urls: list[str], **kwargs: Any):
        super().__init__(**kwargs)
        self.urls = urls
        self.statuses: Counter[int] = Counter()
        self.bytes = 0

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, callback=self.parse, dont_filter=True, meta={"handle_httpstatus_all": True})

    def parse(self, response: Any) -> None:
        self.statuses[response.status] += 1
        self.bytes += len(response.body)


def settings(per_host: int, total: int) -> dict[str, Any]:
    return {
        "USER_AGENT": doclisten_settings.USER_AGENT,
        "CONCURRENT_REQUESTS": total,
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "REDIRECT_ENABLED": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_TIMEOUT": doclisten_settings.DOWNLOAD_TIMEOUT,
        "DOWNLOAD_MAXSIZE": doclisten_settings.DOWNLOAD_MAXSIZE,
        "RETRY_TIMES": doclisten_settings.RETRY_TIMES,
        "LOG_LEVEL": "WARNING",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("urls", type=Path)
    parser.add_argument("--concurrency", type=int, default=8, help="per host (doclisten --concurrency)")
    parser.add_argument(
        "--total-concurrency",
        type=int,
        default=doclisten_settings.CONCURRENT_REQUESTS,
        help="CONCURRENT_REQUESTS (doclisten's default)",
    )
    args = parser.parse_args(argv)
    urls = [line.strip() for line in args.urls.read_text().splitlines() if line.strip()]
    process = AsyncCrawlerProcess(settings(args.concurrency, args.total_concurrency))
    crawler = process.create_crawler(BareSpider)
    times: dict[str, float] = {}

    def opened(**_: Any) -> None:
        times["open"] = time.perf_counter()

    def closed(**_: Any) -> None:
        times["closed"] = time.perf_counter()

    # signal receivers are weak references: both functions live until main() returns
    crawler.signals.connect(opened, signals.spider_opened)
    crawler.signals.connect(closed, signals.spider_closed)
    process.crawl(crawler, urls=urls)
    process.start()
    spider = crawler.spider
    print(
        json.dumps(
            {
                "urls": len(urls),
                "responses": sum(spider.statuses.values()),
                "statuses": dict(spider.statuses),
                "bytes": spider.bytes,
                "seconds": round(times["closed"] - times["open"], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
