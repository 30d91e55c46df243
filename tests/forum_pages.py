"""Thread pages of XenForo 2 and phpBB 3 in the engines' own markup, with everything around a message that is
not its text: user titles, banners and badges, post counts, signatures, "Reply"/"Quote"/"Report" buttons,
reactions ("Like", "bo, cy and 3 others"), "Last edited", quotes with "Click to expand..." / "wrote:". Written
by the project after the engines' templates:

- XenForo 2.2 ``post_macros`` / ``message_macros`` (``article.message--post#js-post-N``, ``.message-user``
  with ``.message-name``, ``.userTitle``, ``.userBanner``, ``.message-userExtras``; ``.message-body
  .bbWrapper``; ``.message-lastEdit``; ``aside.message-signature``; ``footer.message-footer`` with
  ``.message-actionBar`` and ``.reactionsBar``), the quote BB code's ``blockquote.bbCodeBlock--quote`` with
  ``data-source="post: N"``, its title "X said:" and "Click to expand...", the spoiler BB code's button, and
  ``PAGE_CONTAINER``'s ``<html id="XF" data-app="public">``;
- phpBB 3.3 prosilver ``viewtopic_body.html`` (``div.post.bg1|bg2#pN`` > ``dl.postprofile`` with the rank
  title, rank image and "Posts:/Joined:/Location:" pairs; ``div.postbody`` > ``ul.post-buttons`` (Quote,
  Report), ``p.author`` ("by <a class=username> » <time>"), ``div.content``, ``div.notice`` ("Last edited by"),
  ``div.signature``; ``div.back2top``), its quote ``<blockquote cite="./viewtopic.php?p=N#pN"><div><cite>X
  wrote: ↑ date</cite>…`` and ``overall_header.html``'s ``<body id="phpbb">``.
"""

from __future__ import annotations

from dataclasses import dataclass

# What the engines print around a message, never a message's text (the tests look for each in what is stored)
CHROME = (
    "Well-known member",
    "Moderator",
    "Messages",
    "1,204",
    "Reaction score",
    "Type of diabetes",
    "Last edited",
    "T1D since 1998",
    "Omnipod 5 + Dexcom G7",
    "Reply",
    "Report",
    "Like",
    "Reactions:",
    "and 3 others",
    "Click to expand",
    "said:",
    "wrote:",
    "Spoiler:",
    "Registered User",
    "Posts:",
    "Joined:",
    "Location:",
    "Quote",
    "Top",
    "#1",
    "Code:",
    "Select all",
)


@dataclass
class Message:
    id: int
    author: str
    when: str  # ISO 8601 with offset
    text: str  # the message's own words (HTML allowed)
    quotes: tuple[int, str, str] | None = None  # (quoted message id, its author, the quoted words)
    spoiler: str | None = None  # words in a spoiler (XenForo): the message's own, its button not
    code: str | None = None  # a code block's lines (basal rates …): the message's own, its "Code:" title not


