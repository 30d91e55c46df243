"""Texts of the hand-made personal site (no CMS, no comments)."""

from __future__ import annotations

import copy

from .content import GENERIC, Blog, P, build_blog, inline_text

KAT = "Kat Lindqvist"
SYNDICATED_FROM = "humalog-pharmacy-counters-and-the-price-of-staying-alive"
SYNDICATION_PREFIX = "Originally published at Sugar & Stories."


def generic(classic: Blog) -> Blog:
    posts = [
        P(
            "why-i-left-the-facebook-groups",
            "Why I left the Facebook groups",
            KAT,
            "2015-09-12 10:00",
            [
                "For two years the diabetes groups on Facebook were where I lived online. I learned how to treat a low without overdoing it, how to argue with a pharmacy benefit manager, and how many people ration their insulin in silence. I am grateful. I also left this month, and I want to explain why.",
                "Social media groups are built to keep you scrolling, and a group of forty thousand people with a chronic illness is an endless supply of emergencies. Every evening there was a new frightening post, and the most alarming advice got the most replies. I found myself more anxious after reading than before.",
                "I miss the people. I do not miss the feed. So I am moving my writing here, to a plain website I built myself, with a newsletter for anyone who wants updates. No algorithm decides who sees what.",
                "If you are thinking about leaving too: you do not owe anyone your attention. The good people will find you again. Several already have, through email, which feels almost radical in 2015.",
            ],
            ["social media", "community"],
        ),
        P(
            "libre-3-versus-g7-one-arm-each",
            "Libre 3 versus G7: one arm each",
            KAT,
            "2025-04-02 08:30",
            [
                "For two weeks this spring I wore a FreeStyle Libre 3 on my left arm and a Dexcom G7 on my right, because I am the kind of person who cannot choose a CGM without a spreadsheet.",
                "Both were accurate enough that I would trust either to dose insulin. The Libre 3 read a little lower overnight, the G7 a little higher after meals, and both disagreed with my finger-stick meter by about the same amount. Neither was clearly better on numbers alone.",
                "The differences were practical. The Libre is thinner and disappeared under a sweater. The G7 integrates with my pump and my Loop setup, which for me decides everything. The Libre costs less with my insurance. The G7’s app is nicer; the Libre’s alarms are easier to customize.",
                "My conclusion is boring: pick the one that works with the rest of your system and that your plan covers. The spreadsheet, for the curious, is linked in the newsletter.",
            ],
            ["CGM", "Dexcom", "FreeStyle Libre"],
        ),
        P(
            "my-2026-diabetes-tech-stack",
            "My 2026 diabetes tech stack",
            KAT,
            "2026-01-10 12:00",
            [
                "Every January I write down what I use, partly for readers and partly so that future me can laugh at it. Here is the 2026 edition.",
                "Sensor: Dexcom G7, ten days plus the grace period, with an overpatch from day one. Pump: Omnipod, driven by Loop running on a phone I bought specifically so that app updates never surprise me. Meter: an old Accu-Chek Guide that lives in my bag for calibration doubts and sensor warm-ups. Insulin: Humalog, because it is what my plan covers this year. Rescue: Baqsimi in my bag and a glucagon pen at work.",
                "Software: Nightscout for my partner, who follows my numbers when I travel. A simple spreadsheet for supply ordering, because running out of Pods on a Sunday is a special kind of panic.",
                "What I dropped: a smartwatch complication that buzzed for everything, and two apps that wanted a subscription to export my own data.",
                "What I want next year: sensors that last longer, fewer insurance phone calls, and insulin prices that stay capped for everyone, not just for people on the right plan.",
            ],
            ["tech", "Loop", "Omnipod", "Dexcom"],
        ),
    ]
    blog = build_blog(
        "generic", GENERIC, "Kat Lindqvist", "Notes on living well with type 1, written by hand", posts
    )
    original = classic.post_by_slug(SYNDICATED_FROM)
    assert original is not None
    copy_post = copy.deepcopy(original)
    copy_post.id = max(p.id for p in blog.posts) + 1
    copy_post.slug = "humalog-and-the-pharmacy-counter"
    copy_post.paragraphs = [SYNDICATION_PREFIX, *(inline_text(par) for par in original.paragraphs)]
    copy_post.tags = ["insulin prices", "syndicated"]
    copy_post.comments = []
    copy_post.published = copy_post.updated = original.published.replace(day=original.published.day + 2)
    blog.posts.append(copy_post)
    blog.sort_posts()
    return blog
