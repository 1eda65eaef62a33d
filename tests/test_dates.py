"""Tests for crawler.dates: date lines, metadata values, plausibility, the date-line test."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from crawler import dates
from crawler.dates import (
    SITE_LAUNCH,
    DateMatch,
    is_plausible,
    looks_like_date_line,
    parse_date_line,
    parse_meta_datetime,
)

TODAY = date(2024, 12, 31)
NFD_LINE = unicodedata.normalize("NFD", "Cập nhật: Thứ Tư, 16/10/2019 | 08:45")
SENTENCE = "Sáng 26/4/2020, Đảng bộ xã Văn Nghĩa tổ chức đại hội điểm tại hội trường Ủy ban nhân dân xã"

# (input, expected iso or None, expected raw or None)
DATE_LINE_CASES: list[tuple[str, str | None, str | None]] = [
    # the forms sister sites print
    (
        "Cập nhật: Thứ ba, 14/7/2020 | 12:41:43 PM  Lượt xem: 55",
        "2020-07-14T12:41:43+07:00",
        "Cập nhật: Thứ ba, 14/7/2020 | 12:41:43 PM",
    ),
    ("Thứ Tư, 16/10/2019 | 08:45", "2019-10-16T08:45:00+07:00", "Thứ Tư, 16/10/2019 | 08:45"),
    ("16/10/2019 08:45", "2019-10-16T08:45:00+07:00", "16/10/2019 08:45"),
    # separators and digit counts
    ("6/9/2019", "2019-09-06T00:00:00+07:00", "6/9/2019"),
    ("06-09-2019 7:05", "2019-09-06T07:05:00+07:00", "06-09-2019 7:05"),
    ("16.10.2019 - 08:45:12", "2019-10-16T08:45:12+07:00", "16.10.2019 - 08:45:12"),
    ("16/10/2019,08:45", "2019-10-16T08:45:00+07:00", "16/10/2019,08:45"),
    ("16/10/2019-08:45", "2019-10-16T08:45:00+07:00", "16/10/2019-08:45"),
    ("2019-10-16 08:45", "2019-10-16T08:45:00+07:00", "2019-10-16 08:45"),
    # weekdays in any case and form
    ("thứ hai, 14/10/2019", "2019-10-14T00:00:00+07:00", "thứ hai, 14/10/2019"),
    ("THỨ SÁU, 18/10/2019 | 16:20", "2019-10-18T16:20:00+07:00", "THỨ SÁU, 18/10/2019 | 16:20"),
    ("Thứ 5, 17/10/2019 9h30", "2019-10-17T09:30:00+07:00", "Thứ 5, 17/10/2019 9h30"),
    ("Thứ Bảy, 19/10/2019", "2019-10-19T00:00:00+07:00", "Thứ Bảy, 19/10/2019"),
    ("Chủ nhật, 20/10/2019, 07:15", "2019-10-20T07:15:00+07:00", "Chủ nhật, 20/10/2019, 07:15"),
    ("CN 20/10/2019 - 07g15", "2019-10-20T07:15:00+07:00", "CN 20/10/2019 - 07g15"),
    ("T4, 16/10/2019 lúc 14:05", "2019-10-16T14:05:00+07:00", "T4, 16/10/2019 lúc 14:05"),
    ("T7 19-10-2019", "2019-10-19T00:00:00+07:00", "T7 19-10-2019"),
    ("Thứ 7 - 19/10/2019 | 21h05", "2019-10-19T21:05:00+07:00", "Thứ 7 - 19/10/2019 | 21h05"),
    # prefixes
    ("Ngày đăng: 16/10/2019 08:45", "2019-10-16T08:45:00+07:00", "Ngày đăng: 16/10/2019 08:45"),
    ("Đăng ngày 16/10/2019 | 08:45", "2019-10-16T08:45:00+07:00", "Đăng ngày 16/10/2019 | 08:45"),
    ("Thời gian: 08:45 16/10/2019", "2019-10-16T08:45:00+07:00", "Thời gian: 08:45 16/10/2019"),
    ("Cập nhật lúc 08:45 ngày 16/10/2019", "2019-10-16T08:45:00+07:00", "Cập nhật lúc 08:45 ngày 16/10/2019"),
    # time before the date
    ("08:45 - 16/10/2019", "2019-10-16T08:45:00+07:00", "08:45 - 16/10/2019"),
    ("08:45 Thứ Tư, 16/10/2019", "2019-10-16T08:45:00+07:00", "08:45 Thứ Tư, 16/10/2019"),
    # 12-hour clocks, English and Vietnamese markers
    ("16/10/2019 12:41:43 AM", "2019-10-16T00:41:43+07:00", "16/10/2019 12:41:43 AM"),
    ("16/10/2019 12:00 PM", "2019-10-16T12:00:00+07:00", "16/10/2019 12:00 PM"),
    ("16/10/2019 1:05 PM", "2019-10-16T13:05:00+07:00", "16/10/2019 1:05 PM"),
    ("16/10/2019 09:30 SA", "2019-10-16T09:30:00+07:00", "16/10/2019 09:30 SA"),
    ("16/10/2019 03:30 CH", "2019-10-16T15:30:00+07:00", "16/10/2019 03:30 CH"),
    ("12:05 SA 16/10/2019", "2019-10-16T00:05:00+07:00", "12:05 SA 16/10/2019"),
    ("16/10/2019 lúc 8 giờ 45 phút", "2019-10-16T08:45:00+07:00", "16/10/2019 lúc 8 giờ 45 phút"),
    # time zone suffix
    ("16/10/2019, 08:45 (GMT+7)", "2019-10-16T08:45:00+07:00", "16/10/2019, 08:45 (GMT+7)"),
    ("Thứ Tư, 16/10/2019 08:45 GMT+7", "2019-10-16T08:45:00+07:00", "Thứ Tư, 16/10/2019 08:45 GMT+7"),
    ("Cập nhật: 16/10/2019 (GMT+7)", "2019-10-16T00:00:00+07:00", "Cập nhật: 16/10/2019 (GMT+7)"),
    # Vietnamese long form
    ("ngày 16 tháng 10 năm 2019", "2019-10-16T00:00:00+07:00", "ngày 16 tháng 10 năm 2019"),
    (
        "Thứ Tư, ngày 16 tháng 10 năm 2019 08:45",
        "2019-10-16T08:45:00+07:00",
        "Thứ Tư, ngày 16 tháng 10 năm 2019 08:45",
    ),
    # two-digit year: only in a clear date line (starts the text, with a label or time, or alone)
    ("Cập nhật: 16/10/19 08:45", "2019-10-16T08:45:00+07:00", "Cập nhật: 16/10/19 08:45"),
    ("16/10/19", "2019-10-16T00:00:00+07:00", "16/10/19"),
    ("Ngày 16/10/19 khai mạc đại hội", None, None),
    ("Số 16.10.19", None, None),
    # decomposed input, NBSP and other odd whitespace
    (NFD_LINE, "2019-10-16T08:45:00+07:00", "Cập nhật: Thứ Tư, 16/10/2019 | 08:45"),
    (
        "Thứ\u00a0Tư,\u00a016/10/2019\u00a0|\u00a008:45",
        "2019-10-16T08:45:00+07:00",
        "Thứ Tư, 16/10/2019 | 08:45",
    ),
    ("  Thứ Tư,\u200b16/10/2019\u2002|\t08:45\n", "2019-10-16T08:45:00+07:00", "Thứ Tư, 16/10/2019 | 08:45"),
    # several dates: the first valid one
    (
        "Ngày đăng: 16/10/2019 | Cập nhật: 17/10/2019 09:00",
        "2019-10-16T00:00:00+07:00",
        "Ngày đăng: 16/10/2019",
    ),
    (
        "Thứ Hai, 31/2/2020 | Cập nhật 2/3/2020 10:00",
        "2020-03-02T10:00:00+07:00",
        "Cập nhật 2/3/2020 10:00",
    ),
    # a date inside other text
    ("Hòa Bình, 16/10/2019", "2019-10-16T00:00:00+07:00", "16/10/2019"),
    (SENTENCE, "2020-04-26T00:00:00+07:00", "26/4/2020"),
    ("Trang 20 - 16/10/2019", "2019-10-16T00:00:00+07:00", "16/10/2019"),
    # dateparser fallback for spelled-out months
    ("16 Tháng Mười, 2019", "2019-10-16T00:00:00+07:00", "16 Tháng Mười, 2019"),
    (
        "Thứ Tư, 16 Tháng Mười, 2019 08:45",
        "2019-10-16T08:45:00+07:00",
        "Thứ Tư, 16 Tháng Mười, 2019 08:45",
    ),
    ("12 Tháng Mười Một 2019 - 3:05 CH", "2019-11-12T15:05:00+07:00", "12 Tháng Mười Một 2019 - 3:05 CH"),
    # traps: invalid dates
    ("Thứ 2, 31/2/2020", None, None),
    ("32/10/2019 08:45", None, None),
    ("16/13/2019", None, None),
    # traps: outside the window (today fixed at 2024-12-31)
    ("16/10/1999", None, None),
    ("Thứ Tư, 16/10/2030 | 08:45", None, None),
    ("28/12/2006", None, None),
    ("29/12/2006", "2006-12-29T00:00:00+07:00", "29/12/2006"),
    # traps: numbers that are not dates
    ("0218.3852.555", None, None),
    ("Điện thoại: 0218.3852.555 - 0218.3852.666", None, None),
    ("Kế hoạch số 236-KH/HU", None, None),
    ("Quyết định số 45/2019/QĐ-UBND", None, None),
    ("Phiên bản 2.1.2020", None, None),
    ("v1.2.2020", None, None),
    ("Python 3.11.4", None, None),
    ("192.168.1.10", None, None),
    ("16-10-2019-12-05", None, None),
    ("nhiệm kỳ 2020-2025", None, None),
    ("12:41:43 PM", None, None),
    # traps: ranges and dates without a year inside sentences
    ("Các đơn vị phải hoàn thành đại hội điểm từ ngày 15 - 30/3/2020.", None, None),
    ("từ 15/3 - 30/3/2020", None, None),
    ("Sáng 26/4, tại hội trường Huyện ủy Lạc Sơn, đại biểu đã thảo luận", None, None),
    ("tháng 6/2020", None, None),
    # dateparser must not invent a date
    ("Lượt xem: 2019", None, None),
    ("hôm qua, 2019", None, None),
    # empty and label-only
    ("", None, None),
    ("  \u00a0 ", None, None),
    ("Thứ Tư", None, None),
]


@pytest.mark.parametrize(("text", "iso", "raw"), DATE_LINE_CASES)
def test_parse_date_line(text: str, iso: str | None, raw: str | None) -> None:
    got = parse_date_line(text, today=TODAY)
    if iso is None:
        assert got is None
    else:
        assert got is not None
        assert (got.iso, got.raw) == (iso, raw)
        # No line in the table prints exactly midnight, so a printed time means a non-zero time.
        assert got.has_time is (not iso.endswith("T00:00:00+07:00"))


@pytest.mark.parametrize(
    ("text", "has_time"),
    [
        ("Thứ Tư, 16/10/2019 | 08:45", True),
        ("16/10/2019 12:05 SA", True),  # midnight is still a printed time
        ("Thứ Tư, 16/10/2019", False),
        ("ngày 16 tháng 10 năm 2019", False),
        ("16 Tháng Mười, 2019", False),
        ("Thứ Tư, 16 Tháng Mười, 2019 08:45", True),
    ],
)
def test_has_time(text: str, has_time: bool) -> None:
    got = parse_date_line(text, today=TODAY)
    assert got is not None
    assert got.has_time is has_time


@pytest.mark.parametrize(
    ("text", "today", "iso"),
    [
        ("2/1/2020", date(2020, 1, 1), "2020-01-02T00:00:00+07:00"),  # today + 1 day allowed
        ("3/1/2020", date(2020, 1, 1), None),
        ("1/1/2020 23:59", date(2020, 1, 1), "2020-01-01T23:59:00+07:00"),
        ("16/10/2030", date(2030, 12, 31), "2030-10-16T00:00:00+07:00"),
        ("16/10/2030", date(2024, 12, 31), None),
    ],
)
def test_parse_date_line_window(text: str, today: date, iso: str | None) -> None:
    got = parse_date_line(text, today=today)
    assert (got.iso if got else None) == iso


def test_parse_date_line_default_today_is_real_date() -> None:
    future = dates.vn_today() + timedelta(days=30)
    assert parse_date_line(future.strftime("%d/%m/%Y")) is None
    got = parse_date_line("Thứ Tư, 16/10/2019 | 08:45")
    assert got == DateMatch("2019-10-16T08:45:00+07:00", "Thứ Tư, 16/10/2019 | 08:45", True)


@pytest.mark.parametrize(
    "value",
    [
        None,
        123,
        b"16/10/2019",
        ["16/10/2019"],
        "9" * 5000,
        "/" * 300,
        "16/10/" * 200,
        "\ufffd\x00\u0301",
        "Thứ " * 500,
    ],
)
def test_parse_date_line_never_raises(value: Any) -> None:
    got = parse_date_line(value, today=TODAY)
    assert got is None


def test_parse_date_line_long_repeated_line_takes_first() -> None:
    text = "Thứ Tư, 16/10/2019 | 08:45 " * 200
    got = parse_date_line(text, today=TODAY)
    assert got is not None
    assert got.iso == "2019-10-16T08:45:00+07:00"


# --- dateparser fallback ---


class _Spy:
    """Counts calls to the shared parser's get_date_data while delegating to it."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[str] = []

    def __call__(self, text: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(text)
        return self.real(text, *args, **kwargs)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> _Spy:
    parser = dates._dateparser()
    recorder = _Spy(parser.get_date_data)
    monkeypatch.setattr(parser, "get_date_data", recorder)
    return recorder


def test_dateparser_fallback_used_and_parser_reused(spy: _Spy) -> None:
    parser = dates._dateparser()
    got = parse_date_line("16 Tháng Mười Hai, 2019", today=TODAY)
    assert got is not None and got.iso == "2019-12-16T00:00:00+07:00"
    assert len(spy.calls) == 1
    again = parse_date_line("Ngày 5 tháng Chín năm 2020", today=TODAY)
    assert again is not None and again.iso == "2020-09-05T00:00:00+07:00"
    assert len(spy.calls) == 2
    assert dates._dateparser() is parser
    assert dates._DP_PARSER is parser


def test_dateparser_strips_label_before_asking(spy: _Spy) -> None:
    got = parse_date_line("Cập nhật: 16 tháng mười 2019 lúc 8:45", today=TODAY)
    assert got is not None
    assert (got.iso, got.raw, got.has_time) == (
        "2019-10-16T08:45:00+07:00",
        "Cập nhật: 16 tháng mười 2019 lúc 8:45",
        True,
    )
    assert spy.calls == ["16 tháng mười 2019 lúc 8:45"]


@pytest.mark.parametrize(
    "text",
    [
        "Thứ Tư, 16/10/2019 | 08:45",  # regex path
        "16/10/2030",  # regex saw a date shape and rejected it: dateparser may not overrule
        "Các đơn vị phải hoàn thành đại hội điểm từ ngày 15 - 30/3/2020.",
        "Thứ Tư, 16 Tháng Mười",  # no year
        "Lượt xem: 55",  # no year-like number
        "Ban Chấp hành Đảng bộ huyện khóa mới đã họp phiên thứ nhất vào 16 Tháng Mười, 2019 tại hội trường",
    ],
)
def test_dateparser_not_called(spy: _Spy, text: str) -> None:
    parse_date_line(text, today=TODAY)
    assert spy.calls == []


# --- metadata values ---


@pytest.mark.parametrize(
    ("value", "iso", "has_time"),
    [
        ("2019-10-16T08:45:00+07:00", "2019-10-16T08:45:00+07:00", True),
        ("2019-10-16T01:45:00Z", "2019-10-16T08:45:00+07:00", True),
        ("2019-10-15T20:30:00Z", "2019-10-16T03:30:00+07:00", True),  # crosses midnight
        ("2019-10-16T03:45:00+02:00", "2019-10-16T08:45:00+07:00", True),
        ("2019-10-16T08:45:00.000+0700", "2019-10-16T08:45:00+07:00", True),
        ("2019-10-16T08:45:00.123456", "2019-10-16T08:45:00+07:00", True),
        ("2019-10-16 08:45:00", "2019-10-16T08:45:00+07:00", True),  # naive: Vietnam time
        ("2019-10-16T08:45", "2019-10-16T08:45:00+07:00", True),
        ("2019-10-16", "2019-10-16T00:00:00+07:00", False),
        ("Wed, 16 Oct 2019 08:45:00 +0700", "2019-10-16T08:45:00+07:00", True),
        ("Wed, 16 Oct 2019 01:45:00 GMT", "2019-10-16T08:45:00+07:00", True),
        ("16/10/2019 08:45", "2019-10-16T08:45:00+07:00", True),
        ("2006-12-28T17:00:00Z", "2006-12-29T00:00:00+07:00", True),  # launch day in Vietnam
        ("2006-12-28T16:59:59Z", None, None),
        ("1999-10-16T08:45:00+07:00", None, None),
        ("2030-01-01", None, None),
        ("2019-13-01", None, None),
        ("2019-02-30T08:00:00Z", None, None),
        ("2019-10-16T08:45:00+25:00", None, None),
        ("null", None, None),
        ("", None, None),
    ],
)
def test_parse_meta_datetime(value: str, iso: str | None, has_time: bool | None) -> None:
    got = parse_meta_datetime(value, today=TODAY)
    if iso is None:
        assert got is None
    else:
        assert got is not None
        assert (got.iso, got.raw, got.has_time) == (iso, value, has_time)


def test_parse_meta_datetime_raw_is_value_stripped() -> None:
    got = parse_meta_datetime("  2019-10-16T01:45:00Z\n", today=TODAY)
    assert got == DateMatch("2019-10-16T08:45:00+07:00", "2019-10-16T01:45:00Z", True)


@pytest.mark.parametrize(
    "value", [None, 42, "Z", "T08:45", "2019-10", "+07:00", "2019-10-16T25:00:00", "\x00" * 10]
)
def test_parse_meta_datetime_never_raises(value: Any) -> None:
    assert parse_meta_datetime(value, today=TODAY) is None


# --- plausibility ---


@pytest.mark.parametrize(
    ("d", "today", "ok"),
    [
        (SITE_LAUNCH, TODAY, True),
        (SITE_LAUNCH - timedelta(days=1), TODAY, False),
        (TODAY, TODAY, True),
        (TODAY + timedelta(days=1), TODAY, True),
        (TODAY + timedelta(days=2), TODAY, False),
        (datetime(2019, 10, 16, 8, 45), datetime(2019, 10, 15, 23, 0), True),
        (date(2019, 10, 17), date(2019, 10, 15), False),
    ],
)
def test_is_plausible(d: date, today: date, ok: bool) -> None:
    assert is_plausible(d, today=today) is ok


def test_is_plausible_default_today() -> None:
    now = dates.vn_today()
    assert is_plausible(now)
    assert is_plausible(now + timedelta(days=1))
    assert not is_plausible(now + timedelta(days=2))
    assert not is_plausible("2019-10-16")  # type: ignore[arg-type]


# --- looks_like_date_line ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cập nhật: Thứ ba, 14/7/2020 | 12:41:43 PM  Lượt xem: 55", True),
        ("Thứ Tư, 16/10/2019 | 08:45", True),
        ("16/10/2019 08:45", True),
        ("08:45 - 16/10/2019", True),
        ("T4, 16/10/2019", True),
        ("Chủ nhật, 20/10/2019, 07:15 (GMT+7)", True),
        ("ngày 16 tháng 10 năm 2019", True),
        ("16 Tháng Mười, 2019", True),
        ("Cập nhật: 16 Tháng Mười, 2019", True),
        (NFD_LINE, True),
        ("Thứ\u00a0Tư,\u00a016/10/2019", True),
        ("Hòa Bình, 16/10/2019", True),  # not at the start, but half the text
        ("16/10/2019 08:45 | Bài, ảnh: Việt Lâm, phóng viên", True),  # starts with the date
        ("16/10/2030", True),  # the form counts; the window is parse_date_line's job
        ("Kế hoạch số 236-KH/HU, ngày 6/9/2019 quán triệt Chỉ thị số 35-CT/TW", False),
        ("Sáng 26/4, tại hội trường Huyện ủy Lạc Sơn", False),
        (SENTENCE, False),
        ("Các đơn vị phải hoàn thành đại hội điểm từ ngày 15 - 30/3/2020.", False),
        ("Thứ 2, 31/2/2020", False),
        ("Cập nhật: 16/10/2019 08:45 " + "x" * 90, False),  # longer than 100 characters
        ("Điện thoại: 0218.3852.555", False),
        ("Phiên bản 2.1.2020", False),
        ("Lượt xem: 55", False),
        ("Thứ Tư", False),
        ("nhiệm kỳ 2020-2025", False),
        ("", False),
    ],
)
def test_looks_like_date_line(text: str, expected: bool) -> None:
    assert looks_like_date_line(text) is expected


@pytest.mark.parametrize("value", [None, 7, "\u00a0" * 50])
def test_looks_like_date_line_never_raises(value: Any) -> None:
    assert looks_like_date_line(value) is False


def test_every_looks_like_line_with_plausible_numeric_date_parses() -> None:
    """Callers pick a line with looks_like_date_line and then parse it: the two must agree."""
    for text, iso, _raw in DATE_LINE_CASES:
        if iso is not None and looks_like_date_line(text):
            assert parse_date_line(text, today=TODAY) is not None, text
