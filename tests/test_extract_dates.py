"""Comment dates as the DOC writes them: relative dates against the fetch time, localized month names."""

from datetime import UTC, datetime, timedelta

import pytest

from crawler.extract import extract_page
from crawler.extract.dates import parse_date
from crawler.extract.metaline import as_name

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 days ago", NOW - 2 * DAY),
        ("an hour ago", NOW - timedelta(hours=1)),
        ("vor 3 Tagen", NOW - 3 * DAY),
        ("vor einer Stunde", NOW - timedelta(hours=1)),
        ("vor 2 Wochen", NOW - 14 * DAY),
        ("hace 2 días", NOW - 2 * DAY),
        ("hace un mes", NOW - 30 * DAY),
        ("3 ore fa", NOW - timedelta(hours=3)),
        ("1 giorno fa", NOW - DAY),
        ("2 dni temu", NOW - 2 * DAY),
        ("godzinę temu", NOW - timedelta(hours=1)),
        ("5 lat temu", NOW - 5 * 365 * DAY),
        ("il y a 2 jours", NOW - 2 * DAY),
        ("il y a 5 mois", NOW - 150 * DAY),
        ("yesterday", NOW - DAY),
        ("Yesterday at 3:12 pm", datetime(2026, 11, 30, 15, 12, tzinfo=UTC)),
        ("gestern um 15:12", datetime(2026, 11, 30, 15, 12, tzinfo=UTC)),
        ("hier à 10h05", datetime(2026, 11, 30, 10, 5, tzinfo=UTC)),
        ("ayer", NOW - DAY),
        ("1 Monat her", NOW - 30 * DAY),
    ],
)
def test_relative_dates_against_the_fetch_time(text, expected):
    assert parse_date(text, now=NOW) == expected
    assert parse_date(text) is None  # without the fetch time a relative date says nothing


@pytest.mark.parametrize(
    "text", ["Hier klicken zum Antworten", "Version 2.3 ago-style", "vor Ort", "3 Kommentare"]
)
def test_words_that_only_look_relative(text):
    assert parse_date(text, now=NOW) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 maja 2020 o 12:30", datetime(2020, 5, 5, 12, 30)),
        ("12 lutego 2021", datetime(2021, 2, 12)),
        ("3 października 2019, 08:15", datetime(2019, 10, 3, 8, 15)),
        ("styczeń 4, 2018", datetime(2018, 1, 4)),
        ("3 de marzo de 2015", datetime(2015, 3, 3)),
        ("14 de enero de 2020 a las 10:30", datetime(2020, 1, 14, 10, 30)),
        ("7 dicembre 2019 alle 10:15", datetime(2019, 12, 7, 10, 15)),
        ("12 ott 2017", datetime(2017, 10, 12)),
        ("le mercredi 15 mai 2019 à 09h23", datetime(2019, 5, 15, 9, 23)),
        ("15 juil. 2018", datetime(2018, 7, 15)),
        ("21. Okt. 2015, 20:02", datetime(2015, 10, 21, 20, 2)),
        ("3. Dez. 2021 um 7:05 Uhr", datetime(2021, 12, 3, 7, 5)),
        ("28.09.19 12:44", datetime(2019, 9, 28, 12, 44)),
    ],
)
def test_localized_month_names(text, expected):
    assert parse_date(text) == expected.replace(tzinfo=UTC)


def test_relative_comment_dates_in_a_page_come_from_the_fetch_time():
    items = "".join(
        f'<div class="kommentar-item"><div class="kommentar-info"><span class="benutzer">{who}</span>'
        f'<span class="datum">{when}</span></div><div class="kommentar-text">{text}</div></div>'
        for who, when, text in (
            ("Wanderer71", "vor 2 Tagen", "Der neue Radweg ist prima, nur die Beleuchtung fehlt noch."),
            ("KatjaT1", "gestern um 18:40", "Endlich! Mein Sohn fährt jetzt mit dem Rad zur Schule."),
        )
    )
    html = (
        "<html><body><article><div class='entry-content'><p>Der Radweg entlang der Bundesstraße ist seit Montag "
        f"offen, mit Ampeln an beiden Kreuzungen.</p></div></article><div class='kommentare'>{items}</div>"
        "</body></html>"
    )
    comments = extract_page(html, "https://nachrichten.example/radweg", fetched_at=NOW).comments
    assert [c.published_at for c in comments] == [NOW - 2 * DAY, datetime(2026, 11, 30, 18, 40, tzinfo=UTC)]
    assert [c.published_at for c in extract_page(html, "https://nachrichten.example/radweg").comments] == [
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("meta", "author", "published"),
    [
        # the author and the date on one line, in the themes' many orders and languages
        ("Heidemarie H. | Di, 21. April 2020 - 16:40", "Heidemarie H.", datetime(2020, 4, 21, 16, 40)),
        ("Chris A. February 23, 2017 at 12:33 pm Reply", "Chris A.", datetime(2017, 2, 23, 12, 33)),
        ("geschrieben von wScherf am 21. Jan. 2015, 20:02", "wScherf", datetime(2015, 1, 21, 20, 2)),
        ("Par Bruno G., le mercredi 15 mai 2019 à 08h07", "Bruno G.", datetime(2019, 5, 15, 8, 7)),
        ("Comment by Mirko — 17.07, 2011 @ 13:04", "Mirko", datetime(2011, 7, 17, 13, 4)),
        ("23.09.2020 | 18:19 Rezeptsammlerin", "Rezeptsammlerin", datetime(2020, 9, 23, 18, 19)),
        ("przez Kasia, 5 maja 2020 o 12:30", "Kasia", datetime(2020, 5, 5, 12, 30)),
    ],
)
def test_author_and_date_from_the_meta_line_of_a_comment(meta, author, published):
    """Items with no element named after the author or the date: both come from the meta line."""
    items = "".join(
        f'<li class="comment-entry"><div class="info">{meta}</div><div class="comment-entry-text"><p>{text}</p></div></li>'
        for text in ("Thanks, this helped me a lot at the clinic.", "Same here, the pharmacist knew nothing.")
    )
    html = (
        "<html><body><article><div class='entry-content'><p>Our clinic now offers group sessions for newly "
        f"diagnosed adults, every second Tuesday.</p></div></article><ol class='comments'>{items}</ol></body></html>"
    )
    comments = extract_page(html, "https://blog.example/post", fetched_at=NOW).comments
    assert [(c.author, c.published_at) for c in comments] == [(author, published.replace(tzinfo=UTC))] * 2


