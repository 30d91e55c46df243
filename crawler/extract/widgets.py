"""Widgets nested in a post's body: related-posts lists, share bars, newsletter, donation and author boxes,
recipe-card buttons, sidebars inside the article column — named by their class, introduced by a heading
("Related posts", "Mehr zum Thema", "À lire aussi"), or made of links (teaser grids, playlists)."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from lxml import etree

from crawler.extract.dates import parse_date
from crawler.extract.tree import drop

# Widgets named by class or id: a token part (split at - and _) that is one of these words.
_JUNK_PART = re.compile(
    r"^(related\w*|share\w*|sharing|social\w*|sociable|newsletter\w*|subscribe\w*|donat\w*|promo\w*|"
    r"advert\w*|ads?|adsense|sponsor\w*|recommend\w*|saboxplugin\w*|authorbox|author|authors|autor|"
    r"author-?bio|breadcrumbs?|tags|tagcloud|rating\w*|signature|notice|disclaimer)$",
    re.I,
)
# ... or names of a line (a byline, a dateline, a caption): a widget only while it reads like one, never when
# it wraps paragraphs (Blogger templates that put the post's paragraphs in a ``span.byline``)
_LINE_PART = re.compile(r"^(byline|dateline|relativetime|caption|credits?)$", re.I)
_PARAGRAPH_TAGS = ("p", "div", "ul", "ol", "blockquote", "table", "h2", "h3", "h4")
MAX_LINE = 300
# Names of boxes about other pages (related posts, newsletters, donations): never the post itself, so they go
# even when they hold most of the body's text (a long related-posts list under a short post).
_ELSEWHERE_PART = re.compile(r"^(related\w*|recommend\w*|newsletter\w*|donat\w*|promo\w*|sponsor\w*)$", re.I)
# ... or a whole token starting like these (sidebars and widget areas inside the article column)
_JUNK_TOKEN = re.compile(r"^(widget|sidebar|l-sidebar|more-like-this)|[-_]sidebar$", re.I)
_JUNK_TAGS = frozenset({"aside", "nav", "footer", "figcaption"})
_JUNK_CLASSES = frozenset(
    [
        "wp-caption-text",
        "wp-element-caption",
        "author-box",
        "about-author",
        "post-tags",
        "entry-tags",
        "tags-links",
        "cat-links",
        "entry-meta",
        "post-meta",
        "entry-footer",
        "post-footer",
        "wprm-recipe-jump",
        "wprm-recipe-print",
        "wprm-recipe-pin",
        "tasty-recipes-buttons",
        "mv-create-print",
    ]
)
# Headings that introduce link lists (related posts, "read also"), in the corpus's languages.
RELATED_HEADING = re.compile(
    r"^(related( posts| articles| stories| tutorials)?|you (may|might) also like|more (from|on) .{1,40}|"
    r"read (also|more)|see also|(vorschau auf )?(den )?nächsten? (artikel|beitrag)|next (article|post)|"
    r"auch interessant|das könnte (sie|dich) auch interessieren|mehr zum thema|mehr aus .{1,40}|"
    r"lesen sie auch|weitere (artikel|beiträge|informationen)( zu.{1,60})?|ähnliche (artikel|beiträge)|"
    r"à lire aussi|lire aussi|sur le même sujet|article suivant|te puede interesar|noticias relacionadas|"
    r"leggi anche|articoli correlati|zobacz (również|też)|czytaj (też|także))\W*$",
    re.I,
)
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "div", "span"})
TITLE_TAGS = ("h1", "h2", "h3")
BLOCKS = frozenset({"div", "section", "ul", "ol", "table"})
PROSE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})
INLINE_SUSPECTS = ("strong", "b", "time", "span")  # inline elements that can be a heading or a dateline
JUNK_SHARE = 0.4  # a widget never holds this much of the body's text
ELSEWHERE_SHARE = 0.8  # ... a box about other pages may, but not nearly all of it
LINK_GRID = 0.75  # a block whose text is this much link text (with several links) is a teaser grid
LINK_GRID_MIN_LINKS = 3
MAX_HEADING = 80
_LINK_TEXT = etree.XPath("descendant-or-self::a//text()")
_TYPOGRAPHY = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "–": "-", "—": "-"}
)
_TITLE_SEPARATORS = '|-:·•/([（【«"'
_NOT_SLUG = re.compile(r"[\W_]+")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _squeeze(el: etree._Element) -> str:
    return " ".join(el.text_content().split())


@lru_cache(maxsize=8192)
def _junk_token(name: str) -> bool:
    if name in _JUNK_CLASSES:
        return True
    return bool(_JUNK_TOKEN.search(name)) or any(_JUNK_PART.match(p) for p in re.split(r"[-_]+", name) if p)


@lru_cache(maxsize=8192)
def _elsewhere_token(name: str) -> bool:
    return any(_ELSEWHERE_PART.match(p) for p in re.split(r"[-_]+", name) if p)


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def _names(el: etree._Element) -> list[str]:
    """``el``'s class tokens and id — but not an id made from the element's own heading (documentation
    generators and Markdown tables of contents: ``<div class=section id=sharing-with-a-team><h2>Sharing
    with a team``), which names the section's subject, not a widget."""
    names = (el.get("class") or "").split()
    id_ = el.get("id")
    if id_:
        heading = next(el.iter(*_HEADING_TAGS), None) if _NOT_SLUG.search(id_) else None
        if heading is None or _slug(heading.text_content()) != _slug(id_):
            names.append(id_)
    return names


def _about_elsewhere(el: etree._Element) -> bool:
    return any(_elsewhere_token(name) for name in _names(el))


@lru_cache(maxsize=8192)
def _line_token(name: str) -> bool:
    return any(_LINE_PART.match(p) for p in re.split(r"[-_]+", name) if p)


