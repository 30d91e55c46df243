"""The element that holds a post's body: a scored choice among known article containers (theme, page
builder and CMS families: "hints") and the densest cluster of paragraphs.

Candidates are scored by their text outside links.  The densest paragraph cluster says where the text is; the
innermost hint around it that it mostly fills becomes the base (else the cluster itself, unless a hint
elsewhere reads more), and the choice then narrows to the deepest hint inside the base that still holds
most of its text (``main`` -> ``article`` -> ``.entry-content``), so a theme's wrapper never drags its
related-posts cards or author box into the body, and listing cards named like a body never win over it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from lxml import etree

from crawler.extract.boilerplate import HOLDS_CONTENT
from crawler.extract.tree import Doc

# Article containers by family; adapters put their own selectors first (they get a bonus).
ARTICLE_CSS = ", ".join(
    [
        # WordPress themes and page builders
        ".entry-content, .post-content, .post-entry, .entry, .entrytext, .storycontent, .single-content",
        ".post_content, .td-post-content, .bdaia-post-content, .post-single-content, .single-entry-content",
        ".page-content, .et_pb_post_content, .entry__content, .the-content, .m-post-content, .singlepost",
        ".wp-block-post-content, .post-body, .pf-content",
        # Drupal, Joomla, schema.org
        ".field--name-body, .field-name-body, .node__content, [itemprop=articleBody], .item-page",
        # news and magazine CMSs, Ghost, Squarespace
        ".article-body, .article__body, .article-text, .article_body, .articleBody, .article-content",
        "#article-body, .story-body, .news-text, .news_lang_text, .text-copy, .body-nota, .gh-content",
        ".post-full-content, .sqs-layout, .chapter-content, .article-texte, .entry-body",
        # structure
        "article, main, [role=main], #content, #main",
    ]
)
NARROW = 0.6  # a nested candidate replaces its container when it holds this share of the text
ADAPTER_BONUS = 1.25  # the adapter's own selectors against the generic list
OUTWEIGH = 1.0  # a known container away from the densest cluster wins when it reads more than the cluster
CLIMB = 1.3  # the densest cluster grows to an ancestor that adds this much paragraph text ...
CLIMB_DENSITY = 0.5  # ... while that ancestor's text is still mostly paragraphs ...
CLIMB_LEVELS = 4  # ... within this many levels
LIST_WEIGHT = 0.5  # a list item weighs this much of a paragraph in the densest cluster
DOUBT = 0.7  # a body reading less than this share of the page's remaining text is a doubtful choice
LEAD_LEVELS = 3  # how far up from the body the lead is looked for
MIN_LEAD = 30
_MIN_PARAGRAPH = 25
_MIN_OWN_TEXT = 50
_PARAGRAPHS = ("p", "pre", "blockquote", "li")
_CHROME_TAGS = frozenset({"aside", "nav", "footer", "header"})
# Boxes that hold text of their own (``<br>``-separated layouts, text straight in a ``section``), and the
# inline elements whose text counts for the box around them (paragraphs count through _PARAGRAPHS).
_BOXES = frozenset({"div", "td", "section", "article", "main", "dd", "center", "font"})
_INLINE = frozenset({"span", "font", "em", "i", "b", "strong", "small", "big", "u", "mark", "abbr", "cite"})
_BOX_TEXT = etree.XPath(
    "//*[self::div or self::td or self::section or self::article or self::main or self::dd or self::center"
    " or self::span or self::font]/text()[normalize-space()]"
)
_LINK_TEXT = etree.XPath("descendant-or-self::a//text()")
_LEAD = re.compile(
    r"^(lead\w*|intro\w*|excerpt|deck|dek|summary|standfirst|subtitle|subheadline|einleitung|chapo|chapeau|"
    r"abstract|sapo|bajada)$",
    re.I,
)
_SIDEBAR = re.compile(r"^(sidebar|widget|secondary|site-footer|footer|menu|navigation)([-_]|$)", re.I)
# never the body: listing cards, sidebars, widgets (whole class/id tokens, or their first or last part)
_NOT_BODY = re.compile(
    r"^(sidebar|widget|teaser|card|excerpt|related|footer|menu|comments?)([-_]|$)|[-_](card|teaser|excerpt|sidebar)$",
    re.I,
)


def text_length(el: etree._Element) -> int:
    """Characters of ``el``'s text with whitespace runs collapsed."""
    return len(" ".join(el.text_content().split()))


