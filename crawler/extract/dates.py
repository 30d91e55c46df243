"""The one date module: dates from HTML attributes and visible text, feeds, the WordPress REST API and
sitemaps, as timezone-aware UTC datetimes, all through one plausibility window (:func:`plausible`), and
the one ``to_utc`` the pipelines and the scheduler use too.

dateutil only (fast); localised month names are translated to English first.  Naive times are
taken as UTC.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import overload

from dateutil import parser as du_parser
from dateutil import tz

_TZ_NAMES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2, "EET": 2,
    "EEST": 3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AEST": 10, "AEDT": 11, "IST": 5.5,
}  # fmt: skip
_MONTHS = {
    # de
    "januar": "january", "jänner": "january", "februar": "february", "märz": "march", "maerz": "march",
    "mai": "may", "juni": "june", "juli": "july", "oktober": "october", "dezember": "december",
    # fr
    "janvier": "january", "février": "february", "fevrier": "february", "mars": "march", "avril": "april",
    "juin": "june", "juillet": "july", "août": "august", "aout": "august", "septembre": "september",
    "octobre": "october", "novembre": "november", "décembre": "december", "decembre": "december",
    # es / it / pt / nl
    "enero": "january", "febrero": "february", "marzo": "march", "abril": "april", "mayo": "may",
    "junio": "june", "julio": "july", "agosto": "august", "septiembre": "september", "octubre": "october",
    "noviembre": "november", "diciembre": "december", "gennaio": "january", "febbraio": "february",
    "aprile": "april", "maggio": "may", "giugno": "june", "luglio": "july", "settembre": "september",
    "ottobre": "october", "dicembre": "december", "janeiro": "january", "fevereiro": "february",
    "março": "march", "maio": "may", "junho": "june", "julho": "july", "setembro": "september",
    "outubro": "october", "dezembro": "december", "januari": "january", "februari": "february",
    "maart": "march", "mei": "may", "augustus": "august",
    # pl: nominative and genitive ("5 maja 2020")
    "styczeń": "january", "stycznia": "january", "luty": "february", "lutego": "february",
    "marzec": "march", "marca": "march", "kwiecień": "april", "kwietnia": "april", "maj": "may",
    "maja": "may", "czerwiec": "june", "czerwca": "june", "lipiec": "july", "lipca": "july",
    "sierpień": "august", "sierpnia": "august", "wrzesień": "september", "września": "september",
    "październik": "october", "października": "october", "listopad": "november", "listopada": "november",
    "grudzień": "december", "grudnia": "december",
    # abbreviations that are no English word (de, fr, es, it): "21. Jan. 2015" is English already
    "mär": "mar", "mrz": "mar", "okt": "oct", "dez": "dec", "janv": "jan", "févr": "feb", "fevr": "feb",
    "avr": "apr", "juil": "jul", "déc": "dec", "ene": "jan", "abr": "apr", "dic": "dec", "gen": "jan",
    "mag": "may", "giu": "jun", "lug": "jul", "ott": "oct",
}  # fmt: skip
MONTH_NAMES = _MONTHS  # localized month name -> English (metaline.py reads it)
_MONTH_RE = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?", re.I)
_NOISE_RE = re.compile(
    r"\b(at|um|à|a las|alle|om|on|am|le|el|den|der|de|del|posted|published|updated|uhr|h)\b|@|,|\||\bat\b",
    re.I,
)
_DE_RE = re.compile(r"\b(\d{1,2})\.?\s+de\s+([a-z]{3,9})\.?\s+(?:de\s+|del\s+)?(\d{4})\b", re.I)  # es, pt
_UNITS = {
    "second": 1, "sekunde": 1, "segundo": 1, "secondo": 1, "secondi": 1, "sekund": 1, "seconde": 1,
    "minute": 60, "minuto": 60, "minuti": 60, "minut": 60, "minuty": 60, "minutę": 60,
    "hour": 3600, "stunde": 3600, "hora": 3600, "ora": 3600, "ore": 3600, "godzin": 3600, "godziny": 3600,
    "godzinę": 3600, "heure": 3600,
    "day": 86400, "tag": 86400, "día": 86400, "dia": 86400, "giorno": 86400, "giorni": 86400,
    "dzień": 86400, "dni": 86400, "jour": 86400,
    "week": 604800, "woche": 604800, "semana": 604800, "settimana": 604800, "settimane": 604800,
    "tydzień": 604800, "tygodnie": 604800, "tygodni": 604800, "semaine": 604800,
    "month": 2592000, "monat": 2592000, "mes": 2592000, "mese": 2592000, "mesi": 2592000,
    "miesiąc": 2592000, "miesiące": 2592000, "miesięcy": 2592000, "mois": 2592000,
    "year": 31536000, "jahr": 31536000, "año": 31536000, "ano": 31536000, "anno": 31536000,
    "anni": 31536000, "rok": 31536000, "lata": 31536000, "lat": 31536000, "an": 31536000, "année": 31536000,
}  # fmt: skip
_ONE = r"\d+|an?|one|eine[mnr]?|ein|una?|un'|une?|jeden|jedną|jedna"
_UNIT = r"[^\W\d]+"
_RELATIVE = re.compile(
    rf"\b(?:(?P<n1>{_ONE})\s+(?P<u1>{_UNIT})\s+ago"  # en
    rf"|vor\s+(?P<n2>{_ONE})\s+(?P<u2>{_UNIT})|(?P<n7>{_ONE})\s+(?P<u7>{_UNIT})\s+her"  # de
    rf"|hace\s+(?P<n3>{_ONE})\s+(?P<u3>{_UNIT})"  # es
    rf"|(?P<n4>{_ONE})\s*(?P<u4>{_UNIT})\s+fa"  # it
    rf"|(?P<n5>{_ONE})\s+(?P<u5>{_UNIT})\s+temu"  # pl
    rf"|il\s+y\s+a\s+(?P<n6>{_ONE})\s+(?P<u6>{_UNIT}))\b"  # fr
    r"|\b(?P<unit_only>minutę|godzinę|godzinę)\s+temu\b",
    re.I,
)
_DAY_WORDS = {
    "today": 0, "heute": 0, "hoy": 0, "oggi": 0, "dzisiaj": 0, "dziś": 0, "aujourd'hui": 0, "aujourd’hui": 0,
    "yesterday": 1, "gestern": 1, "ayer": 1, "ieri": 1, "wczoraj": 1, "hier": 1,
    "vorgestern": 2, "anteayer": 2, "przedwczoraj": 2, "avant-hier": 2, "l'altro ieri": 2,
}  # fmt: skip
_DAY_RE = re.compile(
    r"(?<![\w'’-])(" + "|".join(sorted(map(re.escape, _DAY_WORDS), key=len, reverse=True)) + r")(?![\w'’-])"
    r"(?:[^\d]{0,12}(\d{1,2})[:.h](\d{2})\s*([ap]\.?m\.?)?)?",
    re.I,
)
_ORDINAL_RE = re.compile(r"\b(\d{1,2})(st|nd|rd|th|er|e)\b", re.I)
_MONTH_NAME = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_HAS_YEAR = re.compile(r"(?<!\d)(19[9]\d|20\d\d)(?!\d)")
_DAY_MONTH = re.compile(r"(\d{1,2}\.?\s+[^\W\d]{3,12}\.?)")  # "18. September" (a year goes after it)
_SHORT_DMY = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.\d{2}(?![\d.])")  # "28.09.19"
_US_SLASHED = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
_H_TIME = re.compile(r"\b(\d{1,2}) ?h ?(\d{2})\b")
# A publication date outside [EARLIEST, now + FUTURE_SLACK] is a broken clock, template or unset field
# (1970-01-01, 2999, 9999-12-31): kept, it misleads analysts and breaks date arithmetic.
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)  # before blogs; epoch zero and other unset dates
FUTURE_SLACK = timedelta(days=1)  # a time zone up to UTC+14 read as UTC, plus clock skew
_MONTH_NUMBER = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_ZONE_AFTER = re.compile(r"\s*([A-Z]{2,5}\b|[+-]\d{2}:?\d{2}|Z\b)")  # a time zone: dateutil's job
_COMMON = re.compile(
    r"(?<![\w.])(?:(?P<d1>\d{1,2})\.?\s+(?P<m1>[a-z]{3,9})\.?,?\s+(?P<y1>\d{4})"
    r"|(?P<m2>[a-z]{3,9})\.?\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4})"
    r"|(?P<d3>\d{1,2})\.(?P<mo3>\d{1,2})(?:\.|\.?,\s*(?=\d{4}))(?P<y3>\d{4}|\d{2})"
    r"|(?P<y4>\d{4})-(?P<mo4>\d{1,2})-(?P<d4>\d{1,2}))"
    r"(?:,?\s*(?:r\.\s*)?(?:at|um|à|a las|alle|om|o|-|\||@)?\s*(?P<h>\d{1,2})[:.h](?P<mi>\d{2})(?::(?P<s>\d{2}))?"
    r"\s*(?P<ap>[ap]\.?m\.?)?(?:\s*uhr)?)?(?![\w:])",
    re.I,
)


def _tzinfos(name: str | None, offset: int | None):
    if offset is not None:
        return tz.tzoffset(name, offset)
    hours = _TZ_NAMES.get((name or "").upper())
    return None if hours is None else tz.tzoffset(name, int(hours * 3600))


@overload
def to_utc(value: datetime) -> datetime: ...
@overload
def to_utc(value: None) -> None: ...
def to_utc(value: datetime | None) -> datetime | None:
    """``value`` as an aware UTC datetime; naive values are taken as UTC (SQLite hands them back so)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso_utc(value: datetime) -> str:
    """A time as every output writes it: ISO 8601, UTC (a naive value is UTC, as the database stores it)."""
    return to_utc(value).isoformat()


