import json
from datetime import UTC, datetime

import pytest

from crawler.extract.text import fragment_text
from crawler.extract.wp_rest import parse_rest_comments, rest_comments_url

POST = "https://type1tales.example/2024/03/switched-omnipod-tubed-pump/"
COMMENTS = [
    {
        "id": 123,
        "post": 1042,
        "parent": 0,
        "author": 0,
        "author_name": "Sam (T1D since 1998)",
        "author_url": "https://samsugar.example",
        "date": "2024-03-04T11:01:12",
        "date_gmt": "2024-03-04T16:01:12",
        "content": {"rendered": "<p>Tubing snagged on every door handle.</p>\n<p>Back to the pod!</p>\n"},
        "link": POST + "#comment-123",
        "status": "approved",
        "type": "comment",
        "author_avatar_urls": {"24": "https://secure.gravatar.com/avatar/x?s=24"},
    },
    {
        "id": 131,
        "post": 1042,
        "parent": 123,
        "author": 2,
        "author_name": "Kelly Ramos",
        "author_url": "",
        "date": "2024-03-05T04:12:44",
        "content": {"rendered": "<p>Door handles are <em>the worst</em>.<br />\nTrue story.</p>\n"},
        "link": POST + "comment-page-1/#comment-131",
        "status": "approved",
        "type": "comment",
    },
]


def test_parse_rest_comments():
    first, reply = parse_rest_comments(json.dumps(COMMENTS).encode())
    assert first.external_id == "123"
    assert first.parent_external_id is None
    assert first.author == "Sam (T1D since 1998)"
    assert first.author_url == "https://samsugar.example"
    assert first.published_at == datetime(2024, 3, 4, 16, 1, 12, tzinfo=UTC)
    assert first.text == "Tubing snagged on every door handle.\n\nBack to the pod!"
    assert first.post_url == POST
    assert first.via == "rest"
    assert reply.external_id == "131"
    assert reply.parent_external_id == "123"
    assert reply.author_url is None
    assert reply.published_at == datetime(2024, 3, 5, 4, 12, 44, tzinfo=UTC)  # no date_gmt: `date`
    assert reply.text == "Door handles are the worst.\nTrue story."


def test_empty_page():
    assert parse_rest_comments(b"[]") == []


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body>Not found</body></html>",
        b'{"code":"rest_post_invalid_id","message":"Invalid post ID.","data":{"status":404}}',
        b"[1, 2]",
        b"\xff\xfe\x00garbage",
    ],
)
def test_bad_bodies(body):
    with pytest.raises(ValueError) as info:
        parse_rest_comments(body)
    assert "\n" not in str(info.value)


def test_rest_comments_url_pretty_permalinks():
    url = rest_comments_url("https://type1tales.example/wp-json/", "1042")
    assert url == "https://type1tales.example/wp-json/wp/v2/comments?post=1042&per_page=100&page=1&order=asc"
    url = rest_comments_url("https://t.example/blog/wp-json", "7", page=3, per_page=50)
    assert url == "https://t.example/blog/wp-json/wp/v2/comments?post=7&per_page=50&page=3&order=asc"


def test_rest_comments_url_plain_permalinks():
    url = rest_comments_url("https://t.example/?rest_route=/", "1042", page=2)
    assert url.startswith("https://t.example/?rest_route=%2Fwp%2Fv2%2Fcomments&")
    assert "post=1042" in url and "page=2" in url and "per_page=100" in url


def test_rest_content_text_is_the_page_text():
    html = "<p>A  <b>bold</b>\nclaim&nbsp;here</p><script>track()</script><ul><li>one</li><li>two</li></ul>"
    assert fragment_text(html) == "A bold claim here\n\none\ntwo"  # list items on lines, as in pages
    assert fragment_text("Line<br>break<br><br>para") == "Line\nbreak\n\npara"
    assert fragment_text("") == ""
    assert fragment_text(None) == ""
    assert fragment_text("fish &amp; chips") == "fish & chips"