def link_length(el: etree._Element) -> int:
    """Characters of text inside links (adjacent links' words run together: close enough for a ratio)."""
    if next(el.iter("a"), None) is None:
        return 0
    return len(" ".join("".join(_LINK_TEXT(el)).split()))


def score(el: etree._Element) -> int:
    """Text outside links: what a reader reads rather than clicks."""
    return max(0, text_length(el) - link_length(el))


def _looks_like_listing(el: etree._Element) -> bool:
    names = (el.get("class") or "").split() + [el.get("id") or ""]
    return any(_NOT_BODY.search(name) for name in names if name)


def _text_blocks(doc: Doc):
    """(container, length, weight) of every paragraph: ``p``/``pre``/``blockquote``/``li`` count for their
    parent (a list item, or a paragraph in one, with ``LIST_WEIGHT``: a list of teasers is lines, not an
    article's paragraphs), a box (``div``, ``td``, ``section`` …) with text of its own — straight in it or inside its inline
    elements (``<span>``-wrapped paragraphs) — for itself."""
    memo: dict = {}
    for para in doc.of_tags(_PARAGRAPHS):
        raw = para.text_content()
        if len(raw) < _MIN_PARAGRAPH:
            continue
        length = len(" ".join(raw.split())) - link_length(para)
        parent = para.getparent()
        if length >= _MIN_PARAGRAPH and parent is not None and not _aside(para, memo):
            yield parent, length, LIST_WEIGHT if "li" in (para.tag, parent.tag) else 1.0
    own: dict = defaultdict(int)
    for chunk in _BOX_TEXT(doc.root):  # text directly inside a box, or inside inline elements in one
        box = chunk.getparent() if chunk.is_text else chunk.getparent().getparent()
        while box is not None and box.tag in _INLINE:
            box = box.getparent()
        if box is not None and box.tag in _BOXES:
            own[box] += len(" ".join(chunk.split())) + 1
    for box, length in own.items():
        if length >= _MIN_OWN_TEXT and box is not None and not _aside(box, memo):
            yield box, length, 1.0


def _aside(el: etree._Element, memo: dict) -> bool:
    """Inside a sidebar, navigation, page header or footer (memoised per ancestor in ``memo``)."""
    chain, node = [], el.getparent()
    while node is not None and node not in memo:
        chain.append(node)
        node = node.getparent()
    flag = memo[node] if node is not None else False
    for anc in reversed(chain):
        flag = flag or _chrome(anc)
        memo[anc] = flag
    return flag


def _chrome(el: etree._Element) -> bool:
    """A sidebar, navigation, page header or footer — by tag or name — that does not hold the article (an
    ``article``, ``main`` or the page's ``h1``: some themes put the post in a ``sidebar``-named column)."""
    if el.tag not in _CHROME_TAGS and not _sidebar_named(el):
        return False
    return next(el.iter(*HOLDS_CONTENT), None) is None


def _sidebar_named(el: etree._Element) -> bool:
    return any(
        _SIDEBAR.match(name) for name in (el.get("class") or "").split() + [el.get("id") or ""] if name
    )


def _grow(best: etree._Element, below: dict) -> etree._Element:
    """Climb to the lowest ancestor (a few levels up) that adds paragraphs and is still mostly paragraphs."""
    while True:
        for level, anc in enumerate(best.iterancestors()):
            if level >= CLIMB_LEVELS or anc.tag in ("body", "html"):
                return best
            if below[anc] >= below[best] * CLIMB and below[anc] >= score(anc) * CLIMB_DENSITY:
                best = anc
                break
        else:
            return best


def densest(doc: Doc) -> etree._Element | None:
    """The element with the most paragraph text in its children (a readability-style cluster), grown to
    its ancestors while they add paragraphs (articles split in sections by a page builder)."""
    weights: dict = defaultdict(float)
    below: dict = defaultdict(int)  # paragraph text under each element
    for container, length, weight in _text_blocks(doc):
        weights[container] += length * weight
        parent = container.getparent()
        if parent is not None:
            weights[parent] += length * weight / 2
        below[container] += length
        for anc in container.iterancestors():
            below[anc] += length
    if not weights:
        return None
    return _grow(max(weights, key=lambda el: weights[el]), below)


def _depth(el: etree._Element) -> int:
    return sum(1 for _ in el.iterancestors())


