"""Pingbacks and trackbacks: link notifications from other blogs, never reader comments.

WordPress keeps them in its comments table (``comment_type`` "pingback"/"trackback") and shows them wherever
comments go, each in its own way:
- HTML: ``comment_class()`` puts ``pingback``/``trackback`` on the list item (``li#comment-N.pingback``);
- comment feeds (per post and site-wide, ``wp-includes/feed-rss2-comments.php``) list them like comments,
  with nothing but their shape to tell: a pingback's text is ``[&#8230;] <excerpt> [&#8230;]`` (``[...]``
  before WordPress 2.x; ``pingback_ping`` in ``class-wp-xmlrpc-server.php``), a trackback's
  ``<strong><title></strong>`` followed by the excerpt (``wp-trackback.php``); their author is the linking
  page's title or blog name;
- REST: ``/wp/v2/comments`` items carry ``type`` (the collection answers ``type=comment`` unless asked for
  another, but plugins and old versions differ).
A feed item whose comment id the post's HTML marks as a ping is a ping too (``ExtractedPost.ping_ids``, from
:func:`ping_ids`).
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extract.ids import node_id
from crawler.extract.tree import Doc, classes

PING_TYPES = frozenset({"pingback", "trackback", "pings"})
PING_CSS = ".pingback, .trackback"
_PINGBACK_TEXT = re.compile(r"^\s*\[(?:…|\.\.\.|&#8230;)\]\s.*\s\[(?:…|\.\.\.|&#8230;)\]\s*$", re.S)
_TRACKBACK_HTML = re.compile(r"^\s*(?:<p>)?\s*<strong>[^<]{1,300}</strong>\s*(?:</p>|<br\s*/?>)\s*\S", re.I)


def is_ping_node(el: etree._Element) -> bool:
    """A comment list item WordPress marked as a pingback or trackback."""
    return bool(classes(el) & PING_TYPES)


def is_ping_type(value: object) -> bool:
    """A WordPress REST ``type`` (or ``comment_type``) that is not a reader comment."""
    return isinstance(value, str) and value.strip().lower() in PING_TYPES


def looks_like_ping(markup: str, text: str) -> bool:
    """A comment feed item shaped like a pingback (``[…] excerpt […]``) or a trackback (a paragraph that
    is one ``<strong>`` title, then the excerpt)."""
    return bool(_PINGBACK_TEXT.match(text) or _TRACKBACK_HTML.match(markup))


def ping_ids(doc: Doc) -> list[str]:
    """The comment ids of the pings in a page's comment list (``li#comment-N.pingback`` -> ``"N"``)."""
    found = (node_id(el) for el in doc.select(PING_CSS) if is_ping_node(el))
    return list(dict.fromkeys(cid for cid in found if cid))
