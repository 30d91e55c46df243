"""``doclisten demo``: serve the bundled sample DOC site on loopback, crawl it, show the result."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

from rich.table import Table
from sqlalchemy.engine import make_url

from crawler.extract.disqus import VIA as DISQUS_VIA
from crawler.extract.model import DISCOURSE
from doclisten.commands.crawl import crawl_summary
from doclisten.config import DEFAULT_DATABASE_URL, Config
from doclisten.demo_site import DemoSite
from doclisten.demo_site.disqus import DisqusBlog
from doclisten.demo_site.forum import DiscourseSite
from doclisten.output import summary as output
from doclisten.output.thread import print_thread
from doclisten.runner import Session, run
from pipelines.exceptions import SourceError
from pipelines.store.db import is_in_memory, mask_url, open_database, session_factory
from pipelines.store.models import Post
from pipelines.store.status import busiest_thread, home_urls, newest_posts, totals

DEMO_OVERRIDES: dict[str, object] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOCLISTEN_PROGRESS": True,
}


def prepare_database(config: Config, fresh: bool) -> None:
    """Start from an empty SQLite file, unless it holds sources that are not demo sources."""
    url = make_url(config.database_url)
    if (
        not fresh
        or url.get_backend_name() != "sqlite"
        or not url.database
        or is_in_memory(config.database_url)
    ):
        return
    path = Path(url.database)
    if not path.exists():
        return
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            homes = home_urls(s)
    finally:
        engine.dispose()
    foreign = [h for h in homes if not h.startswith(("http://127.0.0.1:", "http://localhost:"))]
    if foreign:
        raise SourceError(
            f"{path} holds {len(foreign)} real source(s); run the demo elsewhere, "
            "e.g. `doclisten --database-url sqlite:///demo.db demo`"
        )
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def run_demo(config: Config, fresh: bool = True, verbose: bool = False) -> None:
    config = replace(config, allow_private_networks=True)  # the sample site lives on 127.0.0.1
    prepare_database(config, fresh)
    overrides = dict(DEMO_OVERRIDES, LOG_LEVEL="INFO" if verbose else "WARNING")
    with DemoSite() as site, DiscourseSite() as forum, DisqusBlog() as disqus_blog:
        blogs = [blog.base_url for blog in site.blogs.values()]
        homes = [*blogs, disqus_blog.home, forum.home]
        # the Disqus blog's comments come from a stand-in for disqus.com, on 127.0.0.1 like the rest
        overrides["DOCLISTEN_HOST_OVERRIDES"] = {
            "disqus.com": disqus_blog.disqus,
            "*.disqus.com": disqus_blog.disqus,
        }
        output.console.print(
            f"serving the sample DOC site: {len(blogs) + 1} blogs (one with Disqus comments) and a Discourse "
            "forum on 127.0.0.1"
        )

        async def steps(session: Session) -> int:
            added = session.save_discovered(await session.discover(homes))
            output.print_added(added)
            return await session.crawl()

        crawl_id = run(config, steps, overrides)
    output.print_summary(crawl_id, crawl_summary(config, crawl_id))
    print_report(config)


def print_report(config: Config) -> None:
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            n = totals(s)
            output.console.print(
                f"\nfound {n.posts} posts and {n.comments} comments ({n.replies} of them replies) "
                f"in {mask_url(config.database_url)}"
            )
            print_sample_posts(newest_posts(s, 5))
            print_thread(busiest_thread(s))
            print_thread(busiest_thread(s, platform=DISCOURSE), "a forum topic (Discourse)")
            print_thread(busiest_thread(s, via=DISQUS_VIA), "a Disqus thread")
    finally:
        engine.dispose()
    hint = explore_hint(config.database_url)
    output.console.print(
        f"\nexplore with SQL, e.g.:\n  {hint}", highlight=False, markup=False, soft_wrap=True
    )
    if (browse := browse_hint(config.database_url)) is not None:
        output.console.print(
            f"or in your browser (read-only):\n  {browse}", highlight=False, markup=False, soft_wrap=True
        )


EXAMPLE_QUERY = (
    "SELECT p.title, count(c.id) FROM posts p LEFT JOIN comments c ON c.post_id = p.id "
    "GROUP BY p.id ORDER BY 2 DESC LIMIT 5"
)


def explore_hint(database_url: str) -> str:
    """A command that queries the database the demo used (its password masked)."""
    where = "" if database_url == DEFAULT_DATABASE_URL else f"--database-url '{mask_url(database_url)}' "
    return f'doclisten {where}sql "{EXAMPLE_QUERY}"'


def browse_hint(database_url: str) -> str | None:
    """``doclisten serve`` on the demo's SQLite file (None for another database: serve reads SQLite only)."""
    from pipelines.store.sqlite_files import sqlite_path

    path = sqlite_path(database_url)
    if path is None:
        return None
    return "doclisten serve" if database_url == DEFAULT_DATABASE_URL else f"doclisten serve '{path}'"


def print_sample_posts(rows: list[tuple[Post, str | None]]) -> None:
    table = Table(title="newest posts")
    for col in ("published", "source", "title", "author", "comments", "text"):
        table.add_column(col, overflow="fold")
    for post, source_title in rows:
        table.add_row(
            post.published_at.strftime("%Y-%m-%d") if post.published_at else "?",
            source_title or "",
            post.title or "",
            post.author or "",
            str(post.comment_count),
            textwrap.shorten(post.content_text, 90),
        )
    output.console.print(table)
