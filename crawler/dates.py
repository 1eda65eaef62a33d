"""Publication dates: the short date line near an article title, and metadata date values.

Two entry points turn text into a :class:`DateMatch` (ISO 8601 in Vietnam time, ``+07:00``):

* :func:`parse_date_line` reads a printed date line such as
  ``"Cập nhật: Thứ ba, 14/7/2020 | 12:41:43 PM"``. A fast regex path covers the numeric forms;
  ``dateparser`` (one lazily created, reused Vietnamese parser) is a fallback for spelled-out
  months such as ``"16 Tháng Mười, 2019"`` and runs only on short texts with a year in them.
* :func:`parse_meta_datetime` reads machine values (``article:published_time``, JSON-LD
  ``datePublished``, ``<time datetime>``, RSS ``pubDate``) and converts them to Vietnam time.

Every date is checked against the plausibility window :data:`SITE_LAUNCH` .. today + 1 day
(:func:`is_plausible`). Nothing here raises on messy input; a miss is ``None``.

Two-digit years (``16/10/19``) are accepted only in a clear date line: the separator is ``/`` or
``-`` (never ``.``, to keep version numbers out), the match starts the text, and it either has a
prefix / weekday / time or is the whole text. They mean 20yy.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from crawler.text import clean
from crawler.timeutil import VN_TZ

if TYPE_CHECKING:  # pragma: no cover - typing only
    from dateparser.date import DateDataParser

logger = logging.getLogger(__name__)


SITE_LAUNCH: date = date(2006, 12, 29)
"""Earliest plausible publication date (the electronic newspaper's launch)."""

DATEPARSER_MAX_LEN = 80
"""Longest (cleaned) text handed to the dateparser fallback."""

LOOKS_LIKE_MAX_LEN = 100
"""Longest (cleaned) text :func:`looks_like_date_line` accepts."""

LOOKS_LIKE_MIN_SHARE = 0.4
"""Share of the text the matched date span must cover in :func:`looks_like_date_line`."""


@dataclass(frozen=True)
class DateMatch:
    """A publication date/time read from a page."""

    iso: str
    """ISO 8601 with ``+07:00`` and seconds, e.g. ``"2019-10-16T08:45:00+07:00"``;
    a date without time gives ``"2019-10-16T00:00:00+07:00"``."""
    raw: str
    """The matched span as printed (NFC, whitespace collapsed), from an optional prefix
    (``"Cập nhật:"``) and weekday through the time and an optional ``(GMT+7)``."""
    has_time: bool
    """Whether a time of day was printed."""


# --- regex building blocks (applied to text already passed through ``clean``: NFC, single spaces) ---

_PREFIX_WORDS = (
    "ngày cập nhật",
    "cập nhật lúc",
    "cập nhật ngày",
    "cập nhật",
    "ngày đăng tải",
    "ngày đăng",
    "đăng ngày",
    "đăng lúc",
    "đăng tải",
    "ngày xuất bản",
    "xuất bản",
    "thời gian đăng",
    "thời gian",
    "ngày giờ",
    "posted on",
    "posted",
    "published",
    "updated",
)
_PREFIX = r"(?P<prefix>(?<!\w)(?:" + "|".join(re.escape(w) for w in _PREFIX_WORDS) + r") ?:? ?)"

_WEEKDAY_CORE = r"(?<!\w)(?:thứ ?(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ ?nhật|cn|t[2-7])(?!\w)"
_WEEKDAY = r"(?P<wd>" + _WEEKDAY_CORE + r" ?[,|\-–—]? ?)"
_WEEKDAY2 = r"(?P<wd2>" + _WEEKDAY_CORE + r" ?[,|\-–—]? ?)"


def _time_pattern(tag: str) -> str:
    """A time of day with group names suffixed by ``tag`` (the big regex holds two times)."""
    return (
        rf"(?P<t{tag}>(?<![\d:.])(?P<h{tag}>[01]?\d|2[0-3]) ?(?:[:hg]|giờ) ?(?P<mi{tag}>[0-5]\d)"
        rf"(?::(?P<s{tag}>[0-5]\d))?(?: ?phút)?"
        rf"(?: ?(?P<ap{tag}>[ap]\.? ?m\.?|sa|ch|sáng|trưa|chiều|tối|đêm)(?!\w))?)(?![\d])"
    )


_TZ = r"(?P<tz> ?\(? ?(?:gmt|utc) ?\+ ?0?7(?::?00)?(?: ?\))?)"

_NUM_DATE = (
    r"(?<![\w./])(?P<d>[0-3]?\d) ?(?P<sep>[/.\-]) ?(?P<m>[01]?\d) ?(?P=sep) ?(?P<y>\d{4}|\d{2})"
    r"(?!\d|[./]\d|-\d{1,2}[./\-]\d)"
)
_ISO_DATE = (
    r"(?<![\w./])(?<!\d-)(?P<iy>(?:19|20)\d{2})(?P<isep>[/.\-])(?P<im>[01]?\d)(?P=isep)(?P<id>[0-3]?\d)"
    r"(?!\d|[./\-]\d)"
)
_LONG_DATE = (
    r"(?<![\w./])(?P<ld>[0-3]?\d) tháng (?P<lm>[01]?\d)(?:(?: năm|,) ?| )(?P<ly>(?:19|20)\d{2})(?!\d)"
)

_DATE_LINE_RE = re.compile(
    rf"{_PREFIX}?{_WEEKDAY}?"
    rf"(?:{_time_pattern('1')}(?: ?[|,\-–—])? ?)?{_WEEKDAY2}?"
    r"(?P<ngay>ngày ?:? ?)?"
    rf"(?:{_NUM_DATE}|{_ISO_DATE}|{_LONG_DATE})"
    rf"(?:(?:(?: ?[|,\-–—])? ?(?:(?:vào )?lúc ?)?|T){_time_pattern('2')})?"
    rf"{_TZ}?",
    re.IGNORECASE,
)
"""Prefix? weekday? (time sep)? weekday? "ngày"? date (sep time)? tz? -- the whole printed date line."""

_RANGE_BEFORE_RE = re.compile(
    r"(?<![\d:])(?P<n>\d{1,2})(?P<dm>[/.]\d{1,2})? ?(?:[\-–—]|đến|tới) ?$", re.IGNORECASE
)
"""Text just before a date that makes it the end of a range: ``15 - 30/3/2020``."""

_VERSION_BEFORE_RE = re.compile(r"(?<!\w)(?:phiên bản|version|ver\.?|bản|v) ?$", re.IGNORECASE)
"""Text just before a dotted number that makes it a version: ``phiên bản 2.1.2020``."""

_QUICK_SHAPE_RE = re.compile(r"\d ?[/.\-] ?\d{1,2} ?[/.\-] ?\d|\d tháng \d", re.IGNORECASE)
"""Cheap pre-check: without one of these shapes the big date-line regex cannot match. Text with
one is the regex path's territory and is never handed to dateparser."""

_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_DIGIT_RE = re.compile(r"\d")
_ANY_TIME_RE = re.compile(_time_pattern(""), re.IGNORECASE)
_LEADING_LABEL_RE = re.compile(rf"^{_PREFIX}?{_WEEKDAY}?", re.IGNORECASE)

_MONTH_WORD_RE = re.compile(
    r"(?<!\w)(?P<d>[0-3]?\d) tháng (?:giêng|chạp|một|hai|ba|tư|năm|sáu|bảy|bẩy|tám|chín|mười(?: một| hai)?)"
    r"(?:,| năm)? ?(?:19|20)\d{2}(?!\d)",
    re.IGNORECASE,
)
"""Spelled-out month (``16 Tháng Mười, 2019``): read by dateparser; used by :func:`looks_like_date_line`."""

_META_ISO_RE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d{1,9})?)?)?"
    r" ?(?P<tz>Z|[+\-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)

