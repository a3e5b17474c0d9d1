"""Page dates to exact instants, with python-dateutil and explicit zone handling.

A news page states its dates in many forms (ISO 8601 in JSON-LD, RFC 2822 in feeds, "21:09 GMT
02.03.2021" or "2. März 2021, 16:09 Uhr" in visible datelines). We keep what the page says (raw string,
source) and derive the UTC instant only when both the time of day and the zone are known: a zone-less
time takes the zone the page declares elsewhere, or stays zone-unknown; it is never silently shifted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from dateutil import parser as dateutil_parser
from dateutil import tz

from crawler.record import PageDate, utc_iso

EARLIEST_YEAR = 1990
# A page clock a few minutes ahead of ours is a skew, not a future date.
FUTURE_TOLERANCE = timedelta(minutes=10)

# Zone abbreviations seen in datelines. Ambiguous ones take their most common news meaning
# (IST: India, CST: US Central); ET/CT/MT/PT follow daylight saving time.
_ZONES: dict[str, int | tzinfo | None] = {
    **dict.fromkeys(["UTC", "GMT", "UT", "Z", "WET"], 0),
    "BST": 3600, "IST": 19800, "CET": 3600, "CEST": 7200, "MEZ": 3600, "MESZ": 7200,
    "WEST": 3600, "EET": 7200, "EEST": 10800, "MSK": 10800, "EAT": 10800, "SAST": 7200, "WAT": 3600,
    "PKT": 18000, "ICT": 25200, "WIB": 25200, "SGT": 28800, "HKT": 28800, "AWST": 28800,
    "JST": 32400, "KST": 32400, "ACST": 34200, "AEST": 36000, "AEDT": 39600, "NZST": 43200,
    "NZDT": 46800, "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "MST": -25200,
    "MDT": -21600, "PST": -28800, "PDT": -25200, "AKST": -32400, "AKDT": -28800, "HST": -36000,
    "BRT": -10800, "ART": -10800,
    "ET": tz.gettz("America/New_York"), "CT": tz.gettz("America/Chicago"),
    "MT": tz.gettz("America/Denver"), "PT": tz.gettz("America/Los_Angeles"),
}  # fmt: skip

_MONTHS = {
    "January": "januar jänner janvier enero janeiro gennaio januari stycznia styczeń",
    "February": "februar février fevrier febrero fevereiro febbraio februari lutego luty",
    "March": "märz maerz mars marzo março marco maart marca marzec",
    "April": "avril abril aprile kwietnia kwiecień",
    "May": "mai mayo maio maggio mei maja maj",
    "June": "juni juin junio junho giugno czerwca czerwiec",
    "July": "juli juillet julio julho luglio lipca lipiec",
    "August": "août aout agosto augustus sierpnia sierpień",
    "September": "septembre septiembre setiembre setembro settembre września wrzesień",
    "October": "oktober octobre octubre outubro ottobre października październik",
    "November": "novembre noviembre novembro listopada listopad",
    "December": "dezember décembre decembre diciembre dezembro dicembre grudnia grudzień",
}
_MONTH_ABBREVIATIONS = {
    "Jan": "jän", "Feb": "févr fev fév", "Mar": "mär mrz mars", "May": "mai", "Jun": "juin",
    "Jul": "juil", "Aug": "août", "Oct": "okt ott out", "Dec": "dez déc dic",
}  # fmt: skip
_MONTH_WORDS = {
    word: english
    for table in (_MONTHS, _MONTH_ABBREVIATIONS)
    for english, words in table.items()
    for word in words.split()
}
_MONTH_PATTERN = re.compile(
    r"(?<![^\W\d_])("
    + "|".join(sorted(map(re.escape, _MONTH_WORDS), key=len, reverse=True))
    + r")\.?(?![^\W\d_])",
    re.IGNORECASE,
)
_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_CJK_TIME = re.compile(r"(\d{1,2})\s*[時时시]\s*(\d{1,2})\s*[分분]")
_H_TIME = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})\b")  # French "15h05"
_DOT_TIME = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")  # "09.15 GMT"
_DAY_DOT = re.compile(r"\b(\d{1,2})\.\s+(?=[^\W\d_])")  # German "2. März"
_MERIDIEM = re.compile(r"\b([ap])\.\s?m\.?(?=\W|$)", re.IGNORECASE)
_NOISE = re.compile(
    r"\b(uhr|um|à|de|del|às|alle|om|o|godz\.?|klo|kl\.|h)\b|[|•·,]|(?<=\d)(st|nd|rd|th)\b",
    re.IGNORECASE,
)
_EPOCH = re.compile(r"^\d{10}(\.\d+)?$")
_YEAR_FIRST = re.compile(r"(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
# Two defaults that differ in every field: a field that differs between the two parses was absent.
# They are naive on purpose: dateutil attaches a zone only when the string names one.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)  # noqa: DTZ001
_DEFAULT_B = datetime(2001, 2, 2, 13, 37, 59)  # noqa: DTZ001


# "Published 9:05 a.m. ET | Updated 3:45 p.m. ET": what follows the marker is the modification time.
_UPDATE_MARKER = re.compile(
    r"\b(updated|last\s+updated|last\s+modified|modified|mis\s+à\s+jour|mise\s+à\s+jour|aktualisiert|"
    r"actualizado|actualización|atualizado|atualização|aggiornato|bijgewerkt|zaktualizowano|uppdaterad|更新|"
    r"최종수정|수정|修改)\b",
    re.IGNORECASE,
)


def split_dateline(text: str) -> tuple[str, str | None]:
    """Split a visible dateline into its publication part and its update part (if any)."""
    match = _UPDATE_MARKER.search(text)
    if match is None:
        return text, None
    return text[: match.start()], text[match.end() :]


@dataclass(frozen=True)
class ParsedDate:
    """A parsed candidate: ``moment`` is aware when the string carried a zone, naive otherwise."""

    raw: str
    source: str
    moment: datetime
    precision: str  # "second", "minute", "day"


def _english(raw: str) -> str:
    text = _CJK_DATE.sub(r"\1-\2-\3 ", raw)
    text = _CJK_TIME.sub(r"\1:\2", text)
    text = _H_TIME.sub(r"\1:\2", text)
    text = _DOT_TIME.sub(r"\1:\2", text)
    text = _DAY_DOT.sub(r"\1 ", text)
    text = _MONTH_PATTERN.sub(lambda m: " " + _MONTH_WORDS[m.group(1).lower()] + " ", text)
    text = _MERIDIEM.sub(lambda m: m.group(1).upper() + "M", text)
    return _NOISE.sub(" ", text)


def parse_date(raw: str, source: str, *, dayfirst: bool = True) -> ParsedDate | None:
    """Parse one date string as written on a page; None when it has no full calendar date."""
    raw = " ".join(raw.split())
    if not raw or len(raw) > 120:
        return None
    if _EPOCH.match(raw):
        moment = datetime.fromtimestamp(float(raw), tz=timezone.utc)
        return ParsedDate(raw, source, moment, "second")
    text = _english(raw)
    if _YEAR_FIRST.search(text):
        dayfirst = False  # ISO 8601 and its relatives: year, month, day
    try:
        first = dateutil_parser.parse(text, default=_DEFAULT_A, dayfirst=dayfirst, fuzzy=True, tzinfos=_ZONES)
        second = dateutil_parser.parse(
            text, default=_DEFAULT_B, dayfirst=dayfirst, fuzzy=True, tzinfos=_ZONES
        )
    except (ValueError, OverflowError, TypeError):
        return None
    if first.year != second.year or first.month != second.month or first.day != second.day:
        return None  # no year, month or day: "4:09 PM" or "March 2" alone is not a date
    if first.hour != second.hour or first.minute != second.minute:
        return ParsedDate(raw, source, first.replace(hour=0, minute=0, second=0, tzinfo=None), "day")
    precision = "minute" if first.second != second.second else "second"
    return ParsedDate(raw, source, first.replace(microsecond=0), precision)


def complete_with(candidate: ParsedDate | None, raw: str, source: str, dayfirst: bool) -> ParsedDate | None:
    """Parse an update time such as "mis à jour à 17h30" that names no day: it takes ``candidate``'s day."""
    parsed = parse_date(raw, source, dayfirst=dayfirst)
    if parsed is not None or candidate is None:
        return parsed
    day = candidate.moment.strftime("%Y-%m-%d ")
    parsed = parse_date(day + _english(raw), source, dayfirst=False)
    if parsed is None or parsed.precision == "day":
        return None
    moment = parsed.moment
    if moment.tzinfo is None and candidate.moment.tzinfo is not None:
        moment = moment.replace(tzinfo=candidate.moment.tzinfo)
    return ParsedDate(raw, source, moment, parsed.precision)


