"""Parser of boolean keyword queries (see :mod:`pipelines.keywords.query` for the semantics).

Grammar, loosest binding first::

    query   := and ("OR" and)*
    and     := near (["AND"] near)*          adjacent terms are ANDed
    near    := unary ("NEAR/" n unary)*
    unary   := "NOT" unary | "(" query ")" | '"phrase"' | word
"""

from __future__ import annotations

import re

from pipelines.keywords.errors import QueryError
from pipelines.keywords.query import Group, Near, Node, Not, Term, term_forms

_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|"(?P<phrase>[^"]*)(?P<closed>"?)|(?P<word>[^\s()"]+))')
_NEAR = re.compile(r"NEAR/(\d+)$")
_OPERATORS = {"AND", "OR", "NOT"}
_LOWER_OPERATOR = re.compile(r"(?:and|or|not|near/\d+)$", re.I)
MAX_NEAR = 100


def tokenize(query: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        if m.group("paren"):
            tokens.append(("paren", m.group("paren")))
        elif m.group("phrase") is not None:
            if not m.group("closed"):
                raise QueryError(f"unclosed quote in {query!r}")
            tokens.append(("phrase", m.group("phrase")))
        elif m.group("word"):
            tokens.append(_word_token(m.group("word")))
    return tokens


def _word_token(word: str) -> tuple[str, str]:
    if word in _OPERATORS or _NEAR.match(word):
        return ("op", word)
    if _LOWER_OPERATOR.match(word):
        raise QueryError(f"write operators in capitals ({word.upper()}); quote the word to search for it")
    return ("word", word)


class Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = tokenize(query)
        self.pos = 0

    def parse(self) -> Node:
        if not self.tokens:
            raise QueryError("empty query")
        node = self._or()
        if self.pos < len(self.tokens):
            raise QueryError(f"unexpected {self.tokens[self.pos][1]!r} in {self.query!r}")
        return node

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise QueryError(f"incomplete query {self.query!r}")
        self.pos += 1
        return token

    def _or(self) -> Node:
        children = [self._and()]
        while self._peek() == ("op", "OR"):
            self.pos += 1
            children.append(self._and())
        return children[0] if len(children) == 1 else Group("OR", children)

    def _and(self) -> Node:
        children = [self._near()]
        while (token := self._peek()) is not None and token not in (("op", "OR"), ("paren", ")")):
            if token == ("op", "AND"):
                self.pos += 1
            children.append(self._near())
        return children[0] if len(children) == 1 else Group("AND", children)

    def _near(self) -> Node:
        node = self._unary()
        while (token := self._peek()) is not None and (m := _NEAR.match(token[1])) and token[0] == "op":
            self.pos += 1
            distance = int(m.group(1))
            if distance > MAX_NEAR:
                raise QueryError(f"NEAR/{distance}: at most NEAR/{MAX_NEAR}")
            right = self._unary()
            for side in (node, right):
                if not side.positional:
                    raise QueryError(
                        f"NEAR/{distance} needs terms, phrases or OR-groups on both sides, not {side.render()!r}"
                    )
            node = Near(node, right, distance)
        return node

    def _unary(self) -> Node:
        kind, value = self._take()
        if (kind, value) == ("op", "NOT"):
            return Not(self._unary())
        if (kind, value) == ("paren", "("):
            node = self._or()
            if self._peek() != ("paren", ")"):
                raise QueryError(f"missing ')' in {self.query!r}")
            self.pos += 1
            return node
        if kind == "phrase":
            return Term(f'"{value}"', term_forms(value))
        if kind == "word":
            return Term(value, term_forms(value))
        raise QueryError(f"unexpected {value!r} in {self.query!r}")


def parse_query(query: str) -> Node:
    return Parser(query).parse()
