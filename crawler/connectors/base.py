"""What a connector's callbacks use of the crawl spider (``crawler.spiders.blogs.BlogSpider``, which mixes the
connectors in): its request factory (counting, validators), its bookkeeping and its error records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.jobs import SourceJob

Output = Any


class Connector:
    """Base of the connector mixins: declares, for the type checker, what the spider provides."""

    if TYPE_CHECKING:
        crawler: Any
        max_pages: int
        max_posts: int
        unconditional_every: int
        forum_budget: int
        seen: dict[int, set[str]]
        backfilled: dict[int, int]
        spent: dict[int, int]

        def request(
            self, job: SourceJob, url: str, callback: Any, kind: str, conditional: bool = True, **meta: Any
        ) -> Any: ...
        def job_of(self, response: Any) -> SourceJob: ...
        def is_entry(self, job: SourceJob, meta: Any) -> bool: ...
        def endpoint_open(self, job: SourceJob, name: str) -> bool: ...
        def robots_request(self, job: SourceJob, url: str, sitemaps: bool) -> Any: ...
        def post_request(
            self, job: SourceJob, url: str, via: str, entry: Any = None, comments: bool = True
        ) -> Output: ...
        def after_post_page(self, job: SourceJob, post: Any, post_url: str) -> Output: ...
        def listing_read(self, job: SourceJob, response: Any) -> None: ...
        def count(self, job: SourceJob, name: str) -> None: ...
        def fail(
            self,
            job: SourceJob,
            url: str,
            message: str,
            status: int | None = None,
            retry_at: Any = None,
            entry: bool = False,
        ) -> Any: ...
