"""Date mentions: printed text, ISO start/end at the stated precision, never an invented day."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.entities import extract_entities

M = tuple[str, str, str, str]
PUB = "2020-04-27T10:00:00+07:00"


def dates_of(text: str, published_at: str | None = PUB) -> list[M]:
    e = extract_entities(None, text, None, published_at, link_places=False)
    return [(d.text, d.start, d.end, d.precision) for d in e.date_mentions]


CASES: list[tuple[str, str, str | None, list[M]]] = [
    ("day", "Kế hoạch số 236-KH/HU, ngày 6/9/2019 quán triệt.", PUB, [("ngày 6/9/2019", "2019-09-06", "2019-09-06", "day")]),
    ("day-range-dash", "Các đơn vị phải hoàn thành từ ngày 15 - 30/3/2020.", PUB,
     [("từ ngày 15 - 30/3/2020", "2020-03-15", "2020-03-30", "day")]),
    ("day-range-across-years", "Triển khai cao điểm từ ngày 15/12/2019 đến ngày 15/2/2020.", PUB,
     [("từ ngày 15/12/2019 đến ngày 15/2/2020", "2019-12-15", "2020-02-15", "day")]),
    ("months", "Hoàn thành trong tháng 6/2020, dự kiến vào cuối tháng 12/2019, đầu tháng 1 năm 2021.", PUB,
     [("tháng 6/2020", "2020-06", "2020-06", "month"), ("cuối tháng 12/2019", "2019-12", "2019-12", "month"),
      ("đầu tháng 1 năm 2021", "2021-01", "2021-01", "month")]),
    ("terms", "Đại hội nhiệm kỳ 2020-2025 tổng kết nhiệm kỳ 2015 - 2020.", PUB,
     [("nhiệm kỳ 2020-2025", "2020", "2025", "term"), ("nhiệm kỳ 2015 - 2020", "2015", "2020", "term")]),
    ("stray-space", "Ông sinh ngày 18/11/ 1951 tại xã Tân Minh.", PUB,
     [("ngày 18/11/ 1951", "1951-11-18", "1951-11-18", "day")]),
    ("year-from-publication", "Sáng 26/4, đại hội khai mạc.", PUB, [("Sáng 26/4", "2020-04-26", "2020-04-26", "day")]),
    ("no-publication-no-guess", "Sáng 26/4, đại hội khai mạc; ngày 2/5/2020 bế mạc.", None,
     [("ngày 2/5/2020", "2020-05-02", "2020-05-02", "day")]),
    ("nearest-year-rolls-back", "Ngày 28/12, Huyện ủy tổng kết công tác năm.", "2020-01-03T08:00:00+07:00",
     [("Ngày 28/12", "2019-12-28", "2019-12-28", "day")]),
    ("years", "Năm 2019, thu nhập tăng; giai đoạn 2016 - 2020 và năm học 2018 - 2019.", PUB,
     [("Năm 2019", "2019", "2019", "year"), ("giai đoạn 2016 - 2020", "2016", "2020", "year"),
      ("năm học 2018 - 2019", "2018", "2019", "year")]),
    ("quarter", "Đại hội cấp huyện hoàn thành trong quý III/2020.", PUB,
     [("quý III/2020", "2020-07", "2020-09", "month")]),
    ("iso", "Bản tin cập nhật 2020-03-15 lúc 8 giờ.", PUB, [("2020-03-15", "2020-03-15", "2020-03-15", "day")]),
    ("codes-fractions-invalid-not-dates", "Nghị quyết số 88/2019/QH14, Nghị quyết 01/2019/NQ-HĐND; 11/11 đảng bộ, 25/27 "
     "chỉ tiêu; ngày 31/2/2020; Đại hội XIII.", PUB, []),
    ("day-in-words", "Ban hành ngày 30 tháng 5 năm 2019.", PUB, [("ngày 30 tháng 5 năm 2019", "2019-05-30", "2019-05-30", "day")]),
    ("month-range", "Từ tháng 10/2019 đến tháng 6/2020, các chi bộ tổ chức đại hội.", PUB,
     [("Từ tháng 10/2019 đến tháng 6/2020", "2019-10", "2020-06", "month")]),
    ("listed-once", "nhiệm kỳ 2020-2025 ... nhiệm kỳ 2020-2025 ... ngày 6/9/2019 và ngày 6/9/2019.", PUB,
     [("nhiệm kỳ 2020-2025", "2020", "2025", "term"), ("ngày 6/9/2019", "2019-09-06", "2019-09-06", "day")]),
    ("day-range-without-year", "Ngày 21 - 22/7, Đảng bộ Khối tổ chức đại hội.", "2020-07-22T16:00:00+07:00",
     [("Ngày 21 - 22/7", "2020-07-21", "2020-07-22", "day")]),
    ("anniversary-with-years", "Kỷ niệm Ngày truyền thống của Mặt trận (18/11/1930).", PUB,
     [("18/11/1930", "1930-11-18", "1930-11-18", "day")]),
]


@pytest.mark.parametrize(("text", "published_at", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_date_mentions(text: str, published_at: str | None, expected: list[M]) -> None:
    assert dates_of(text, published_at) == expected


@pytest.mark.parametrize(("text", "published_at", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_date_mentions_nfd_input(text: str, published_at: str | None, expected: list[M]) -> None:
    assert dates_of(unicodedata.normalize("NFD", text), published_at) == expected


def test_never_more_precise_than_printed() -> None:
    for text, start, end, precision in dates_of("tháng 6/2020, năm 2020, quý I/2021, nhiệm kỳ 2020-2025"):
        width = {"day": 10, "month": 7, "year": 4, "term": 4}[precision]
        assert len(start) == len(end) == width, text
