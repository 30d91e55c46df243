"""Known boilerplate: containers removed by structure, and whole lines dropped as a last guard."""

from __future__ import annotations

import re

from crawler.extract.tree import Doc, drop

# Never content, wherever they are.
TAGS = "script, style, noscript, template, form, iframe, button, input, select, textarea, svg, object, embed"

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
    r"(cancel reply|reply|delete|edit|permalink|like|reblog|tweet|share|email|print|log in to reply)",
    r"fill in your details below or click an icon to log in:?",
    r"you are commenting using your .{1,40} account\.?( \( log out / change \))?( log out / change)?",
    r"your email address will not be published\.?( required fields are marked \*?)?",
    r"required fields are marked \*?",
    r"notify me of (new|follow-up|followup) (comments|posts)( via| by) e-?mail\.?",
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
]
_LINE_RE = re.compile(r"(?:" + "|".join(_LINE_PATTERNS) + r")", re.I)


def is_boilerplate_line(line: str) -> bool:
    """True when the whole ``line`` is a known widget/form string (never for prose containing one)."""
    text = line.strip().strip("«»›‹|·•-–—").strip()
    if not text:
        return True
    return len(text) <= 200 and _LINE_RE.fullmatch(text) is not None


def strip_boilerplate(doc: Doc, extra: str | None = None) -> None:
    """Remove non-text elements and known boilerplate containers from the tree, in place."""
    for css in (TAGS, CONTAINERS, extra):
        if not css:
            continue
        for el in doc.select(css):
            if el.getparent() is not None:
                drop(el)
