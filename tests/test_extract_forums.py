"""Forum threads: the first message is the post, the others its comments (phpBB, vBulletin, XenForo,
Discourse, and any thread page without a body outside its messages)."""

from datetime import UTC, datetime

import pytest

from crawler.extract import extract_page

NAV = '<div class="navbar"><a href="/">Board index</a> <a href="/search">Search</a> <a href="/faq">FAQ</a></div>'


def phpbb_post(n: int, who: str, when: str, text: str) -> str:
    return (
        f'<div id="p{n}" class="post has-profile bg{n % 2 + 1}"><div class="inner">'
        f'<dl class="postprofile" id="profile{n}"><dt><a href="./memberlist.php?u={n}" class="username">{who}</a>'
        "</dt><dd>Posts: 120</dd></dl>"
        f'<div class="postbody"><div id="post_content{n}"><h3><a href="#p{n}">Re: Libre 3 and phones</a></h3>'
        f'<p class="author"><a href="./viewtopic.php?p={n}#p{n}"><i class="icon fa-file"></i></a>by <strong>'
        f'<a href="./memberlist.php?u={n}" class="username">{who}</a></strong> » <time datetime="{when}">'
        f"Mon Jan 06, 2020</time></p>"
        f'<div class="content">{text}</div><div id="sig{n}" class="signature">T1D since 1998</div>'
        "</div></div></div></div>"
    )


PHPBB = (
    f"<html><body>{NAV}<div id='page-body'><h2 class='topic-title'>Libre 3 and phones</h2>"
    + phpbb_post(
        11, "Ana", "2020-01-06T10:00:00+00:00", "Which phones work with the Libre 3 app? Mine is not listed."
    )
    + phpbb_post(
        12, "Bo", "2020-01-06T11:30:00+00:00", "Mine works, an older Pixel. Check the app store again."
    )
    + phpbb_post(13, "Cid", "2020-01-07T08:15:00+00:00", "Same question here, a Samsung from 2019.")
    + "</div></body></html>"
)

XENFORO = (
    "<html><body><div class='p-body'><h1 class='p-title-value'>Hypo at night</h1>"
    + "".join(
        f'<article class="message message--post js-post" data-author="{who}" id="js-post-{n}">'
        f'<div class="message-inner"><div class="message-cell message-cell--user"><section class="message-user">'
        f'<h4 class="message-name"><a class="username" href="/members/{who}.{n}/">{who}</a></h4></section></div>'
        '<div class="message-cell message-cell--main"><header class="message-attribution">'
        f'<a href="/threads/hypo.1/post-{n}"><time class="u-dt" datetime="2021-03-0{n}T21:10:00+0000">'
        f"Mar {n}, 2021</time></a></header>"
        f'<article class="message-body"><div class="bbWrapper">{text}</div></article>'
        '<footer class="message-footer"><a class="actionBar-action">Like</a> <a>Reply</a></footer>'
        "</div></div></article>"
        for n, who, text in (
            (1, "sugarfree", "Does anyone else wake up low at 3am after evening exercise?"),
            (2, "lowcarbdad", "Yes, a small snack without bolus before bed helps our son."),
        )
    )
    + "</div></body></html>"
)

DISCOURSE = (
    "<html><head><title>Pump site rotation - Community</title></head><body><div id='main-outlet'>"
    "<h1><a href='/t/pump-site-rotation/77'>Pump site rotation</a></h1>"
    + "".join(
        f'<div class="topic-body crawler-post" id="post_{n}" itemscope '
        'itemtype="http://schema.org/DiscussionForumPosting">'
        f'<div class="crawler-post-meta"><span class="creator" itemprop="author"><a href="/u/{who}">'
        f'<span itemprop="name">{who}</span></a></span><span class="crawler-post-infos">'
        f'<time itemprop="datePublished" datetime="2022-05-1{n}T09:00:00Z" class="post-time">May 1{n}, 2022</time>'
        f'</span></div><div class="post" itemprop="text"><p>{text}</p></div></div>'
        for n, who, text in (
            (1, "marta", "How do you rotate infusion sites to avoid scar tissue?"),
            (2, "kev", "I use a clock pattern around the belly button."),
            (3, "jo", "Thighs and arms too, it made a big difference for absorption."),
        )
    )
    + "</div></body></html>"
)

