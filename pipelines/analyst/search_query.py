"""Search queries: the keyword query language plus fields, with errors that say where the query is wrong.

``source:REF`` (a blog by id, URL, host or title: :func:`pipelines.store.sources.source_ids`), ``author:NAME``
(quote names with spaces), ``in:posts`` / ``in:comments`` and ``lang:CODE`` restrict where to look (a field
without a value is an error); the rest is a boolean query
(AND, OR, NOT, "phrases", NEAR/n, prefix*, parentheses) evaluated as keyword rules are
(:mod:`pipelines.keywords.query`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.analyst.filters import AnalystError
from pipelines.keywords.errors import QueryError
from pipelines.keywords.parse import _TOKEN, Parser
from pipelines.keywords.query import Group, Near, Node, Not, Term

FIELDS = ("source", "author", "in", "lang")
_FIELD = re.compile(r'(?<![^\s(])(?P<name>[A-Za-z]+):(?P<value>"[^"]*"|[^\s()"]*)')
IN_VALUES = {"posts": "posts", "post": "posts", "comments": "comments", "comment": "comments"}


class SearchQueryError(AnalystError):
    """A search query is not well formed; the message says where."""


@dataclass
class SearchQuery:
    text: str
    expression: Node | None = None  # None: only fields
    boolean: str = ""  # the boolean part, as the keyword matcher reads it
    sources: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=lambda: {"posts", "comments"})


def where(query: str, col: int, message: str, context: int = 40) -> SearchQueryError:
    col = max(0, min(col, len(query)))
    before, after = query[:col], query[col:]
    if len(before) > context:
        before = "…" + before[-context:]
    if len(after) > context:
        after = after[:context] + "…"
    return SearchQueryError(f"{message} at column {col + 1}: {before}⟨here⟩{after}")


def token_offsets(query: str) -> list[int]:
    offsets, pos = [], 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if m is None or m.end() == pos:
            break
        offsets.append(m.end() - len(m.group().lstrip()))
        pos = m.end()
    return offsets


def _error_column(query: str, parser: Parser | None, message: str) -> int:
    if "unclosed quote" in message:
        return query.rfind('"')
    if m := re.search(r"write operators in capitals \((\S+)\)", message):
        found = re.search(rf"(?<!\S){re.escape(m.group(1))}(?!\S)", query, re.I)
        return found.start() if found else len(query)
    if m := re.match(r"'(.+?)'[: ]", message):  # the word quoted, as a whole token if it is one
        token = re.search(rf"(?<![^\s(]){re.escape(m.group(1))}(?![^\s()])", query)
        at = token.start() if token else query.find(m.group(1))
        if at >= 0:
            return at
    if parser is None:
        return len(query)
    offsets = token_offsets(query)
    if "nested too deeply" in message:  # the parenthesis or NOT just taken
        return offsets[max(0, parser.pos - 1)]
    if m := re.match(r"(NEAR/\d+)[: ]", message):  # the last NEAR taken
        for index in range(min(parser.pos, len(parser.tokens)) - 1, -1, -1):
            if parser.tokens[index] == ("op", m.group(1)):
                return offsets[index]
    if "missing ')'" in message or "incomplete" in message or parser.pos >= len(offsets):
        return offsets[parser.pos] if parser.pos < len(offsets) else len(query)
    if m := re.match(r"unexpected '(.*?)'", message):  # the token just taken, or the next one
        for index in (parser.pos - 1, parser.pos):
            if 0 <= index < len(parser.tokens) and parser.tokens[index][1] == m.group(1):
                return offsets[index]
    return offsets[max(0, min(parser.pos, len(offsets) - 1))]


def parse_boolean(query: str) -> Node:
    parser = None
    try:
        parser = Parser(query)
        return parser.parse()
    except QueryError as exc:
        message = re.sub(r" in (['\"]).*\1$", "", str(exc))
        message = re.sub(r"^incomplete query (['\"]).*\1$", "incomplete query", message)
        raise where(query, _error_column(query, parser, message), message) from None


def _take_fields(query: str, sq: SearchQuery) -> str:
    """Fields out of the query (replaced by spaces, so columns in messages stay right)."""

    def take(m: re.Match[str]) -> str:
        name, value = m.group("name").lower(), m.group("value").strip('"')
        if name not in FIELDS:
            if re.fullmatch(r"[a-z]+", value.lower()) and name.isalpha() and not name.isupper():
                raise where(query, m.start(), f"unknown field {name}: (fields: {', '.join(FIELDS)})")
            return m.group()
        if not value:
            raise where(query, m.start("value"), f"{name}: needs a value")
        if name == "in":
            if value.lower() not in IN_VALUES:
                raise where(query, m.start("value"), "in: takes posts or comments")
            sq.kinds &= {IN_VALUES[value.lower()]}
        else:
            {"source": sq.sources, "author": sq.authors, "lang": sq.languages}[name].append(value)
        return " " * len(m.group())

    return _FIELD.sub(take, query)


def parse_search(query: str) -> SearchQuery:
    sq = SearchQuery(query)
    rest = _take_fields(query, sq)
    if not sq.kinds:
        raise SearchQueryError("in:posts and in:comments together find nothing: use one of them, or neither")
    if rest.strip():
        sq.expression = parse_boolean(rest)
        if next(sq.expression.found_terms(), None) is None:
            raise SearchQueryError(
                "the query finds nothing by itself (only NOT terms): add a term to look for"
            )
        sq.boolean = rest.strip()
    elif not (sq.sources or sq.authors or sq.languages or sq.kinds != {"posts", "comments"}):
        raise SearchQueryError("empty query")
    return sq


# ------------------------------------------------------------------ the index's share of the work


def _words(form_text: str) -> list[str]:
    return form_text.replace("#", " ").split()


def fts5_query(node: Node | None) -> str | None:
    """An FTS5 MATCH expression finding a superset of what ``node`` matches (None: no restriction)."""
    if node is None or isinstance(node, Not):
        return None
    if isinstance(node, Term):
        forms = [(" ".join(_words(f.text)), f.prefix) for f in node.forms if _words(f.text)]
        parts = [f'"{text}"' + (" *" if prefix else "") for text, prefix in forms]
        return "(" + " OR ".join(parts) + ")" if parts else None
    return _combine(node, fts5_query, " AND ", " OR ")


def tsquery(node: Node | None) -> str | None:
    """The same for PostgreSQL ``to_tsquery('simple', …)``."""
    if node is None or isinstance(node, Not):
        return None
    if isinstance(node, Term):
        parts = []
        for form in node.forms:
            words = [f"'{w}'" for w in _words(form.text)]
            if words:
                if form.prefix:
                    words[-1] += ":*"
                parts.append("(" + " <-> ".join(words) + ")")
        return "(" + " | ".join(parts) + ")" if parts else None
    return _combine(node, tsquery, " & ", " | ")


def _combine(node: Node, render: Any, and_: str, or_: str) -> str | None:
    if isinstance(node, Near):
        children, op = [node.left, node.right], "AND"
    elif isinstance(node, Group):
        children, op = node.children, node.op
    else:
        return None
    parts = [render(c) for c in children]
    if op == "OR":
        return None if None in parts else "(" + or_.join(parts) + ")"
    kept = [p for p in parts if p is not None]
    return "(" + and_.join(kept) + ")" if kept else None
