"""Texts of the WordPress.com-hosted blog."""

from __future__ import annotations

from .content import WORDPRESS_COM, Blog, C, P, build_blog

DEV = "Devon Price-Mills"


def wpcom() -> Blog:
    posts = [
        P(
            "my-freestyle-libre-came-from-europe",
            "My FreeStyle Libre came from Europe",
            DEV,
            "2015-01-19 17:40",
            [
                "Confession: the sensor on my arm right now is a FreeStyle Libre, and it is not approved where I live. My cousin bought a reader and a box of sensors at a pharmacy in Amsterdam and mailed them to me in a box of stroopwafels.",
                "For anyone who has not seen one: it is a round sensor about the size of two stacked coins that sits on the back of your upper arm for two weeks. Instead of pricking your finger, you wave the reader over it and get your current glucose plus an arrow and an eight-hour graph. No calibration. No alarms, either, which is both the best and the worst thing about it.",
                "After three weeks: I scan something like thirty times a day, because it is painless and addictive. I have discovered that my “perfect” breakfast sends me to 240 an hour later, which no finger stick ever told me. The readings lag behind my meter when I am dropping fast, so I still prick before treating a low.",
                "I know some of you will say importing medical devices is a bad idea, and you have a point. I would much rather buy this at my own pharmacy with my own insurance. Until then, thank you, cousin, and thank you, Dutch pharmacist.",
            ],
            ["FreeStyle Libre", "CGM"],
            [
                C(
                    "Priya Raman",
                    "2015-01-19 20:15",
                    "Stroopwafels and a sensor is the best care package I have ever heard of.",
                ),
                C(
                    "Chris Oduya",
                    "2015-01-20 09:30",
                    "How does the adhesive hold up in the shower?",
                    url="http://chrisrunsonsugar.example.com/",
                ),
                C(
                    DEV,
                    "2015-01-20 12:02",
                    "Surprisingly well! I put a bit of tape on the edges after swimming, but showers are no problem.",
                    reply_to=1,
                ),
            ],
        ),
        P(
            "logging-off-social-media-for-a-month",
            "Logging off social media for a month",
            DEV,
            "2015-07-06 22:10",
            [
                "I love this community. I also spent most of June reading angry threads at midnight with a low I was ignoring because I was busy typing. So I am logging off social media for a month: no Twitter, no Facebook groups, no Instagram.",
                "This is not a dramatic exit. It is just that I noticed my phone had become the most stressful medical device I own. Every scroll brought a new pump recall, a new price scandal, a new argument about whether type 2s belong in our spaces (they do, obviously), and my glucose graph got spikier along with my mood.",
                "The blog stays open, because writing here feels different: slower, more thought through, and the comments tend to be kind. If you want to reach me, leave a comment or email me. I will still read DSMA’s weekly recap when it comes out.",
                "See you in August. I am going to read actual paper books and check my blood sugar without live-tweeting it.",
            ],
            ["social media", "burnout"],
            [
                C("Priya Raman", "2015-07-07 07:45", "Good for you. The midnight threads get me too."),
            ],
        ),
        P(
            "saying-goodbye-to-the-minimed-paradigm",
            "Saying goodbye to the MiniMed Paradigm",
            DEV,
            "2015-11-23 14:30",
            [
                "My Medtronic MiniMed Paradigm has been clipped to my belt for nine years. It survived a canoe trip, two moves, one very curious cat and a full bag of airport security conversations. This week the warranty replacement arrived, and the old pump goes into a drawer.",
                "Newer MiniMed models can talk to a sensor and suspend insulin when you are going low. That is genuinely useful, and the main reason I agreed to upgrade. But I am a little sentimental about the old one: it is simple, the buttons are predictable, and I know exactly what it will do at 3 a.m.",
                "What I will not miss: the tiny screen, the battery cap that cracked twice, and the way the cartridge always needed one extra push.",
                "Some people in the DIY community keep old Paradigm pumps precisely because they can be controlled by homemade systems. I am not sure I am brave enough for that, but I am keeping it in the drawer, charged and wrapped in a sock, just in case.",
            ],
            ["Medtronic", "pumps"],
            [],
        ),
        P(
            "a-glucagon-story-i-never-told",
            "A glucagon story I never told",
            DEV,
            "2016-04-12 11:00",
            [
                "In 2009, my roommate saved my life with a glucagon injection, and I never wrote about it because I was embarrassed. I had gone to bed after a long soccer game and a few beers without eating enough. She heard a noise, found me unresponsive, and did exactly what I had shown her once, half-joking, on the first day we moved in.",
                "She told me later that her hands were shaking so much she dropped the cap under the bed, and that she mixed the powder while on the phone with the emergency operator. The paramedics arrived to find me awake, nauseous and extremely confused about why there were strangers in my room.",
                "Why write this now? Because a reader asked me last week whether it was really necessary to teach roommates about glucagon, since “it never happens.” It does. It happened to me.",
                "Show people where the kit is. Show them twice. Buy them a drink afterwards, because they deserve it.",
            ],
            ["glucagon", "safety"],
            [
                C(
                    "Chris Oduya",
                    "2016-04-12 13:20",
                    "This gave me chills. Sending it to my new roommate right now.",
                    url="http://chrisrunsonsugar.example.com/",
                ),
                C(
                    "Ellen W.",
                    "2016-04-13 18:45",
                    "My son is leaving for college in the fall. Thank you for writing this.\n\nWe will practice with his roommate on move-in day.",
                ),
                C(
                    DEV,
                    "2016-04-13 20:10",
                    "Ellen, that is the best possible reaction. Good luck to him!",
                    reply_to=1,
                ),
            ],
        ),
        P(
            "remembering-my-animas-vibe",
            "Remembering my Animas Vibe",
            DEV,
            "2025-06-30 09:20",
            [
                "A box of old pump supplies fell out of my closet this week, and inside was my Animas Vibe, the pump I used after the MiniMed. Animas left the pump business years ago, and people who loved those pumps had to move to other brands in a hurry.",
                "The Vibe was waterproof, which mattered to me more than anything. I swam with it, showered with it, and once dropped it in a lake and fished it out with a kayak paddle. It worked with a Dexcom sensor and showed the graph on the pump screen, which in 2016 felt like science fiction.",
                "I do not miss much about that era of diabetes tech. The CGMs were less accurate, the pumps were bulky, and nothing talked to my phone. But I miss having a choice of companies, and I remember the panic in the forums when Animas announced it was done.",
                "Today I use a Dexcom G7 and a tubeless pump. The Vibe goes back in the box. I am keeping it, though. Some objects earn retirement rather than recycling.",
            ],
            ["Animas", "pumps", "Dexcom"],
            [
                C(
                    "Priya Raman",
                    "2025-06-30 12:00",
                    "The kayak paddle rescue! I remember you posting about that.",
                ),
            ],
        ),
        P(
            "what-dexcom-g7-gets-right-and-wrong",
            "What Dexcom G7 gets right and wrong",
            DEV,
            "2026-02-17 16:45",
            [
                "Eighteen months on the Dexcom G7, and I owe you the review I kept postponing.",
                "Right: the sensor is small, the warm-up is about half an hour, and I have not used a separate receiver in a year because the phone app and my watch do the job. Accuracy has been good for me, especially in the normal range. The grace period after the ten days has saved me from at least three sensor changes in airport bathrooms.",
                "Wrong: adhesive. On me, one in four sensors peels at the edges by day seven unless I add an overpatch. And while most sessions are solid, a bad sensor is really bad — readings 60 points off, which the app does not seem to notice.",
                "Also wrong, though not Dexcom’s fault alone: the price. Without my current insurance this would cost more than my rent.",
                "Overall I would not go back. But I would love a version whose sticker survives a sweaty summer.",
            ],
            ["Dexcom", "CGM", "reviews"],
            [],
        ),
    ]
    return build_blog("wpcom", WORDPRESS_COM, "Type 1 Tango", "Dancing with diabetes since 1998", posts)
