"""Texts of the two self-hosted WordPress blogs (fictional people, realistic DOC topics)."""

from __future__ import annotations

from .content import WORDPRESS, Blog, C, P, build_blog

MEGAN = "Megan Hollis"
TOM = "Tom Reyes"


# Pingbacks, as WordPress stores them (wp-includes/class-wp-xmlrpc-server.php, pingback_ping): the author is
# the linking page's <title>, the text "[&#8230;] <excerpt around the link> [&#8230;]", the URL the linking page.
PING_CLASSIC = C(
    "Another DOC Blog » Weekly Roundup",
    "2026-05-22 08:15",
    "[…] Megan’s post on paying list price between insurance contracts is the one to read this week. […]",
    url="https://another-doc-blog.example/2026/05/22/weekly-roundup/",
)
PING_BLOCK = C(
    "Type 1 Parents Digest » Back to school",
    "2026-09-03 07:00",
    "[…] a mom on moving her daughter into the dorm, glucagon and all […]",
    url="https://t1-parents-digest.example/2026/09/back-to-school/",
)


def wp_classic() -> Blog:
    posts = [
        P(
            "why-i-finally-said-yes-to-a-pump",
            "Why I finally said yes to a pump",
            MEGAN,
            "2014-04-10 15:20",
            [
                "For eleven years I swore I would never wear a pump. Multiple daily injections were my thing: a Humalog pen in my left pocket, a long-acting pen in the bathroom cabinet, and a mental spreadsheet that never quite balanced. Then my endo asked a simple question — “what would you do with the time you spend planning?” — and I didn’t have an answer.",
                "So I did the trial. Two weeks with an Animas Ping and two weeks with a Medtronic MiniMed 530G, both loaned through the clinic with saline in the cartridge. The Animas felt friendlier: the meter-remote meant I could bolus at a restaurant table without fishing the pump out of my dress. The MiniMed had the sensor integration and the threshold suspend feature, which my husband liked a lot more than I expected him to.",
                "What surprised me was how much the decision was not about the hardware. It was about which company would answer the phone at 2 a.m., which supplies my insurance would actually cover, and whether I could live with tubing catching on every door handle in our hundred-year-old house.",
                "In the end I picked the Ping. I am three days in, my abdomen looks like a pincushion from practice insertions, and I already caught myself reaching for a pen that isn’t there anymore. Ask me again in a month. If you have been on the fence for as long as I was, I would love to hear what finally tipped you over — or what keeps you on shots, because that is a completely valid choice too.",
            ],
            ["pumps", "Animas", "Medtronic"],
            [
                C(
                    "Jess Alvarado",
                    "2014-04-10 18:02",
                    "Welcome to the pump club! I went MiniMed in 2012 and the first month is the hardest. Hang in there.",
                    url="http://sugarcoatedjess.example.org/",
                ),
                C(
                    MEGAN,
                    "2014-04-10 19:40",
                    "Thanks Jess! The first night I woke up four times just to check it was still attached.",
                    reply_to=0,
                ),
                C(
                    "Ravi P.",
                    "2014-04-12 08:15",
                    "Staying on shots for now, mostly because of the cost. Glad it’s working for you though.\n\nThe meter-remote thing does sound nice.",
                ),
            ],
        ),
        P(
            "the-glucagon-kit-nobody-knows-how-to-use",
            "The glucagon kit nobody knows how to use",
            MEGAN,
            "2014-06-02 13:05",
            [
                "Quick experiment at our family barbecue last weekend: I handed my brother-in-law the orange glucagon kit from my bag and asked him to show me what he would do if I passed out. He opened the case, stared at the syringe full of liquid and the little vial of powder, and tried to inject the liquid straight into the grapefruit I had given him as a stand-in for my thigh.",
                "That is not his fault. The kit asks a panicking person to pop a cap, inject water into a vial, swirl until the powder dissolves, draw it back up and then inject — while the person they love is seizing on the kitchen floor. The instructions are printed in tiny type on a folded sheet that nobody reads until it is too late.",
                "So here is what we did. Everyone who spends real time with me practiced with an expired kit. I wrote the steps on an index card in big letters and rubber-banded it to the case. And I told them, clearly, that calling 911 first is never the wrong choice.",
                "I know there is research going on into easier glucagon — nasal powders, stable liquid pens — and I hope it reaches pharmacies soon. Until then, please check the expiration date on your kit tonight. Mine had expired in February. I had no idea.",
            ],
            ["glucagon", "safety"],
            [
                C(
                    "Dana K.",
                    "2014-06-02 16:40",
                    "The grapefruit detail made me laugh and then made me very nervous. Practicing with an expired kit this weekend.",
                ),
                C(
                    "Luis Ortega",
                    "2014-06-03 09:12",
                    "My school nurse told us the same thing: the first time you mix glucagon should not be the real emergency.",
                    url="http://dadsdiabetesdiary.example.net/",
                ),
            ],
        ),
        P(
            "notes-from-the-roche-social-media-summit",
            "Notes from the Roche social media summit",
            MEGAN,
            "2014-09-15 11:30",
            [
                "I spent the last two days in Indianapolis at the Roche Diabetes Care social media summit, along with about thirty other bloggers, vloggers and the people behind a couple of the big Twitter chats. Roche paid for my travel and hotel; they did not ask me to write anything, and nothing here was reviewed by them. You know the drill.",
                "The first session was a listening session, and to their credit the Roche people mostly listened. We talked about strip accuracy, about the gap between what a meter reads in a lab and what it reads in a hot car, and about how it feels when your insurance switches you from Accu-Chek to whatever brand is cheapest this quarter without anyone asking you.",
                "The most interesting conversation was about social media itself. Several of us pointed out that the #DOC is not a marketing channel: it is where people go at 3 a.m. when their kid’s number won’t come up. One of the Roche communications folks admitted, honestly, that they had been treating Twitter as a place to announce things rather than a place to hear things.",
                "There was a long debate about disclosure, too. Should bloggers who attend events like this put a disclosure on every later post that mentions the company? Most of us said yes. A couple said it makes the community look bought. I lean towards over-disclosing.",
                "Did anything change? Too early to say. But I walked out with a page of notes, a new ACCU-CHEK Aviva meter I will _review honestly_ in a few weeks, and a much better sense of who inside a company like this actually reads what we write. I will post the rest of my notes once I have slept.",
            ],
            ["Roche", "advocacy", "social media"],
            [
                C(
                    "Jess Alvarado",
                    "2014-09-15 12:10",
                    "Great recap. I was in the strip accuracy session and you captured it well — especially the hot car point.",
                    url="http://sugarcoatedjess.example.org/",
                ),
                C(
                    "Patrick Nguyen",
                    "2014-09-15 12:45",
                    "I am always a bit uneasy about these summits. Who decides which bloggers get invited?",
                ),
                C(
                    MEGAN,
                    "2014-09-15 13:02",
                    "Fair question, Patrick. As far as I could tell it was people with active blogs and chats, but I agree the selection should be public.",
                    reply_to=1,
                ),
                C(
                    "Patrick Nguyen",
                    "2014-09-15 13:30",
                    "That would help. I trust you to be honest about it; I just want the process to be visible.",
                    reply_to=2,
                ),
                C(
                    "Renée Dubois",
                    "2014-09-15 14:05",
                    "Transparency cuts both ways. I would also like to know what the company takes away from these days.\n\nDo they publish anything afterwards?",
                    reply_to=3,
                    url="http://typeonefrancophone.example.com/",
                ),
                C(
                    "Sam Whitfield",
                    "2014-09-15 15:20",
                    "The part about social media being a listening place rather than a broadcast channel is exactly right.",
                ),
                C(
                    "Karen Bloom",
                    "2014-09-15 16:48",
                    "Thank you for the disclosure up front. More bloggers should do this.",
                ),
                C(
                    "Owen T.",
                    "2014-09-15 18:30",
                    "Did anyone ask about strip prices for people without insurance? That is the elephant in the room for me.",
                ),
                C(
                    MEGAN,
                    "2014-09-15 19:05",
                    "Yes — briefly. The answer was the usual ‘patient assistance programs exist’. I will write more about this.",
                    reply_to=7,
                ),
                C(
                    "Owen T.",
                    "2014-09-15 19:44",
                    "Looking forward to it. The assistance programs never seem to fit anyone I know.",
                    reply_to=8,
                ),
                C(
                    "Jess Alvarado",
                    "2014-09-16 07:55",
                    "Same here, Owen. I ended up buying strips on eBay one year, which is not a sentence I am proud of.",
                    reply_to=9,
                    url="http://sugarcoatedjess.example.org/",
                ),
                C(
                    "Mike Sandoval",
                    "2014-09-16 10:20",
                    "Nice write-up. Does the new Aviva meter talk to anything, or is it still a write-it-in-the-logbook device?",
                ),
                C(MEGAN, "2014-09-16 11:00", "It syncs with a cable for now. Review coming!", reply_to=11),
                C(
                    "Lena Fischer",
                    "2014-09-17 09:40",
                    "Reading this from Germany, where our strips come in different boxes but the same conversation happens. Thanks for sharing it with the DSMA crowd too.",
                ),
                C(
                    "Patrick Nguyen",
                    "2014-09-18 21:15",
                    "Coming back to say: thanks for engaging, everyone. This is the #DOC at its best.",
                    reply_to=4,
                ),
            ],
        ),
        P(
            "world-diabetes-day-and-the-blue-circle",
            "World Diabetes Day and the blue circle",
            MEGAN,
            "2014-11-14 09:00",
            [
                "Happy World Diabetes Day, everyone 💙. I am wearing the blue circle pin my niece made out of felt, and I have already explained it to three colleagues and one very patient barista at the café downstairs.",
                "Every year I try to do one small thing today. In 2012 it was donating to a diabetes camp. Last year it was finally writing down my own diagnosis story. This year it is simpler: I am going to spend the evening in the DSMA tweet chat and say thank you to the people who carried me through my worst year.",
                "Because that is what the #DOC did. When I was newly diagnosed at 24 I did not know a single other adult with type 1. The pamphlets at my clinic had pictures of children and grandparents. Then I found a blog written by a woman my age who complained about the same things I did — the pharmacy line, the low at the movies, the relatives who ask whether you are allowed to eat that — and I cried at my desk.",
                "So, to whoever is reading this in their first year: welcome. It gets more manageable. Not easy, but manageable. And you are not the only one.",
                "If you want to join the chat tonight, it starts at 9 p.m. Eastern. Bring a snack; you know why.",
            ],
            ["#DOC", "DSMA"],
            [],
        ),
        P(
            "humalog-pharmacy-counters-and-the-price-of-staying-alive",
            "Humalog, pharmacy counters and the price of staying alive",
            MEGAN,
            "2015-03-05 14:12",
            [
                "The pharmacist slid the bag across the counter, then slid it back. “Your plan changed in January,” she said. “This is going to be $412.” Four hundred and twelve dollars for a month of Humalog, the insulin I have used for most of my adult life.",
                "I had the money that day, barely. A lot of people don’t. Insulin prices have roughly tripled in the decade since I was diagnosed, and nothing about the molecule has changed. The vials look the same. The cold pack in the bag is the same. The only thing that changed is the number on the screen.",
                "I called the insurer (forty minutes on hold), then the manufacturer’s assistance line (they asked for my household income and then told me I earn too much), then my endo’s office, who gave me two sample pens and a sympathetic look. I keep a [running spreadsheet of what we pay](/private/insulin-costs-2015/) and this month it broke the chart.",
                "Here is what I want people outside the community to understand: this is **not** a lifestyle drug. If I stop taking it, I will be in the hospital within days. Rationing insulin is not frugality, it is danger.",
                "If you are struggling with insulin prices right now, the comments are open. Share what has worked for you — coupons, switching plans, the Walmart human insulin route with your doctor’s guidance. Let’s make this post useful.",
            ],
            ["insulin prices", "Humalog", "advocacy"],
            [
                C(
                    "Karen Bloom",
                    "2015-03-05 16:30",
                    "The $412 number made my stomach drop. We pay a little less with a high-deductible plan, but only after March.",
                ),
                C(
                    "Ravi P.",
                    "2015-03-06 08:05",
                    "Switching to a different rapid-acting insulin saved us money once, but it took three prior authorizations. Three!",
                ),
                C(
                    "Megan's mom",
                    "2015-03-06 20:14",
                    "Proud of you for writing this, sweetheart. Call me.",
                    reply_to=None,
                ),
            ],
        ),
        P(
            "dsma-wednesday-what-the-doc-gave-me",
            "DSMA Wednesday: what the #DOC gave me",
            TOM,
            "2015-06-17 20:00",
            [
                "Megan asked me to write a guest post for her blog, probably because I would not stop talking about last week’s DSMA chat at dinner. Hi. I am Tom, I am the husband, and I do not have diabetes. I do have opinions.",
                "The topic was “what has the diabetes online community given you?” and I expected answers about device tips and carb counts. Those came up. But the answers that stuck with me were from partners and parents: the dad who learned from strangers on Twitter how to change a pump site on a squirming toddler, the wife who found out that other spouses also sleep with one ear open for the CGM alarm.",
                "When Megan was diagnosed I read everything the clinic gave us. None of it told me what to do at 4 a.m. when she is low, confused, and angry at me for offering juice. The #DOC did. Real people, writing honestly about the bad nights, gave me a script for those moments.",
                "So this is a thank-you from the type 3 side of the house. Keep writing. Somebody’s husband is reading at 4 a.m.",
            ],
            ["#DOC", "DSMA", "family"],
            [
                C(
                    "Sam Whitfield",
                    "2015-06-18 07:30",
                    "“Somebody’s husband is reading at 4 a.m.” — yes. My wife sent me this link with no comment, which says everything.",
                ),
            ],
        ),
        P(
            "accu-chek-aviva-three-months-in",
            "Accu-Chek Aviva, three months in",
            MEGAN,
            "2015-10-01 10:00",
            [
                "I promised an honest review of the Accu-Chek Aviva meter I brought home from the Roche event last year, and it took me much longer than I planned. Here it is, after three months of using it as my main meter.",
                "The good: it is fast, the strips are easy to handle with cold fingers, and the lancing device is still the least painful one I have used. I checked it against lab draws twice and it was within about 8% both times, which is better than my old meter managed.",
                "The less good: the software. Getting readings onto my laptop means a cable, a driver that refuses to install on my husband’s Mac, and a program that looks like it was designed in 2004. I ended up taking photos of the screen and typing numbers into a spreadsheet, which defeats the purpose.",
                "And the big one: coverage. Halfway through the review my insurance moved Accu-Chek strips to a higher tier. Good meter, suddenly expensive strips. That is not Roche’s fault alone, but it is the reality for a lot of us, and no review is honest without it.",
                "Would I recommend it? If your plan covers the strips, yes. If not, the best meter is the one you can afford to use eight times a day.",
            ],
            ["Accu-Chek", "Roche", "reviews"],
            [
                C(
                    "Mike Sandoval",
                    "2015-10-01 12:40",
                    "Thanks for following up! The cable situation is exactly why I gave up on mine.",
                ),
                C(
                    "Lena Fischer",
                    "2015-10-02 06:55",
                    "In Germany the Aviva Connect talks to the phone over Bluetooth. Maybe it reaches you soon.",
                ),
            ],
        ),
        P(
            "nightscout-and-the-wearenotwaiting-rabbit-hole",
            "Nightscout and the #WeAreNotWaiting rabbit hole",
            MEGAN,
            "2016-03-22 21:45",
            [
                "It started innocently. A friend in the #DOC posted a photo of her daughter’s blood sugar on a smartwatch, and I asked how. Six hours later I had a Heroku account, a MongoDB database, a cable I did not understand, and my CGM numbers on my husband’s phone across town.",
                "That is Nightscout, and the people behind it use the hashtag #WeAreNotWaiting — meaning they are not waiting for device makers and regulators to give us the data that comes out of our own bodies. I find that both thrilling and a little scary.",
                "Thrilling, because the thing works. Tom can see when I am dropping during a long run and text me before my sensor alarm does. Scary, because I am now the IT department for a system my life partly depends on, and my IT skills peak at restarting the router.",
                "The documentation is written by volunteers and it is honestly better than most manufacturer manuals. The Facebook group answered my dumbest questions within minutes, at midnight.",
                "People are already talking about closing the loop with their own software — a phone app that adjusts the pump based on the CGM. I am not there yet. But I understand why people are.",
            ],
            ["#WeAreNotWaiting", "Nightscout", "CGM"],
            [
                C(
                    "Jess Alvarado",
                    "2016-03-23 08:00",
                    "Welcome to the rabbit hole! It only gets deeper.",
                    url="http://sugarcoatedjess.example.org/",
                ),
            ],
        ),
        P(
            "a-back-to-school-glucagon-plan",
            "A back-to-school glucagon plan",
            MEGAN,
            "2016-08-30 07:30",
            [
                "My niece Ellie starts second grade next week, and her mom asked me to help write the diabetes part of her school plan, since I am the family member who has been doing this the longest. The part we spent the most time on was glucagon.",
                "Glucagon is the rescue medicine for a severe low, when someone cannot safely eat or drink. In a school that means a teacher or the nurse might have to use it, and most teachers have never even seen a kit. So our plan spells out who is trained, where the kit lives (the nurse’s office and a second one in the classroom emergency bag), and exactly when to use it: unresponsive, seizing, or unable to swallow.",
                "We also wrote down what happens after: turn her on her side, call 911, call her mom. Glucagon can make kids vomit, so the side position matters.",
                "The nurse was wonderful. She asked to practice with a trainer kit during the first week, and she suggested a laminated card with Ellie’s photo on it so that substitutes know who she is.",
                "If you are writing a 504 plan this month, steal whatever is useful from this. And check those expiration dates.",
            ],
            ["glucagon", "school", "family"],
            [],
        ),
        P(
            "ten-years-later-omnipod-loop-and-me",
            "Ten years later: Omnipod, Loop and me",
            MEGAN,
            "2025-03-14 18:00",
            [
                "I reread [my old post about finally saying yes to a pump](post:why-i-finally-said-yes-to-a-pump?utm_source=twitter&utm_medium=social) and laughed. The Animas company that made my first pump is gone. The tubing that caught on every door handle is gone too: I have worn an Omnipod for six years now, and for the last three it has been driven by Loop.",
                "Loop is the open-source app that came out of the #WeAreNotWaiting movement. It reads my Dexcom G7, predicts where my glucose is heading, and adjusts the Omnipod’s basal insulin every five minutes. I still bolus for meals. I still have bad days. But overnight my numbers are flat in a way they never were in the Humalog-pen era.",
                "Building it the first time meant a Mac, a developer account and a Saturday of reading documentation. Today there are commercial systems that do much of the same thing with a doctor’s prescription, and for most people that is the right answer. I stay with Loop because I like being able to see and change every setting.",
                "What has not changed in ten years: insulin prices are still a fight, pharmacy counters are still where I hold my breath, and the #DOC is still where I go when something breaks at midnight.",
            ],
            ["Loop", "Omnipod", "Dexcom"],
            [
                C(
                    "Karen Bloom",
                    "2025-03-15 09:20",
                    "Ten years! I remember the pump post. Congratulations on the flat lines.",
                ),
                C(
                    "Nadia Hassan",
                    "2025-03-16 14:02",
                    "I looped with Omnipod for two years and switched to a commercial system when my son was born. Both are great; sleep is the real winner.",
                    url="https://nadiadiabetesnotes.example.com/",
                ),
            ],
        ),
        P(
            "baqsimi-in-the-backpack",
            "Baqsimi in the backpack",
            MEGAN,
            "2025-09-09 16:10",
            [
                "Remember [the orange glucagon kit](post:the-glucagon-kit-nobody-knows-how-to-use#comments) and my brother-in-law stabbing a grapefruit? Eleven years later, the thing in my running backpack is a small plastic device of nasal glucagon called Baqsimi. You take off the shrink wrap, put the tip in one nostril and press the plunger. That is the whole instruction.",
                "I trained my running group in about ninety seconds. Nobody had to mix anything. One of them said, “that’s it?” and I may have teared up a little.",
                "It is not perfect. It is still expensive without good coverage, and it is still only for the situation where I cannot help myself. But the difference between asking a friend to do a five-step procedure and asking them to push a button into my nose is enormous.",
                "If you still carry only the old kit, ask your doctor about the alternatives. And whatever you carry, show the people around you where it is.",
            ],
            ["glucagon", "Baqsimi", "running"],
            [
                C(
                    "Dana K.",
                    "2025-09-09 19:55",
                    "We switched last year and the school nurse was thrilled. The ‘that’s it?’ reaction is universal.",
                ),
            ],
        ),
        P(
            "insulin-prices-in-2026-better-not-fixed",
            "Insulin prices in 2026: better, not fixed",
            MEGAN,
            "2026-05-20 12:00",
            [
                "Eleven years after [the $412 Humalog post](post:humalog-pharmacy-counters-and-the-price-of-staying-alive?utm_source=facebook&utm_medium=social&utm_campaign=anniversary), my pharmacy receipt for a month of insulin says $35. That number is real progress, and the people who fought for it — many of them bloggers and advocates from this community — deserve every bit of credit.",
                "But it is not the whole story. The cap applies to some plans and not others. Friends between jobs still pay list price. Pump supplies, CGM sensors and strips are not covered by any cap, and they now make up most of what my diabetes costs.",
                "I also notice that the conversation has moved. Ten years ago we organized on blogs and in weekly chats. Today it happens on social media platforms that change their rules every few months, and good threads disappear into algorithmic feeds. I miss comment sections where a conversation could go on for a week.",
                "So I am going to keep writing here. If your insulin prices are still unaffordable in 2026, tell me where and how: the patterns matter, and they are how the next fight gets organized.",
            ],
            ["insulin prices", "advocacy"],
            [
                C(
                    "Owen T.",
                    "2026-05-21 08:30",
                    "Still paying list price between contracts. Thank you for saying it out loud.",
                ),
                C(
                    MEGAN,
                    "2026-05-21 10:00",
                    "Owen, email me — I know a clinic near you that helped someone else in the same spot.",
                    reply_to=0,
                ),
            ],
            pings=[PING_CLASSIC],
        ),
    ]
    return build_blog(
        "wp-classic",
        WORDPRESS,
        "Sugar & Stories",
        "Twenty-odd years of type 1, one blood drop at a time",
        posts,
        theme="classic",
        utc_offset_hours=-5,
    )


