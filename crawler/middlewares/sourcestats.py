"""Counts requests and 304 answers per source (``meta["source_id"]``) in the crawler stats.

The counters and what each one means: :mod:`crawler.stats`.
"""

from __future__ import annotations

from typing import Any

from crawler.stats import stat_key


class SourceStatsMiddleware:
    def __init__(self, stats: Any):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceStatsMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Any, response: Any) -> Any:
        source_id = request.meta.get("source_id")
        if source_id is not None and not request.meta.get("robots_txt"):  # (answered without a request)
            self.stats.inc_value(stat_key(source_id, "requests"))
            if response.status == 304:
                self.stats.inc_value(stat_key(source_id, "not_modified"))
        return response
