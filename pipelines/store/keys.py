"""The content hash rows are keyed and compared on (posts: title and body; comments: text)."""

from __future__ import annotations

import hashlib
import re

_WS = re.compile(r"\s+")


def text_hash(*parts: str | None) -> str:
    """SHA-256 of the parts, whitespace-collapsed and case-folded: a re-spaced text hashes the same."""
    normal = " ".join(_WS.sub(" ", p or "").strip().casefold() for p in parts)
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()
