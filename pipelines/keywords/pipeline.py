"""Keywords pipeline: tags posts (title and body) and comments with the keyword rules.

The rules come from ``DOCLISTEN_KEYWORDS_FILE`` (setting, else environment), or the bundled DOC
taxonomy. Matches travel with the item (:mod:`pipelines.annotations`); the storage pipeline
replaces the stored matches of each post and comment with them.
"""

from __future__ import annotations

import logging
from typing import Any

from crawler.items import CommentsItem, PostItem
from pipelines.annotations import annotations_of
from pipelines.keywords.matcher import Matcher
from pipelines.keywords.rules import load_rules, rules_path
from pipelines.keywords.text import post_text

logger = logging.getLogger(__name__)


class KeywordsPipeline:
    def __init__(self, matcher: Matcher):
        self.matcher = matcher

    @classmethod
    def from_crawler(cls, crawler: Any) -> KeywordsPipeline:
        # parsed here so that an invalid rules file stops the crawl before it starts
        ruleset = load_rules(rules_path(crawler.settings.get("DOCLISTEN_KEYWORDS_FILE")))
        logger.info("keyword rules: %d from %s", len(ruleset.rules), ruleset.origin)
        return cls(Matcher(ruleset))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, (PostItem, CommentsItem)):
            return item
        notes = annotations_of(item)
        if isinstance(item, PostItem):
            notes.post.matches = self.matcher.tag(post_text(item.title, item.content_text))
        for comment, facts in zip(item.comments, notes.for_comments(len(item.comments)), strict=True):
            facts.matches = self.matcher.tag(comment.text)
        return item
