"""Discourse from its public JSON: listings (topics, the next page), a topic (its first post and the replies,
parents from reply_to_post_number, quotes and link previews not the reply's own text) and the rest of a
long topic's posts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.extract.discourse import as_json_url, parse_listing, parse_posts, parse_topic, posts_url

PAGES = Path(__file__).parent / "pages" / "discourse"
BASE = "https://forum.example/"


def read(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_a_listing_gives_the_forums_topics_and_the_next_page() -> None:
    listing = parse_listing(read("latest.json"), BASE)
    assert [t.id for t in listing.topics] == [5001, 12]  # not the banner, not the broken entry
    g7 = listing.topics[0]
    assert g7.title == "Dexcom G7 warm-up failing after the update?"
    assert g7.url == "https://forum.example/t/dexcom-g7-warm-up-failing-after-the-update/5001"
    assert g7.json_url == "https://forum.example/t/5001.json"
    assert g7.last_posted_at == datetime(2026, 11, 29, 7, 45, tzinfo=UTC)
    assert (g7.posts_count, g7.highest_post_number, g7.category_id, g7.pinned) == (4, 5, 7, False)
    assert listing.topics[1].pinned
    assert listing.next_url == "https://forum.example/latest.json?no_definitions=true&page=1"


def test_the_last_listing_page_has_no_next() -> None:
    assert parse_listing(b'{"topic_list": {"topics": []}}', BASE).next_url is None


@pytest.mark.parametrize(
    ("more", "expected"),
    [
        ("/latest?page=2", "https://forum.example/latest.json?page=2"),
        ("/c/type-1/7/l/latest?page=1", "https://forum.example/c/type-1/7/l/latest.json?page=1"),
        ("/latest.json?page=3", "https://forum.example/latest.json?page=3"),
    ],
)
def test_listing_addresses_as_json(more: str, expected: str) -> None:
    assert as_json_url(more, BASE) == expected


def test_a_topic_is_its_first_post_and_its_replies_with_parents() -> None:
    topic = parse_topic(read("topic_5001.json"), BASE)
    assert (topic.id, topic.title, topic.posts_count) == (
        5001,
        "Dexcom G7 warm-up failing after the update?",
        6,
    )
    assert topic.url == "https://forum.example/t/dexcom-g7-warm-up-failing-after-the-update/5001"
    assert (topic.author, topic.author_url) == ("Nina", "https://forum.example/u/nina_t1d")
    assert topic.published_at == datetime(2026, 11, 28, 19, 2, 11, 412000, tzinfo=UTC)
    assert (
        topic.text == "Since the app update two sensors in a row failed warm-up at 27 minutes. Anyone else?"
    )
    by_id = {c.external_id: c for c in topic.comments}
    assert set(by_id) == {"2", "3"}  # not the "closed the topic" line, not the hidden spam
    sam, ravi = by_id["2"], by_id["3"]
    assert (sam.author, sam.parent_external_id, sam.via) == (
        "coach_sam",
        None,
        "discourse",
    )  # a reply to the topic
    assert ravi.parent_external_id == "2"
    assert ravi.text == "Did they ask for the lot number? Mine wanted a photo of the applicator."  # no quote
    assert topic.missing_post_ids == [9006]
    url = posts_url(BASE, topic.id, topic.missing_post_ids)
    assert urlsplit(url).path == "/t/5001/posts.json" and parse_qs(urlsplit(url).query) == {
        "post_ids[]": ["9006"]
    }


def test_the_rest_of_a_long_topic() -> None:
    [nina] = parse_posts(read("posts_5001.json"), BASE)
    assert (nina.external_id, nina.parent_external_id) == ("6", "3")
    assert nina.text == "Yes, the lot number and a photo. FAQ"  # the link stays, its preview card does not
    assert nina.published_at == datetime(2026, 11, 29, 7, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    ("parse", "body", "message"),
    [
        (parse_listing, b"<html>Rate limited</html>", "not JSON"),
        (parse_listing, b"[]", "expected a JSON object"),
        (
            parse_listing,
            b'{"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}',
            "could not be found",
        ),
        (
            parse_topic,
            b'{"errors": ["You are not permitted to view the requested resource."], "error_type": "invalid_access"}',
            "not permitted",
        ),
        (parse_topic, b'{"id": 5, "title": "no stream"}', "without an id or a post_stream"),
    ],
)
def test_what_is_not_a_listing_or_a_topic_is_a_one_line_error(parse, body: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message) as raised:
        parse(body, BASE)
    assert "\n" not in str(raised.value)
