"""What `doclisten keywords retag` does: re-apply the rules to the stored history."""

from __future__ import annotations

from collections.abc import Callable

from doclisten.config import Config
from pipelines.enrich import Enricher
from pipelines.keywords.matcher import Matcher
from pipelines.keywords.retag import Retagger, RetagProgress, retag
from pipelines.keywords.rules import RuleSet
from pipelines.store.db import open_database, session_factory


def retag_all(
    config: Config,
    ruleset: RuleSet,
    enrich: bool,
    batch_size: int,
    report: Callable[[RetagProgress], None] | None = None,
) -> RetagProgress:
    """Replace every post's and comment's keyword matches (and with ``enrich`` their language and
    sentiment); ``report`` hears of each batch."""
    retagger = Retagger(Matcher(ruleset), Enricher(), text_facts=enrich)
    engine = open_database(config.database_url)
    try:
        return retag(session_factory(engine), retagger, batch_size, report)
    finally:
        engine.dispose()
