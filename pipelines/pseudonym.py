"""Pseudonymized authors: names and URLs of post and comment authors stored as keyed hashes.

With ``DOCLISTEN_PSEUDONYMIZE_AUTHORS=1`` the normalize pipeline replaces ``author`` and ``author_url``
by HMAC-SHA256 digests under ``DOCLISTEN_PSEUDONYM_KEY`` (a secret, from the environment only): the same
author always gets the same pseudonym (names are compared case- and space-insensitively), so counts per
author still work, but the database holds no identity. Without the key the digests cannot be reversed
by guessing names.

Those names are masked inside titles too (:meth:`Pseudonymizer.mask`): the normalize pipeline masks
the post title with the names of the post's author and commenters, storage masks the source title
with the pseudonyms of the authors it stores for that source. A name is recognised by its pseudonym
(every run of up to ``MAX_NAME_WORDS`` words of the title is hashed and compared), so only pseudonyms,
never names, travel past normalize. Body and comment texts are not masked.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection, Mapping
from typing import Any

from crawler.exceptions import DoclistenError

ENV_ENABLED = "DOCLISTEN_PSEUDONYMIZE_AUTHORS"
ENV_KEY = "DOCLISTEN_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16
TRUE = {"1", "true", "yes", "on"}
FALSE = {"", "0", "false", "no", "off"}
MAX_NAME_WORDS = 4  # longest author name looked for inside a title
NAME_PREFIX = "anon-"
_WORD = re.compile(r"\S+")
_EDGE = "\"'“”‘’«»()[]{}<>.,;:!?·•|/\\*_~–—- \t\n\u00a0"  # punctuation and spaces around a name
_POSSESSIVE = ("'s", "’s")


class PseudonymError(DoclistenError):
    """Pseudonymization is asked for but cannot be done (no key, or a bad setting)."""


class Pseudonymizer:
    def __init__(self, key: str):
        self._key = key.encode("utf-8")

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()

    def name(self, value: str | None) -> str | None:
        if value is None:
            return None
        return NAME_PREFIX + self._digest("name", " ".join(value.casefold().split()))[:24]

    def url(self, value: str | None) -> str | None:
        if value is None:
            return None
        return "anon-url-" + self._digest("url", value.strip().rstrip("/").casefold())[:24]

    def mask(self, text: str | None, pseudonyms: Collection[str]) -> str | None:
        """``text`` with every name whose pseudonym is in ``pseudonyms`` replaced by that pseudonym
        (whole words, ignoring case, spacing, surrounding punctuation and a possessive 's)."""
        if not text or not pseudonyms:
            return text
        words = [m.span() for m in _WORD.finditer(text)]
        out, done, i = [], 0, 0
        while i < len(words):
            for n in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):  # the longest name first
                found = self._find(text, words[i][0], words[i + n - 1][1], pseudonyms)
                if found is not None:
                    start, end, pseudonym = found
                    out += [text[done:start], pseudonym]
                    done, i = end, i + n
                    break
            else:
                i += 1
        return "".join([*out, text[done:]])

    def _find(self, text: str, start: int, end: int, pseudonyms: Collection[str]) -> tuple | None:
        """(start, end, pseudonym) when ``text[start:end]`` is a name, as is or trimmed of punctuation."""
        span = text[start:end]
        inner = span.strip(_EDGE)
        lead = start + len(span) - len(span.lstrip(_EDGE))
        candidates = [(start, span), (lead, inner)]
        candidates += [(lead, inner[: -len(p)]) for p in _POSSESSIVE if inner.endswith(p)]
        for at, candidate in dict.fromkeys(candidates):
            pseudonym = self.name(candidate) if candidate else None
            if pseudonym in pseudonyms:
                return at, at + len(candidate), pseudonym
        return None

    def apply(self, item: Any) -> None:
        """Replace the author fields of a post item (and its comments) or a comments item, in place,
        and mask those authors' names inside the post title."""
        comments = getattr(item, "comments", None) or []
        if hasattr(item, "title"):
            names = [item.author, *(c.author for c in comments)]
            item.title = self.mask(item.title, {p for p in map(self.name, names) if p})
        if hasattr(item, "author"):
            item.author = self.name(item.author)
        for comment in comments:
            comment.author = self.name(comment.author)
            comment.author_url = self.url(comment.author_url)


def from_settings(settings: Mapping[str, Any]) -> Pseudonymizer | None:
    """The pseudonymizer the settings ask for (``DOCLISTEN_PSEUDONYMIZE_AUTHORS``, ``DOCLISTEN_PSEUDONYM_KEY``,
    which ``doclisten.config.Config`` fills from the environment); None when pseudonymization is off."""
    raw = settings.get(ENV_ENABLED)
    enabled = str(raw if raw is not None else "").strip().lower()
    if enabled in FALSE:
        return None
    if enabled not in TRUE:
        raise PseudonymError(f"{ENV_ENABLED}={raw!r}: expected 1 or 0")
    key = settings.get(ENV_KEY) or ""
    if len(key) < MIN_KEY_LENGTH:
        problem = "is not set" if not key else f"is shorter than {MIN_KEY_LENGTH} characters"
        raise PseudonymError(f"{ENV_ENABLED}=1 needs a secret key: {ENV_KEY} {problem}")
    return Pseudonymizer(key)
