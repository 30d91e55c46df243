"""Pseudonymized authors: names and URLs of post and comment authors stored as keyed hashes.

With ``DOCLISTEN_PSEUDONYMIZE_AUTHORS=1`` the normalize pipeline replaces ``author`` and ``author_url``
by HMAC-SHA256 digests under ``DOCLISTEN_PSEUDONYM_KEY`` (a secret, from the environment only): the same
author always gets the same pseudonym (names are compared case- and space-insensitively), so counts per
author still work, but the database holds no identity. Without the key the digests cannot be reversed
by guessing names.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

from crawler.exceptions import DoclistenError

ENV_ENABLED = "DOCLISTEN_PSEUDONYMIZE_AUTHORS"
ENV_KEY = "DOCLISTEN_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16
TRUE = {"1", "true", "yes", "on"}
FALSE = {"", "0", "false", "no", "off"}


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
        return "anon-" + self._digest("name", " ".join(value.casefold().split()))[:24]

    def url(self, value: str | None) -> str | None:
        if value is None:
            return None
        return "anon-url-" + self._digest("url", value.strip().rstrip("/").casefold())[:24]

    def apply(self, item: Any) -> None:
        """Replace the author fields of a post item (and its comments) or a comments item, in place."""
        if hasattr(item, "author"):
            item.author = self.name(item.author)
        for comment in getattr(item, "comments", None) or []:
            comment.author = self.name(comment.author)
            comment.author_url = self.url(comment.author_url)


def from_env(environ: Mapping[str, str] | None = None) -> Pseudonymizer | None:
    """The pseudonymizer the environment asks for, None when pseudonymization is off."""
    env = os.environ if environ is None else environ
    enabled = env.get(ENV_ENABLED, "").strip().lower()
    if enabled in FALSE:
        return None
    if enabled not in TRUE:
        raise PseudonymError(f"{ENV_ENABLED}={env.get(ENV_ENABLED)!r}: expected 1 or 0")
    key = env.get(ENV_KEY, "")
    if len(key) < MIN_KEY_LENGTH:
        problem = "is not set" if not key else f"is shorter than {MIN_KEY_LENGTH} characters"
        raise PseudonymError(f"{ENV_ENABLED}=1 needs a secret key: {ENV_KEY} {problem}")
    return Pseudonymizer(key)
