"""Pingbacks and trackbacks never become comments: HTML, per-post and site-wide comment feeds, REST; and
entity-encoded names from feeds are decoded where names are cleaned."""

import json

from crawler.extract import extract_page
from crawler.extract.wp_rest import parse_rest_comments
from crawler.feeds import parse_comment_feed
from pipelines.normalize import clean_comments, clean_name

POST = "https://sugar.example/2026/05/20/insulin-prices/"

# A classic theme's comment list: wp_list_comments() prints a pingback through Walker_Comment::ping()
# (``<li id="comment-N" class="pingback …"><div class="comment-body">Pingback: <a class="url">…``).
PAGE = f"""<!DOCTYPE html><html><head><title>Insulin prices</title>
<meta name="generator" content="WordPress 6.1.1"></head><body class="single single-post postid-7">
<article id="post-7" class="post-7 post type-post"><div class="entry-content"><p>Insulin prices in 2026 are
better, not fixed: the caps help people on plans that honour them and nobody else.</p></div></article>
<div id="comments" class="comments-area"><ol class="comment-list">
<li id="comment-21" class="comment even thread-even depth-1"><article id="div-comment-21" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Owen</b> <span class="says">says:</span>
</div><div class="comment-metadata"><a href="{POST}#comment-21"><time datetime="2026-05-21T09:00:00+00:00">May 21,
2026 at 9:00 am</time></a></div></footer><div class="comment-content"><p>Still paying list price between
contracts.</p></div></article></li>
<li id="comment-22" class="pingback odd alt thread-odd thread-alt depth-1"><div class="comment-body">Pingback:
<a href="https://another.example/weekly-roundup/" class="url" rel="ugc external nofollow">Another DOC Blog &raquo;
Weekly Roundup</a> </div></li>
<li id="comment-23" class="trackback even thread-even depth-1"><div class="comment-body">Trackback:
<a href="https://third.example/links/" class="url" rel="ugc external nofollow">Links of the week</a> </div></li>
</ol></div></body></html>"""


def rss(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>Comments on: Insulin prices</title><link>{POST}</link>{items}</channel></rss>"
    ).encode()


def item(cid: int, title: str, creator: str, description: str, content: str) -> str:
    """One item as wp-includes/feed-rss2-comments.php prints it: the title and link outside CDATA, the author
    (get_comment_author_rss(), passed through ent2ncr) and the texts inside it."""
    return (
        f"<item><title>{title}</title><link>{POST}#comment-{cid}</link>"
        f"<dc:creator><![CDATA[{creator}]]></dc:creator><pubDate>Fri, 22 May 2026 08:15:00 +0000</pubDate>"
        f'<guid isPermaLink="false">{POST}#comment-{cid}</guid>'
        f"<description><![CDATA[{description}]]></description>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
    )


READER = item(21, "By: Owen", "Owen", "Still paying list price.", "<p>Still paying list price.</p>\n")
# pingback_ping() (class-wp-xmlrpc-server.php) stores the linking page's <title> as the author and
# "[&#8230;] <excerpt> [&#8230;]" as the text
PINGBACK = item(
    22,
    "By: Another DOC Blog &#187; Weekly Roundup",
    "Another DOC Blog &#187; Weekly Roundup",
    "[&#8230;] the one post to read this week on insulin prices [&#8230;]",
    "<p>[&#8230;] the one post to read this week on insulin prices [&#8230;]</p>\n",
)
# wp-trackback.php stores "<strong>$title</strong>\n\n$excerpt" (wpautop makes two paragraphs of it)
TRACKBACK = item(
    23,
    "By: Links of the week",
    "Links of the week",
    "Insulin, again Why the caps are not enough&#8230;",
    "<p><strong>Insulin, again</strong></p>\n<p>Why the caps are not enough&#8230;</p>\n",
)


def test_html_pings_are_left_out_and_their_ids_kept():
    post = extract_page(PAGE, POST)
    assert [c.external_id for c in post.comments] == ["21"]
    assert post.ping_ids == ["22", "23"]


def test_per_post_comment_feed_pings_by_shape_and_by_the_pages_ids():
    feed = rss(READER + PINGBACK + TRACKBACK)
    assert [c.external_id for c in parse_comment_feed(feed, POST + "feed/")] == ["21"]
    # an item whose id the page marks as a ping goes even when its shape says nothing
    odd = item(24, "By: Digest", "Digest", "A plain excerpt.", "<p>A plain excerpt.</p>")
    comments = parse_comment_feed(rss(READER + odd), POST + "feed/", pings=["24"])
    assert [c.external_id for c in comments] == ["21"]


def test_site_wide_comment_feed_pings_by_shape():
    site_item = PINGBACK.replace("By: Another", "Comment on Insulin prices by Another")
    older = item(
        19, "Comment on X by Ann", "Ann", "[…] is how I quote, and I mean it.", "<p>[…] is how I quote</p>"
    )
    comments = parse_comment_feed(rss(site_item + older + READER), "https://sugar.example/comments/feed/")
    assert [c.external_id for c in comments] == ["19", "21"]  # a reader quoting "[…]" once stays


def test_rest_pings_by_type():
    """/wp/v2/comments items carry "type" (WP_REST_Comments_Controller::get_item_schema)."""

    def rest_item(cid: int, kind: str) -> dict:
        return {"id": cid, "post": 7, "parent": 0, "author_name": "X", "date_gmt": "2026-05-21T09:00:00",
                "content": {"rendered": "<p>Text.</p>"}, "link": f"{POST}#comment-{cid}", "type": kind}  # fmt: skip

    body = json.dumps([rest_item(21, "comment"), rest_item(22, "pingback"), rest_item(23, "trackback")])
    assert [c.external_id for c in parse_rest_comments(body.encode())] == ["21"]


def test_feed_author_entities_decoded_where_names_are_cleaned():
    assert clean_name("Another DOC Blog &#187; Weekly Roundup") == "Another DOC Blog » Weekly Roundup"
    assert clean_name("Tom &amp; Jerry&nbsp;Fans") == "Tom & Jerry Fans"
    assert clean_name("AT&T fan") == "AT&T fan"
    feed = rss(READER.replace("<![CDATA[Owen]]>", "<![CDATA[Owen &#8211; T1D &amp; proud]]>"))
    (comment,) = clean_comments(parse_comment_feed(feed, POST + "feed/"))
    assert comment.author == "Owen – T1D & proud"
