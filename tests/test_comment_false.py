"""No false comments: a comment thread is repeated items with the structure of comments (text plus an author
and/or a date, or a known comment system's markup).  Buttons, counters, moderation notices, "cannot load"
messages, sort tabs and single elements named after comments never are.  Each page below is the general case
of one class, in the markup such widgets use."""

import pytest

from crawler.extract import extract_page

URL = "https://news.example/health/2024/03/insulin-caps-what-changes"
ARTICLE = (
    '<article class="article"><h1 class="headline">Insulin caps: what changes in April</h1>'
    '<div class="article-body"><p>From April the monthly cost of insulin is capped for everyone with a '
    "state-regulated plan. People on plans regulated elsewhere keep paying what their plan sets, which for "
    "some means the full list price until the deductible is met.</p><p>Pharmacists expect questions at the "
    "counter in the first weeks and advise bringing the plan card along.</p></div></article>"
)


def page(extra: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Insulin caps: what changes in April</title></head><body>"
        f"<header class='site-header'><a href='/'>News</a></header><main>{ARTICLE}{extra}</main>"
        "<footer class='site-footer'>© News</footer></body></html>"
    )


FALSE = {
    # a lazy-loading thread: only the button is in the HTML (the comments come by JavaScript)
    "show-comments button": (
        '<section class="comments-section"><div class="comment-loader">'
        '<span class="comment-loader-label">Show comments (87) and join the discussion</span>'
        '<button type="button" class="comment-loader-button">Show comments</button></div></section>'
    ),
    # recommendation and reply counters in the thread's toolbar
    "counters": (
        '<div class="comments-toolbar"><div class="comment-recommendations-total">1561 Recommendations</div>'
        '<div class="comment-replies-total">342 replies in this discussion</div>'
        '<div class="comment-readers-total">12,004 readers right now</div></div>'
    ),
    # moderation notices: one element each, before the (empty) thread and in the form
    "moderation notices": (
        '<div id="comments"><div class="comment-moderation-hint">Comments are reviewed by our editors before '
        'they appear. Please stay on topic.</div><div class="comment-moderation-hint">Comments with links are '
        "held for review and may take a day to show.</div></div>"
    ),
    # the comment system failed to load: a lone element with the comment item's own class
    "cannot load": (
        '<div id="comments" class="comments-area"><div class="comment">Sorry, we can&#8217;t load comments '
        "right now. Please try again later.</div></div>"
    ),
    # sort tabs above the thread
    "sort tabs": (
        '<div class="discussion"><ul class="comment-tabs"><li class="comment-tab-entry">Newest first</li>'
        '<li class="comment-tab-entry">Oldest first</li><li class="comment-tab-entry">Most recommended</li>'
        "</ul></div>"
    ),
    # sort tabs after the comment form, whose preview template has empty author and date placeholders
    "sort tabs after a form template": (
        '<div class="discussion"><div class="composer"><form class="reply"><textarea name="comment"></textarea>'
        '<span class="comment-username"></span><span class="comment-date"></span><button>Post</button></form>'
        '</div><ul class="comment-order"><li data-order="dateDesc">Newest first</li><li>Oldest first</li>'
        '<li>Most liked</li></ul><p class="empty-message">There are no comments yet - be the first</p></div>'
    ),
    # a single element named after comments inside the comment area: a call to action, not a comment
    "single element": (
        '<section id="comments"><div class="comment-cta">Be the first to comment on this article and tell us '
        "what you think.</div></section>"
    ),
}


@pytest.mark.parametrize("name", sorted(FALSE))
def test_not_a_comment_thread(name):
    assert extract_page(page(FALSE[name]), URL).comments == []


def test_a_page_without_comments_yields_none():
    assert extract_page(page(""), URL).comments == []
    assert extract_page(page("".join(FALSE.values())), URL).comments == []


def test_a_real_thread_next_to_the_widgets_is_kept():
    """The same widgets around a thread of items with an author and a date: only the items are comments."""
    items = "".join(
        f'<div class="comment-entry"><div class="comment-entry-head"><span class="comment-entry-user">'
        f"{who}</span> <time datetime='2024-03-0{n}T10:00:00Z'>March {n}, 2024</time></div>"
        f'<div class="comment-entry-text"><p>{text}</p></div></div>'
        for n, who, text in (
            (2, "dana_k", "Our plan is regulated elsewhere, so nothing changes for us. Frustrating."),
            (3, "MikeT1D", "Bring the plan card, really: it took me three visits to get this sorted."),
        )
    )
    html = page(FALSE["counters"] + FALSE["sort tabs"] + f'<div class="comments-list">{items}</div>')
    comments = extract_page(html, URL).comments
    assert [(c.author, c.published_at and c.published_at.day) for c in comments] == [
        ("dana_k", 2),
        ("MikeT1D", 3),
    ]


def test_review_text_items_with_their_meta_line_before_them():
    """Shop reviews: the author and date sit in a rating line before each ``p.comment`` text."""
    reviews = "".join(
        f'<blockquote><div class="customer_rating_block"><span class="star-rating"></span><small> {who} am '
        f'{day}.4.2023 </small></div><p class="comment">{text}</p></blockquote>'
        for who, day, text in (
            ("Georg N.", 10, "Sturdy and easy to build, our rabbits love the run."),
            ("stefanie", 12, "Good value for the money, would buy again any time."),
        )
    )
    html = page(f'<div class="votes"><div class="page">{reviews}</div></div>')
    assert [c.text for c in extract_page(html, URL).comments] == [
        "Sturdy and easy to build, our rabbits love the run.",
        "Good value for the money, would buy again any time.",
    ]
