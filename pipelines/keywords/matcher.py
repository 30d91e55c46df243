"""Tagging texts with keyword rules: one Aho-Corasick pass finds every term of every rule.

Every term form is stored in the automaton as `` form `` (space on both sides, so only whole
words match) and ``#form `` (hashtags), or without the trailing space for prefix wildcards. The
text is folded once (:mod:`pipelines.keywords.fold`) and padded with a space on each side; the
pass yields term occurrences, and only the rules that own an occurring term are evaluated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from pipelines.keywords.fold import HASH, Folded, fold
from pipelines.keywords.query import Context, Group, Node, Span, Term, TermForm
from pipelines.keywords.rules import Rule, RuleSet

SNIPPET_WIDTH = 60


@dataclass
class Match:
    """A rule found in one text (a post body or a comment)."""

    keyword: str
    group: str
    count: int
    snippet: str
    spans: list[Span] = field(default_factory=list)  # in the original text
    sentiment: float | None = None  # VADER compound of the sentences around the mentions


@dataclass
class Explanation:
    """Why a rule matched a text, or did not although some of its terms occur (``keywords test``)."""

    rule: Rule
    matched: bool
    count: int
    snippet: str
    found: dict[str, int]  # term as written -> occurrences
    reasoning: str  # the rule's expression with occurrence counts


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, start: int, end: int, width: int = SNIPPET_WIDTH) -> str:
    """The match in context: about ``width`` characters each side, cut at spaces."""
    left, right = max(0, start - width), min(len(text), end + width)
    if left > 0 and (space := text.find(" ", left, start)) != -1:
        left = space + 1
    if right < len(text) and (space := text.rfind(" ", end, right)) != -1:
        right = space
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


def _found_terms(rule: Rule, ctx: Context) -> dict[str, int]:
    """Occurrences per term as written (terms that found the very same words are listed once)."""
    found: dict[str, int] = {}
    seen: set[frozenset[Span]] = set()
    for term in rule.expression.terms():
        spans = frozenset(s for i in term.ids for s in ctx.spans(i))
        if spans and spans not in seen:
            seen.add(spans)
            found[term.label] = len(spans)
    return found


def _plain_ids(expression: Node) -> tuple[int, ...] | None:
    """The term ids of a rule that is only variants (no query): such rules skip the tree walk."""
    if isinstance(expression, Term):
        return expression.ids
    if (
        isinstance(expression, Group)
        and expression.op == "OR"
        and all(isinstance(c, Term) for c in expression.children)
    ):
        return tuple(i for c in expression.children for i in c.ids)  # type: ignore[attr-defined]
    return None


class Matcher:
    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.rules = ruleset.rules
        self._forms: dict[TermForm, int] = {}
        self._rules_of: list[set[int]] = []  # term id -> indexes of the rules it anchors
        for index, rule in enumerate(self.rules):
            for term in rule.expression.terms():
                term.ids = tuple(self._term_id(form) for form in term.forms)
            rule.expression.prepare()
            # a rule is evaluated only when one of its anchor terms occurs
            for term in rule.expression.anchors():
                for term_id in term.ids:
                    self._rules_of[term_id].add(index)
        self._plain = [_plain_ids(rule.expression) for rule in self.rules]
        forms = sorted(self._forms, key=self._forms.__getitem__)
        self._lengths = [len(f.text) + (1 if f.prefix else 2) for f in forms]  # lead + form (+ space)
        self._prefixes = [f.prefix for f in forms]
        self._automaton = self._build()

    def _term_id(self, form: TermForm) -> int:
        term_id = self._forms.setdefault(form, len(self._forms))
        if term_id == len(self._rules_of):
            self._rules_of.append(set())
        return term_id

    def _build(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for form, term_id in self._forms.items():
            tail = "" if form.prefix else " "
            leads = " " if form.text.startswith(HASH) else " " + HASH
            for lead in leads:
                automaton.add_word(lead + form.text + tail, term_id)
        if len(automaton):
            automaton.make_automaton()
        return automaton

    def find(self, folded: str) -> Context:
        """Every occurrence of every term in a folded text (one Aho-Corasick pass)."""
        ends: dict[int, list[int]] = defaultdict(list)
        if self._forms:
            for last, term_id in self._automaton.iter(" " + folded + " "):
                ends[term_id].append(last)
        return Context(folded, ends, self._lengths, self._prefixes)

    def _candidates(self, ctx: Context) -> list[int]:
        found: set[int] = set()
        for term_id in ctx.ends:
            found |= self._rules_of[term_id]
        return sorted(found)

    def _evaluate(self, index: int, ctx: Context) -> list[Span]:
        """The merged spans of rule ``index`` in ``ctx``, empty when it does not match."""
        plain = self._plain[index]
        if plain is not None:
            spans = [s for i in plain if i in ctx.ends for s in ctx.spans(i)]
            return merge_spans(spans) if len(spans) > 1 else spans
        held, spans = self.rules[index].expression.evaluate(ctx)
        return merge_spans(spans) if held else []

    def tag(self, text: str) -> list[Match]:
        """The rules that match ``text``, with counts and snippets."""
        if not text:
            return []
        folded = fold(text)
        ctx = self.find(folded.text)
        matches = []
        for index in self._candidates(ctx):
            spans = self._evaluate(index, ctx)
            if spans:
                matches.append(self._match(self.rules[index], text, folded, spans))
        return matches

    def _match(self, rule: Rule, text: str, folded: Folded, spans: list[Span]) -> Match:
        original = spans if folded.offsets is None else [folded.original_span(s, e) for s, e in spans]
        return Match(rule.name, rule.group, len(spans), snippet(text, *original[0]), original)

    def explain(self, text: str) -> list[Explanation]:
        folded = fold(text)
        ctx = self.find(folded.text)
        out = []
        for index in self._candidates(ctx):
            rule = self.rules[index]
            spans = self._evaluate(index, ctx)

            def count(term: Term) -> int:
                return sum(len(ctx.spans(i)) for i in term.ids)

            snip = snippet(text, *folded.original_span(*spans[0])) if spans else ""
            out.append(
                Explanation(
                    rule,
                    bool(spans),
                    len(spans),
                    snip,
                    _found_terms(rule, ctx),
                    rule.expression.render(count),
                )
            )
        return out