def plausible(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """``value`` in UTC, or None when it cannot be a publication date: before :data:`EARLIEST` or more
    than :data:`FUTURE_SLACK` after ``now``."""
    if value is None:
        return None
    try:
        value = to_utc(value)
        late = value - (now or datetime.now(UTC)) > FUTURE_SLACK
    except OverflowError:  # e.g. 9999-12-31 west of UTC
        return None
    return None if late or value < EARLIEST else value


def from_struct_time(struct: time.struct_time | tuple | None) -> datetime | None:
    """feedparser's ``*_parsed`` fields (a UTC ``struct_time``) as a plausible UTC datetime."""
    if not struct:
        return None
    try:
        year, month, day, hour, minute, second = struct[:6]
        return plausible(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
    except (TypeError, ValueError, OverflowError):
        return None


def parse_iso(text: str | None) -> datetime | None:
    """Strict ISO 8601 (``<time datetime>``, ``article:published_time``, REST ``date_gmt``, JSON Feed
    dates, sitemap ``<lastmod>``); naive values are taken as UTC."""
    if not text:
        return None
    text = text.strip()
    try:
        return plausible(datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")))
    except ValueError:
        return None


def parse_date(
    text: str | None, near: datetime | None = None, now: datetime | None = None
) -> datetime | None:
    """ISO first, then free text such as "March 3, 2015 at 4:12 pm", "3. März 2015 um 16:12",
    "5 maja 2020", "3 de marzo de 2015".

    ``near`` (e.g. the post's date) lets a year-less "Jun 20th at 2:41 am" resolve to the first such
    day on or after it.  ``now`` (the fetch time) resolves relative dates: "2 days ago", "vor 3 Tagen",
    "hace 2 días", "3 ore fa", "2 dni temu", "il y a 2 jours", "yesterday at 3:12 pm" (without it they
    stay unknown: a saved page's "2 days ago" says nothing about when).
    """
    if not text or len(text) > 200:
        return None
    iso = parse_iso(text)
    if iso is not None:
        return iso
    if not _HAS_YEAR.search(text) and not _SHORT_DMY.search(text):
        relative = relative_date(text, now) if now is not None else None
        if relative is not None:
            return relative
        if near is None and now is not None:
            return _before(text, now)
        return _without_year(text, near) if near else None
    cleaned = _DE_RE.sub(r"\1 \2 \3", _MONTH_RE.sub(lambda m: _MONTHS[m.group(1).lower()], text))
    quick = _common_format(_ORDINAL_RE.sub(r"\1", cleaned))
    if quick is not None:
        return plausible(quick)
    cleaned = _ORDINAL_RE.sub(r"\1", _NOISE_RE.sub(" ", _H_TIME.sub(r"\1:\2", cleaned)))
    dayfirst = _US_SLASHED.search(cleaned) is None  # 4/3/2015 is US; 3.4.2015 and 3/4/15 rarer
    try:
        value = du_parser.parse(cleaned, fuzzy=True, dayfirst=dayfirst, tzinfos=_tzinfos)
    except (ValueError, OverflowError, TypeError):
        return None
    return plausible(value)


def relative_date(text: str, now: datetime) -> datetime | None:
    """ "2 days ago" and its kin in German, Spanish, Italian, Polish and French, "yesterday at 3:12 pm",
    against ``now``; None when ``text`` says no such thing."""
    now = to_utc(now)
    match = _RELATIVE.search(text)
    if match is not None:
        if match.group("unit_only"):
            return plausible(now - timedelta(seconds=_UNITS[match.group("unit_only").lower()]), now)
        number = next(g for g in match.group("n1", "n2", "n3", "n4", "n5", "n6", "n7") if g is not None)
        unit = next(g for g in match.group("u1", "u2", "u3", "u4", "u5", "u6", "u7") if g is not None)
        seconds = _unit_seconds(unit)
        if seconds is None:
            return None
        count = int(number) if number.isdigit() else 1
        return plausible(now - timedelta(seconds=seconds * count), now)
    day = _DAY_RE.search(text)
    if day is None or (
        day.group(1).lower() == "hier" and not (day.group(2) or text.strip().lower() == "hier")
    ):
        return None  # French "hier" only with a time or alone: in German it is "here"
    value = now - timedelta(days=_DAY_WORDS[day.group(1).lower().replace("’", "'")])
    if day.group(2):
        hour, ampm = int(day.group(2)), day.group(4)
        if ampm:
            hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
        if hour > 23 or int(day.group(3)) > 59:
            return None
        value = value.replace(hour=hour, minute=int(day.group(3)), second=0, microsecond=0)
    return plausible(value, now)


def _unit_seconds(unit: str) -> int | None:
    """ "days", "Tagen", "días", "giorni", "dni", "jours" -> seconds of one (plural endings dropped)."""
    unit = unit.lower()
    for candidate in (
        unit,
        unit[:-1],
        unit[:-2],
        unit.rstrip("sn"),
        unit[:-2] + "o" if unit.endswith("ti") else "",
    ):
        if candidate in _UNITS:
            return _UNITS[candidate]
    return None


def _month_known(match: re.Match) -> bool:
    name = match.group("m1") or match.group("m2")
    return name is None or name[:3].lower() in _MONTH_NUMBER


def _common_format(text: str) -> datetime | None:
    """The usual comment and byline dates without dateutil (much faster): "March 3, 2015 at 4:12 pm",
    "3 March 2015, 16:12", "03.04.2020 um 15.30 Uhr", "2015-03-03 16:12"; None for anything else."""
    text = " ".join(text.split())
    match = _COMMON.search(text)
    if match is None or _ZONE_AFTER.match(text, match.end()) or not _month_known(match):
        return None
    g = match.groupdict()
    month = _MONTH_NUMBER.get((g["m1"] or g["m2"] or "")[:3].lower()) or int(g["mo3"] or g["mo4"] or 0)
    year = int(g["y1"] or g["y2"] or g["y3"] or g["y4"])
    year += 2000 if year < 100 else 0
    hour, minute, second = int(g["h"] or 0), int(g["mi"] or 0), int(g["s"] or 0)
    if g["ap"]:
        hour = hour % 12 + (12 if g["ap"].lower().startswith("p") else 0)
    try:
        return datetime(year, month, int(g["d1"] or g["d2"] or g["d3"] or g["d4"]), hour, minute, second)
    except ValueError:
        return None


def _without_year(text: str, near: datetime) -> datetime | None:
    if not _MONTH_NAME.search(text):
        return None
    value = parse_date(f"{text} {near.year}")
    if value is not None and value < near - timedelta(days=1):
        value = value.replace(year=value.year + 1)
    return plausible(value)


def _before(text: str, now: datetime) -> datetime | None:
    """A year-less "18. September um 08:37" seen at ``now``: the latest such day not after it."""
    if not _MONTH_NAME.search(_MONTH_RE.sub(lambda m: _MONTHS[m.group(1).lower()], text)):
        return None
    value = parse_date(f"{text} {now.year}") or parse_date(_DAY_MONTH.sub(rf"\1 {now.year}", text, count=1))
    if value is not None and value > now + FUTURE_SLACK:
        value = value.replace(year=value.year - 1)
    return plausible(value, now)


def from_epoch_ms(value: str | int | None) -> datetime | None:
    """Blogger ``?showComment=<epoch milliseconds>``."""
    if value is None:
        return None
    try:
        return plausible(datetime.fromtimestamp(int(value) / 1000, tz=UTC))
    except (TypeError, ValueError, OverflowError, OSError):
        return None
