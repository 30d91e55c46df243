"""Known boilerplate: containers removed by structure, and whole lines dropped as a last guard."""

from __future__ import annotations

import re

from lxml import etree

from crawler.extract.tree import Doc

# Never content, wherever they are.
TAGS = "script, style, noscript, template, form, iframe, button, input, select, textarea, svg, object, embed"

PAGE_FORM_SHARE = 0.5
CHROME = "nav, aside, footer, header"
_IN_CONTENT = etree.XPath("boolean(ancestor::article | ancestor::main)")
HOLDS_CONTENT = ("article", "main", "h1")  # an element holding one of these holds the article
HIDDEN = "[hidden], [aria-hidden], [style], .hide, .hidden"
_HIDDEN_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)", re.I
)
_HIDDEN_CLASSES = frozenset({"hide", "hidden"})

# Comment forms, share/like widgets, related posts, reply/edit/delete controls, pagers, feeds links.
CONTAINERS = ", ".join(
    [
        "#respond, .comment-respond, #commentform, .comment-form, #comment-form, .comment-reply-title",
        "#cancel-comment-reply-link, .comment-subscription-form, .akismet_comment_form_privacy_notice",
        ".wp-block-post-comments-form, .wp-block-comment-reply-link, .wp-block-comment-edit-link",
        ".comment-reply-link, .comment-edit-link, .edit-link, .post-edit-link, .comment-awaiting-moderation",
        ".says, .screen-reader-text, .skip-link, .avatar, .comment-actions, .comment-likes, .comment-like",
        ".sharedaddy, .sd-sharing-enabled, .sd-like, .sd-block, .sd-social, .sharing, #jp-post-flair",
        ".jp-relatedposts, #jp-relatedposts, .wpl-likebox, .wpcnt, .post-likes-widget-placeholder",
        "#likes-other-gravatars, .wpcom-follow-bubbles, .likes-widget-placeholder, .wp-block-jetpack-sharing-buttons",
        ".post-share-buttons, .share-buttons, .social-share, .addtoany_share_save_container, .a2a_kit",
        ".shareaholic-canvas, .ssba, .yarpp-related, .crp_related, .jetpack-likes-widget-wrapper",
        # Blogger
        ".post-share-buttons, .blog-pager, #blog-pager, .post-feeds, .feed-links, #comment-editor",
        "#comment-post-message, p.comment-footer, .item-control, .comment-delete, .comment-reply",
        ".thread-toggle, .comment-thread .continue, .comments .loadmore, .comment-replybox-single",
        ".comment-replybox-thread, div.reply, p.reply, span.reply",
        "#comment-holder-loading, .comment-form-iframe",
    ]
)

# Lines that are boilerplate when they are the whole line (compared lower-cased, stripped).
_LINE_PATTERNS = [
    r"leave a (reply|comment|response)( to .{1,80})?( cancel reply)?",
    r"(cancel reply|reply( reply)?|delete|edit|permalink|like|reblog|tweet|share|email|print|log in to reply)",
    r"fill in your details below or click an icon to log in:?",
    r"you are commenting using your .{1,40} account\.?( ?\(? ?log out / change ?\)?)?",
    r"your email address will not be published\.?( required fields are marked \*?)?",
    r"required fields are marked \*?",
    r"notify me of (new|follow-up|followup) (comments|posts)( via| by) e-?mail\.?"
    r"( you can also subscribe without commenting\.?)?",
    r"(share|like) this:?",
    r"like loading\.*",
    r"loading\.*",
    r"(%d|\d+|one) bloggers? likes? this[.:]?",
    r"be the first to like this\.?",
    r"liked by \d+ (people|person)",
    r"related( posts| articles)?:?",
    r"email this|blogthis!|share to (twitter|facebook|pinterest)",
    r"click to (share|email|print).{0,60}",
    r"post a comment",
    r"says:",
    r"(newer post )?(older post )?home",
    r"newer posts?|older posts?",
    r"subscribe to: post comments \(atom\)",
    r"subscribe to: posts \(atom\)",
    r"(\d+|no) comments?:?",
    r"\d+ (responses?|replies|thoughts?) (to|on) .{1,160}",
    r"(one|\d+) thoughts? on .{1,160}",
    # German / French WordPress.com
    r"teilen mit:?|sharen mit:?|gefällt mir:?|gefällt mir wird geladen …?\.*|antworten|kommentar verfassen",
    r"hinterlasse einen kommentar|ähnliche beiträge|partager :|j'aime :|j’aime :|répondre",
    # comment section headings and log-in notices, in the languages of the corpus
    r"(\d+ )?(comments?|kommentare?|commentaires?|comentarios?|reactions?|réactions?|leserbriefe?)( \(\d+\))?:?",
    r"(vos réactions|ihre meinung|deine meinung|(ihr|dein) kommentar|kommentare? schreiben|write a comment|"
    r"add a comment|laisser un commentaire|deja un comentario|join the discussion|diskutieren sie mit)[.:!]?",
    r".{0,80}(eingeloggt|angemeldet|einloggen|anmelden|registrieren|logged in|log in|sign in|connecté)"
    r".{0,80}(kommentar|kommentier|comment|diskussion|discussion).{0,60}",
    r".{0,80}(kommentar|kommentier|comment|diskussion|discussion).{0,80}"
    r"(eingeloggt|angemeldet|einloggen|anmelden|registriert|logged in|log in|sign in|connecté).{0,40}",
    r"(alle )?angaben ohne gewähr|all information without guarantee|sans garantie|sin garantía",
    r"sie sind (aktuell |derzeit )?nicht (eingeloggt|angemeldet)\.?",
    # image credits, copyright and advertising notices
    r"(beitragsbild|titelbild|fotos?|bilder?|photos?|images?|pictures?|credits?|quelle|source|illustration)"
    r"( ?(©|\(c\)))?\s*:.{0,100}",
    r"(©|\(c\)|copyright)\s*(\d{4}|by).{0,120}",
    r"(unbezahlte |bezahlte )?(anzeige|werbung|advertisement|sponsored( post)?|affiliate[- ]links?)"
    r"([,/|–-] ?(enthält |contains )?(affiliate[- ]links?|werbung|werbelinks?|ads))?[.:]?",
]
_LINE_RE = re.compile(r"(?:" + "|".join(_LINE_PATTERNS) + r")", re.I)


