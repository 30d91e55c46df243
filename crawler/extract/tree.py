"""Parse HTML once into an lxml tree, and select in it with cached CSS selectors."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from cssselect import HTMLTranslator
from lxml import etree, html

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TRANSLATOR = HTMLTranslator()


def decode_html(data: bytes) -> str:
    """Decode HTML bytes: BOM, then ``<meta charset>``, then UTF-8, then Windows-1252."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii").lower() if match else None
    for name in (declared, "utf-8"):
        if not name:
            continue
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def parse_html(source: bytes | str | html.HtmlElement) -> html.HtmlElement:
    """Return the document root for ``source``; an already parsed tree is returned as is."""
    if isinstance(source, etree._Element):
        return source
    text = decode_html(source) if isinstance(source, bytes) else source
    text = _XML_DECL.sub("", text.replace("\x00", ""), count=1)
    if not text.strip():
        return html.document_fromstring("<html><body></body></html>")
    try:
        return html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return html.document_fromstring("<html><body></body></html>")


@lru_cache(maxsize=512)
def _compiled(css: str) -> etree.XPath:
    return etree.XPath(_TRANSLATOR.css_to_xpath(css))


def select(root: etree._Element, css: str) -> list[etree._Element]:
    """All elements under ``root`` matching ``css`` (document order); for small subtrees, else use Doc."""
    return _compiled(css)(root)


def select_one(root: etree._Element, css: str) -> etree._Element | None:
    found = _compiled(css)(root)
    return found[0] if found else None


def first_attr(root: etree._Element, css: str, attr: str) -> str | None:
    """The first non-empty ``attr`` among elements matching ``css``."""
    for el in select(root, css):
        value = (el.get(attr) or "").strip()
        if value:
            return value
    return None


def classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def drop(el: etree._Element) -> None:
    """Remove ``el`` from the tree but keep its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def has_ancestor(el: etree._Element, candidates: set[etree._Element]) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent in candidates:
            return True
        parent = parent.getparent()
    return False


_COMPOUND = re.compile(r"^([a-zA-Z][\w-]*|\*)?((?:[#.][\w-]+|\[[^\]]+\])*)$")
_PIECE = re.compile(
    r"""#([\w-]+)|\.([\w-]+)|\[\s*([\w:-]+)\s*(?:([~^$*]?=)\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]*)))?\s*\]"""
)


@dataclass(frozen=True)
class _Compound:
    tag: str | None
    id: str | None
    classes: frozenset
    attrs: tuple  # (name, operator or None, value)

    def matches(self, el: etree._Element) -> bool:
        if (self.tag and el.tag != self.tag) or (self.id and el.get("id") != self.id):
            return False
        if self.classes and not self.classes <= set((el.get("class") or "").split()):
            return False
        return all(_attr_matches(el.get(name), op, value) for name, op, value in self.attrs)


def _attr_matches(actual: str | None, op: str | None, value: str) -> bool:
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


def _compound(text: str) -> _Compound | None:
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
    return _Compound(None if tag in (None, "*") else tag.lower(), id_, frozenset(classes), tuple(attrs))


@lru_cache(maxsize=256)
def _parse_group(css: str) -> tuple[tuple, etree.XPath | None]:
    """Selector group -> chains of compounds joined by descendant combinators, plus an XPath for the rest."""
    chains, other = [], []
    for part in (p.strip() for p in css.split(",")):
        compounds = [_compound(c) for c in part.split()]
        if part and all(compounds):
            chains.append(tuple(compounds))
        elif part:
            other.append(part)
    return tuple(chains), (_compiled(", ".join(other)) if other else None)


def _ancestors_match(el: etree._Element, chain: tuple) -> bool:
    i, anc = len(chain) - 1, el.getparent()
    while i >= 0 and anc is not None:
        if chain[i].matches(anc):
            i -= 1
        anc = anc.getparent()
    return i < 0


class Doc:
    """A parsed page indexed by tag, id and class once, so whole-page selects cost a lookup instead of a
    tree walk per selector.  Elements removed later (``drop``) are filtered out on the way."""

    def __init__(self, source: bytes | str | etree._Element):
        self.root = parse_html(source)
        self._pos: dict = {}
        self._by_tag: dict[str, list] = {}
        self._by_id: dict[str, list] = {}
        self._by_class: dict[str, list] = {}
        self._by_attr: dict[str, list] = {}
        for pos, el in enumerate(self.root.iter(etree.Element)):
            self._pos[el] = pos
            self._by_tag.setdefault(el.tag, []).append(el)
            for name in el.keys():  # noqa: SIM118 - lxml attributes
                self._by_attr.setdefault(name, []).append(el)
            id_ = el.get("id")
            if id_:
                self._by_id.setdefault(id_, []).append(el)
            for token in (el.get("class") or "").split():
                self._by_class.setdefault(token, []).append(el)

    def _candidates(self, last: _Compound):
        if last.id:
            return self._by_id.get(last.id, ())
        if last.classes:
            return min((self._by_class.get(c, ()) for c in last.classes), key=len)
        if last.tag:
            return self._by_tag.get(last.tag, ())
        if last.attrs:
            return self._by_attr.get(last.attrs[0][0], ())
        return self._pos

    def _attached(self, el) -> bool:
        parent = el
        while True:
            up = parent.getparent()
            if up is None:
                return parent is self.root
            parent = up

    def select(self, css: str) -> list[etree._Element]:
        chains, xpath = _parse_group(css)
        found = set(xpath(self.root)) if xpath is not None else set()
        for chain in chains:
            if any(not self._candidates(compound) for compound in chain):
                continue
            last = chain[-1]
            for el in self._candidates(last):
                if last.matches(el) and (len(chain) == 1 or _ancestors_match(el, chain[:-1])):
                    found.add(el)
        live = [el for el in found if self._attached(el)]
        live.sort(key=lambda el: self._pos.get(el, -1))
        return live

    def select_one(self, css: str) -> etree._Element | None:
        found = self.select(css)
        return found[0] if found else None

    def first_attr(self, css: str, attr: str) -> str | None:
        for el in self.select(css):
            value = (el.get(attr) or "").strip()
            if value:
                return value
        return None