def page_zone(candidates: list[ParsedDate]) -> tzinfo | None:
    """The zone a page declares through any of its dates that carries an explicit offset."""
    for candidate in candidates:
        if candidate.precision != "day" and candidate.moment.tzinfo is not None:
            offset = candidate.moment.utcoffset()
            if offset is not None:
                return timezone(offset)
    return None


def to_page_date(candidate: ParsedDate, zone: tzinfo | None) -> PageDate:
    moment = candidate.moment
    if candidate.precision == "day":
        return PageDate(candidate.raw, candidate.source, None, moment.date().isoformat(), "day", "unknown")
    local_format = "%Y-%m-%dT%H:%M" if candidate.precision == "minute" else "%Y-%m-%dT%H:%M:%S"
    local = moment.strftime(local_format)
    if moment.tzinfo is not None:
        return PageDate(
            candidate.raw, candidate.source, utc_iso(moment), local, candidate.precision, "explicit"
        )
    if zone is not None:
        instant = utc_iso(moment.replace(tzinfo=zone))
        return PageDate(candidate.raw, candidate.source, instant, local, candidate.precision, "page")
    return PageDate(candidate.raw, candidate.source, None, local, candidate.precision, "unknown")


def plausible(candidate: ParsedDate, fetched_at: datetime) -> bool:
    """Reject dates before 1990 and dates after the fetch (beyond clock skew, or the next day for days)."""
    moment = candidate.moment
    if moment.year < EARLIEST_YEAR:
        return False
    if candidate.precision == "day" or moment.tzinfo is None:
        # The page's local calendar may run up to 14 hours ahead of UTC.
        return moment.date() <= (fetched_at + timedelta(hours=14)).date()
    return moment <= fetched_at + FUTURE_TOLERANCE