def xenforo_message(m: Message, thread: str, number: int) -> str:
    quote = ""
    if m.quotes:
        qid, qwho, qtext = m.quotes
        quote = (
            f'<blockquote data-attributes="member: 4{qid}" data-quote="{qwho}" data-source="post: {qid}" '
            'class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote js-expandWatch">'
            f'<div class="bbCodeBlock-title"><a href="/goto/post?id={qid}" class="bbCodeBlock-sourceJump" '
            f'rel="nofollow" data-xf-click="attribution" data-content-selector="#post-{qid}">{qwho} said:</a>'
            '</div><div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent js-expandContent ">'
            f'{qtext}</div><div class="bbCodeBlock-expandLink js-expandLink"><a role="button" tabindex="0">'
            "Click to expand...</a></div></div></blockquote>"
        )
    spoiler = ""
    if m.spoiler:
        spoiler = (
            '<div class="bbCodeSpoiler"><button type="button" class="bbCodeSpoiler-button button--longText button" '
            'data-xf-click="toggle" data-xf-init="tooltip" title="Click to reveal or hide spoiler">'
            '<span class="button-text"><span>Spoiler: Results</span></span></button>'
            '<div class="bbCodeSpoiler-content"><div class="bbCodeBlock bbCodeBlock--spoiler">'
            f'<div class="bbCodeBlock-content">{m.spoiler}</div></div></div></div>'
        )
    if m.code:  # XenForo's CODE BB code
        spoiler += (
            '<div class="bbCodeBlock bbCodeBlock--screenLimited bbCodeBlock--code"><div class="bbCodeBlock-title">'
            'Code:</div><div class="bbCodeBlock-content" dir="ltr"><pre class="bbCodeCode" dir="ltr" '
            f'data-xf-init="code-block" data-lang=""><code>{m.code}</code></pre></div></div>'
        )
    return (
        f'<article class="message message--post js-post js-inlineModContainer" data-author="{m.author}" '
        f'data-content="post-{m.id}" id="js-post-{m.id}" itemscope itemtype="https://schema.org/Comment">'
        f'<span class="u-anchorTarget" id="post-{m.id}"></span><div class="message-inner">'
        '<div class="message-cell message-cell--user"><section class="message-user" itemprop="author" itemscope '
        'itemtype="https://schema.org/Person"><div class="message-avatar"><div class="message-avatar-wrapper">'
        f'<a href="/members/{m.author}.4{m.id}/" class="avatar avatar--m" data-user-id="4{m.id}">'
        f'<img src="/data/avatars/m/0/4{m.id}.jpg" alt="{m.author}" class="avatar-u4{m.id}-m"></a></div></div>'
        '<div class="message-userDetails">'
        f'<h4 class="message-name"><a href="/members/{m.author}.4{m.id}/" class="username" dir="auto" '
        f'data-user-id="4{m.id}"><span itemprop="name">{m.author}</span></a></h4>'
        '<h5 class="userTitle message-userTitle" dir="auto" itemprop="jobTitle">Well-known member</h5>'
        '<div class="userBanner userBanner--staff message-userBanner" dir="auto"><span class="userBanner-before">'
        '</span><strong>Moderator</strong><span class="userBanner-after"></span></div></div>'
        '<div class="message-userExtras"><dl class="pairs pairs--justified"><dt>Messages</dt><dd>1,204</dd></dl>'
        '<dl class="pairs pairs--justified"><dt>Reaction score</dt><dd>3,310</dd></dl>'
        '<dl class="pairs pairs--justified"><dt>Type of diabetes</dt><dd>Type 1</dd></dl></div>'
        '<span class="message-userArrow"></span></section></div>'
        '<div class="message-cell message-cell--main"><div class="message-main js-quickEditTarget">'
        '<header class="message-attribution message-attribution--split">'
        f'<ul class="message-attribution-main listInline "><li class="u-concealed"><a href="{thread}post-{m.id}" '
        f'rel="nofollow" itemprop="url"><time class="u-dt" dir="auto" datetime="{m.when}" '
        f'itemprop="datePublished">{m.when[:10]}</time></a></li></ul>'
        '<ul class="message-attribution-opposite message-attribution-opposite--list ">'
        f'<li><a href="{thread}post-{m.id}" class="message-attribution-gadget" data-xf-init="share-tooltip" '
        f'rel="nofollow"><i class="fa--xf far fa-share-alt" aria-hidden="true"></i></a></li>'
        f'<li><a href="{thread}post-{m.id}" rel="nofollow">#{number}</a></li></ul></header>'
        '<div class="message-content js-messageContent"><div class="message-userContent lbContainer '
        f'js-lbContainer" data-lb-id="post-{m.id}"><article class="message-body js-selectToQuote">'
        f'<div itemprop="text"><div class="bbWrapper">{quote}{m.text}{spoiler}</div></div>'
        '<div class="js-selectToQuoteEnd">&nbsp;</div></article></div>'
        '<div class="message-lastEdit">Last edited: May 2, 2024</div>'
        '<aside class="message-signature"><div class="bbWrapper">T1D since 1998 | Omnipod 5 + Dexcom G7</div>'
        "</aside></div>"
        '<footer class="message-footer"><div class="message-actionBar actionBar">'
        '<div class="actionBar-set actionBar-set--external">'
        f'<a href="/posts/{m.id}/react?reaction_id=1" class="reaction reaction--small actionBar-action '
        'actionBar-action--reaction" data-xf-init="reaction"><i aria-hidden="true"></i>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" '
        'class="reaction-sprite js-reaction" alt="Like" title="Like"><span class="reaction-text js-reactionText">'
        "<bdi>Like</bdi></span></a>"
        f'<a href="{thread}reply?quote={m.id}" class="actionBar-action actionBar-action--reply" '
        'title="Reply, quoting this message" rel="nofollow" data-xf-click="quote">Reply</a></div>'
        '<div class="actionBar-set actionBar-set--internal">'
        f'<a href="/posts/{m.id}/report" class="actionBar-action actionBar-action--report" '
        'data-xf-click="overlay">Report</a></div></div>'
        '<div class="reactionsBar js-reactionsList is-active"><ul class="reactionSummary"><li>'
        '<span class="reaction reaction--small reaction--1" data-reaction-id="1"><i aria-hidden="true"></i>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" '
        'class="reaction-sprite js-reaction" alt="Like" title="Like"></span></li></ul>'
        '<span class="u-srOnly">Reactions:</span>'
        f'<a class="reactionsBar-link" href="/posts/{m.id}/reactions" data-xf-click="overlay" rel="nofollow">'
        "<bdi>bo</bdi>, <bdi>cy</bdi> and 3 others</a></div></footer></div></div></div></article>"
    )


