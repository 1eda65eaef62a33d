"""Dates and periods named in the text: days, day ranges, months, quarters, years, terms.

``start``/``end`` are ISO at the stated precision (``2019-09-06``, ``2020-06``, ``2020``) and never
carry a day or month that is not printed:

- day: ``ngày 6/9/2019``, ``ngày 18/11/ 1951`` (stray space), ``ngày 30 tháng 5 năm 2019``,
  ``18/11/1930``, ``2020-03-15``; ranges ``từ ngày 15 - 30/3/2020``, ``từ ngày 15/12/2019 đến ngày
  15/2/2020``. A date without its year (``Sáng 26/4``, ``Ngày 21 - 22/7``) takes the year that puts
  it nearest to ``published_at``; without ``published_at`` it is skipped. A year-less date needs
  ``ngày`` or a time of day before it, so fractions (``11/11 đảng bộ``) are not dates.
- month: ``tháng 6/2020``, ``cuối tháng 12/2019``, ``tháng 6 năm 2020``, ``từ tháng 10/2019 đến tháng
  6/2020``; a quarter ``quý III/2020`` is the months 2020-07 to 2020-09 (precision month).
- year: ``năm 2020``, ``giai đoạn 2016 - 2020``, ``năm học 2018 - 2019`` (start and end years).
- term: ``nhiệm kỳ 2020-2025`` → ``2020``/``2025``.

``text`` is the printed span (NFC, spaces collapsed) with its leading ``ngày``, time of day,
``cuối/đầu/giữa tháng``, ``từ`` of a range, ``nhiệm kỳ``, ``giai đoạn``; each distinct
(text, start, end, precision) is listed once, in order of appearance. Numbers inside document codes
(``01/2019/NQ-HĐND``) are not dates.
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass

from crawler.entities.textutil import Doc
from crawler.items import DateMention

_NB = r"(?<![\w/.-])"
_NA = r"(?![\w/])"
_SL = r"\s*/\s*"
_TOD = r"(?:sáng|chiều|tối|trưa|đêm|rạng sáng)"
_PRE = rf"(?P<pre>(?:{_TOD}\s+(?:ngày\s+)?|ngày\s+))"
# All patterns run on the lower-cased article (Doc.low). Full-text passes use patterns that start with
# a literal (fast in ``re``); the others run only in a small window around an anchor ("/", "-dd-").
_ISO_ANCHOR_RE = re.compile(r"-\d\d-")
_ISO_RE = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])")
_TERM_RE = re.compile(r"nhiệm\s+kỳ\s+(?P<y1>\d{4})\s*[-–]\s*(?P<y2>\d{4})" + _NA)
_YEAR_RANGE_RES = [
    re.compile(word + r"\s+(?P<y1>\d{4})\s*(?:[-–]|đến(?:\s+năm)?)\s*(?P<y2>\d{4})" + _NA)
    for word in (r"giai\s+đoạn", r"năm\s+học", r"niên\s+khóa", r"từ\s+năm")
]
_QUARTER_RE = re.compile(r"quý\s+(?P<q>iv|i{1,3}|[1-4])(?:" + _SL + r"|\s+năm\s+)(?P<y>\d{4})" + _NA)
_DAY_RANGE_RE = re.compile(
    rf"{_NB}(?P<from>từ\s+)?{_PRE}?(?P<d1>\d{{1,2}})(?:{_SL}(?P<m1>\d{{1,2}})(?:{_SL}(?P<y1>\d{{4}}))?)?"
    rf"\s*(?:[-–]|đến(?:\s+ngày)?|và)\s*(?P<d2>\d{{1,2}}){_SL}(?P<m2>\d{{1,2}})(?:{_SL}(?P<y2>\d{{4}}))?{_NA}"
)
_DAY_WORDS_RE = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?:\s*(?:năm|,\s*năm)\s+(?P<y>\d{4}))?" + _NA
)
_DAY_RE = re.compile(rf"{_NB}{_PRE}?(?P<d>\d{{1,2}}){_SL}(?P<m>\d{{1,2}})(?:{_SL}(?P<y>\d{{4}}))?{_NA}")
_DAY_DASH_RE = re.compile(r"ngày\s+(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})" + _NA)
_MONTH_RANGE_RE = re.compile(
    rf"từ\s+tháng\s+(?P<m1>\d{{1,2}})(?:(?:{_SL}|\s+năm\s+)(?P<y1>\d{{4}}))?\s*(?:[-–]|đến)\s*"
    rf"(?:tháng\s+)?(?P<m2>\d{{1,2}})(?:{_SL}|\s*-\s*|\s+năm\s+)(?P<y2>\d{{4}}){_NA}"
)
_MONTH_RE = re.compile(
    rf"tháng\s+(?P<m>\d{{1,2}})(?:(?:{_SL}|\s*-\s*|\s+năm\s+)(?P<y>\d{{4}}))?{_NA}(?!\s*năm\s+\d)"
)
_YEAR_RE = re.compile(r"năm\s+(?P<y>\d{4})" + _NA)
_TOD_BEFORE_RE = re.compile(rf"{_TOD}\s+$")
_MONTH_PRE_RE = re.compile(r"(?:cuối|đầu|giữa|hạ tuần|thượng tuần|trung tuần)\s+$")
_YEAR_PRE_RE = re.compile(r"(?:cuối|đầu|giữa)\s+$")
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    first: tuple[int, int | None, int | None]
    last: tuple[int, int | None, int | None]
    precision: str


def _valid(y: int, m: int | None = None, d: int | None = None) -> bool:
    if not 1800 <= y <= 2100:
        return False
    if m is None:
        return d is None
    if not 1 <= m <= 12:
        return False
    if d is None:
        return True
    return 1 <= d <= (29 if m == 2 and calendar.isleap(y) else _DAYS[m])


def _iso(y: int, m: int | None, d: int | None) -> str:
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _nearest_year(pub: tuple[int, int, int] | None, m: int, d: int | None) -> int | None:
    """The year that puts ``d/m`` (or month ``m``) nearest to the publication date."""
    if pub is None:
        return None
    py, pm, pd = pub
    pub_ord = py * 372 + pm * 31 + pd
    best: tuple[int, int] | None = None
    for y in (py - 1, py, py + 1):
        if not _valid(y, m, d):
            continue
        dist = abs(y * 372 + m * 31 + (d if d is not None else 15) - pub_ord)
        if best is None or dist < best[0]:
            best = (dist, y)
    return best[1] if best else None


def parse_day(low: str, pos: int = 0) -> tuple[str, int] | None:
    """A full day (``ngày 6/9/2019``, ``ngày 30 tháng 5 năm 2019``, ``6/9/2019``) at ``pos`` of a
    lower-cased text: (ISO date, end)."""
    for rx in (_DAY_WORDS_RE, _DAY_RE, _DAY_DASH_RE):
        m = rx.match(low, pos)
        if m and m.group("y"):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
            if _valid(y, mo, d):
                return _iso(y, mo, d), m.end()
    return None


def _in_code(text: str, start: int, end: int) -> bool:
    """Whether the match is glued to a document code (``01/2019/NQ-HĐND``) or a longer number."""
    before = text[start - 1 : start] if start else ""
    after = text[end : end + 2]
    return bool(before and (before.isalnum() or before in "/-.")) or (after[:1] in "/-" and after[1:2].isalpha())


def _word_start(low: str, pos: int) -> bool:
    return pos == 0 or not low[pos - 1].isalnum()


def _covering(rx: re.Pattern[str], low: str, anchor: int, before: int, after: int) -> re.Match[str] | None:
    """The match of ``rx`` in a window around ``anchor`` that contains it."""
    pos = max(0, anchor - before)
    end = min(len(low), anchor + after)
    while pos <= anchor:
        m = rx.search(low, pos, end)
        if m is None or m.start() > anchor:
            return None
        if m.end() > anchor:
            return m
        pos = m.start() + 1
    return None


def _scan(low: str, pub: tuple[int, int, int] | None) -> list[_Found]:
    """All dates of ``low`` (the lower-cased article), by priority: a span is taken once."""
    taken = _Spans()
    out: list[_Found] = []

    def add(f: _Found | None) -> None:
        if f is not None and taken.add(f.start, f.end):
            out.append(f)

    for a in _ISO_ANCHOR_RE.finditer(low):
        m = _covering(_ISO_RE, low, a.start(), 4, 8)
        if m:
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
            if _valid(y, mo, d):
                add(_Found(m.start(), m.end(), (y, mo, d), (y, mo, d), "day"))
    for m in _TERM_RE.finditer(low):
        y1, y2 = int(m.group("y1")), int(m.group("y2"))
        if _valid(y1) and _valid(y2) and y1 <= y2 and _word_start(low, m.start()):
            add(_Found(m.start(), m.end(), (y1, None, None), (y2, None, None), "term"))
    for rx in _YEAR_RANGE_RES:
        for m in rx.finditer(low):
            y1, y2 = int(m.group("y1")), int(m.group("y2"))
            if _valid(y1) and _valid(y2) and y1 <= y2 and _word_start(low, m.start()):
                add(_Found(m.start(), m.end(), (y1, None, None), (y2, None, None), "year"))
    for m in _QUARTER_RE.finditer(low):
        q, y = _QUARTERS[m.group("q")], int(m.group("y"))
        if _valid(y) and _word_start(low, m.start()):
            add(_Found(m.start(), m.end(), (y, 3 * q - 2, None), (y, 3 * q, None), "month"))
    slashes = [m.start() for m in _SLASH_RE.finditer(low) if _digit_slash(low, m.start())]
    for p in slashes:
        if _inside(taken, p) or not _RANGE_HINT_RE.search(low, max(0, p - 48), p + 40):
            continue
        m = _covering(_DAY_RANGE_RE, low, p, 48, 40)
        if m:
            f = _day_range(m, pub)
            if f and not _in_code(low, f.start, f.end):
                add(f)
    for m in _DAY_WORDS_RE.finditer(low):
        if _word_start(low, m.start()):
            add(_with_tod(_day(m, pub), low))
    for m in _DAY_DASH_RE.finditer(low):
        if _word_start(low, m.start()):
            add(_with_tod(_day(m, pub), low))
    for p in slashes:
        if _inside(taken, p):
            continue
        m = _covering(_DAY_RE, low, p, 24, 12)
        if m:
            f = _day(m, pub)
            if f and not _in_code(low, m.start("d"), f.end):
                add(f)
    for m in _MONTH_RANGE_RE.finditer(low):
        if _word_start(low, m.start()):
            add(_month_range(m))
    for m in _MONTH_RE.finditer(low):
        if _word_start(low, m.start()):
            f = _month(m, pub)
            pm = _MONTH_PRE_RE.search(low, max(0, m.start() - 14), m.start())
            if f is not None and pm is not None:
                f.start = pm.start()
            add(f)
    for m in _YEAR_RE.finditer(low):
        y = int(m.group("y"))
        if _valid(y) and _word_start(low, m.start()):
            start = m.start()
            pm = _YEAR_PRE_RE.search(low, max(0, start - 6), start)
            add(_Found(pm.start() if pm else start, m.end(), (y, None, None), (y, None, None), "year"))
    out.sort(key=lambda f: f.start)
    return out


_SLASH_RE = re.compile("/")
_RANGE_HINT_RE = re.compile(r"\d\s*[-–]\s*\d|đến|\d và \d")
"""A day range needs one of these near its slash; cheaper than trying the range pattern everywhere."""


def _digit_slash(low: str, p: int) -> bool:
    """Whether the ``/`` at ``p`` has a digit before and after it (spaces allowed: ``18/11/ 1951``)."""
    before = low[max(0, p - 2) : p].rstrip()
    after = low[p + 1 : p + 3].lstrip()
    return bool(before) and before[-1].isdigit() and bool(after) and after[0].isdigit()


class _Spans:
    """Disjoint ``[start, end)`` spans kept sorted: overlap and membership tests by bisection, so
    a page full of dates is scanned in O(n log n), not O(n²) (a list scanned whole per date was
    14 s for a 0.7 MB page)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> bool:
        """Take ``[start, end)`` unless it overlaps a span already taken; whether it was taken."""
        i = bisect.bisect_right(self.starts, start)
        if i and self.ends[i - 1] > start:
            return False
        if i < len(self.starts) and self.starts[i] < end:
            return False
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True

    def covers(self, p: int) -> bool:
        """Whether a span taken contains position ``p``."""
        i = bisect.bisect_right(self.starts, p)
        return bool(i) and p < self.ends[i - 1]