def is_boilerplate_line(line: str) -> bool:
    """True when the whole ``line`` is a known widget/form string (never for prose containing one)."""
    text = line.strip().strip("«»›‹|·•-–—()[]").strip()
    if not text:
        return True
    return len(text) <= 200 and _LINE_RE.fullmatch(text) is not None


def _unwrap_page_forms(doc: Doc) -> None:
    """A form holding most of the page (ASP.NET WebForms wrap everything in one) is layout, not a form."""
    body = doc.select_one("body")
    total = len(body.text_content()) if body is not None else 0
    for form in doc.select("form"):
        if total and len(form.text_content()) >= total * PAGE_FORM_SHARE:
            form.tag = "div"


def _drop_page_chrome(doc: Doc) -> None:
    """The page's own navigation, sidebars and footer (not an article's), unless they hold the article,
    its title or its comments (some themes nest the whole page in a ``<header>``)."""
    holders = None
    for el in doc.select(CHROME):
        if el.getparent() is None or _IN_CONTENT(el) or next(el.iter(*HOLDS_CONTENT), None) is not None:
            continue
        holders = _comment_holders(doc) if holders is None else holders
        if el not in holders:
            doc.drop(el)


def _comment_holders(doc: Doc) -> set:
    """Every element that is or contains an element named after comments or the article body."""
    named = [
        el
        for index in (doc.class_tokens(), doc.ids())
        for name, elements in index.items()
        if "omment" in name or name == "articleBody"
        for el in elements
    ]
    named += doc.select("[itemprop=articleBody]")
    holders: set = set()
    for el in named:
        while el is not None and el not in holders:
            holders.add(el)
            el = el.getparent()
    return holders


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    return not _HIDDEN_CLASSES.isdisjoint((el.get("class") or "").split())


def _drop_hidden(doc: Doc) -> None:
    """What a reader never sees: ``hidden``, ``aria-hidden="true"``, inline ``display:none`` or
    ``visibility:hidden``, ``.hide``/``.hidden`` (login boxes, tracking blocks, duplicated teasers) — unless it
    holds the article, its title or most of the page (a page hidden until a script shows it)."""
    body = doc.select_one("body")
    total = len(body.text_content()) if body is not None else 0
    for el in doc.select(HIDDEN):
        if el.getparent() is None or not _is_hidden(el) or el.tag in ("html", "body"):
            continue
        if next(el.iter(*HOLDS_CONTENT), None) is None and len(el.text_content()) < total * PAGE_FORM_SHARE:
            doc.drop(el)


def strip_boilerplate(doc: Doc, extra: str | None = None) -> None:
    """Remove non-text elements, what is hidden, the page's chrome and known boilerplate containers, in
    place."""
    _unwrap_page_forms(doc)
    _drop_hidden(doc)
    _drop_page_chrome(doc)
    for css in (TAGS, CONTAINERS, extra):
        if not css:
            continue
        for el in doc.select(css):
            doc.drop(el)
