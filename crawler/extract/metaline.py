"""A comment's meta line: the short line that themes print around the text with the author and the date,
when no element is named after either ("Heidemarie Heim | Di, 21. April 2020 - 16:40", "Chris Anamani
February 23, 2017 at 12:33 pm Reply", "geschrieben von wScherf am 21. Jan. 2015, 20:02", "Par Bruno Gobin,
le mercredi 15 mai 2019 à 08h07", "– Vogel612 · Feb 7, 2014 at 10:53", or "happyface313" above "März 7,
2018").  The date goes through the one date parser; the author is what comes before it on that line (or the
line above it), when that reads like a name.
"""

from __future__ import annotations

import re
from datetime import datetime

from crawler.extract.dates import MONTH_NAMES, parse_date

MAX_LINE = 100
MAX_NAME = 40
MAX_NAME_WORDS = 5
_HAS_DIGIT_OR_AGO = re.compile(
    r"\d|\b(?:ago|vor|hace|fa|temu|il y a|yesterday|gestern|ayer|ieri|wczoraj|hier)\b", re.I
)
# where a name ends on a meta line: a separator, a connector word before the date, a number, a month or a weekday
_WEEKDAYS = [
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu",
    "fri", "sat", "sun", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "mo",
    "di", "mi", "do", "fr", "sa", "so", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lun", "mar", "mer", "jeu", "ven", "sam", "dim", "lunes", "martes", "miércoles", "jueves", "viernes",
    "sábado", "domingo", "mié", "jue", "vie", "sáb", "dom", "lunedì", "martedì", "mercoledì", "giovedì",
    "venerdì", "sabato", "domenica", "gio", "sab", "poniedziałek", "wtorek", "środa", "czwartek", "piątek",
    "sobota", "niedziela", "pon", "wt", "śr", "czw", "pt", "sob", "niedz",
]  # fmt: skip
_MONTH_WORDS = [*MONTH_NAMES, *MONTH_NAMES.values(), "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                "nov", "dec"]  # fmt: skip
# a whole word (a trailing "." allowed): "Mi." is Wednesday, "Mirko" a name
_DATE_WORDS = (
    r"(?:"
    + "|".join(sorted(map(re.escape, {*_WEEKDAYS, *_MONTH_WORDS}), key=len, reverse=True))
    + r")\.?(?=\s|,|$)"
)
_NAME_END = re.compile(
    r"\s*(?:[|·•—–,(@]|\s-\s|\b(?:am|on|le|el|il|dnia|at|um|à|said|says|sagt|schreibt|dit|dice|napisał|"
    rf"wrote|kommentierte|commented|posted)\b|\b\d+[./:]?\d*\b|\b{_DATE_WORDS})",
    re.I,
)
_LEADING_DATE = re.compile(
    rf"^(?:[\s\d./:|,·•—–@()-]+|(?:um|at|à|o|alle|uhr|am|pm|h|r|{_DATE_WORDS})\b\.?)+", re.I
)
_NAME_START = re.compile(
    r"^\s*(?:[-–—·•>|]\s*)?(?:(?:comment|kommentar|antwort|reply|réponse|respuesta|risposta)\s+)?"
    r"(?:geschrieben\s+von|written\s+by|posted\s+by|by|von|par|por|di|da|przez|od)\s+",
    re.I,
)
_NOT_NAME = re.compile(
    r"[!?;]|:\s|(?-i:[.,]\s+[a-zäöüéèàáíóúąćęłńśźż]{2,}\b)|https?://"
    r"|\b(?:reply|antworten|responder|rispondi|odpowiedz|répondre|ago|vor|hace|fa|temu|il y a)\b",
    re.I,
)


def meta_lines(text: str) -> list[str]:
    """The short lines of a comment's meta text (author line, date line, "Reply")."""
    return [line.strip() for line in text.split("\n") if line.strip() and len(line.strip()) <= MAX_LINE]


def date_in_lines(
    lines: list[str], near: datetime | None, now: datetime | None
) -> tuple[int, datetime] | None:
    """(index, date) of the first line the date parser reads."""
    for i, line in enumerate(lines):
        if _HAS_DIGIT_OR_AGO.search(line):
            value = parse_date(line, near, now)
            if value is not None:
                return i, value
    return None


def name_before_date(line: str) -> str | None:
    """The name that leads a meta line ("Heidemarie Heim | Di, 21. April 2020" -> "Heidemarie Heim")."""
    rest = _NAME_START.sub("", line, count=1)
    end = _NAME_END.search(rest)
    return as_name(rest[: end.start()] if end else rest)


def name_after_date(line: str) -> str | None:
    """The name that ends a meta line ("23.09.20 | 18:19 Rezeptsammlerin" -> "Rezeptsammlerin")."""
    match = _LEADING_DATE.match(line)
    return as_name(line[match.end() :]) if match and match.end() < len(line) else None


def as_name(text: str) -> str | None:
    """``text`` when it reads like a name: a few words, no sentence, no link, no "Reply"."""
    name = " ".join(text.split()).strip(" ,;:-–—|·")
    if not name or len(name) > MAX_NAME or len(name.split()) > MAX_NAME_WORDS or _NOT_NAME.search(name):
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    return name


def author_and_date(
    lines: list[str], near: datetime | None, now: datetime | None
) -> tuple[str | None, datetime | None]:
    """From meta ``lines``: the date, and the author before it on its line or on the line above it."""
    found = date_in_lines(lines, near, now)
    if found is None:
        return None, None
    i, value = found
    author = name_before_date(lines[i]) or name_after_date(lines[i])
    if author is None and i > 0:
        author = as_name(_NAME_START.sub("", lines[i - 1], count=1))
    return author, value
