"""The Disqus connector: a page that embeds Disqus (any platform) has its thread read from Disqus's key-less
embed page (``crawler/extract/disqus.py``), through every middleware like any request (politeness per Disqus
host as per any host). What a key-less reader gets: the thread's first page, with ids, parents, authors and
times; a longer thread's rest needs Disqus's API (a key)."""

from __future__ import annotations

import logging
from typing import Any

from crawler.connectors.base import Connector, Output
from crawler.extract import disqus
from crawler.extract.model import ExtractedPost
from crawler.items import CommentsItem
from crawler.jobs import SourceJob

logger = logging.getLogger(__name__)


class DisqusConnector(Connector):
    def disqus_requests(self, job: SourceJob, post: ExtractedPost, post_url: str) -> Output:
        """After a post page: its Disqus thread, when the page embeds one."""
        if post.disqus_thread_url:
            yield self.request(
                job,
                post.disqus_thread_url,
                self.parse_disqus,
                "comments",
                conditional=False,
                post_url=post_url,
            )

    def parse_disqus(self, response: Any) -> Output:
        job = self.job_of(response)
        try:
            thread = disqus.parse_thread(response.body)
        except ValueError as exc:
            yield self.fail(job, response.url, f"Disqus thread unreadable: {exc}", response.status)
            return
        if thread.has_more:
            logger.debug("%s: a longer Disqus thread, its first page read", response.meta["post_url"])
        if thread.comments:
            yield CommentsItem(
                job.source_id, response.meta["post_url"], disqus.VIA, thread.comments, response.url
            )