def _inside(spans: _Spans, p: int) -> bool:
    return spans.covers(p)


def _with_tod(f: _Found | None, low: str) -> _Found | None:
    """Extend a ``ngày ...`` match to a time of day printed before it (``Sáng ngày 26/4``)."""
    if f is None:
        return None
    tm = _TOD_BEFORE_RE.search(low, max(0, f.start - 12), f.start)
    if tm:
        f.start = tm.start()
    return f


def _day_range(m: re.Match[str], pub: tuple[int, int, int] | None) -> _Found | None:
    d1, d2, m2 = int(m.group("d1")), int(m.group("d2")), int(m.group("m2"))
    m1 = int(m.group("m1")) if m.group("m1") else m2
    y2 = int(m.group("y2")) if m.group("y2") else None
    y1 = int(m.group("y1")) if m.group("y1") else None
    if y2 is None:
        if m.group("pre") is None:
            return None
        y2 = _nearest_year(pub, m2, d2)
        if y2 is None:
            return None
    if y1 is None:
        y1 = y2 if (m1, d1) <= (m2, d2) else y2 - 1
    if not (_valid(y1, m1, d1) and _valid(y2, m2, d2)) or (y1, m1, d1) > (y2, m2, d2):
        return None
    start = m.start("from") if m.group("from") else (m.start("pre") if m.group("pre") else m.start("d1"))
    return _Found(start, m.end(), (y1, m1, d1), (y2, m2, d2), "day")