def choose(candidates: list[ParsedDate], fetched_at: datetime, zone: tzinfo | None) -> PageDate | None:
    """The first plausible candidate in precedence order; a day-only value gives way to a later
    candidate on the same day that also has the time."""
    valid = [c for c in candidates if plausible(c, fetched_at)]
    if not valid:
        return None
    best = valid[0]
    if best.precision == "day":
        for other in valid[1:]:
            if other.precision != "day" and other.moment.date() == best.moment.date():
                best = other
                break
    return to_page_date(best, zone)


# Relative dates ("3 hours ago", "vor 3 Stunden", "il y a 3 heures", "hace 3 horas", "3時間前", "3시간 전"):
# a number, a unit, and a word saying "ago" in one of the page languages we read.
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "ein": 1, "eine": 1, "einer": 1, "einem": 1, "un": 1, "une": 1, "una": 1,
    "uno": 1, "um": 1, "uma": 1, "een": 1, "en": 1, "ett": 1, "jeden": 1, "jedną": 1,
}  # fmt: skip
_UNITS = {
    "second": "seconds? secs? sekunden? secondes? segundos? secondi secondo seconden sekund[aęy]? "
    "sekunder 秒 초",
    "minute": "minutes? mins? minuten? minutos? minuti minuto minuut minut[aęy]? minutter 分钟 分鐘 分 분",
    "hour": "hours? hrs? stunden? heures? horas? ore ora uur godzin[aęy]? timmar timme timer "
    "時間 小时 小時 시간",
    "day": "days? tag(?:en)? jours? días? dias? giorni giorno dagen dag dagar dager dni dzień 日 天 일",
    "week": "weeks? wochen? semaines? semanas? settimane settimana weken tygodnie tydzień veckor vecka "
    "uker uke 週間 周 주",
}
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
_RELATIVE = re.compile(
    r"(?<![\w.])(\d{1,3}|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")\s*("
    + "|".join(f"(?P<{unit}>{'|'.join(words.split())})" for unit, words in _UNITS.items())
    + r")(?:(?![^\W\d_])|(?=\s*[前전]))",
    re.IGNORECASE,
)
_AGO = re.compile(
    r"(?<![^\W\d_])(ago|vor|il\s+y\s+a|hace|há|atrás|fa|geleden|temu|sedan|siden)(?![^\W\d_])|前|전",
    re.IGNORECASE,
)
_YESTERDAY = re.compile(
    r"(?<![^\W\d_])(yesterday|gestern|hier|ayer|ieri|gisteren|ontem|wczoraj|igår|i\s+går)(?![^\W\d_])|昨日|昨天|어제",
    re.IGNORECASE,
)
_TODAY = re.compile(
    r"(?<![^\W\d_])(today|heute|aujourd'hui|aujourd’hui|hoy|oggi|vandaag|hoje|dzisiaj|dziś|idag|i\s+dag)"
    r"(?![^\W\d_])|今日|今天|오늘",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})\s*[:h.時시]\s*(\d{2})(?!\d)")