def xenforo_page(title: str, thread: str, messages: list[Message], first: int, next_url: str | None) -> str:
    nav = (
        '<div class="pageNav"><ul class="pageNav-main"><li class="pageNav-page pageNav-page--current">'
        f'<a href="{thread}">1</a></li><li class="pageNav-page"><a href="{next_url}">2</a></li></ul>'
        f'<a href="{next_url}" class="pageNav-jump pageNav-jump--next">Next</a></div>'
        if next_url
        else ""
    )
    body = "".join(xenforo_message(m, thread, first + i) for i, m in enumerate(messages))
    return (
        '<!DOCTYPE html><html id="XF" lang="en-GB" dir="LTR" data-app="public" data-template="thread_view" '
        'class="has-no-js template-thread_view"><head><meta charset="utf-8">'
        f'<title>{title} | T1D Forum</title></head><body data-template="thread_view">'
        '<div class="p-pageWrapper" id="top"><div class="p-body"><div class="p-body-inner">'
        f'<div class="p-title"><h1 class="p-title-value">{title}</h1></div>'
        '<div class="p-body-main"><div class="p-body-pageContent"><div class="block block--messages">'
        f'<div class="block-container lbContainer"><div class="block-body js-replyNewMessageContainer">{body}'
        f"</div></div>{nav}</div></div></div></div></div></div></body></html>"
    )


