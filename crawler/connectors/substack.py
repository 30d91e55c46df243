"""The Substack connector: a publication's posts come like a blog's (its ``/feed`` and the post pages); each
post's comment tree from the publication's JSON (``crawler/extract/substack.py`` reads the answers): the post's
id from ``/api/v1/posts/<slug>``, then ``/api/v1/post/<id>/comments``."""

from __future__ import annotations

import re
from typing import Any

from crawler.connectors.base import Connector, Output
from crawler.connectors.registry import Recognition
from crawler.extract import substack
from crawler.extract.model import SUBSTACK
from crawler.items import CommentsItem
from crawler.jobs import SourceJob

RECOGNITIONS = (
    Recognition(
        SUBSTACK,
        rank=40,
        host=re.compile(r"\.substack\.com$"),
        # a publication on its own domain still loads Substack's assets
        page_css="link[href*='substackcdn.com'], script[src*='substackcdn.com'], meta[content*='substackcdn.com']",
    ),
)


class SubstackConnector(Connector):
    def substack_requests(self, job: SourceJob, post_url: str) -> Output:
        """After a post page of a Substack source: ask for the post's JSON (its id, its comment count)."""
        api = substack.post_api_url(post_url) if job.platform == SUBSTACK else None
        if api:
            yield self.request(
                job, api, self.parse_substack_post, "comments", conditional=False, post_url=post_url
            )

    def parse_substack_post(self, response: Any) -> Output:
        job = self.job_of(response)
        try:
            post = substack.parse_post(response.body)
        except ValueError as exc:
            yield self.fail(job, response.url, str(exc), response.status)
            return
        if post.comment_count == 0:
            return
        url = substack.comments_url(response.url, post.id)
        post_url = response.meta["post_url"]
        yield self.request(
            job, url, self.parse_substack_comments, "comments", conditional=False, post_url=post_url
        )

    def parse_substack_comments(self, response: Any) -> Output:
        job = self.job_of(response)
        try:
            comments = substack.parse_comments(response.body)
        except ValueError as exc:
            yield self.fail(job, response.url, str(exc), response.status)
            return
        if comments:
            yield CommentsItem(job.source_id, response.meta["post_url"], substack.VIA, comments, response.url)
