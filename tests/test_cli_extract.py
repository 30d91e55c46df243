"""``doclisten extract``: a saved file (in process) and a URL of the sample site (through Scrapy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from doclisten.cli.main import main
from tests.conftest import run_cli

PAGES = Path(__file__).parent / "pages" / "extract"
WP_URL = "https://sugarhighs.example/2015/03/03/pump-site-rotation/"
KEYS = ["url", "canonical_url", "platform", "title", "author", "published", "updated", "body", "comment_feed_url",
        "next_comments_url", "comments"]  # fmt: skip
COMMENT_KEYS = ["external_id", "parent_external_id", "author", "author_url", "published", "text"]


def invoke(*args: str):
    return CliRunner().invoke(main, ["extract", *args])


def test_file_as_json_with_stable_keys():
    result = invoke(str(PAGES / "wp_classic.html"), "--url", WP_URL, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == KEYS
    assert (data["platform"], data["title"], data["author"]) == (
        "wordpress",
        "Pump site rotation tips",
        "Kerri",
    )
    assert data["published"] == "2015-03-03T14:30:00Z"
    assert data["canonical_url"] == WP_URL
    assert data["body"].startswith("After eleven years on an insulin pump")
    first, reply = data["comments"][:2]
    assert all(list(c) == COMMENT_KEYS for c in data["comments"])
    assert (first["external_id"], first["author"], first["published"]) == (
        "101",
        "Type1Mom",
        "2015-03-03T16:12:00Z",
    )
    assert (reply["external_id"], reply["parent_external_id"]) == ("102", "101")


def test_file_as_text_shows_threads():
    result = invoke(
        str(PAGES / "wpdiscuz.html"), "--url", "https://suess-t1.example/rezepte/apfelschnitten.html"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Title:      Apfel-Zimt-Schnitten ohne Zucker"
    assert "Platform:   wordpress" in lines
    assert "Comments: 3" in lines
    assert "#3101 Jana 2018-03-12T08:20:00Z" in lines
    assert "    #3117 reply to #3101 Miriam <https://suess-t1.example/> 2018-03-12T21:05:00Z" in lines


def test_file_without_url_still_extracts():
    result = invoke(str(PAGES / "news_cms.html"), "--format", "json")
    data = json.loads(result.output)
    assert data["url"].startswith("file://") and len(data["comments"]) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no/such/page.html"], "no/such/page.html: no such file"),
        (["tests"], "tests: cannot read it"),
        (["ftp://example.com/page"], "'ftp://example.com/page': not an http(s) URL"),
        (["http:///nohost"], "'http:///nohost': no host name"),
        ([str(PAGES / "wp_classic.html"), "--url", "not a url"], "'not a url': not an http(s) URL"),
        (["http://example.com:abc/"], "'http://example.com:abc/': invalid port 'abc'"),
    ],
)
def test_one_line_errors(args, message):
    result = invoke(*args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_url_of_the_sample_site(demo_site, sqlite_url):
    blog = demo_site.blogs["wp-classic"]
    post = blog.content.posts[0]
    url = demo_site.post_url("wp-classic", post.slug)
    result = run_cli("extract", url, "--format", "json", db=sqlite_url)
    data = json.loads(result.stdout)
    assert data["url"] == url and data["platform"] == "wordpress"
    assert data["title"] == post.title
    assert data["comments"] and all(c["text"] for c in data["comments"])
    assert any(r.path == "/robots.txt" for r in demo_site.requests_for("wp-classic"))
    agents = {r.headers.get("User-Agent", "") for r in demo_site.requests_for("wp-classic")}
    assert agents and all(a.startswith("doclisten/") for a in agents)


@pytest.mark.slow
def test_url_errors_are_one_line(demo_site, sqlite_url):
    home = demo_site.blogs["blogger"].homepage
    refused = run_cli("extract", home, db=sqlite_url, allow_private=False, check=False)
    assert refused.returncode == 1 and "non-public address 127.0.0.1" in refused.stderr
    robots = run_cli("extract", home + "search?q=pump", db=sqlite_url, check=False)
    assert robots.returncode == 1 and "Forbidden by robots.txt" in robots.stderr
    missing = run_cli("extract", home + "no-such-post.html", db=sqlite_url, check=False)
    assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    for result in (refused, robots, missing):
        assert "Traceback" not in result.stderr and result.stdout == ""