def _day(m: re.Match[str], pub: tuple[int, int, int] | None) -> _Found | None:
    d, mo = int(m.group("d")), int(m.group("m"))
    groups = m.groupdict()
    has_pre = "pre" not in groups or groups["pre"] is not None
    if m.group("y"):
        y: int | None = int(m.group("y"))
    else:
        if not has_pre:
            return None
        y = _nearest_year(pub, mo, d)
    if y is None or not _valid(y, mo, d):
        return None
    start = m.start("pre") if groups.get("pre") else (m.start() if "pre" not in groups else m.start("d"))
    return _Found(start, m.end(), (y, mo, d), (y, mo, d), "day")


def _month_range(m: re.Match[str]) -> _Found | None:
    m1, m2, y2 = int(m.group("m1")), int(m.group("m2")), int(m.group("y2"))
    y1 = int(m.group("y1")) if m.group("y1") else (y2 if m1 <= m2 else y2 - 1)
    if not (_valid(y1, m1) and _valid(y2, m2)) or (y1, m1) > (y2, m2):
        return None
    return _Found(m.start(), m.end(), (y1, m1, None), (y2, m2, None), "month")


def _month(m: re.Match[str], pub: tuple[int, int, int] | None) -> _Found | None:
    mo = int(m.group("m"))
    y = int(m.group("y")) if m.group("y") else _nearest_year(pub, mo, None)
    if y is None or not _valid(y, mo):
        return None
    return _Found(m.start(), m.end(), (y, mo, None), (y, mo, None), "month")


def extract_dates(doc: Doc) -> list[DateMention]:
    """All date mentions of the article, each distinct one once, in order of appearance."""
    out: list[DateMention] = []
    seen: set[tuple[str, str, str, str]] = set()
    for f in _scan(doc.low, doc.published):
        seg, local = doc.locate(f.start)
        text = seg.raw[local : local + (f.end - f.start)].strip()
        if text:
            dm = DateMention(text=text, start=_iso(*f.first), end=_iso(*f.last), precision=f.precision)
            key = (dm.text, dm.start, dm.end, dm.precision)
            if key not in seen:
                seen.add(key)
                out.append(dm)
    return out