def _inside(el: etree._Element, container: etree._Element) -> bool:
    return any(anc is container for anc in el.iterancestors())


def _hints(doc: Doc, preferred: tuple[str, ...]) -> dict:
    """Known article containers -> score (the adapter's own selectors with a bonus)."""
    scored: dict = {}
    for css, bonus in ((", ".join(preferred), ADAPTER_BONUS), (ARTICLE_CSS, 1.0)):
        for el in doc.select(css) if css else ():
            if el not in scored and not _looks_like_listing(el):
                scored[el] = score(el) * bonus
    return {el: value for el, value in scored.items() if value > 0}


def _base(hints: dict, cluster: etree._Element | None) -> etree._Element | None:
    """Where the text is: the innermost known container around the densest cluster that the cluster
    mostly fills, else the cluster itself — unless a known container elsewhere reads more."""
    top = max(hints, key=lambda el: hints[el]) if hints else None
    if cluster is None:
        return top
    size = score(cluster)
    around = [el for el in hints if _inside(cluster, el) and size >= hints[el] * NARROW]
    if around:
        return max(around, key=_depth)
    if top is not None and hints[top] > size * OUTWEIGH and not _inside(cluster, top):
        return top
    return cluster


def choose_body(doc: Doc, preferred: tuple[str, ...] = ()) -> etree._Element | None:
    """The body container: adapter selectors (``preferred``), known families, the densest cluster; then the
    deepest known container inside it that still holds most of its text."""
    hints = _hints(doc, preferred)
    base = _base(hints, densest(doc))
    if base is None:
        return None
    floor = (hints.get(base) or score(base)) * NARROW
    inner = [el for el, value in hints.items() if value >= floor and _inside(el, base)]
    return _titled_article(max(inner, key=_depth) if inner else base)


def _titled_article(body: etree._Element) -> etree._Element:
    """The one ``article`` with the page's ``h1`` among several in ``body``: the post, where the others are
    related coverage or the next stories of an endless page, however much they read."""
    articles = [el for el in body.iter("article") if el is not body]
    if len(articles) < 2:
        return body
    tops = [el for el in articles if not any(_inside(el, other) for other in articles)]
    titled = [el for el in tops if next(el.iter("h1"), None) is not None]
    if len(tops) < 2 or len(titled) != 1 or sum(1 for _ in body.iter("h1")) != 1:
        return body
    heading = next(titled[0].iter("h1"))
    return titled[0] if score(titled[0]) - score(heading) >= _MIN_OWN_TEXT else body


def page_score(doc: Doc) -> int:
    """What the page still reads outside links and chrome (see :func:`doubtful`)."""
    page = doc.root.find("body")
    page = page if page is not None else doc.root
    chrome, walker = 0, etree.iterwalk(page, events=("start",))
    for _, el in walker:
        if el is not page and isinstance(el.tag, str) and _chrome(el):
            chrome += score(el)
            walker.skip_subtree()
    return score(page) - chrome


def doubtful(kept: int, page: int) -> bool:
    """Whether the chosen body may be the wrong block or only part of the article: once chrome, boilerplate
    and comments are gone, what is left of the page (``page``: its :func:`page_score`) is mostly the
    article, so a body that reads (``kept``: its :func:`score` less its widgets') less than ``DOUBT`` of
    that text leaves a lot unexplained."""
    return kept < page * DOUBT


def lead_before(body: etree._Element) -> list[etree._Element]:
    """The article's lead (dek, standfirst, excerpt, intro) printed just before the body container."""
    node, found = body, list[etree._Element]()
    for _ in range(LEAD_LEVELS):
        for sibling in reversed(list(node.itersiblings(preceding=True))):
            found.extend(el for el in sibling.iter() if isinstance(el.tag, str) and _is_lead(el))
        if found or node.getparent() is None:
            break
        node = node.getparent()
    return [el for el in found if not any(_inside(el, other) for other in found if other is not el)]


@lru_cache(maxsize=4096)
def _lead_name(name: str) -> bool:
    return any(_LEAD.match(part) for part in re.split(r"[-_]+", name) if part)


def _is_lead(el: etree._Element) -> bool:
    names = el.get("class")
    if not names or not any(_lead_name(name) for name in names.split()):
        return False
    return text_length(el) >= MIN_LEAD and link_length(el) < text_length(el) / 2
