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
}  # fmt: skip
_MONTH_RE = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?", re.I)
_NOISE_RE = re.compile(
    r"\b(at|um|à|a las|alle|om|on|am|le|el|den|der|de|del|posted|published|updated|uhr|h)\b|@|,|\||\bat\b",
    re.I,
)
_ORDINAL_RE = re.compile(r"\b(\d{1,2})(st|nd|rd|th|er|e)\b", re.I)
_MONTH_NAME = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_HAS_YEAR = re.compile(r"(?<!\d)(19[9]\d|20\d\d)(?!\d)")
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
    r"|(?P<d3>\d{1,2})\.(?P<mo3>\d{1,2})\.(?P<y3>\d{4}|\d{2})"
    r"|(?P<y4>\d{4})-(?P<mo4>\d{1,2})-(?P<d4>\d{1,2}))"
    r"(?:,?\s*(?:at|um|à|a las|alle|om|-|\||@)?\s*(?P<h>\d{1,2})[:.h](?P<mi>\d{2})(?::(?P<s>\d{2}))?"
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


def parse_date(text: str | None, near: datetime | None = None) -> datetime | None:
    """ISO first, then free text such as "March 3, 2015 at 4:12 pm" or "3. März 2015 um 16:12".

    ``near`` (e.g. the post's date) lets a year-less "Jun 20th at 2:41 am" resolve to the first such
    day on or after it.
    """
    if not text or len(text) > 200:
        return None
    iso = parse_iso(text)
    if iso is not None:
        return iso
    if not _HAS_YEAR.search(text):
        return _without_year(text, near) if near else None
    cleaned = _MONTH_RE.sub(lambda m: _MONTHS[m.group(1).lower()], text)
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


def from_epoch_ms(value: str | int | None) -> datetime | None:
    """Blogger ``?showComment=<epoch milliseconds>``."""
    if value is None:
        return None
    try:
        return plausible(datetime.fromtimestamp(int(value) / 1000, tz=UTC))
    except (TypeError, ValueError, OverflowError, OSError):
        return None
