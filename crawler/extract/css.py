"""The small CSS subset the page index answers itself (``tag#id.class[attr op value]`` compounds joined by
descendant combinators); anything else goes to lxml as XPath (cssselect)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cssselect import HTMLTranslator
from lxml import etree

_TRANSLATOR = HTMLTranslator()


@lru_cache(maxsize=512)
def compiled(css: str) -> etree.XPath:
    return etree.XPath(_TRANSLATOR.css_to_xpath(css))


_COMPOUND = re.compile(r"^([a-zA-Z][\w-]*|\*)?((?:[#.][\w-]+|\[[^\]]+\])*)$")
_PIECE = re.compile(
    r"""#([\w-]+)|\.([\w-]+)|\[\s*([\w:-]+)\s*(?:([~^$*]?=)\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]*)))?\s*\]"""
)


@dataclass(frozen=True)
class Compound:
    tag: str | None
    id: str | None
    classes: frozenset
    attrs: tuple  # (name, operator or None, value)
    indexed: bool = False  # one tag, one class or one id only: the index lookup alone decides

    def matches(self, el: etree._Element) -> bool:
        if (self.tag and el.tag != self.tag) or (self.id and el.get("id") != self.id):
            return False
        if self.classes and not self.classes <= set((el.get("class") or "").split()):
            return False
        if len(self.attrs) == 1:
            name, op, value = self.attrs[0]
            return attr_matches(el.get(name), op, value)
        return all(attr_matches(el.get(name), op, value) for name, op, value in self.attrs)


def attr_matches(actual: str | None, op: str | None, value: str) -> bool:
    if actual is None:
        return False
    if op == "=":
        return actual == value
    if op == "^=":
        return bool(value) and actual.startswith(value)
    if op == "$=":
        return bool(value) and actual.endswith(value)
    if op == "*=":
        return bool(value) and value in actual
    if op == "~=":
        return value in actual.split()
    return True


def _compound(text: str) -> Compound | None:
    match = _COMPOUND.match(text)
    if not match:
        return None
    tag, id_, classes, attrs = match.group(1), None, [], []
    for piece in _PIECE.finditer(match.group(2)):
        if piece.group(1):
            id_ = piece.group(1)
        elif piece.group(2):
            classes.append(piece.group(2))
        else:
            value = next((v for v in piece.group(5, 6, 7) if v is not None), "")
            attrs.append((piece.group(3), piece.group(4), value))
    if "".join(p.group(0) for p in _PIECE.finditer(match.group(2))) != match.group(2):
        return None
    tag = None if tag in (None, "*") else tag.lower()
    indexed = not attrs and (bool(tag) + bool(id_) + len(classes)) == 1
    return Compound(tag, id_, frozenset(classes), tuple(attrs), indexed)


@lru_cache(maxsize=256)
def parse_group(css: str) -> tuple[tuple, etree.XPath | None]:
    """Selector group -> chains of compounds joined by descendant combinators, plus an XPath for the rest."""
    chains, other = [], []
    for part in (p.strip() for p in css.split(",")):
        compounds = [_compound(c) for c in part.split()]
        if part and all(compounds):
            chains.append(tuple(compounds))
        elif part:
            other.append(part)
    return tuple(chains), (compiled(", ".join(other)) if other else None)


def ancestors_match(el: etree._Element, chain: tuple) -> bool:
    i, anc = len(chain) - 1, el.getparent()
    while i >= 0 and anc is not None:
        if chain[i].matches(anc):
            i -= 1
        anc = anc.getparent()
    return i < 0
