"""The XenForo and phpBB connectors: forums read like a blog (``blog.py``): new threads from the forum's RSS,
each thread's pages parsed into the first message (the post) and the replies (comments; quoted replies linked
to the quoted message) by ``crawler/extract/forums.py``. What is theirs is their recognition.

- XenForo 2 prints ``<html id="XF" data-app="public" …>`` on every public page (its ``PAGE_CONTAINER``
  template); a forum's RSS is ``forums/-/index.rss`` (every forum) or
  ``forums/<slug>.<id>/index.rss``, linked from the page as ``<link rel="alternate"
  type="application/rss+xml">``;
- phpBB 3 (prosilver and the styles built on it) prints ``<body id="phpbb" …>``; its Atom feed is
  ``app.php/feed`` (3.1 and later; ``app.php/feed/forum/<id>`` for one forum) or ``feed.php`` (3.0), linked
  as ``<link rel="alternate" type="application/atom+xml">`` when the board enables feeds.
"""

from __future__ import annotations

import re

from crawler.connectors.registry import Recognition
from crawler.extract.model import PHPBB, XENFORO

RECOGNITIONS = (
    Recognition(
        XENFORO,
        rank=20,
        page_css="html#XF, html[data-app=public][data-template]",
        generator=re.compile(r"^xenforo"),
        feeds=("forums/-/index.rss",),
    ),
    Recognition(
        PHPBB,
        rank=21,
        page_css="body#phpbb",
        generator=re.compile(r"^phpbb"),
        feeds=("app.php/feed", "feed.php"),
    ),
)
