"""OPML subscription lists (``doclisten sources import FILE.opml``).

Parsed with lxml configured to resolve no entities, load no DTD and touch no network;
documents that declare entities are refused outright (no real OPML export needs them).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from crawler.exceptions import DoclistenError


class OpmlError(DoclistenError, ValueError):
    """The data is not a usable OPML document."""


@dataclass
class OpmlOutline:
    title: str | None
    xml_url: str | None  # the feed
    html_url: str | None  # the site


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _attr(element: etree._Element, name: str) -> str | None:
    """Attribute by case-insensitive name (exports write xmlUrl, xmlurl, XMLURL…)."""
    for key, value in element.attrib.items():
        if isinstance(key, str) and key.lower() == name:
            return value.strip() or None
    return None


def parse_opml(data: bytes) -> list[OpmlOutline]:
    """Every outline with a feed or site URL, nested folders flattened, in document order."""
    if not data or not data.strip():
        raise OpmlError("empty OPML file")
    if b"<!ENTITY" in data:
        raise OpmlError("OPML with entity declarations is refused")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"not well-formed XML: {exc}") from None
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        raise OpmlError(f"root element is <{root.tag}>, not <opml>")
    outlines = []
    for element in root.iter("{*}outline"):
        xml_url, html_url = _attr(element, "xmlurl"), _attr(element, "htmlurl")
        if xml_url or html_url:
            title = _attr(element, "title") or _attr(element, "text")
            outlines.append(OpmlOutline(title=title, xml_url=xml_url, html_url=html_url))
    return outlines