ANA = "Ana Kowalczyk"


def wp_block() -> Blog:
    posts = [
        P(
            "one-year-since-diagnosis",
            "One year since diagnosis",
            ANA,
            "2016-02-11 20:30",
            [
                "A year ago tonight we were in the emergency room with a six-year-old who had been drinking water like a sponge for two weeks and sleeping through her favorite cartoons. Her blood sugar was 587. I did not know what that number meant. I do now.",
                "Things I have learned in one year as a type 1 parent, in no particular order: how to count the carbs in a slice of birthday cake by eye; that a sleeping child can be poked for a finger stick without waking up; that pharmacy staff can be either angels or obstacles, with nothing in between; that my own anxiety is the hardest thing to manage.",
                "Things I have not learned yet: how to stop checking on her three times a night; how to explain to grandparents that “she’ll grow out of it” is not a thing; how to not cry when she says she wishes she had a normal pancreas.",
                "Our clinic’s educator told us in week one to find other parents. I rolled my eyes. She was right. A Facebook group of exhausted parents and a handful of blogs got me through this year more than any pamphlet did.",
                "Zosia is seven now. Tonight we are having cake. We are counting every carb.",
            ],
            ["diagnosis", "parenting"],
            [
                C(
                    "Heather M.",
                    "2016-02-12 07:10",
                    "Year one is the hardest. Sending you a hug and some carbs.",
                ),
                C(
                    ANA,
                    "2016-02-12 09:00",
                    "Thank you, Heather. Your blog was one of the ones I read at 3 a.m.",
                    reply_to=0,
                ),
            ],
        ),
        P(
            "test-strips-meters-and-a-phone-call-to-roche",
            "Test strips, meters and a phone call to Roche",
            ANA,
            "2016-06-07 15:00",
            [
                "Our Accu-Chek meter started giving an error code at the worst possible time: at a swim meet, with a kid who felt “weird” and a coach asking whether she could race. We borrowed another parent’s meter (thank you, whoever you are) and she was 62. No race.",
                "The next morning I called the number on the back of the meter. I expected a phone tree. Instead I got a real person at Roche within four minutes, who walked me through the error, concluded the meter was faulty, and shipped a replacement overnight at no charge. I am writing this partly because we complain loudly when things go wrong, and good service deserves the same volume.",
                "Lessons for other parents: keep a backup meter in the swim bag, the school bag and the car. Write the customer-service number somewhere other than the meter itself. And if your kid feels weird, believe the kid before the screen.",
                "Zosia swam the next weekend. She came fourth and was furious about it, which I choose to see as a sign of health.",
            ],
            ["Accu-Chek", "Roche", "sports"],
            [],
        ),
        P(
            "what-the-school-nurse-taught-me",
            "What the school nurse taught me",
            ANA,
            "2016-09-19 12:45",
            [
                "Our new school nurse, Mrs. Okafor, has twenty-two years of experience and an unshakeable calm that I am trying to absorb by standing near her.",
                "In our first meeting she asked Zosia, not me, how she wanted her lows to be handled in class. Zosia said she did not want to leave the room, because everyone stares. So the plan now has juice boxes in her desk and a signal to the teacher — a tap on the shoulder — instead of a walk to the office. Nobody had ever asked her before.",
                "She also asked me to stop texting during the school day unless something is truly wrong. “Your job now,” she said, “is to let us do ours.” That one stung, and she was right.",
                "I am not saying every school nurse is Mrs. Okafor. I know many of you are fighting schools that do not even have a nurse on site. But when it works, it works because someone listened to the kid.",
            ],
            ["school", "parenting"],
            [
                C(
                    "Beatriz S.",
                    "2016-09-19 18:20",
                    "Asking the child first. Why is that so rare? Printing this for our 504 meeting.",
                ),
            ],
        ),
        P(
            "dexcom-g6-alarms-at-3-am",
            "Dexcom G6 alarms at 3 a.m.",
            ANA,
            "2025-01-28 08:15",
            [
                "Nine years into this and the soundtrack of our nights is the Dexcom G6 alarm. Low alarm, high alarm, signal loss because Zosia, now sixteen, sleeps with her phone under the pillow. My husband jokes that we have not slept through a night since the Obama administration.",
                "We know the alarms save lives. We also know that alarm fatigue is real: after the fourth false signal loss in a week, you start sleeping through the beeps, and that is exactly the night it matters. So this winter we changed our settings with her endo. High alert moved to 250 overnight, signal-loss alert only after 30 minutes, and the urgent low stays loud, always.",
                "The bigger change is that Zosia now gets the alarms first. She is sixteen; she has to learn to wake up for her own lows before college. I get them ten minutes later, as the backup. It is terrifying and it is right.",
                "We are starting on a Dexcom G7 trial next month. I will write about whether the smaller sensor and shorter warm-up make a difference for a teenager who plays volleyball.",
            ],
            ["Dexcom", "CGM", "sleep"],
            [
                C(
                    "Heather M.",
                    "2025-01-28 10:40",
                    "The ‘teen gets alarms first, parent ten minutes later’ idea is brilliant. Stealing it.",
                ),
                C(
                    "Graham L.",
                    "2025-01-29 22:05",
                    "Alarm fatigue is the least discussed part of CGM life. Thank you for naming it.",
                    url="https://graham-on-type1.example.org/",
                ),
                C(
                    ANA,
                    "2025-01-30 07:00",
                    "It is strange how long it took us to admit it, Graham.",
                    reply_to=1,
                ),
                C(
                    "Graham L.",
                    "2025-01-30 12:30",
                    "Same here. My endo said nobody ever brings it up, then half her patients did once she asked.",
                    reply_to=2,
                    url="https://graham-on-type1.example.org/",
                ),
            ],
        ),
        P(
            "omnipod-5-and-a-teenager",
            "Omnipod 5 and a teenager",
            ANA,
            "2025-08-04 19:00",
            [
                "After years of saying no to anything attached to her body besides a CGM, Zosia asked for a pump this spring. Her reason was not her A1c. It was volleyball: she was tired of leaving the court to inject.",
                "We chose the Omnipod 5 because it has no tubing and works with her Dexcom G6 without a separate controller app on a dedicated phone. The automated mode adjusts insulin every five minutes. She still needs to bolus for meals, and she still forgets sometimes, because she is seventeen.",
                "Three months in: fewer lows during games, fewer overnight alarms (my sleep thanks the algorithm), and a surprising number of Pods knocked off in the locker room. We have learned to put an overpatch on before every tournament.",
                "Insurance took two appeals. The Pods cost us more per month than her car insurance. I mention that because the beautiful graphs in the marketing never show the phone calls.",
            ],
            ["Omnipod", "Dexcom", "sports"],
            [],
        ),
        P(
            "college-move-in-with-type-1",
            "College move-in with type 1",
            ANA,
            "2026-09-02 17:30",
            [
                "We moved Zosia into her dorm last weekend. Among the boxes: three months of Pods, sensors, a mini fridge labelled INSULIN DO NOT EAT, and a nasal glucagon in her desk drawer that her new roommate learned to use before she learned Zosia’s middle name.",
                "I had a whole speech prepared for the campus disability office. It turned out Zosia had already emailed them, registered for accommodations, and booked an appointment with the student health clinic. I carried boxes and tried not to cry in the elevator.",
                "The CGM follow app is still on my phone. We agreed that I will not text her about numbers unless an urgent low lasts twenty minutes with no response. Day four and I have not texted once. It is the hardest thing I have done since diagnosis day.",
                "For the parents coming up behind us: start handing over the small decisions early. Let them order their own supplies, call the pharmacy, argue with the insurer once with you sitting next to them. By the time the dorm door closes, the big decisions will already be theirs.",
            ],
            ["college", "parenting", "glucagon"],
            [
                C(
                    "Beatriz S.",
                    "2026-09-02 20:00",
                    "Crying in the elevator is the parent rite of passage. You did good.",
                ),
            ],
            pings=[PING_BLOCK],
        ),
        # Two pages with consent signals (docs/privacy.md). A post its author set to "noindex" in Yoast SEO:
        # the page says <meta name="robots" content="noindex, follow" />; doclisten never stores it.
        P(
            "a-hard-week-not-for-search-engines",
            "A hard week (not for search engines)",
            ANA,
            "2015-11-20 22:10",
            [
                "This one is for the people who already read this blog, not for anyone searching Zosia's name. I have turned off indexing for it on purpose.",
                "She was in the PICU for two nights with DKA after a stomach bug. The Dexcom showed the climb before we understood what was happening, and I keep replaying the hours between the first vomiting and the call to the endo on-call line.",
                "She is home now, eating crackers and complaining about the hospital Wi-Fi. I am writing this down so I remember the ketone strips live in the car too, now.",
                "What I want to remember, mostly for myself: the blood ketone meter would have told us hours earlier than the urine strips did, and we owned one. It was in the bathroom drawer with a dead battery. The night nurse showed me how the insulin drip and the dextrose drip work together, which is the first time anyone explained to me that you can need sugar and insulin at the same time without it being a contradiction.",
                "The endo called the next morning and said the thing every parent needs to hear after a night like that: this happens to careful families too. Then she gave me homework. New sick-day plan, written down, on the fridge. Check ketones every two hours whenever she vomits, whatever the glucose says. Call early. I am printing it twice, one for the fridge and one for the glove box.",
            ],
            ["DKA", "Dexcom"],
            [
                C(
                    "Harriet Quill",
                    "2015-11-21 07:45",
                    "Sending love. Our son had DKA with the flu last winter; the sick-day rules card on our fridge came from that week.",
                ),
            ],
            robots="noindex, follow",
        ),
        # A post served with "X-Robots-Tag: otherbot: noindex, doclisten: noarchive" (a server rule): another
        # crawler is told not to index it, doclisten not to keep its text (metadata and keyword counts only).
        P(
            "school-nurse-meeting-notes",
            "School nurse meeting notes",
            ANA,
            "2015-08-25 16:40",
            [
                "We met the new school nurse today to go over Zosia's 504 plan. She had never seen an Omnipod before and asked good questions about what to do if a Pod fails during recess.",
                "We left her a glucagon kit, a spare Pod, and a laminated page about treating lows with fifteen grams and rechecking the Dexcom after fifteen minutes.",
                "The plan itself is four pages, which sounds like a lot until you try to write down everything a seven-year-old with type 1 needs during a school day. Who can give insulin, and how the PDM works. What counts as a low, what counts as a high, and when to call me rather than the main office. Whether she may keep juice boxes in her desk (yes), whether she may check her glucose in class without asking (also yes, we fought for that one).",
                "The nurse asked to keep the meeting notes on file, so I am posting my version here for the other parents at our school who asked me how the process went. Bring the endo's orders signed and dated, bring snacks you are happy to lose to the classroom, and ask who covers when the nurse is at the other campus on Thursdays. Nobody had an answer to that last question, so we have a second meeting next week.",
            ],
            ["school", "Omnipod", "glucagon"],
            [
                C(
                    "Oren Vale",
                    "2015-08-25 19:05",
                    "Laminated pages are the best. Our nurse keeps ours taped inside the Dexcom receiver drawer.",
                ),
            ],
            x_robots="otherbot: noindex, doclisten: noarchive",
        ),
    ]
    return build_blog(
        "wp-block",
        WORDPRESS,
        "Pancreas on Loan",
        "A mom, a daughter, and the endless math of type 1",
        posts,
        theme="block",
    )