RELATIVE_CHARS = 40  # "vor 3 Stunden", "Updated: 3 hours ago": longer text is prose, not a date


def parse_relative(raw: str, source: str, fetched_at: datetime) -> ParsedDate | None:
    """A date said relative to now, resolved against the fetch time: minutes and hours ago as an
    instant to the minute (in UTC, the zone of the fetch time), days and weeks ago or "yesterday" as a
    day, "yesterday 14:30" as that local time; None when ``raw`` says no such thing."""
    text = " ".join(raw.split())
    if not text or len(text) > RELATIVE_CHARS:
        return None
    found = _RELATIVE.search(text)
    if found and _AGO.search(text):
        number = found.group(1).lower()
        count = int(number) if number.isdigit() else _NUMBER_WORDS[number]
        unit = next(name for name in _UNIT_SECONDS if found.group(name))
        moment = fetched_at.astimezone(timezone.utc) - timedelta(seconds=count * _UNIT_SECONDS[unit])
        if unit in ("day", "week"):
            return ParsedDate(raw, source, datetime(moment.year, moment.month, moment.day), "day")  # noqa: DTZ001
        return ParsedDate(raw, source, moment.replace(second=0, microsecond=0), "minute")
    back = 1 if _YESTERDAY.search(text) else 0 if _TODAY.search(text) else None
    if back is None:
        return None
    day = fetched_at.astimezone(timezone.utc).date() - timedelta(days=back)
    clock = _CLOCK.search(text)
    if clock and int(clock.group(1)) < 24 and int(clock.group(2)) < 60:
        local = datetime(day.year, day.month, day.day, int(clock.group(1)), int(clock.group(2)))  # noqa: DTZ001
        return ParsedDate(raw, source, local, "minute")
    return ParsedDate(raw, source, datetime(day.year, day.month, day.day), "day")  # noqa: DTZ001