def test_a_name_on_the_line_above_the_date_and_a_year_less_date_seen_at_the_fetch_time():
    items = "".join(
        f'<div class="kommentar"><p class="kopf">{who}<br>{when}</p><div class="kommentar-text"><p>{text}</p></div></div>'
        for who, when, text in (
            ("happyface313", "18. September um 08:37", "Vielen Dank, das probiere ich aus."),
            ("Dottoressa", "19. September um 10:02", "Bei mir hat es auch gut geklappt."),
        )
    )
    html = (
        "<html><body><article><div class='entry-content'><p>Ein Test des neuen Messgeräts über vier Wochen im "
        f"Alltag.</p></div></article><div id='kommentare'>{items}</div></body></html>"
    )
    comments = extract_page(html, "https://blog.example/test", fetched_at=NOW).comments
    assert [(c.author, c.published_at) for c in comments] == [
        ("happyface313", datetime(2026, 9, 18, 8, 37, tzinfo=UTC)),
        ("Dottoressa", datetime(2026, 9, 19, 10, 2, tzinfo=UTC)),
    ]


def test_a_date_printed_in_parts_and_the_fuller_reading_of_a_thread():
    """A forum's date in two spans (``<span>28.09.19</span><span>12:44</span>``); and a list the common
    comment markup knows (``li.comment`` in ``.comments-list``) whose author only the class names inside the
    items tell (``a.comment-user``): the reading with the authors and dates wins."""
    items = "".join(
        f'<li id="comment-{n}" class="comment js-comment"><div class="comment-text"><div class="comment-body">'
        f'<span class="comment-copy">{text}</span> – <a href="/users/{n}" class="comment-user">{who}</a> '
        f'<span class="comment-date"><span>28.09.19</span><span>1{n}:44</span></span></div></div></li>'
        for n, who, text in (
            (1, "macbacchi", "Same problem here since the update."),
            (2, "Tom Au", "Reset the network settings."),
        )
    )
    html = (
        "<html><body><article><div class='entry-content'><p>No App Store over mobile data since iOS 13: what "
        f"helps.</p></div></article><ul class='comments-list'>{items}</ul></body></html>"
    )
    comments = extract_page(html, "https://forum.example/q/1").comments
    assert [(c.author, c.published_at) for c in comments] == [
        ("macbacchi", datetime(2019, 9, 28, 11, 44, tzinfo=UTC)),
        ("Tom Au", datetime(2019, 9, 28, 12, 44, tzinfo=UTC)),
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [("Sabrina K.", "Sabrina K."), ("Kwame B. Kissi", "Kwame B. Kissi"), ("Ja, kannst Du.", None),
     ("Thanks. this helped", None), ("Reply", None), ("3 hours ago", None), ("https://x.example", None)],
)  # fmt: skip
def test_what_reads_like_a_name(text, name):
    assert as_name(text) == name


def test_a_reviews_rating_line_before_its_text_gives_author_and_date():
    reviews = "".join(
        f'<blockquote><div class="rating_block"><span class="stars"></span><small> {who} am {day}.4.2020 '
        f'</small></div><p class="comment">{text}</p></blockquote>'
        for who, day, text in (("Georg N.", 10, "Sturdy and easy to build."), ("stefanie", 12, "Good value."))
    )
    html = (
        "<html><body><article><div class='entry-content'><p>A rabbit hutch with a run, weatherproof and "
        f"easy to clean.</p></div></article><div class='votes'>{reviews}</div></body></html>"
    )
    comments = extract_page(html, "https://shop.example/hutch", fetched_at=NOW).comments
    assert [(c.author, c.published_at) for c in comments] == [
        ("Georg N.", datetime(2020, 4, 10, tzinfo=UTC)),
        ("stefanie", datetime(2020, 4, 12, tzinfo=UTC)),
    ]