VBULLETIN = (
    "<html><body><div id='postlist'><ol id='posts'>"
    + "".join(
        f'<li class="postbitlegacy postbitim postcontainer old" id="post_{n}"><div class="posthead">'
        f'<span class="postdate old"><span class="date">0{n}-02-2019,&nbsp;<span class="time">08:0{n} AM</span>'
        '</span></span></div><div class="postdetails"><div class="userinfo"><div class="username_container">'
        f'<a class="username offline popupctrl" href="member.php?u={n}"><strong>{who}</strong></a></div></div>'
        f'<div class="postbody"><div class="postrow"><div class="content"><div id="post_message_{n}">'
        f'<blockquote class="postcontent restore">{text}</blockquote></div></div></div></div></div></li>'
        for n, who, text in (
            (1, "karl", "Is the new insulin pen compatible with the old needles?"),
            (2, "beate", "Yes, standard pen needles fit all of them."),
        )
    )
    + "</ol></div></body></html>"
)


@pytest.mark.parametrize(
    ("html", "url", "topic", "replies"),
    [
        (
            PHPBB,
            "https://forum.example/viewtopic.php?t=5",
            "Which phones work",
            [("12", "Bo"), ("13", "Cid")],
        ),
        (
            XENFORO,
            "https://xf.example/threads/hypo.1/",
            "Does anyone else wake up low",
            [("2", "lowcarbdad")],
        ),
        (
            DISCOURSE,
            "https://community.example/t/pump-site-rotation/77",
            "How do you rotate",
            [("2", "kev"), ("3", "jo")],
        ),
        (VBULLETIN, "https://vb.example/showthread.php?t=9", "Is the new insulin pen", [("2", "beate")]),
    ],
)
def test_forum_engines(html, url, topic, replies):
    post = extract_page(html, url)
    assert post.content_text.startswith(topic)
    assert [(c.external_id, c.author) for c in post.comments] == replies
    assert all(c.parent_external_id is None for c in post.comments)
    assert all(c.published_at is not None for c in post.comments)


def test_topic_author_and_date_come_from_the_first_message():
    post = extract_page(PHPBB, "https://forum.example/viewtopic.php?t=5")
    assert post.author == "Ana"
    assert post.published_at == datetime(2020, 1, 6, 10, 0, tzinfo=UTC)
    assert "T1D since 1998" not in post.content_text  # signatures are not the message
    assert post.comments[0].text == "Mine works, an older Pixel. Check the app store again."


def test_discovered_thread_on_a_forum_url_gives_its_topic():
    """An unknown forum engine: messages found by their names; the URL says it is a thread."""
    messages = "".join(
        f'<div class="ForumMessage" id="msg_{n}"><div class="ForumMessageAuthor">{who}</div>'
        f'<div class="ForumMessageText">{text}</div></div>'
        for n, who, text in (
            (
                1,
                "phonefan",
                "Since the last update my meter app no longer syncs over Bluetooth, any idea why?",
            ),
            (2, "helper", "Check that the app may use Bluetooth in the settings."),
        )
    )
    html = f"<html><body>{NAV}<main id='content'>{messages}</main></body></html>"
    post = extract_page(html, "https://gadgets.example/forum/discussion/meter-sync-1204.html")
    assert post.content_text.startswith("Since the last update my meter app")
    assert [c.author for c in post.comments] == ["helper"]


def test_blog_post_with_a_short_body_keeps_its_first_comment():
    html = (
        "<html><body><article><div class='entry-content'><p>Photo of the day.</p></div></article>"
        "<div id='comments'><ol class='commentlist'>"
        "<li class='comment' id='comment-1'><div class='comment-content'><p>What a lovely picture of the lake, "
        "where was it taken? It looks like the one near our summer camp.</p></div></li></ol></div></body></html>"
    )
    post = extract_page(html, "https://blog.example/2020/07/01/photo/")
    assert post.content_text == "Photo of the day."
    assert len(post.comments) == 1


