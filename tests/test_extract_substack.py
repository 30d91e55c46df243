"""Substack from its public JSON: a post (paid-only ones with what is public), the comment tree flattened
with parents, deleted comments left out with their replies kept in place."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract.substack import comments_url, parse_comments, parse_post, post_api_url

PAGES = Path(__file__).parent / "pages" / "substack"


def read(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_addresses() -> None:
    post = "https://loopnotes.substack.com/p/what-a-year-of-closed-loop-taught-me"
    assert (
        post_api_url(post)
        == "https://loopnotes.substack.com/api/v1/posts/what-a-year-of-closed-loop-taught-me"
    )
    assert (
        post_api_url("https://www.customdomain.example/p/a-post/")
        == "https://www.customdomain.example/api/v1/posts/a-post"
    )
    assert post_api_url("https://loopnotes.substack.com/archive") is None
    assert comments_url(post, 151234567) == (
        "https://loopnotes.substack.com/api/v1/post/151234567/comments?all_comments=true&sort=oldest_first"
    )


def test_a_free_post() -> None:
    post = parse_post(read("post_free.json"))
    assert (post.id, post.title, post.author, post.paid, post.comment_count) == (
        151234567,
        "What a year of closed loop taught me",
        "Tamsin Roe",
        False,
        4,
    )
    assert post.url == "https://loopnotes.substack.com/p/what-a-year-of-closed-loop-taught-me"
    assert post.published_at == datetime(2026, 11, 24, 13, 5, tzinfo=UTC)
    assert post.text == (
        "Twelve months on a hybrid closed loop, and the biggest change is sleep.\n\n"
        "The algorithm handles the 3 a.m. drift I used to chase.\n\nMeal boluses are still on me."
    )  # not the subscribe widget


def test_a_paid_post_is_what_is_public() -> None:
    post = parse_post(read("post_paid.json"))
    assert post.paid and post.text == "I collected what 40 readers pay for a vial in eight countries."


def test_the_comment_tree() -> None:
    comments = parse_comments(read("comments.json"))
    assert [(c.external_id, c.parent_external_id) for c in comments] == [
        ("80001", None),
        ("80002", "80001"),
        ("80004", "80002"),
        ("80005", "80003"),  # its deleted parent keeps its place
    ]
    omar, _tamsin, guest, _ines = comments
    assert (omar.author, omar.author_url, omar.via) == ("Omar", "https://substack.com/@omar_t1", "substack")
    assert omar.published_at == datetime(2026, 11, 24, 15, 0, 12, tzinfo=UTC)
    assert (guest.author, guest.author_url) == ("Guest reader", None)


def test_a_flat_answer_takes_parents_from_the_ancestor_path() -> None:
    body = b'{"comments": [{"id": 7, "body": "A reply.", "ancestor_path": "3.5", "children": []}]}'
    assert [(c.external_id, c.parent_external_id) for c in parse_comments(body)] == [("7", "5")]


@pytest.mark.parametrize(
    ("parse", "body", "message"),
    [
        (parse_post, b"<html>Too Many Requests</html>", "not JSON"),
        (parse_post, b'{"error": "Post not found"}', "Post not found"),
        (parse_comments, b"[1, 2]", "expected a JSON object"),
        (parse_comments, b'{"error": "Not authorized"}', "Not authorized"),
    ],
)
def test_what_is_not_a_post_or_comments_is_a_one_line_error(parse, body: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message) as raised:
        parse(body)
    assert "\n" not in str(raised.value)
