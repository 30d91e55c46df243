"""WordPress.com: WordPress markup plus Jetpack/WordPress.com widgets (``highlander-comment`` form,
``sharedaddy``, ``jp-post-flair``, ``jp-relatedposts``, like buttons, follow bubbles)."""

from __future__ import annotations

from crawler.extract.wordpress import BODY_CSS, find_comments
from crawler.extract.wordpress import BOILERPLATE as WP_BOILERPLATE

BOILERPLATE = ", ".join(
    [
        WP_BOILERPLATE,
        "#highlander-comment-form, #jp-post-flair, .sharedaddy, .jp-relatedposts, .wpl-likebox, .wpcnt",
        ".post-likes-widget-placeholder, .jetpack_subscription_widget, .wp-block-jetpack-subscriptions",
        "#actionbar, #bit, .entry-content .sd-block, .jp-sharing-input-touch, .wpcom-reblog-snapshot",
    ]
)

__all__ = ["BODY_CSS", "BOILERPLATE", "find_comments"]
