"""Texts of the Blogger blog."""

from __future__ import annotations

from .content import BLOGGER, Blog, C, P, build_blog

BEN = "Ben Castellanos"
BLOG_ID = 4861123350982457714


def blogger() -> Blog:
    posts = [
        P(
            "roche-social-media-summit-2014",
            "Roche Social Media Summit 2014: a skeptic’s report",
            BEN,
            "2014-09-17 04:30",
            [
                "I almost did not go to the Roche social media summit this year. I am a dad who blogs about his son’s type 1 in the evenings, not a journalist, and I was worried that accepting a plane ticket from a company that makes our test strips would compromise me. Full disclosure: Roche paid for travel and two nights of hotel.",
                "What I heard: a lot about data. Roche wants their meters to talk to phones, and they want to understand what the #DOC wants those apps to do. We told them: export everything, in formats we can read, without a subscription. We also told them that an app should not beep at a teenager in class.",
                "What I did not hear enough of: price. When someone asked about people paying cash for strips, the answer was polite and vague. I get that the people in the room do not set prices. I still think it needs saying every single time.",
                "The best part, honestly, was meeting other bloggers in person. Social media makes you feel like you know people, and then you meet them and realize you only knew their worst nights and their best jokes. We stayed up way too late in the hotel lobby.",
                "Will I go again? Maybe. Ask me after I have seen what they do with the feedback.",
            ],
            ["Roche", "advocacy", "events"],
            [
                C(
                    "Megan Hollis",
                    "2014-09-17 13:15",
                    "Loved meeting you in the lobby! And agreed on price — it came up in our session too.",
                    url="http://sugarandstories.example.com/",
                ),
                C(
                    BEN,
                    "2014-09-17 15:40",
                    "Likewise, Megan! Your disclosure debate was the best session.",
                    reply_to=0,
                ),
                C(
                    "Anonymous",
                    "2014-09-18 02:02",
                    "Companies only do these summits for good PR. Nothing will change.",
                ),
                C(
                    "Tanya R.",
                    "2014-09-18 10:30",
                    "Maybe, but someone from the community in the room is better than no one. Thanks for going, Ben.",
                    reply_to=2,
                ),
            ],
        ),
        P(
            "strips-in-the-couch-cushions",
            "Strips in the couch cushions",
            BEN,
            "2014-12-02 23:00",
            [
                "Things I found while cleaning our couch tonight: four used test strips, two lancets (capped, thank goodness), one juice box straw, a Lego astronaut, and the cap to the Accu Chek lancing device we have been looking for since Thanksgiving.",
                "Diabetes is messy in the most literal way. Our son Mateo is nine and checks his blood sugar about ten times a day, and every check produces a tiny bit of trash. Multiply that by a year and you could build a small strip fort.",
                "We have tried everything: a little bin on the coffee table, a zip pouch for used strips, a rule that you cannot leave the couch until the strip is in the bin. None of it survives a Saturday morning cartoon marathon.",
                "I am writing this partly to laugh at myself and partly because I know I am not alone. Tell me where you find your strays. Our record is a strip inside the toaster. Do not ask.",
            ],
            ["family", "humor"],
            [
                C("Tanya R.", "2014-12-03 08:10", "Washing machine filter. Every. Single. Week."),
                C(
                    "Jorge",
                    "2014-12-03 19:22",
                    "Found one in my wallet at the grocery store checkout. The cashier was very polite about it.",
                ),
            ],
        ),
        P(
            "dsma-chat-and-the-parent-burnout-question",
            "DSMA chat and the parent burnout question",
            BEN,
            "2015-04-09 03:10",
            [
                "Last night’s DSMA chat asked a question I have been avoiding: “how do you handle burnout as a caregiver?” I typed three answers and deleted all of them.",
                "The honest answer is that I do not handle it well. Mateo’s diabetes is with us 24 hours a day and we split the night checks, but my wife still does more, and I feel guilty about that in a way that does not help anyone. I snap at small things. I forget that the disease is his before it is mine.",
                "What helped, according to the chat: taking one night off a week, fully, with the other parent on duty and the phone in another room. Finding one friend who knows how to do a finger stick so you can go to a movie. Saying out loud that you are tired without it being a complaint about your child.",
                "We are trying the night-off thing starting this week. I get Tuesdays. My wife picked Fridays, because of course she did.",
            ],
            ["DSMA", "#DOC", "caregivers"],
            [],
        ),
        P(
            "the-humalog-bill-that-broke-me",
            "The Humalog bill that broke me",
            BEN,
            "2016-01-15 18:45",
            [
                "Our insurance reset on January 1st, which means we are paying full price until the deductible is met. Today that meant $528 for Mateo’s Humalog vials and cartridges. For a nine-year-old. For a month.",
                "I have been calm on this blog about insulin prices. I have written about assistance programs and coupons and being patient with pharmacists. Today I am not calm. I sat in the car in the pharmacy parking lot and did the math on what we would cut if this kept happening, and the list started with things that are not optional.",
                "To the people who set these prices: this is a hormone that his body does not make. There is no generic alternative that we can switch to without risk, and there is no cheaper version of staying alive.",
                "Tomorrow I will be calm again and call our representatives, and I will write down every number, every hold time and every name, because that is what advocacy looks like on a Tuesday. Tonight I am just angry.",
            ],
            ["insulin prices", "Humalog"],
            [
                C(
                    "Megan Hollis",
                    "2016-01-16 09:00",
                    "I wrote almost the same post last year. I am so sorry, Ben. Call me if you want to compare notes on the appeals.",
                    url="http://sugarandstories.example.com/",
                ),
                C(BEN, "2016-01-16 11:30", "Thank you. Taking you up on that.", reply_to=0),
                C(
                    "Megan Hollis",
                    "2016-01-16 12:05",
                    "Anytime. And the anger is fair.",
                    reply_to=0,
                    url="http://sugarandstories.example.com/",
                ),
            ],
        ),
        P(
            "mateo-builds-his-own-loop",
            "Mateo builds his own Loop",
            BEN,
            "2016-10-27 01:20",
            [
                "We built Loop this weekend. Well, Mateo built most of it, and I held the laptop. He is eleven, and the phrase “open-source automated insulin delivery” rolls off his tongue more easily than his spelling words.",
                "The short version: an iPhone app reads his CGM and talks to an old Medtronic pump through a small radio board, adjusting insulin every five minutes. We found it through the #WeAreNotWaiting community, which has written some of the clearest documentation I have ever read, including the parts that say, in bold, that you are responsible for your own safety.",
                "I was nervous. I still am. We spent two weeks in open-loop mode, where the app only suggests changes and we approve them, before letting it act on its own. The first full night in closed loop, his line stayed between 100 and 140. I watched it at 2 a.m. and did not have to get up. I cannot remember the last time that happened.",
                "Not for everyone, and not without your doctor knowing. But for us, tonight, it feels like the future arrived early.",
            ],
            ["Loop", "#WeAreNotWaiting", "DIY"],
            [
                C(
                    "Jorge",
                    "2016-10-27 09:55",
                    "An eleven-year-old building his own artificial pancreas. The future is in good hands.",
                ),
            ],
        ),
        P(
            "freestyle-libre-2-plus-at-summer-camp",
            "FreeStyle Libre 2 Plus at summer camp",
            BEN,
            "2025-07-21 20:00",
            [
                "Mateo is twenty now and a counselor at the diabetes camp he attended as a kid, which makes me feel approximately one hundred years old. He called last night with a camp report, and this time I am the one taking notes.",
                "This year about half the campers wear a FreeStyle Libre 2 Plus, a third wear Dexcom, and the rest are on finger sticks or something else. The counselors follow all of them from a phone dashboard in the dining hall, which Mateo says is amazing and also means the dining hall sounds like an arcade at mealtimes.",
                "His favorite moment: an eight-year-old who had never met another kid with diabetes comparing sensors with a new friend, arm to arm, like they were showing off tattoos. 😊",
                "Some things do not change: the nurses still carry glucagon everywhere, the kids still sneak candy, and the counselors still do night checks, just with better tools.",
            ],
            ["FreeStyle Libre", "camp", "Dexcom"],
            [],
        ),
        P(
            "medtronic-minimed-780g-a-dads-review",
            "Medtronic MiniMed 780G: a dad’s review of his son’s review",
            BEN,
            "2025-11-04 14:25",
            [
                "After nine years on DIY Loop, Mateo switched to a Medtronic MiniMed 780G this fall, mostly because his college health service would not support a homemade system and he got tired of arguing about it.",
                "His review, shared over a video call and lightly edited by his father: the automation is aggressive in a good way after meals, the tubing is annoying after years of tubeless pods, and the sensor takes more fiddling than he is used to. He misses being able to tweak every setting. He does not miss rebuilding the app every year.",
                "My review: I am glad he has a system his clinic knows how to support, and I am a little sad that the era of our kitchen-table engineering project is over. We learned so much from Loop, and from the people who built it for free.",
                "Whatever you use — MiniMed, Omnipod, Loop, shots and a meter — the best system is still the one you can live with.",
            ],
            ["Medtronic", "Loop", "pumps"],
            [
                C(
                    "Tanya R.",
                    "2025-11-04 18:30",
                    "From kitchen-table engineering to college! Where did the time go, Ben?",
                ),
                C(BEN, "2025-11-05 08:00", "I ask myself that every day, Tanya.", reply_to=0),
                C(
                    "Jorge",
                    "2025-11-05 19:40",
                    "Our clinic has the same attitude about DIY systems. Hope Mateo finds a good setup.",
                ),
            ],
        ),
        P(
            "twelve-years-of-blogging-and-one-question",
            "Twelve years of blogging and one question",
            BEN,
            "2026-03-30 21:00",
            [
                "I started this blog when Mateo was seven, so that our relatives would stop asking the same questions. Twelve years later it has 214 posts, a handful of regular readers, and one question I still get every month in my inbox: “when will they cure it?”",
                "I used to answer with hope. Then with frustration. Now I answer with a list of what has changed. Glucagon that comes as a nasal spray instead of a chemistry set. Sensors that replace most finger sticks. Pumps that adjust themselves. Insulin prices that are capped for many families, after years of fighting. Those are not a cure. They are the difference between surviving and living.",
                "I also answer with the community. The #DOC is smaller on blogs these days, and much of it has moved to short videos I do not understand. But when I posted about Mateo’s camp counselor summer, messages came from people who had read this blog when their own kids were diagnosed.",
                "So: no cure yet. But a good life, and good company. I will keep writing.",
            ],
            ["#DOC", "reflection"],
            [],
        ),
    ]
    return build_blog(
        "blogger", BLOGGER, "Bolus & Bedtime Stories", "A dad, a son and type 1", posts, blog_id=BLOG_ID
    )