_DP_SETTINGS: dict[str, object] = {
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
}
_DP_PARSER: DateDataParser | None = None
"""The one dateparser instance, created on first use by :func:`_dateparser`."""


# --- plausibility ---


def vn_today() -> date:
    """Today's date in Vietnam."""
    return datetime.now(VN_TZ).date()


def is_plausible(d: date, *, today: date | None = None) -> bool:
    """``SITE_LAUNCH <= d <= today + 1 day``; ``today`` defaults to the current date in Vietnam.

    Datetimes are compared by their date. Never raises (non-dates give ``False``).
    """
    if not isinstance(d, date):
        return False
    if isinstance(d, datetime):
        d = d.date()
    ref = today if isinstance(today, date) else vn_today()
    if isinstance(ref, datetime):
        ref = ref.date()
    return SITE_LAUNCH <= d <= ref + timedelta(days=1)


# --- helpers ---


def _iso(dt: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS+07:00`` of a naive Vietnam datetime (microseconds dropped)."""
    return dt.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S") + "+07:00"


def _to_24h(hour: int, ampm: str | None) -> int:
    """Apply an AM/PM marker (or Vietnamese SA/CH, sáng/trưa/chiều/tối/đêm); 12 AM is 0, 12 PM is 12.

    An hour above 12 with a marker is taken as already 24-hour.
    """
    if not ampm or hour > 12:
        return hour
    marker = ampm.lower().replace(".", "").replace(" ", "")
    if marker in ("pm", "ch", "chiều", "tối"):
        return hour if hour == 12 else hour + 12
    if marker == "trưa":  # noon: "11 giờ trưa" is 11, "1 giờ trưa" is 13
        return hour + 12 if hour < 10 else hour
    if marker == "đêm":  # "10 giờ đêm" is 22, "2 giờ đêm" is 2, "12 giờ đêm" is 0
        return hour + 12 if 6 <= hour < 12 else 0 if hour == 12 else hour
    if marker == "sáng":
        return hour
    return 0 if hour == 12 else hour


@dataclass(frozen=True)
class _Reading:
    """A calendar-valid reading of one regex match (window not yet checked)."""

    when: datetime
    raw: str
    has_time: bool


def _match_year(m: re.Match[str], text: str) -> int | None:
    """The four-digit year of a match, applying the two-digit-year rule (see module docstring)."""
    for key in ("y", "iy", "ly"):
        val = m.group(key)
        if val is None:
            continue
        if len(val) == 4:
            return int(val)
        has_context = any(m.group(g) for g in ("prefix", "wd", "t1", "wd2", "t2"))
        if key != "y" or m.group("sep") == "." or m.start() != 0 and not (m.group("prefix") or m.group("wd")):
            return None  # (after a label or a weekday, "Cập nhật thứ hai, ngày 24/12/12", anywhere)
        if has_context or m.end() == len(text.rstrip(" .,;")):
            return 2000 + int(val)
        return None
    return None


def _rejected_by_context(m: re.Match[str], text: str, day: int) -> bool:
    """Whether the text before a bare date makes it a range end or a version number.

    ``15 - 30/3/2020`` and ``15/3 - 30/3/2020`` close a range (for a plain number, only when it is
    below the day, so ``Trang 20 - 16/10/2019`` stays a date); ``phiên bản 2.1.2020`` is a version.
    """
    if any(m.group(g) for g in ("prefix", "wd", "t1", "wd2")):
        return False
    before = text[: m.start()]
    rng = _RANGE_BEFORE_RE.search(before)
    if rng and (rng.group("dm") or int(rng.group("n")) < day):
        return True
    return m.group("sep") == "." and bool(_VERSION_BEFORE_RE.search(before))


def _read_match(m: re.Match[str], text: str) -> _Reading | None:
    """Turn a regex match into a calendar-valid datetime, or ``None``."""
    if m.group("d") is not None:
        day, month = int(m.group("d")), int(m.group("m"))
    elif m.group("id") is not None:
        day, month = int(m.group("id")), int(m.group("im"))
    else:
        day, month = int(m.group("ld")), int(m.group("lm"))
    if _rejected_by_context(m, text, day):
        return None
    year = _match_year(m, text)
    if year is None:
        return None
    tag = "1" if m.group("t1") else ("2" if m.group("t2") else None)
    hour = minute = second = 0
    if tag is not None:
        hour = _to_24h(int(m.group("h" + tag)), m.group("ap" + tag))
        minute = int(m.group("mi" + tag))
        second = int(m.group("s" + tag) or 0)
    try:
        when = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return _Reading(when=when, raw=m.group(0).strip(), has_time=tag is not None)


def _regex_readings(text: str) -> tuple[list[_Reading], bool]:
    """All calendar-valid readings of ``text`` in order, and whether any date shape matched."""
    readings: list[_Reading] = []
    seen = False
    if not _QUICK_SHAPE_RE.search(text):
        return readings, seen
    for m in _DATE_LINE_RE.finditer(text):
        seen = True
        reading = _read_match(m, text)
        if reading is not None:
            readings.append(reading)
    return readings, seen


def _dateparser() -> DateDataParser:
    """The module's single Vietnamese ``DateDataParser``, created on first call."""
    global _DP_PARSER
    if _DP_PARSER is None:
        from dateparser.date import DateDataParser

        _DP_PARSER = DateDataParser(languages=["vi"], settings=_DP_SETTINGS)
    return _DP_PARSER


def _dateparser_eligible(text: str) -> bool:
    """Short, has a digit and a 19xx/20xx year, and no numeric d/m/y shape (the regex's job)."""
    return (
        len(text) <= DATEPARSER_MAX_LEN
        and bool(_DIGIT_RE.search(text))
        and bool(_YEAR_RE.search(text))
        and not _QUICK_SHAPE_RE.search(text)
    )


def _fallback(text: str, today: date | None) -> DateMatch | None:
    """Ask dateparser about ``text`` (already eligible); keep its answer only if it is printed there."""
    body = _LEADING_LABEL_RE.sub("", text, count=1) or text
    try:
        result = _dateparser().get_date_data(body)
    except (ValueError, TypeError, OverflowError, AttributeError, LookupError, re.error) as exc:
        logger.debug("dateparser failed on %r: %s", text, exc)
        return None
    when = result.date_obj
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(VN_TZ).replace(tzinfo=None)
    # Guard against relative answers ("hôm qua") and guesses: year and day must be printed.
    year_printed = re.search(rf"(?<!\d){when.year}(?!\d)", text)
    day_printed = re.search(rf"(?<!\d)0?{when.day}(?!\d)", text)
    if not (year_printed and day_printed):
        return None
    if not is_plausible(when.date(), today=today):
        return None
    # The time, when printed, is read by the same rule as on the regex path.
    tm = _ANY_TIME_RE.search(text)
    hour = _to_24h(int(tm.group("h")), tm.group("ap")) if tm else 0
    minute, second = (int(tm.group("mi")), int(tm.group("s") or 0)) if tm else (0, 0)
    when = when.replace(hour=hour, minute=minute, second=second, microsecond=0)
    has_time = tm is not None
    return DateMatch(iso=_iso(when), raw=text, has_time=has_time)


# --- public API ---


def parse_date_line(text: str, *, today: date | None = None) -> DateMatch | None:
    """Publication date/time printed in a short date line near an article title.

    The text is NFC-normalised and its whitespace (NBSP, zero-width included) collapsed. The regex
    path reads every numeric form (``d/m/yyyy`` with ``/``, ``-`` or ``.``; ``yyyy-mm-dd``;
    ``ngày 16 tháng 10 năm 2019``) with an optional prefix (``Cập nhật:``), weekday (``Thứ ba,``,
    ``T4``, ``CN``), time before or after the date (``08:45``, ``8h45``, ``08g45``,
    ``12:41:43 PM``, ``SA``/``CH``) and ``(GMT+7)``. The first match that is a real calendar date
    inside the plausibility window wins. A bare date that closes a range (``15 - 30/3/2020``) or
    follows "phiên bản"/"v" is skipped. Only when the regex sees no date shape at all, a text of at
    most 80 characters with a 19xx/20xx year goes to dateparser (spelled-out months); its ``raw``
    is then the whole cleaned text. Returns ``None`` when nothing plausible is found.
    """
    if not isinstance(text, str):
        return None
    cleaned = clean(text)
    if not cleaned:
        return None
    readings, seen = _regex_readings(cleaned)
    for reading in readings:
        if is_plausible(reading.when.date(), today=today):
            return DateMatch(iso=_iso(reading.when), raw=reading.raw, has_time=reading.has_time)
    if seen or not _dateparser_eligible(cleaned):
        return None
    return _fallback(cleaned, today)


def parse_meta_datetime(value: str, *, today: date | None = None) -> DateMatch | None:
    """A metadata value converted to Vietnam time (+07:00).

    Reads ISO 8601 (``2019-10-16T08:45:00+07:00``, ``2019-10-16T01:45:00Z``, ``+0700``, fractions
    of a second dropped), naive ``2019-10-16 08:45:00`` (taken as Vietnam time), date-only
    ``2019-10-16`` (``has_time`` False), RFC 2822 (``Wed, 16 Oct 2019 08:45:00 +0700``, RSS), and
    as a last resort any printed form :func:`parse_date_line` reads. ``raw`` is the value as given
    (surrounding whitespace stripped). The Vietnam date must pass :func:`is_plausible`.
    """
    if not isinstance(value, str):
        return None
    raw = value.strip()
    cleaned = clean(value)
    if not cleaned:
        return None
    when: datetime | None
    if _META_ISO_RE.fullmatch(cleaned):
        when, has_time = _parse_iso(cleaned)  # ISO-shaped but invalid: no second guess
    else:
        when, has_time = _parse_rfc2822(cleaned)
        if when is None:
            found = parse_date_line(cleaned, today=today)
            return DateMatch(iso=found.iso, raw=raw, has_time=found.has_time) if found else None
    if when is None or not is_plausible(when.date(), today=today):
        return None
    return DateMatch(iso=_iso(when), raw=raw, has_time=has_time)


def _parse_iso(value: str) -> tuple[datetime | None, bool]:
    """An ISO 8601 value as a naive Vietnam datetime, and whether it carried a time."""
    m = _META_ISO_RE.fullmatch(value)
    if not m:
        return None, False
    has_time = m.group("H") is not None
    tzinfo: timezone | None = None
    tz = m.group("tz")
    if tz:
        if tz.upper() == "Z":
            tzinfo = timezone.utc
        else:
            digits = tz[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
            if hours > 14 or minutes > 59:
                return None, False
            offset = timedelta(hours=hours, minutes=minutes)
            tzinfo = timezone(-offset if tz[0] == "-" else offset)
    try:
        when = datetime(
            int(m.group("y")),
            int(m.group("m")),
            int(m.group("d")),
            int(m.group("H") or 0),
            int(m.group("M") or 0),
            int(m.group("S") or 0),
            tzinfo=tzinfo,
        )
    except ValueError:
        return None, False
    if tzinfo is not None and has_time:
        when = when.astimezone(VN_TZ)
    return when.replace(tzinfo=None), has_time


def _parse_rfc2822(value: str) -> tuple[datetime | None, bool]:
    """An RFC 2822 value (RSS ``pubDate``) as a naive Vietnam datetime; naive input is Vietnam time."""
    if not re.search(r"[A-Za-z]{3}", value):
        return None, False
    import email.utils  # only RSS dates need it: not imported by every page parse

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, False
    if when.tzinfo is not None:
        when = when.astimezone(VN_TZ)
    return when.replace(tzinfo=None), True


def looks_like_date_line(text: str) -> bool:
    """Cheap test: does this short text look like a date line that :func:`parse_date_line` reads?

    The rule: after NFC and whitespace collapsing the text is at most 100 characters, and it holds
    a date span in a form the regex path reads (a real calendar date, e.g. not ``31/2/2020``, not a
    range end or version number; the plausibility window is *not* checked) or a spelled-out-month
    date (``16 Tháng Mười, 2019``) such that either

    * the span (prefix, weekday, time, date, time, ``(GMT+7)``) starts the text, i.e. the text
      begins with a date, a time before a date, a weekday or a label such as ``Cập nhật``; or
    * the span covers at least 40 % of the text's characters.

    ``"Cập nhật: Thứ ba, 14/7/2020 | 12:41:43 PM  Lượt xem: 55"`` is one;
    ``"Sáng 26/4, tại hội trường ..."`` (no year) and a long sentence citing a date are not.
    """
    if not isinstance(text, str):
        return False
    cleaned = clean(text)
    if not cleaned or len(cleaned) > LOOKS_LIKE_MAX_LEN:
        return False
    if _QUICK_SHAPE_RE.search(cleaned):
        for m in _DATE_LINE_RE.finditer(cleaned):
            if _read_match(m, cleaned) is not None and _span_counts(m.start(), m.end(), cleaned):
                return True
    for m in _MONTH_WORD_RE.finditer(cleaned):
        start = m.start()
        label = _LEADING_LABEL_RE.match(cleaned)
        if label and label.end() == start:
            start = 0
        if _span_counts(start, m.end(), cleaned):
            return True
    return False


def _span_counts(start: int, end: int, text: str) -> bool:
    """Whether a date span starts the text or covers at least :data:`LOOKS_LIKE_MIN_SHARE` of it."""
    return start == 0 or (end - start) >= LOOKS_LIKE_MIN_SHARE * len(text)
