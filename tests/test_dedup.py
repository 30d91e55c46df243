"""Dedup pipeline: exact duplicates within a crawl, near-duplicate signatures for storage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.exceptions import DoclistenError
from crawler.extract.model import ExtractedComment
from crawler.items import CommentsItem, PostItem
from crawler.stats import stat_key
from pipelines.dedup import DedupPipeline
from tests.test_neardup import ORIGINAL


def post(url: str = "https://blog.example/a/", text: str = ORIGINAL, **kw) -> PostItem:  # type: ignore[no-untyped-def]
    values = dict(
        source_id=1,
        url=url,
        fetched_url=url,
        platform="wordpress",
        title="Humalog at the counter",
        author="Kim",
        published_at=datetime(2015, 3, 5, tzinfo=UTC),
        updated_at=None,
        content_text=text,
    )
    values.update(kw)
    return PostItem(**values)


@pytest.fixture
def pipe() -> DedupPipeline:
    return DedupPipeline.from_crawler(get_crawler(settings_dict={"DOCLISTEN_NEARDUP_THRESHOLD": 0.8}))


def test_same_url_and_text_is_dropped_once_seen(pipe: DedupPipeline) -> None:
    pipe.process_item(post())
    with pytest.raises(DropItem):
        pipe.process_item(post())
    assert pipe.process_item(post(text=ORIGINAL + " Edited.")).content_text.endswith("Edited.")
    assert pipe.stats.get_value(stat_key(1, "duplicates")) == 1


def test_same_feed_entry_under_another_url_is_dropped(pipe: DedupPipeline) -> None:
    pipe.process_item(post(guid="https://blog.example/?p=12"))
    with pytest.raises(DropItem, match="same feed entry"):
        pipe.process_item(post("https://blog.example/2015/03/a/", guid="https://blog.example/?p=12"))
    # a feed that gives every entry the same GUID: titles differ, nothing is dropped
    pipe.process_item(
        post("https://blog.example/b/", guid="https://blog.example/?p=12", title="Another post")
    )


def test_comments_are_unique_by_id_or_text(pipe: DedupPipeline) -> None:
    comments = [
        ExtractedComment("Same words", external_id="7"),
        ExtractedComment("Same words, longer", external_id="7", via="rest"),
        ExtractedComment("No id"),
        ExtractedComment("No  id"),
        ExtractedComment("no id"),
    ]
    item = pipe.process_item(CommentsItem(1, "https://blog.example/a/", "feed", comments))
    assert [c.text for c in item.comments] == ["Same words", "No id"]


def test_signature_travels_with_the_post(pipe: DedupPipeline) -> None:
    notes = pipe.process_item(post()).annotations
    assert notes is not None and notes.neardup is not None
    assert notes.neardup.threshold == 0.8 and notes.neardup.signature is not None
    short = pipe.process_item(post("https://blog.example/s/", text="Short post.")).annotations
    assert short is not None and short.neardup is not None and short.neardup.signature is None


def test_threshold_must_be_a_fraction() -> None:
    with pytest.raises(DoclistenError, match="DOCLISTEN_NEARDUP_THRESHOLD"):
        DedupPipeline.from_crawler(get_crawler(settings_dict={"DOCLISTEN_NEARDUP_THRESHOLD": 80}))
