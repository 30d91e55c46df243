"""Comment ids as the platforms print them, normalised so that a comment seen through HTML, a comment feed
or the REST API has one id (see ``ExtractedComment.external_id``)."""

from __future__ import annotations

import re

from lxml import etree

_ID_PATTERNS = [
    re.compile(r"^(?:li-|div-)?comment-?(\d+)$", re.I),
    re.compile(r"^c(\d+)$"),
    re.compile(r"^(?:comment|cmt|reply)[_-]?(?:item[_-]?)?(\d+)$", re.I),
    re.compile(r"^(?:kommentar|leserbrief)[_-]?(\d+)$", re.I),
]


def normalise_id(value: str | None) -> str | None:
    """``comment-123``/``div-comment-123``/``li-comment-123`` -> ``"123"``; Blogger ``c456`` -> ``"456"``."""
    if not value:
        return None
    value = value.strip()
    for pattern in _ID_PATTERNS:
        match = pattern.match(value)
        if match:
            return match.group(1)
    return None


def node_id(node: etree._Element, extra: re.Pattern | None = None) -> str | None:
    """The comment id of ``node``: its own id (``extra``: the markup's own id pattern), a data attribute,
    or the id of its first inner wrapper."""
    match = extra.match(node.get("id") or "") if extra is not None else None
    if match:
        return match.group(1)
    found = normalise_id(node.get("id")) or (node.get("data-comment-id") or "").strip() or None
    if found:
        return found
    for child in node.iterchildren("*"):
        found = normalise_id(child.get("id"))
        if found:
            return found
    return None
