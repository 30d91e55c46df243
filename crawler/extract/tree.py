"""Parse HTML once into an lxml tree, and select in it with cached CSS selectors."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache

from lxml import etree, html

from crawler.charset import decode_html
from crawler.extract.css import Compound, ancestors_match, compiled, parse_group

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_LOOKUP = etree.ElementDefaultClassLookup(
    element=html.HtmlElement,
    comment=html.HtmlComment,
    pi=html.HtmlProcessingInstruction,
    entity=html.HtmlEntity,
)
_IN_ROOT = etree.XPath("boolean(ancestor::html)")
_TOP_DOWN = 16  # a chain is matched from its top when its first compound is this many times rarer
_FEW = 8  # below this many results, check each one's ancestry instead of listing the live tree


def parse_html(source: bytes | str | html.HtmlElement) -> html.HtmlElement:
    """Return the document root for ``source``; an already parsed tree is returned as is."""
    if isinstance(source, etree._Element):
        return source
    text = decode_html(source) if isinstance(source, bytes) else source
    text = _XML_DECL.sub("", text.replace("\x00", ""), count=1)
    if not text.strip():
        return html.document_fromstring("<html><body></body></html>")
    try:
        root = etree.fromstring(text, _html_parser())
    except (etree.ParserError, ValueError):
        root = None
    return root if root is not None else html.document_fromstring("<html><body></body></html>")


def _html_parser() -> etree.HTMLParser:
    """lxml's HTML parser making ``HtmlElement`` nodes without a per-node Python class lookup."""
    parser = etree.HTMLParser()
    parser.set_element_class_lookup(_LOOKUP)
    return parser


@lru_cache(maxsize=64)
def _with_attribute(name: str) -> etree.XPath:
    return etree.XPath(f"//*[@{name}]") if re.fullmatch(r"[\w-]+", name) else etree.XPath("/nothing")


def select(root: etree._Element, css: str) -> list[etree._Element]:
    """All elements under ``root`` matching ``css`` (document order); for small subtrees, else use Doc."""
    return compiled(css)(root)


def select_one(root: etree._Element, css: str) -> etree._Element | None:
    found = compiled(css)(root)
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