def xenforo_message(n: int, who: str, body: str) -> str:
    return (
        f'<article class="message message--post js-post" data-author="{who}" data-content="post-{n}" id="js-post-{n}">'
        '<div class="message-inner"><div class="message-cell message-cell--user"><section class="message-user">'
        f'<h4 class="message-name"><a class="username" href="/members/{who}.{n}/">{who}</a></h4></section></div>'
        '<div class="message-cell message-cell--main"><header class="message-attribution">'
        f'<a href="/threads/dexcom.7/post-{n}"><time class="u-dt" datetime="2024-05-0{n % 9 + 1}T08:00:00+0000">'
        f'May {n % 9 + 1}, 2024</time></a></header><article class="message-body js-selectToQuote">'
        f'<div class="bbWrapper">{body}</div></article></div></div></article>'
    )


def xenforo_quote(n: int, who: str, text: str) -> str:
    """XenForo 2's quote BB code as it renders: the source in data-source, "Name said:", "Click to expand..."."""
    return (
        f'<blockquote data-attributes="member: 4{n}" data-quote="{who}" data-source="post: {n}" '
        'class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote js-expandWatch">'
        f'<div class="bbCodeBlock-title"><a href="/goto/post?id={n}" class="bbCodeBlock-sourceJump" '
        f'data-content-selector="#post-{n}">{who} said:</a></div><div class="bbCodeBlock-content">'
        f'<div class="bbCodeBlock-expandContent js-expandContent">{text}</div>'
        '<div class="bbCodeBlock-expandLink js-expandLink"><a role="button" tabindex="0">Click to expand...</a></div>'
        "</div></blockquote>"
    )


@pytest.mark.parametrize("engine", ["xenforo", "phpbb"])
def test_a_quoted_reply_links_to_the_quoted_message_and_keeps_only_its_own_words(engine: str) -> None:
    first = "My G7 keeps losing signal overnight. Is it the phone or the sensor?"
    second = "Probably Bluetooth: keep the phone on the same side as the sensor."
    third = "That fixed it, thanks! Moving the phone to the nightstand on my left side."
    if engine == "xenforo":
        messages = [
            xenforo_message(101, "ana", first),
            xenforo_message(102, "bo", second),
            xenforo_message(103, "ana", xenforo_quote(102, "bo", second) + third),
        ]
        page = f"<html><body><div class='p-body'><h1 class='p-title-value'>G7 signal loss</h1>{''.join(messages)}</div></body></html>"
        url = "https://forum.example/threads/g7-signal-loss.7/"
    else:
        quote = (
            '<blockquote cite="./viewtopic.php?p=102#p102"><div><cite><a href="./memberlist.php?u=102">bo</a> '
            f'wrote: <a href="./viewtopic.php?p=102#p102" data-post-id="102">↑</a></cite>{second}</div></blockquote>'
        )
        page = (
            f"<html><body>{NAV}<div id='page-body'><h2 class='topic-title'>G7 signal loss</h2>"
            + phpbb_post(101, "ana", "2024-05-01T08:00:00+00:00", first)
            + phpbb_post(102, "bo", "2024-05-01T09:00:00+00:00", second)
            + phpbb_post(103, "ana", "2024-05-01T10:00:00+00:00", quote + third)
            + "</div></body></html>"
        )
        url = "https://forum.example/viewtopic.php?t=7"
    post = extract_page(page, url)
    assert post.content_text == first
    by_id = {c.external_id: c for c in post.comments}
    assert set(by_id) == {"102", "103"}
    assert by_id["102"].parent_external_id is None
    assert by_id["103"].parent_external_id == "102"  # from the quote's source
    assert by_id["103"].text == third  # the quote, its "bo said:" and "Click to expand..." are not its words