def _is_junk_name(el: etree._Element) -> bool:
    if el.tag in _JUNK_TAGS:
        return True
    names = _names(el)
    if any(_junk_token(name) for name in names):
        return True
    return any(_line_token(name) for name in names) and _reads_as_line(el)


def _reads_as_line(el: etree._Element) -> bool:
    """Short, without paragraphs or line breaks of its own."""
    if (
        next(el.iterdescendants(*_PARAGRAPH_TAGS), None) is not None
        or sum(1 for _ in islice(el.iter("br"), 2)) >= 2
    ):
        return False
    return len(_squeeze(el)) <= MAX_LINE


def _link_share(el: etree._Element) -> float:
    total = len(_squeeze(el))
    links = len(" ".join("".join(_LINK_TEXT(el)).split()))
    return links / total if total else 1.0


def _is_link_grid(el: etree._Element) -> bool:
    """Teaser grids, playlists, "more like this" lists: several links and little else."""
    if (
        el.tag not in BLOCKS
        or sum(1 for _ in islice(el.iter("a"), LINK_GRID_MIN_LINKS)) < LINK_GRID_MIN_LINKS
    ):
        return False
    return _link_share(el) >= LINK_GRID


def _is_dateline(el: etree._Element) -> bool:
    """A ``<time>`` that is a date (a recipe's "15 – 30 Min" is text)."""
    return el.tag == "time" and parse_date(_squeeze(el)) is not None


def _is_related_heading(el: etree._Element) -> bool:
    if el.tag not in HEADINGS or (el.tag in ("div", "span") and len(el)):
        return False
    raw = el.text_content()
    if len(raw) > 4 * MAX_HEADING:
        return False
    text = " ".join(raw.split())
    return len(text) <= MAX_HEADING and RELATED_HEADING.match(text) is not None


def _related_box(heading: etree._Element, body: etree._Element) -> list[etree._Element]:
    """What a related-links heading takes with it: its box when that is mostly links, else itself and a
    following block of links."""
    box = heading.getparent()
    if box is not None and box is not body and _link_share(box) > 0.5:
        return [box]
    follower = heading.getnext()
    if follower is not None and follower.tag in BLOCKS and _link_share(follower) > 0.5:
        return [follower, heading]
    return [heading]


def _is_title(el: etree._Element, title: str) -> bool:
    """The post's title as a heading: the page title itself, or the page title less the site's name before
    or after a separator ("Night lows | Ana's Pancreas"), quotes and dashes of any style."""
    if el.tag not in TITLE_TAGS or not title:
        return False
    heading, page = _plain(_squeeze(el)), _plain(title)
    if not heading or len(heading) > len(page):
        return False
    if heading == page:
        return True
    if page.startswith(heading):
        return page[len(heading) :].lstrip()[:1] in _TITLE_SEPARATORS
    return page.endswith(heading) and page[: -len(heading)].rstrip()[-1:] in _TITLE_SEPARATORS


def _plain(text: str) -> str:
    return " ".join(text.translate(_TYPOGRAPHY).casefold().split())


def _is_title_header(el: etree._Element, title: str) -> bool:
    """An article's ``<header>``: the title with its byline and date."""
    if el.tag != "header":
        return False
    return any(_is_title(h, title) for h in el.iter(*TITLE_TAGS)) and len(_squeeze(el)) < len(title) + 300


def _is_widget(el: etree._Element, total: int) -> bool:
    """A box about other pages, or a widget by name or shape that holds a small part of the body."""
    if _about_elsewhere(el):
        return len(el.text_content()) < total * ELSEWHERE_SHARE
    if _is_junk_name(el) or _is_dateline(el) or _is_link_grid(el):
        return len(el.text_content()) < total * JUNK_SHARE
    return False


def find_widgets(body: etree._Element, total: int, title: str | None = None) -> list[etree._Element]:
    """The widgets nested in the chosen body (``total``: its text length) and the post's title, outermost
    first; nothing is removed yet (see :func:`clean_body`)."""
    title = " ".join((title or "").split())
    headings, widgets = [], []
    walker = etree.iterwalk(body, events=("start",))
    for _, el in walker:
        if el is body or not isinstance(el.tag, str):
            continue
        if _is_title(el, title) or _is_title_header(el, title):
            widgets.append(el)
        elif _is_related_heading(el):
            headings.append(el)
        elif _is_widget(el, total):
            widgets.append(el)
        elif el.tag not in PROSE or next(el.iter(*INLINE_SUSPECTS), None) is not None:
            continue
        walker.skip_subtree()  # removed, or plain prose (nothing inside can be a widget)
    found = set(widgets)
    for heading in headings:
        widgets.extend(el for el in _related_box(heading, body) if el not in found)
        found.update(widgets)
    return widgets


def clean_body(body: etree._Element, total: int, title: str | None = None) -> None:
    """Remove widgets nested in the chosen body (``total``: its text length), and the post's title."""
    for el in find_widgets(body, total, title):
        drop(el)


def without_widgets(
    text: str, page: etree._Element, title: str | None = None, removed: list[etree._Element] | None = None
) -> str:
    """``text`` (another extractor's reading of ``page``) less the lines that lie in what our cleaning
    takes for widgets anywhere on the page (author boxes, related posts, share bars, the title), and in the
    widgets already ``removed`` from the body."""
    found = find_widgets(page, len(page.text_content()), title)
    boxes = [_squeeze(el) for el in [*(removed or ()), *found]]
    if not boxes:
        return text
    kept = []
    for para in text.split("\n\n"):
        lines = [ln for ln in para.split("\n") if not any(" ".join(ln.split()) in box for box in boxes)]
        if lines:
            kept.append("\n".join(lines))
    return "\n\n".join(kept)