class Doc:
    """A parsed page indexed by tag, id and class once, so whole-page selects cost a lookup instead of a
    tree walk per selector.  Elements removed with :meth:`drop` are filtered out of later selections
    (remove elements of an indexed page through it)."""

    def __init__(self, source: bytes | str | etree._Element):
        self.root = parse_html(source)
        elements = list(self.root.iter(etree.Element))
        self._pos: dict = {el: pos for pos, el in enumerate(elements)}
        self._by_tag: defaultdict[str, list] = defaultdict(list)
        self._by_id: defaultdict[str, list] = defaultdict(list)
        self._by_class: defaultdict[str, list] = defaultdict(list)
        self._by_attr: dict[str, list] = {}  # filled on demand
        self._by_value: dict[str, dict[str, list]] = {}  # filled on demand
        self._sorted_ids: list[str] | None = None
        self._removals = 0  # elements removed through drop()
        self._live: tuple[int, set] = (0, set())  # (removals, elements then in the tree)
        by_tag, by_id, by_class = self._by_tag, self._by_id, self._by_class
        for el in elements:
            by_tag[el.tag].append(el)
            id_, names = el.get("id"), el.get("class")
            if id_:
                by_id[id_].append(el)
            if names:
                for token in names.split():
                    by_class[token].append(el)

    def _candidates(self, last: Compound):
        if last.id:
            return self._by_id.get(last.id, ())
        if len(last.classes) == 1:
            return self._by_class.get(next(iter(last.classes)), ())
        if last.classes:
            return min((self._by_class.get(c, ()) for c in last.classes), key=len)
        if last.attrs:
            name, op, value = last.attrs[0]
            if name == "id" and op == "^=" and value:
                return self._ids_starting(value)
            if last.tag and op == "=":
                return self._attribute_values(last.tag, name).get(value, ())
            if last.tag:
                return self._by_tag.get(last.tag, ())
            if name not in self._by_attr:
                self._by_attr[name] = _with_attribute(name)(self.root)
            return self._by_attr[name]
        if last.tag:
            return self._by_tag.get(last.tag, ())
        return self._pos

    def _ids_starting(self, prefix: str) -> list[etree._Element]:
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self._by_id)
        ids = self._sorted_ids
        start = bisect_left(ids, prefix)
        end = bisect_left(ids, prefix + "\U0010ffff", start)
        return [el for key in ids[start:end] for el in self._by_id[key]]

    def _attribute_values(self, tag: str, name: str) -> dict[str, list]:
        """``<tag name=value>`` elements by value (``meta[property=…]``, ``link[rel=…]``), built on first use."""
        key = f"{tag}[{name}]"
        if key not in self._by_value:
            values: defaultdict[str, list] = defaultdict(list)
            for el in self._by_tag.get(tag, ()):
                value = el.get(name)
                if value is not None:
                    values[value].append(el)
            self._by_value[key] = values
        return self._by_value[key]

    def drop(self, el: etree._Element) -> None:
        """Remove ``el`` (keeping its tail text) from the page."""
        if el.getparent() is not None:
            drop(el)
            self._removals += 1

    def _attached(self, el) -> bool:
        return el is self.root or bool(_IN_ROOT(el))

    def _still_there(self, found) -> list:
        if not self._removals:
            return list(found)
        if len(found) <= _FEW:
            return [el for el in found if self._attached(el)]
        if self._live[0] != self._removals:
            self._live = (self._removals, set(self.root.iter()))
        live = self._live[1]
        return [el for el in found if el in live]

    def select(self, css: str) -> list[etree._Element]:
        chains, xpath = parse_group(css)
        found = set(xpath(self.root)) if xpath is not None else set()
        for chain in chains:
            last = chain[-1]
            candidates = self._candidates(last)
            if not candidates or (len(chain) > 1 and any(not self._candidates(c) for c in chain[:-1])):
                continue
            if last.indexed and len(chain) == 1:  # a renamed element (form -> div) drops out by tag
                found.update(el for el in candidates if not last.tag or el.tag == last.tag)
                continue
            found.update(self._chain_matches(chain, candidates))
        live = self._still_there(found)
        live.sort(key=lambda el: self._pos.get(el, -1))
        return live

    def _chain_matches(self, chain: tuple, candidates) -> list:
        """Elements matching a descendant chain: bottom-up from the last compound's candidates, or top-down
        from the first compound's when those are much fewer (``.entry-meta .author a`` on a page of links)."""
        last, rest = chain[-1], chain[:-1]
        tops = self._candidates(chain[0]) if rest else ()
        if rest and len(tops) * _TOP_DOWN < len(candidates):
            below = (el for top in tops for el in top.iter(last.tag or etree.Element) if el is not top)
            return [el for el in below if last.matches(el) and ancestors_match(el, rest)]
        return [el for el in candidates if last.matches(el) and (not rest or ancestors_match(el, rest))]

    def of_tags(self, tags: tuple[str, ...]) -> list[etree._Element]:
        """Elements with one of these tags still in the page, in no particular order."""
        found = [el for tag in tags for el in self._by_tag.get(tag, ()) if el.tag == tag]
        return self._still_there(found)

    def select_one(self, css: str) -> etree._Element | None:
        found = self.select(css)
        return found[0] if found else None

    def first_attr(self, css: str, attr: str) -> str | None:
        for el in self.select(css):
            value = (el.get(attr) or "").strip()
            if value:
                return value
        return None

    def class_tokens(self) -> dict[str, list]:
        """Every class token of the page -> its elements (some may since have been dropped: see ``live``)."""
        return self._by_class

    def ids(self) -> dict[str, list]:
        return self._by_id

    def live(self, elements) -> list[etree._Element]:
        """``elements`` still in the tree, in document order."""
        kept = self._still_there(elements)
        kept.sort(key=lambda el: self._pos.get(el, -1))
        return kept
