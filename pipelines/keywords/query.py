"""Boolean keyword queries: syntax tree and evaluation.

A query combines terms with ``AND`` (also implied between adjacent terms), ``OR``, ``NOT``,
``NEAR/n`` (both sides within n words of each other, in either order), parentheses, quoted phrases
and prefix wildcards (``insulin*``). Operators are written in capitals. Evaluation works on the term
occurrences found by the Aho-Corasick pass (see :mod:`pipelines.keywords.matcher`): every node
returns whether it holds and the text spans that make it hold (NOT contributes none).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pipelines.keywords.context import Context, Span
from pipelines.keywords.errors import QueryError
from pipelines.keywords.fold import HASH, fold_term

Result = tuple[bool, list[Span]]
MIN_PREFIX = 3
MAX_JOINED_WORDS = 4


@dataclass(frozen=True)
class TermForm:
    """One searchable form of a term: folded words joined by spaces; ``prefix`` for ``word*``."""

    text: str
    prefix: bool = False


def term_forms(raw: str) -> list[TermForm]:
    """Forms of a term: ``Accu-Chek`` -> ``accu chek`` and ``accuchek`` (hyphen-insensitive)."""
    prefix = raw.endswith("*")
    body = raw[:-1] if prefix else raw
    if "*" in body:
        raise QueryError(f"{raw!r}: a wildcard may only end a term (insulin*)")
    words = fold_term(body)
    if not words:
        raise QueryError(f"{raw!r} has no letters or digits")
    if prefix and len(words[-1].lstrip(HASH)) < MIN_PREFIX:
        raise QueryError(f"{raw!r}: a wildcard needs at least {MIN_PREFIX} letters before it")
    forms = [TermForm(" ".join(words), prefix)]
    if 1 < len(words) <= MAX_JOINED_WORDS and not any(w.startswith(HASH) for w in words[1:]):
        forms.append(TermForm("".join(words), prefix))
    return forms


class Node:
    positional = False

    def evaluate(self, ctx: Context) -> Result:
        raise NotImplementedError

    def terms(self) -> Iterator[Term]:
        """Every term of the expression."""
        raise NotImplementedError

    def found_terms(self) -> Iterator[Term]:
        """The terms whose occurrences can make the expression hold (not those under NOT)."""
        return self.terms()

    def anchors(self) -> list[Term]:
        """Terms one of which must occur for the expression to hold with spans (the rule index)."""
        return list(self.found_terms())

    def prepare(self) -> None:
        """Called once term ids are assigned (see Matcher); nodes may precompute lookups."""
        for child in self.children_nodes():
            child.prepare()

    def children_nodes(self) -> list[Node]:
        return []

    def render(self, count: Callable[[Term], int] | None = None) -> str:
        raise NotImplementedError


@dataclass(eq=False)
class Term(Node):
    label: str  # as written (phrases with their quotes)
    forms: list[TermForm]
    ids: tuple[int, ...] = ()  # set when the matcher is compiled
    positional = True

    def evaluate(self, ctx: Context) -> Result:
        if len(self.ids) == 1:
            spans = ctx.spans(self.ids[0])
        else:
            spans = [s for i in self.ids if i in ctx.ends for s in ctx.spans(i)]
        return bool(spans), spans

    def terms(self) -> Iterator[Term]:
        yield self

    def render(self, count: Callable[[Term], int] | None = None) -> str:
        return f"{self.label}[{count(self)}]" if count else self.label


@dataclass(eq=False)
class Group(Node):
    """AND / OR of its children."""

    op: str
    children: list[Node] = field(default_factory=list)
    _ids: tuple[int, ...] | None = field(default=None, init=False, repr=False)

    @property
    def positional(self) -> bool:  # type: ignore[override]
        return self.op == "OR" and all(c.positional for c in self.children)

    def children_nodes(self) -> list[Node]:
        return self.children

    def prepare(self) -> None:
        super().prepare()
        if self.op == "OR" and all(isinstance(c, Term) for c in self.children):
            self._ids = tuple(i for c in self.children for i in c.ids)  # type: ignore[attr-defined]

    def evaluate(self, ctx: Context) -> Result:
        if self._ids is not None:  # OR of plain terms: one lookup per term id
            ends = ctx.ends
            found = [s for i in self._ids if i in ends for s in ctx.spans(i)]
            return bool(found), found
        spans: list[Span] = []
        held_any = False
        for child in self.children:
            held, found = child.evaluate(ctx)
            if held:
                held_any = True
                spans += found
            elif self.op == "AND":
                return False, []
        return held_any, spans

    def terms(self) -> Iterator[Term]:
        for child in self.children:
            yield from child.terms()

    def found_terms(self) -> Iterator[Term]:
        for child in self.children:
            yield from child.found_terms()

    def anchors(self) -> list[Term]:
        if self.op == "OR":
            return [t for child in self.children for t in child.anchors()]
        options = [a for a in (child.anchors() for child in self.children) if a]
        return min(options, key=len) if options else []

    def render(self, count: Callable[[Term], int] | None = None) -> str:
        parts = [c.render(count) for c in self.children]
        parts = [f"({p})" if isinstance(c, Group) else p for c, p in zip(self.children, parts, strict=True)]
        return f" {self.op} ".join(parts)


@dataclass(eq=False)
class Not(Node):
    child: Node

    def children_nodes(self) -> list[Node]:
        return [self.child]

    def evaluate(self, ctx: Context) -> Result:
        return not self.child.evaluate(ctx)[0], []

    def terms(self) -> Iterator[Term]:
        yield from self.child.terms()

    def found_terms(self) -> Iterator[Term]:
        return iter(())

    def anchors(self) -> list[Term]:
        return []

    def render(self, count: Callable[[Term], int] | None = None) -> str:
        inner = self.child.render(count)
        return f"NOT ({inner})" if isinstance(self.child, (Group, Near)) else f"NOT {inner}"


@dataclass(eq=False)
class Near(Node):
    left: Node
    right: Node
    distance: int
    positional = True

    def children_nodes(self) -> list[Node]:
        return [self.left, self.right]

    def evaluate(self, ctx: Context) -> Result:
        held, lefts = self.left.evaluate(ctx)
        if not held:
            return False, []
        held, rights = self.right.evaluate(ctx)
        if not held:
            return False, []
        right = sorted((ctx.words(b), b) for b in rights)
        firsts = [w[0] for w, _ in right]
        widest = max(w[1] - w[0] for w, _ in right)
        spans = set()
        for a in lefts:
            a_first, a_last = ctx.words(a)
            lo = bisect_left(firsts, a_first - self.distance - 1 - widest)
            hi = bisect_right(firsts, a_last + self.distance + 1)
            for (b_first, b_last), b in right[lo:hi]:
                if a[0] < b[1] and b[0] < a[1]:
                    continue  # the same words
                gap = b_first - a_last - 1 if b[0] >= a[1] else a_first - b_last - 1
                if gap <= self.distance:
                    spans.add((min(a[0], b[0]), max(a[1], b[1])))
        return bool(spans), sorted(spans)

    def terms(self) -> Iterator[Term]:
        yield from self.left.terms()
        yield from self.right.terms()

    def found_terms(self) -> Iterator[Term]:
        yield from self.left.found_terms()
        yield from self.right.found_terms()

    def anchors(self) -> list[Term]:
        return min(self.left.anchors(), self.right.anchors(), key=len)

    def render(self, count: Callable[[Term], int] | None = None) -> str:
        sides = [
            f"({n.render(count)})" if isinstance(n, Group) else n.render(count)
            for n in (self.left, self.right)
        ]
        return f"{sides[0]} NEAR/{self.distance} {sides[1]}"


@dataclass(eq=False)
class Restrict(Node):
    """A rule with variants and a query: the variants are what is found and counted, and the
    query must hold for the text as a whole."""

    base: Node
    condition: Node

    def children_nodes(self) -> list[Node]:
        return [self.base, self.condition]

    def evaluate(self, ctx: Context) -> Result:
        found, spans = self.base.evaluate(ctx)
        if not found or not self.condition.evaluate(ctx)[0]:
            return False, []
        return True, spans

    def terms(self) -> Iterator[Term]:
        yield from self.base.terms()
        yield from self.condition.terms()

    def found_terms(self) -> Iterator[Term]:
        return self.base.found_terms()

    def anchors(self) -> list[Term]:
        return self.base.anchors()

    def render(self, count: Callable[[Term], int] | None = None) -> str:
        return f"({self.base.render(count)}) WHERE ({self.condition.render(count)})"
