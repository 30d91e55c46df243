"""Consent signals of a post page: the robots meta tags and the ``X-Robots-Tag`` header (docs/privacy.md).

The syntax is the search engines' de-facto standard (Google's "Robots meta tag and X-Robots-Tag HTTP
header specifications", MDN's X-Robots-Tag page): ``<meta name="robots" content="noindex, nofollow">``
addresses every crawler, ``<meta name="googlebot" content="noindex">`` one crawler; a header value is a
comma-separated list of rules, optionally after a ``bot-name:`` that the rules following it apply to
(``X-Robots-Tag: googlebot: nofollow, otherbot: noindex``); several headers add up; names and values
are case-insensitive; the most restrictive rule wins.

doclisten obeys the rules addressed to every crawler (``robots``, no bot name), to itself (``doclisten``,
its User-Agent's product token) and to Googlebot — a page kept out of Google's index is one its author
did not want found, and doclisten errs on the author's side. ``noindex`` (or ``none``) means the post is
not stored; ``noarchive`` (or Bing's ``nocache``) means no text is kept, only metadata and keyword counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

OWN_TOKEN = "doclisten"
OBEYED = ("robots", OWN_TOKEN, "googlebot")
# rules that carry a value after a colon: "unavailable_after: <date>", "max-snippet: 20" (not bot names)
VALUED_RULES = ("unavailable_after", "max-snippet", "max-image-preview", "max-video-preview")
_BOT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*:\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Consent:
    noindex: bool = False
    noarchive: bool = False
    why: str = ""  # where the strongest rule came from: "meta robots", "X-Robots-Tag", ...


def rules(content: str) -> set[str]:
    found = {r.strip().lower() for r in content.split(",") if r.strip()}
    if "none" in found:
        found |= {"noindex", "nofollow"}
    if "nocache" in found:
        found.add("noarchive")
    return found


def header_rules(values: Iterable[str], obeyed: Iterable[str] = OBEYED) -> set[str]:
    """The rules of ``X-Robots-Tag`` header values that address every crawler or one in ``obeyed``."""
    obeyed = {o.lower() for o in obeyed}
    found: set[str] = set()
    for value in values:
        bot: str | None = None  # rules before any bot name address every crawler
        for token in value.split(","):
            token = token.strip()
            match = _BOT.match(token)
            if match and match.group(1).lower() not in VALUED_RULES:
                bot, token = match.group(1).lower(), match.group(2).strip()
            if token and (bot is None or bot in obeyed):
                found |= rules(token)
    return found


def meta_rules(tags: Iterable[tuple[str, str]], obeyed: Iterable[str] = OBEYED) -> set[str]:
    """The rules of ``(name, content)`` robots meta tags addressed to every crawler or one in ``obeyed``."""
    obeyed = {o.lower() for o in obeyed}
    found: set[str] = set()
    for name, content in tags:
        if name.strip().lower() in obeyed:
            found |= rules(content)
    return found


def page_consent(meta: Iterable[tuple[str, str]], headers: Iterable[str]) -> Consent:
    """What a post page allows: its robots meta tags (name, content) and its X-Robots-Tag header values."""
    in_meta, in_header = meta_rules(meta), header_rules(headers)
    noindex = "noindex" in in_meta | in_header
    noarchive = "noarchive" in in_meta | in_header
    where = []
    for rule in ("noindex", "noarchive"):
        if rule in in_meta:
            where.append(f"{rule} (meta robots)")
        if rule in in_header:
            where.append(f"{rule} (X-Robots-Tag)")
    return Consent(noindex, noarchive, ", ".join(where))
