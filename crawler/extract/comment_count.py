"""The comment count a post page shows in its comment list's heading ("3 thoughts on …", "One response to
…", "12 Responses to …", Blogger's "5 comments:"), so the crawl can tell whether the comments on the page
are all of them (``crawler.plan.page_comments_complete``)."""

from __future__ import annotations

import re

from crawler.extract.tree import Doc

HEADINGS = "h2, h3, h4"
_COUNT = re.compile(
    r"^\s*(?P<n>\d[\d,.]*|one|no)\s+(?:thoughts?|responses?|comments?|replies|reply)\b(?:\s+(?:on|to)\b|\s*:|\s*$)",
    re.IGNORECASE,
)


def shown_comment_count(doc: Doc) -> int | None:
    """The count a comment-list heading states, or None when the page states none (or two that differ)."""
    counts = set()
    for heading in doc.select(HEADINGS):
        match = _COUNT.match(" ".join("".join(heading.itertext()).split()))
        if match:
            word = match.group("n").lower()
            words = {"one": 1, "no": 0}
            counts.add(words[word] if word in words else int(re.sub(r"[,.]", "", word)))
    return counts.pop() if len(counts) == 1 else None
