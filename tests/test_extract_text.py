"""Dates in comment and byline text, text layout details, platform hints, the page index."""

from datetime import UTC, datetime

import pytest

from crawler.extract import detect_platform
from crawler.extract.dates import parse_date
from crawler.extract.model import WORDPRESS
from crawler.extract.text import element_text
from crawler.extract.tree import Doc, parse_html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Antworten Karla Beispiel 8. April 2019 @ 11:38", datetime(2019, 4, 8, 11, 38, tzinfo=UTC)),
        ("anna_k said, on August 3, 2019 at 3:12 pm", datetime(2019, 8, 3, 15, 12, tzinfo=UTC)),
        ("14.11.2023, 07.45 Uhr", datetime(2023, 11, 14, 7, 45, tzinfo=UTC)),
        ("Le 2 octobre 2018 à 08:30", datetime(2018, 10, 2, 8, 30, tzinfo=UTC)),
        ("Mittwoch, Mai 17, 2017 9:05:00 PM", datetime(2017, 5, 17, 21, 5, tzinfo=UTC)),
        ("June 28, 2015 at 12:25 am", datetime(2015, 6, 28, 0, 25, tzinfo=UTC)),
        # a time zone after the time: not the quick path, still right
        ("March 3, 2015 at 4:12 pm PST", datetime(2015, 3, 4, 0, 12, tzinfo=UTC)),
        ("30 February 2019", None),
    ],
)
def test_dates_in_comment_lines(text, expected):
    assert parse_date(text) == expected


def test_inline_code_stays_in_its_sentence():
    root = parse_html(
        "<div><p>Call <code>pump.bolus(units)</code> first, then <code>log()</code> the dose.</p>"
        "<pre><code>import pump\npump.run()</code></pre></div>"
    )
    text = element_text(root.find(".//div"))
    assert text.startswith("Call pump.bolus(units) first, then log() the dose.")
    assert "\n\nimport pump" in text


def test_block_editor_classes_mean_wordpress():
    html = '<html><body><div class="wp-block-group"><p class="has-text-color">Hi</p></div></body></html>'
    assert detect_platform(html, "https://selfhosted.example/2020/01/hi/") == WORDPRESS


def test_dropped_elements_leave_later_selections():
    doc = Doc("<html><body>" + "".join(f"<div class='x' id='d{n}'><p>{n}</p></div>" for n in range(30)))
    for el in doc.select("div.x")[:20]:
        doc.drop(el)
    assert [el.get("id") for el in doc.select("div.x")] == [f"d{n}" for n in range(20, 30)]
    assert len(doc.select("p")) == 10 and len(doc.select("#d25")) == 1 and not doc.select("#d3")


def test_descendant_chains_from_either_end():
    links = "".join(f"<a href='/{n}'>link {n}</a>" for n in range(40))
    doc = Doc(
        f"<html><body><div class='entry-meta'><span class='author'><a href='/me'>Me</a></span></div>{links}"
        "<span class='author'><a href='/other'>Other</a></span></body></html>"
    )
    assert [a.get("href") for a in doc.select(".entry-meta .author a")] == ["/me"]
    assert [a.get("href") for a in doc.select(".author a")] == ["/me", "/other"]
