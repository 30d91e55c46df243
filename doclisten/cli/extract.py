"""``doclisten extract FILE_OR_URL``: run the crawler's extraction on one page and print what came out.

A saved file is read from disk; a URL is fetched through Scrapy with the crawler's settings (robots.txt, the
User-Agent, the SSRF guard: ``DOCLISTEN_ALLOW_PRIVATE_NETWORKS``), never with a second HTTP client.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from doclisten.cli.common import Context, guard, private_networks_option
from doclisten.config import Config
from doclisten.exceptions import CommandError

if TYPE_CHECKING:  # the extraction (trafilatura, lxml, Scrapy) is imported when the command runs
    from crawler.extract.model import ExtractedComment, ExtractedPost
    from crawler.spiders.fetch import FetchedPage

# one page and its robots.txt: no crawl delay to spread, no items to store
FETCH_SETTINGS = {
    "LOG_LEVEL": "ERROR",
    "ITEM_PIPELINES": {},
    "DOCLISTEN_PROGRESS": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
}


def is_url(value: str) -> bool:
    return "://" in value


def read_file(path: str) -> bytes:
    file = Path(path)
    if not file.exists():
        raise CommandError(f"{path}: no such file (URLs start with http:// or https://)")
    try:
        return file.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def fetch(config: Config, url: str) -> tuple[str | bytes, str]:
    """(page, final URL) fetched by Scrapy (``doclisten.runner``, without a database), or a one-line error."""
    from doclisten.runner import Session, run

    async def steps(session: Session) -> FetchedPage:
        return await session.fetch(url)

    page = run(config, steps, FETCH_SETTINGS, database=False)
    if page.error:
        raise CommandError(page.error)
    return page.text, page.final_url or url


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def comment_dict(comment: ExtractedComment) -> dict[str, Any]:
    return {
        "external_id": comment.external_id,
        "parent_external_id": comment.parent_external_id,
        "author": comment.author,
        "author_url": comment.author_url,
        "published": iso(comment.published_at),
        "text": comment.text,
    }


def post_dict(post: ExtractedPost) -> dict[str, Any]:
    """The extraction as JSON-ready data; the keys are always present and in this order."""
    return {
        "url": post.url,
        "canonical_url": post.canonical_url,
        "platform": post.platform,
        "title": post.title,
        "author": post.author,
        "published": iso(post.published_at),
        "updated": iso(post.updated_at),
        "body": post.content_text,
        "comment_feed_url": post.comment_feed_url,
        "next_comments_url": post.next_comments_url,
        "comments": [comment_dict(c) for c in post.comments],
    }


def _depths(comments: list[ExtractedComment]) -> list[int]:
    depth_of: dict[str, int] = {}
    depths = []
    for comment in comments:
        depth = depth_of.get(comment.parent_external_id or "", -1) + 1
        if comment.external_id:
            depth_of[comment.external_id] = depth
        depths.append(depth)
    return depths


def render_text(post: ExtractedPost) -> str:
    data = post_dict(post)
    head = [f"{label + ':':11} {data[key] or '-'}" for label, key in LABELS]
    lines = [*head, "", post.content_text or "(no body text found)", "", f"Comments: {len(post.comments)}"]
    for comment, depth in zip(post.comments, _depths(post.comments), strict=True):
        pad = "    " * depth
        who = comment.author or "(no author)"
        url = f" <{comment.author_url}>" if comment.author_url else ""
        ids = f"#{comment.external_id or '?'}" + (
            f" reply to #{comment.parent_external_id}" if comment.parent_external_id else ""
        )
        lines += ["", f"{pad}{ids} {who}{url} {iso(comment.published_at) or '(no date)'}"]
        lines += [f"{pad}  {line}" if line else "" for line in comment.text.splitlines()]
    return "\n".join(lines)


LABELS = (
    ("Title", "title"),
    ("Author", "author"),
    ("Published", "published"),
    ("Platform", "platform"),
    ("URL", "url"),
    ("Canonical", "canonical_url"),
)


@click.command("extract")
@click.argument("source", metavar="FILE_OR_URL")
@click.option(
    "--url",
    "page_url",
    help="The page's address: for a saved FILE, the URL it came from (resolves links, tells the platform by "
    "host); for a URL, overrides the address after redirects.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Readable text, or JSON with stable keys.",
)
@private_networks_option
@click.pass_obj
def extract(obj: Context | None, source: str, page_url: str | None, output: str) -> None:
    """Extract one page the way the crawler does and print title, author, published time (UTC), platform,
    canonical URL, body text and comments (author, author URL, date, id, parent id, text).

    FILE_OR_URL is a saved HTML file or an http(s) URL; a URL is fetched through Scrapy (robots.txt,
    User-Agent, SSRF guard). Use it to see why a page came out wrong.
    """
    from crawler.extract import extract_page
    from crawler.urls import web_url

    config = obj.config if obj is not None else Config.from_env()
    with guard():
        if page_url is not None:
            page_url = web_url(page_url)
        fetched_at = datetime.now(UTC)  # resolves "2 days ago"; a saved file's own time is when it was saved
        if is_url(source):
            html, final_url = fetch(config, web_url(source))
        else:
            html, final_url = read_file(source), Path(source).resolve().as_uri()
            fetched_at = datetime.fromtimestamp(Path(source).stat().st_mtime, UTC)
        post = extract_page(html, page_url or final_url, fetched_at=fetched_at)
    if output == "json":
        click.echo(json.dumps(post_dict(post), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(post))
