"""Parser of boolean keyword queries (see :mod:`pipelines.keywords.query` for the semantics).

Grammar, loosest binding first::

    query   := and ("OR" and)*
    and     := near (["AND"] near)*          adjacent terms are ANDed
    near    := unary ("NEAR/" n unary)*
    unary   := "NOT" unary | "(" query ")" | '"phrase"' | word

``NEAR/n`` takes 1 to ``MAX_NEAR`` words; parentheses, ``NOT`` and ``NEAR`` chains nest at most
``MAX_DEPTH`` deep (the tree is walked recursively).
"""

from __future__ import annotations

import re

from pipelines.keywords.errors import QueryError
from pipelines.keywords.query import Group, Near, Node, Not, Term, term_forms

_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|"(?P<phrase>[^"]*)(?P<closed>"?)|(?P<word>[^\s()"]+))')
_NEAR = re.compile(r"NEAR/(\d+)$")
_NEAR_LIKE = re.compile(r"near(?:/.*)?$", re.I)  # a NEAR operator written wrong
_OPERATORS = {"AND", "OR", "NOT"}
_LOWER_OPERATOR = re.compile(r"(?:and|or|not|near/\d+)$", re.I)
MAX_NEAR = 100
MAX_DEPTH = 100


def shown(query: str, limit: int = 80) -> str:
    """The query as quoted in messages, cut when long (a message stays one readable line)."""
    return repr(query if len(query) <= limit else query[: limit - 1] + "…")


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
                raise QueryError(f"unclosed quote in {shown(query)}")
            tokens.append(("phrase", m.group("phrase")))
        elif m.group("word"):
            tokens.append(_word_token(m.group("word")))
    return tokens


def _word_token(word: str) -> tuple[str, str]:
    if word in _OPERATORS or _NEAR.match(word):
        return ("op", word)
    if _LOWER_OPERATOR.match(word):
        raise QueryError(f"write operators in capitals ({word.upper()}); quote the word to search for it")
    if _NEAR_LIKE.match(word):
        raise QueryError(
            f"{word!r}: write NEAR/n with n words (1 to {MAX_NEAR}), e.g. NEAR/5; quote the word to search for it"
        )
    return ("word", word)


class Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = tokenize(query)
        self.pos = 0
        self.depth = 0

    def parse(self) -> Node:
        if not self.tokens:
            raise QueryError("empty query")
        node = self._or()
        if self.pos < len(self.tokens):
            raise QueryError(f"unexpected {self.tokens[self.pos][1]!r} in {shown(self.query)}")
        return node

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise QueryError(f"incomplete query {shown(self.query)}")
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

    def _deeper(self) -> None:
        """One more level of nesting (a parenthesis, NOT or NEAR link just taken)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                f"nested too deeply (more than {MAX_DEPTH} levels of parentheses, NOT or NEAR) in {shown(self.query)}"
            )

    def _near(self) -> Node:
        depth = self.depth
        node = self._unary()
        while (token := self._peek()) is not None and (m := _NEAR.match(token[1])) and token[0] == "op":
            self.pos += 1
            self._deeper()
            distance = int(m.group(1))
            if distance > MAX_NEAR:
                raise QueryError(f"NEAR/{distance}: at most NEAR/{MAX_NEAR}")
            if distance < 1:
                raise QueryError(f"NEAR/{distance}: at least NEAR/1 (the words next to each other)")
            right = self._unary()
            for side in (node, right):
                if not side.positional:
                    raise QueryError(
                        f"NEAR/{distance} needs terms, phrases or OR-groups on both sides, not {side.render()!r}"
                    )
            node = Near(node, right, distance)
        self.depth = depth
        return node

    def _unary(self) -> Node:
        kind, value = self._take()
        if (kind, value) == ("op", "NOT"):
            self._deeper()
            node: Node = Not(self._unary())
            self.depth -= 1
            return node
        if (kind, value) == ("paren", "("):
            self._deeper()
            node = self._or()
            if self._peek() != ("paren", ")"):
                raise QueryError(f"missing ')' in {shown(self.query)}")
            self.pos += 1
            self.depth -= 1
            return node
        if kind == "phrase":
            return Term(f'"{value}"', term_forms(value))
        if kind == "word":
            return Term(value, term_forms(value))
        raise QueryError(f"unexpected {value!r} in {shown(self.query)}")


def parse_query(query: str) -> Node:
    return Parser(query).parse()
