"""What the class names inside discovered comment items say: which element holds the text, the author and
the date, and how the items' ids carry the comment id (``lb-901`` -> ``901``).  A name says so by its words:
``wc-comment-author`` -> ``wc``, ``comment``, ``author``; ``MtnCommentText`` -> ``mtn``, ``comment``, ``text``.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from lxml import etree

from crawler.extract.comments import CommentMarkup

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_NUMBERED_ID = re.compile(r"^(\D*?)(\d+)$")
_CSS_NAME = re.compile(r"^-?[A-Za-z_][\w-]*$")
CONTENT_WORDS = {"text", "texte", "texto", "testo", "inhalt", "content", "body", "message", "msg"}
AUTHOR_WORDS = {"author", "autor", "user", "username", "name", "nick", "fn", "poster", "commenter", "benutzer",
                "verfasser", "auteur"}  # fmt: skip
DATE_WORDS = {"date", "time", "datum", "timestamp", "posted", "published", "zeit", "fecha", "ago"}
META_WORDS = AUTHOR_WORDS | DATE_WORDS | {
    "header", "footer", "avatar", "meta", "action", "actions", "vote", "votes", "reply", "report", "like",
    "likes", "share", "rating", "button", "btn", "permalink", "link", "flag", "tools", "info",
}  # fmt: skip


@lru_cache(maxsize=8192)
def words(name: str) -> tuple[str, ...]:
    """``"MtnCommentText"`` -> ``("mtn", "comment", "text")``; also splits at ``-``, ``_`` and digits."""
    return tuple(w.lower() for w in _WORD.findall(name))


def _own_descendants(item: etree._Element, items: set) -> list[etree._Element]:
    out, walker = [], etree.iterwalk(item, events=("start",))
    for _, el in walker:
        if el is not item and el in items:
            walker.skip_subtree()
        elif el is not item and isinstance(el.tag, str):
            out.append(el)
    return out


def _wraps_meta(el: etree._Element) -> bool:
    for inner in el.iterdescendants():
        names = words(inner.get("class") or "") if isinstance(inner.tag, str) else []
        if (AUTHOR_WORDS | DATE_WORDS).intersection(names):
            return True
    return False


def _role_tokens(items: list) -> dict[str, Counter]:
    """For each role, the class tokens naming it, scored by the number of items they occur in (a text
    container that also holds the author line counts less)."""
    found: dict[str, Counter] = {
        "content": Counter(),
        "author": Counter(),
        "date": Counter(),
        "meta": Counter(),
    }
    members = set(items)
    for item in items:
        seen: set = set()
        for el in _own_descendants(item, members):
            for token in (el.get("class") or "").split():
                if token in seen or not _CSS_NAME.match(token):
                    continue
                seen.add(token)
                parts = set(words(token))
                if words(token)[-1] in CONTENT_WORDS:
                    # fractional weights: a Counter holds any number (typeshed says int)
                    weight = 0.1 if _wraps_meta(el) else 1 + len(el.text_content()) / 10**6
                    found["content"][token] += weight  # type: ignore[assignment]
                for role, vocabulary in (
                    ("author", AUTHOR_WORDS),
                    ("date", DATE_WORDS),
                    ("meta", META_WORDS),
                ):
                    if vocabulary & parts and "avatar" not in parts:
                        found[role][token] += 1
    return found


def learn_markup(items: list) -> CommentMarkup:
    """A :class:`CommentMarkup` from the class names that recur inside ``items``."""
    roles = _role_tokens(items)
    quorum = len(items) / 3

    def best(role: str) -> tuple[str, ...]:
        return tuple(f".{t}" for t, n in roles[role].most_common(3) if n >= quorum)

    meta = [f".{t}" for t, n in roles["meta"].items() if n >= quorum]
    return CommentMarkup(
        items="",
        content=best("content")[:1],
        author=(*best("author"), "cite", ".fn", "[itemprop=author]"),
        date=(*best("date"), "time"),
        meta=", ".join(meta or ["time"]),
        ids=_id_pattern(items),
    )


def _id_pattern(items: list) -> re.Pattern | None:
    """``lb-901``, ``lb-902`` …: the items' ids share a prefix before a number, which is the comment id."""
    prefixes = Counter(m.group(1) for m in (_NUMBERED_ID.match(el.get("id") or "") for el in items) if m)
    if not prefixes:
        return None
    prefix, count = prefixes.most_common(1)[0]
    return re.compile(rf"^{re.escape(prefix)}(\d+)$") if count * 2 >= len(items) else None
