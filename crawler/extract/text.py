"""The one HTML -> text converter: paragraphs separated by blank lines, list items and headings on their
own lines, whitespace normalised, known boilerplate lines dropped.

``element_text`` converts an element of a parsed page; ``fragment_text`` converts an HTML fragment (a feed
entry's or comment feed item's content, a WordPress REST comment's ``content.rendered``) by the same rules,
so one comment gets one text, and one content hash, whether it came through a feed, REST or its page."""

from __future__ import annotations

import re
from collections.abc import Collection

from lxml import etree

from crawler.extract.boilerplate import CONTAINERS, TAGS, is_boilerplate_line
from crawler.extract.tree import drop, parse_html, select

# Elements whose content is never text.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "form",
        "iframe",
        "button",
        "input",
        "select",
        "textarea",
        "option",
        "svg",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "head",
        "title",
        "meta",
        "link",
    }
)
# Elements that start a paragraph (blank line before and after); head/list/quote are trafilatura's XML.
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "fieldset",
        "address",
        "center",
        "details",
        "summary",
        "hr",
        "ul",
        "ol",
        "dl",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "list",
        "quote",
        "code",
    }
)
# Elements that start a line (single line break).
LINE_TAGS = frozenset({"li", "dt", "dd", "tr", "caption", "item", "row", "br", "lb"})
CODE_BLOCK_PARENTS = frozenset({"body", "doc", "div", "section", "article", "main", "pre", "td"})
CELL_TAGS = frozenset({"td", "th", "cell"})
# Breaks travel through the text as control characters (never in HTML text) until _join lays them out.
_LINE, _PARA = "\x01", "\x02"
_BREAKS = {**dict.fromkeys(BLOCK_TAGS, _PARA), **dict.fromkeys(LINE_TAGS, _LINE)}
_SPECIAL = frozenset({"code"})
# Where source line breaks are line breaks; everywhere else they are spaces, as in a browser.
PRE_TAGS = frozenset({"pre", "code", "textarea", "listing", "plaintext", "xmp"})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\xad\x01\x02"))
_BREAK_RUN = re.compile(r"\s*[\x01\x02][\s\x01\x02]*")


def _spaced(text: str) -> str:
    """Source line breaks outside preformatted elements are spaces."""
    return text.replace("\n", " ").replace("\r", " ") if "\n" in text or "\r" in text else text


def _break_of(tag: str, node: etree._Element | None = None) -> str:
    if tag == "code":  # a block in trafilatura's XML and in layout containers, inline in a sentence
        parent = node.getparent() if node is not None else None
        return _PARA if parent is None or parent.tag in CODE_BLOCK_PARENTS else ""
    return _BREAKS.get(tag, "")


def _tokens(root: etree._Element, skip: Collection[etree._Element]) -> list[str]:
    out: list[str] = []
    skipping = None
    last_br = -1  # index in ``out`` of the last <br> break, to turn <br><br> into a paragraph
    pre = 0  # depth of preformatted elements around the current node
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if not tag or tag in SKIP_TAGS or (skip and node in skip):
                skipping = node
                walker.skip_subtree()
                continue
            brk = _break_of(tag, node) if tag in _SPECIAL else _BREAKS.get(tag, "")
            if tag in ("br", "lb"):
                if last_br >= 0 and not "".join(out[last_br + 1 :]).strip():
                    brk = _PARA
                last_br = len(out)
            if brk:
                out.append(brk)
            pre += tag in PRE_TAGS
            if node.text:
                out.append(node.text if pre else _spaced(node.text))
            continue
        if node is skipping:
            skipping = None
        elif tag in CELL_TAGS:
            out.append(" ")
        elif tag not in ("br", "lb"):
            pre -= tag in PRE_TAGS
            brk = _break_of(tag, node) if tag in _SPECIAL else _BREAKS.get(tag, "")
            if brk:
                out.append(brk)
        if node is not root and node.tail:
            out.append(node.tail if pre else _spaced(node.tail))
    return out


def _layout(match: re.Match) -> str:
    return "\n\n" if _PARA in match.group() else "\n"


def _join(tokens: list[str]) -> str:
    """Text with break marks -> lines (single newline) and paragraphs (blank line), whitespace collapsed."""
    text = _BREAK_RUN.sub(_layout, "".join(tokens))
    paragraphs = (
        "\n".join(filter(None, (" ".join(line.split()) for line in p.split("\n"))))
        for p in text.split("\n\n")
    )
    return "\n\n".join(filter(None, paragraphs))


def clean_lines(text: str) -> str:
    """Drop whole lines that are known boilerplate; tidy blank lines."""
    paragraphs = []
    for para in text.split("\n\n"):
        lines = [ln for ln in para.split("\n") if ln.strip() and not is_boilerplate_line(ln)]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def element_text(root: etree._Element | None, skip: Collection[etree._Element] = ()) -> str:
    """Clean text of ``root``, leaving out the subtrees in ``skip`` and non-text elements."""
    if root is None:
        return ""
    raw = _join(_tokens(root, skip)).translate(_INVISIBLE)
    return clean_lines(raw)


def inline_text(el: etree._Element | None, spaced: bool = False) -> str:
    """The text of a small element (a name, a date) on one line; ``spaced`` keeps the text of its parts
    apart (a date printed as ``<span>28.09.19</span><span>12:44</span>``)."""
    if el is None:
        return ""
    text = " ".join(el.itertext()) if spaced else el.text_content()
    return " ".join(text.translate(_INVISIBLE).split())


def fragment_text(html: str | None, without: str | None = None) -> str:
    """Clean text of an HTML fragment, as :func:`element_text` gives it for the same markup in a page:
    the non-text elements and boilerplate containers a page loses (``boilerplate.TAGS``, ``CONTAINERS``)
    are removed first, and the elements the CSS selector ``without`` names (a platform's quotes of other
    messages, say)."""
    if not html or not html.strip():
        return ""
    body = parse_html(html).find("body")
    if body is None:
        return ""
    for el in select(body, ", ".join(filter(None, [TAGS, CONTAINERS, without]))):
        drop(el)
    return element_text(body)
