"""Comment dates as the DOC writes them: relative dates against the fetch time, localized month names."""

from datetime import UTC, datetime, timedelta

import pytest

from crawler.extract import extract_page
from crawler.extract.dates import parse_date

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
    ],
)
def test_relative_dates_against_the_fetch_time(text, expected):
    assert parse_date(text, now=NOW) == expected
    assert parse_date(text) is None  # without the fetch time a relative date says nothing


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
