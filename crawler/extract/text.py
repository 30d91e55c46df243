"""HTML element -> clean text: paragraphs separated by blank lines, list items and headings on their own
lines, whitespace normalised, known boilerplate lines dropped."""

from __future__ import annotations

from collections.abc import Collection

from lxml import etree

from crawler.extract.boilerplate import is_boilerplate_line

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
CELL_TAGS = frozenset({"td", "th", "cell"})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\xad"))
_LINE, _PARA = 1, 2


def _break_of(tag: str) -> int:
    if tag in BLOCK_TAGS:
        return _PARA
    if tag in LINE_TAGS:
        return _LINE
    return 0


def _tokens(root: etree._Element, skip: Collection[etree._Element]) -> list[str | int]:
    out: list[str | int] = []
    skipping = None
    last_br = -1  # index in ``out`` of the last <br> break, to turn <br><br> into a paragraph
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if not tag or tag in SKIP_TAGS or (skip and node in skip):
                skipping = node
                walker.skip_subtree()
                continue
            brk = _break_of(tag)
            if tag in ("br", "lb"):
                if last_br >= 0 and all(isinstance(t, str) and not t.strip() for t in out[last_br + 1 :]):
                    brk = _PARA
                last_br = len(out)
            if brk:
                out.append(brk)
            if node.text:
                out.append(node.text)
        else:
            if node is skipping:
                skipping = None
            else:
                brk = _break_of(tag)
                if brk and tag not in ("br", "lb"):
                    out.append(brk)
                elif tag in CELL_TAGS:
                    out.append(" ")
            if node is not root and node.tail:
                out.append(node.tail)
    return out


def _join(tokens: list[str | int]) -> str:
    paragraphs: list[list[str]] = [[]]
    line: list[str] = []
    pending = 0
    for token in tokens:
        if isinstance(token, int):
            pending = max(pending, token)
            continue
        if pending:
            text = " ".join("".join(line).split())
            if text:
                paragraphs[-1].append(text)
            line = []
            if pending == _PARA and paragraphs[-1]:
                paragraphs.append([])
            pending = 0
        line.append(token)
    text = " ".join("".join(line).split())
    if text:
        paragraphs[-1].append(text)
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


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


def inline_text(el: etree._Element | None) -> str:
    """The text of a small element (a name, a date) on one line."""
    if el is None:
        return ""
    return " ".join(el.text_content().translate(_INVISIBLE).split())
