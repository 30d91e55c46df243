"""A post and its comment tree: as a rich tree in the terminal (``doclisten demo``, ``doclisten thread``) or as
JSON for scripts (``doclisten thread --format json``: the post with nested ``replies``)."""

from __future__ import annotations

import textwrap
from typing import Any

from rich.tree import Tree

from doclisten.output import summary as output
from pipelines.analyst.export import plain
from pipelines.store.models import Comment, Post


def thread_tree(post: Post, comments: list[Comment], kind: str | None = None, width: int | None = 70) -> Tree:
    """``width``: comments shortened to it (None: in full)."""
    tree = Tree((f"{kind}: " if kind else "") + f"[b]{post.title}[/b] — {post.comment_count} comments")
    nodes: dict[int | None, Tree] = {}
    for c in comments:
        parent = nodes.get(c.parent_id, tree)
        label = (
            f"[b]{c.author or 'anonymous'}[/b] {c.published_at:%Y-%m-%d %H:%M}: " if c.published_at else ""
        )
        body = textwrap.shorten(c.content_text, width) if width else " ".join(c.content_text.split())
        nodes[c.id] = parent.add(label + body, highlight=False)
    return tree


def print_thread(
    thread: tuple[Post, list[Comment]] | None, kind: str | None = None, width: int | None = 70
) -> None:
    if thread is None:
        return
    output.console.print(thread_tree(*thread, kind=kind, width=width))


def _comment(c: Comment) -> dict[str, Any]:
    return {
        "id": c.id, "parent_id": c.parent_id, "author": c.author, "author_url": c.author_url,
        "published_at": plain(c.published_at), "text": c.content_text, "sentiment": c.sentiment,
        "replies": [],
    }  # fmt: skip


def thread_json(post: Post, source: str | None, comments: list[Comment]) -> dict[str, Any]:
    nodes: dict[int, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    for c in comments:
        nodes[c.id] = _comment(c)
    for c in comments:
        parent = nodes.get(c.parent_id) if c.parent_id is not None else None
        (parent["replies"] if parent is not None else top).append(nodes[c.id])
    return {
        "id": post.id, "url": post.url, "source": source, "title": post.title, "author": post.author,
        "published_at": plain(post.published_at), "language": post.language, "sentiment": post.sentiment,
        "text": post.content_text, "comment_count": len(comments), "comments": top,
    }  # fmt: skip
