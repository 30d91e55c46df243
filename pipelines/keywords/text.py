"""The texts keyword rules are applied to (the same for the pipeline and ``keywords retag``)."""

from __future__ import annotations


def post_text(title: str | None, body: str) -> str:
    """A post is tagged on its title and body: snippets and mention offsets refer to this text."""
    return f"{title}\n\n{body}" if title else body
