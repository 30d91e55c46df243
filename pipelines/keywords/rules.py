"""Keyword rules and the TOML file they live in.

A rules file is a TOML document whose top-level arrays of tables are groups::

    include_default = true          # optional: add these rules to the bundled taxonomy

    [[brand]]
    name = "Accu-Chek"              # canonical name stored in keyword_matches.keyword
    variants = ["Accu-Chek", "AccuChek", "Accu Chek Guide"]   # default: [name]
    query = 'NOT "accu-chek spirit"'                          # optional condition

A rule with variants finds and counts them, in texts where its query (if any) holds; a rule with
only a query finds and counts the query's own terms. See docs/configuration.md.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pipelines.keywords.errors import QueryError, RulesError
from pipelines.keywords.parse import parse_query
from pipelines.keywords.query import Group, Node, Restrict, Term, term_forms
from pipelines.tomlfile import read_toml_file, read_toml_text

logger = logging.getLogger(__name__)

ENV_KEYWORDS_FILE = "DOCLISTEN_KEYWORDS_FILE"
BUNDLED = "taxonomy.toml"
BUNDLED_LABEL = "bundled DOC taxonomy"
_RULE_KEYS = {"name", "variants", "query"}
_GROUP_NAME_MAX = 64
_NAME_MAX = 256


@dataclass(eq=False)
class Rule:
    name: str
    group: str
    variants: list[str] = field(default_factory=list)
    query: str | None = None
    expression: Node = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.expression = compile_rule(self.variants, self.query)


@dataclass
class RuleSet:
    rules: list[Rule]
    origin: str  # the file, or BUNDLED_LABEL

    def groups(self) -> list[str]:
        return sorted({r.group for r in self.rules})


def compile_rule(variants: list[str], query: str | None) -> Node:
    base: Node | None = None
    if variants:
        terms: list[Node] = [Term(v, term_forms(v)) for v in variants]
        base = terms[0] if len(terms) == 1 else Group("OR", terms)
    if query is None:
        if base is None:
            raise QueryError("needs variants or a query")
        return base
    condition = parse_query(query)
    if base is None:
        if next(condition.found_terms(), None) is None:
            raise QueryError("the query finds nothing by itself (only NOT terms)")
        return condition
    return Restrict(base, condition)


def parse_rules(data: dict[str, Any], where: str) -> list[Rule]:
    rules: list[Rule] = []
    seen: set[tuple[str, str]] = set()
    for group, entries in data.items():
        if group == "include_default":
            continue
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise RulesError(f"{where}: {group!r} must be a list of rules ([[{group}]] tables)")
        if len(group) > _GROUP_NAME_MAX:
            raise RulesError(f"{where}: group name {group[:20]!r}… is longer than {_GROUP_NAME_MAX}")
        for number, entry in enumerate(entries, 1):
            rule = _parse_rule(group, entry, f"{where}: [[{group}]] #{number}")
            if (rule.group, rule.name) in seen:
                raise RulesError(f"{where}: rule {rule.name!r} appears twice in group {group!r}")
            seen.add((rule.group, rule.name))
            rules.append(rule)
    return rules


def _parse_rule(group: str, entry: dict[str, Any], where: str) -> Rule:
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown key {sorted(unknown)[0]!r} (expected name, variants, query)")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > _NAME_MAX:
        raise RulesError(f"{where}: 'name' must be a non-empty string (≤ {_NAME_MAX} characters)")
    where = f"{where} ({name})"
    variants = entry.get("variants", [name] if "query" not in entry else [])
    if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
        raise RulesError(f"{where}: 'variants' must be a list of strings")
    query = entry.get("query")
    if query is not None and not isinstance(query, str):
        raise RulesError(f"{where}: 'query' must be a string")
    try:
        return Rule(name.strip(), group, variants, query)
    except QueryError as exc:
        raise RulesError(f"{where}: {exc}") from None


def bundled_rules() -> RuleSet:
    text = resources.files("pipelines.keywords").joinpath(BUNDLED).read_text(encoding="utf-8")
    return RuleSet(parse_rules(read_toml_text(text, BUNDLED_LABEL, RulesError), BUNDLED_LABEL), BUNDLED_LABEL)


def load_rules(path: str | os.PathLike[str] | None = None) -> RuleSet:
    """Rules from ``path``; the bundled taxonomy when ``path`` is None or empty."""
    if not path:
        return bundled_rules()
    file = Path(path).expanduser()
    data = read_toml_file(file, "keywords file", ENV_KEYWORDS_FILE, RulesError)
    include = data.get("include_default", False)
    if not isinstance(include, bool):
        raise RulesError(f"{file}: 'include_default' must be true or false")
    rules = parse_rules(data, str(file))
    if include:
        own = {(r.group, r.name) for r in rules}
        rules = [r for r in bundled_rules().rules if (r.group, r.name) not in own] + rules
    if not rules:
        raise RulesError(f"{file}: no rules (add [[group]] tables with a name)")
    logger.info("loaded %d keyword rules from %s", len(rules), file)
    return RuleSet(rules, str(file))


def rules_path(setting: str | None) -> str | None:
    """The rules file to use: the ``DOCLISTEN_KEYWORDS_FILE`` setting (which ``doclisten.config.Config`` fills
    from the environment), else None (the bundled taxonomy)."""
    return setting or None
