"""DOCLISTEN_PSEUDONYMIZE_AUTHORS: author names and URLs stored as keyed hashes, stable per author."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from crawler.extract.model import ExtractedComment
from doclisten.config import Config
from pipelines.pseudonym import PseudonymError, Pseudonymizer, from_settings
from pipelines.store.models import Comment, Post, Source
from tests.conftest import FAST, ROOT, run_cli

KEY = "correct horse battery staple"


def test_keyed_stable_and_distinct() -> None:
    p, other = Pseudonymizer(KEY), Pseudonymizer(KEY + "!")
    assert p.name("Megan Hollis") == p.name("  megan   HOLLIS ") != p.name("Kat Lindqvist")
    assert p.name("Megan Hollis") != other.name("Megan Hollis")  # no key, no guessing
    assert p.name("Megan Hollis").startswith("anon-") and "megan" not in p.name("Megan Hollis")
    assert p.url("http://megan.test/") == p.url("http://megan.test") != p.name("http://megan.test/")
    assert p.name(None) is None and p.url(None) is None


def test_apply_to_items() -> None:
    from crawler.items import CommentsItem

    p = Pseudonymizer(KEY)
    item = CommentsItem(source_id=1, post_url="http://x.test/p", via="feed",
                        comments=[ExtractedComment(text="hi", author="Ann", author_url="http://ann.test/")])  # fmt: skip
    p.apply(item)
    assert (item.comments[0].author, item.comments[0].author_url) == (
        p.name("Ann"),
        p.url("http://ann.test/"),
    )


def test_names_inside_titles_are_masked() -> None:
    p = Pseudonymizer(KEY)
    kat, kim = p.name("Kat Lindqvist"), p.name("Kim")
    known = {kat, kim}
    assert p.mask("Latest writing · Kat Lindqvist", known) == f"Latest writing · {kat}"
    assert p.mask("Guest post by KAT  lindqvist.", known) == f"Guest post by {kat}."
    assert p.mask("Kat Lindqvist's notes (and Kim’s)", known) == f"{kat}'s notes (and {kim}’s)"
    assert p.mask("Kat\u00a0Lindqvist — Kimberly and Kat", known) == f"{kat} — Kimberly and Kat"
    assert p.mask("Latest writing · Kat Lindqvist", set()) == "Latest writing · Kat Lindqvist"
    assert p.mask(None, known) is None


def test_apply_masks_the_authors_names_in_the_post_title() -> None:
    from crawler.items import PostItem

    p = Pseudonymizer(KEY)
    item = PostItem(source_id=1, url="http://x.test/p", fetched_url="http://x.test/p", platform="generic",
                    title="Ask Megan: Ann Reyes on pumps, by Megan Hollis", author="Megan Hollis",
                    published_at=None, updated_at=None, content_text="Megan Hollis wrote this.",
                    comments=[ExtractedComment(text="hi", author="Ann Reyes")])  # fmt: skip
    p.apply(item)
    megan, ann = p.name("Megan Hollis"), p.name("Ann Reyes")
    assert item.title == f"Ask Megan: {ann} on pumps, by {megan}"  # a first name alone is not a known name
    assert item.author == megan and item.comments[0].author == ann
    assert item.content_text == "Megan Hollis wrote this."  # bodies are not masked (documented)


def test_settings_from_the_environment() -> None:
    assert from_settings(Config.from_env({}).settings()) is None
    assert (
        from_settings(
            Config.from_env({"DOCLISTEN_PSEUDONYMIZE_AUTHORS": "0", "DOCLISTEN_PSEUDONYM_KEY": ""}).settings()
        )
        is None
    )
    assert isinstance(
        from_settings(
            Config.from_env(
                {"DOCLISTEN_PSEUDONYMIZE_AUTHORS": "1", "DOCLISTEN_PSEUDONYM_KEY": KEY}
            ).settings()
        ),
        Pseudonymizer,
    )
    with pytest.raises(PseudonymError, match="DOCLISTEN_PSEUDONYM_KEY is not set"):
        from_settings(Config.from_env({"DOCLISTEN_PSEUDONYMIZE_AUTHORS": "1"}).settings())
    with pytest.raises(PseudonymError, match="shorter than 16"):
        from_settings(
            Config.from_env(
                {"DOCLISTEN_PSEUDONYMIZE_AUTHORS": "1", "DOCLISTEN_PSEUDONYM_KEY": "short"}
            ).settings()
        )
    with pytest.raises(PseudonymError, match="expected 1 or 0"):
        from_settings(Config.from_env({"DOCLISTEN_PSEUDONYMIZE_AUTHORS": "maybe"}).settings())


def test_documented() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text()
    assert "`DOCLISTEN_PSEUDONYMIZE_AUTHORS`" in doc and "`DOCLISTEN_PSEUDONYM_KEY`" in doc
    covered = doc[doc.index("### Pseudonymization") :]
    for column in ("posts.title", "sources.title", "posts.content_text", "comments.content_text"):
        assert f"`{column}`" in covered


@pytest.mark.slow
def test_crawl_stores_pseudonyms(demo_site, db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    run_cli("sources", "add", *[blog.homepage for blog in demo_site.blogs.values()], *FAST, db=db_url)
    monkeypatch.setenv("DOCLISTEN_PSEUDONYMIZE_AUTHORS", "1")
    monkeypatch.delenv("DOCLISTEN_PSEUDONYM_KEY", raising=False)
    proc = run_cli("crawl", *FAST, db=db_url, check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        "Error: DOCLISTEN_PSEUDONYMIZE_AUTHORS=1 needs a secret key: DOCLISTEN_PSEUDONYM_KEY is not set"
    )
    monkeypatch.setenv("DOCLISTEN_PSEUDONYM_KEY", KEY)
    assert os.environ["DOCLISTEN_PSEUDONYM_KEY"] == KEY
    run_cli("crawl", *FAST, db=db_url)
    engine = create_engine(make_url(db_url))
    with engine.connect() as conn:
        post_authors = [a for a in conn.execute(select(Post.author)).scalars() if a]
        comments = conn.execute(select(Comment.author, Comment.author_url)).all()
        titles = [t for t in conn.execute(select(Source.title)).scalars() if t]
        titles += [t for t in conn.execute(select(Post.title)).scalars() if t]
    engine.dispose()
    p = Pseudonymizer(KEY)
    assert f"Latest writing · {p.name('Kat Lindqvist')}" in titles  # the generic blog's title
    names = {
        name
        for blog in demo_site.blogs.values()
        for post in blog.content.posts
        for name in (post.author, *(c.author for c in post.comments))
    }
    leaks = [(n, t) for n in names for t in titles if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", t, re.I)]
    assert not leaks
    assert post_authors and all(a.startswith("anon-") for a in post_authors)
    assert p.name("Megan Hollis") in post_authors  # stable: the same author, the same pseudonym
    assert comments and all(a is None or a.startswith("anon-") for a, _ in comments)
    assert all(u is None or u.startswith("anon-url-") for _, u in comments)
    assert any(u for _, u in comments)
    assert len(set(post_authors)) > 1