def phpbb_message(m: Message, topic: str, first: bool) -> str:
    n = m.id
    h3_class = ' class="first"' if first else ""
    code = (  # phpBB's [code] BBCode: its "Code: Select all" header
        '<div class="codebox"><p>Code: <a href="#" onclick="selectCode(this); return false;">Select all</a></p>'
        f"<pre><code>{m.code}</code></pre></div>"
        if m.code
        else ""
    )
    quote = ""
    if m.quotes:
        qid, qwho, qtext = m.quotes
        quote = (
            f'<blockquote cite="./viewtopic.php?p={qid}#p{qid}"><div><cite><a href="./memberlist.php?mode=viewprofile'
            f'&amp;u=5{qid}">{qwho}</a> wrote: <a href="./viewtopic.php?p={qid}#p{qid}" data-post-id="{qid}" '
            'onclick="if(document.getElementById(hash.substr(1)))href=hash">↑</a><span class="responsive-hide">'
            f"Mon Jan 06, 2020 10:00 am</span></cite>{qtext}</div></blockquote>"
        )
    return (
        f'<div id="p{n}" class="post has-profile bg{n % 2 + 1}"><div class="inner">'
        f'<dl class="postprofile" id="profile{n}"><dt class="has-profile-rank has-avatar">'
        f'<div class="avatar-container"><a href="./memberlist.php?mode=viewprofile&amp;u=5{n}" class="avatar">'
        f'<img class="avatar" src="./download/file.php?avatar=5{n}.png" alt="User avatar"></a></div>'
        f'<a href="./memberlist.php?mode=viewprofile&amp;u=5{n}" class="username">{m.author}</a></dt>'
        '<dd class="profile-rank">Registered User<br><img src="./images/ranks/rank2.gif" alt="Registered User" '
        'title="Registered User"></dd><dd class="profile-posts"><strong>Posts:</strong> '
        f'<a href="./search.php?author_id=5{n}&amp;sr=posts">120</a></dd>'
        '<dd class="profile-joined"><strong>Joined:</strong> Tue Mar 03, 2015 9:12 pm</dd>'
        '<dd class="profile-custom-field profile-phpbb_location"><strong>Location:</strong> Leeds</dd></dl>'
        f'<div class="postbody"><div id="post_content{n}">'
        f'<h3{h3_class}><a href="./viewtopic.php?p={n}#p{n}">{"" if first else "Re: "}{topic}</a></h3>'
        f'<ul class="post-buttons"><li><a href="./posting.php?mode=quote&amp;p={n}" title="Reply with quotation" '
        'class="button button-icon-only"><i class="icon fa-quote-left fa-fw" aria-hidden="true"></i>'
        "<span>Quote</span></a></li>"
        f'<li><a href="./report.php?p={n}" title="Report this post" '
        'class="button button-icon-only"><i class="icon fa-exclamation fa-fw" aria-hidden="true"></i>'
        "<span>Report</span></a></li></ul>"
        f'<p class="author"><a class="unread" href="./viewtopic.php?p={n}#p{n}" title="Post">'
        '<i class="icon fa-file fa-fw icon-lightgray icon-md" aria-hidden="true"></i>'
        '<span class="sr-only">Post</span></a><span class="responsive-hide">by <strong>'
        f'<a href="./memberlist.php?mode=viewprofile&amp;u=5{n}" class="username">{m.author}</a></strong> » </span>'
        f'<time datetime="{m.when}">Mon Jan 06, 2020 10:00 am</time></p>'
        f'<div class="content">{quote}{m.text}{code}</div>'
        '<div class="notice">Last edited by <a href="./memberlist.php?u=2" class="username">admin</a> on Tue Jan 07, '
        "2020 9:00 am, edited 1 time in total.</div>"
        f'<div id="sig{n}" class="signature">T1D since 1998 | Omnipod 5 + Dexcom G7</div></div></div>'
        '<div class="back2top"><a href="#top" class="top" title="Top"><i class="icon fa-chevron-circle-up fa-fw '
        'icon-gray" aria-hidden="true"></i><span class="sr-only">Top</span></a></div></div></div>'
        '<hr class="divider">'
    )


def phpbb_page(topic: str, messages: list[Message], next_url: str | None, first_page: bool = True) -> str:
    pagination = (
        '<div class="pagination">2 posts • <ul><li class="active"><span>1</span></li>'
        f'<li><a class="button" href="{next_url}" role="button">2</a></li>'
        f'<li class="arrow next"><a class="button button-icon-only" href="{next_url}" rel="next" role="button">'
        '<i class="icon fa-chevron-right fa-fw" aria-hidden="true"></i><span class="sr-only">Next</span></a></li>'
        "</ul></div>"
        if next_url
        else ""
    )
    body = "".join(phpbb_message(m, topic, first_page and i == 0) for i, m in enumerate(messages))
    return (
        '<!DOCTYPE html><html dir="ltr" lang="en-gb"><head><meta charset="utf-8">'
        f"<title>{topic} - T1D Board</title></head>"
        '<body id="phpbb" class="nojs notouch section-viewtopic ltr "><div id="wrap" class="wrap">'
        '<a id="top" class="top-anchor" accesskey="t"></a><div id="page-body" class="page-body" role="main">'
        f'<h2 class="topic-title"><a href="./viewtopic.php?t=9">{topic}</a></h2>'
        f'<div class="action-bar bar-top">{pagination}</div>{body}'
        f'<div class="action-bar bar-bottom">{pagination}</div></div></div></body></html>'
    )
