"""Counts: value, noun and the unit the sentence is about; never dates, codes, percentages, fractions."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.entities import extract_entities

C = tuple[int, str, str | None]


def counts_of(title: str | None, lead: str | None, body: str | None = None) -> list[C]:
    e = extract_entities(title, lead, body, "2020-05-21T08:00:00+07:00", link_places=False)
    return [(c.value, c.noun, c.unit) for c in e.counts]


CASES: list[tuple[str, str | None, str | None, str | None, list[C]]] = [
    ("seed-sentence-thousands-dot", None, "Đảng bộ huyện Lạc Sơn có 56 chi, Đảng bộ trực thuộc, trong đó, có 34 Đảng bộ và "
     "22 chi bộ cơ sở với 8.021 đảng viên.", None,
     [(56, "chi, đảng bộ trực thuộc", "Đảng bộ huyện Lạc Sơn"), (34, "đảng bộ", "Đảng bộ huyện Lạc Sơn"),
      (22, "chi bộ cơ sở", "Đảng bộ huyện Lạc Sơn"), (8021, "đảng viên", "Đảng bộ huyện Lạc Sơn")]),
    ("completed-subject-in-quote", None, "Đồng chí Bùi Đức Dính, Bí thư Đảng ủy xã Văn Nghĩa cho biết: \"Đảng bộ xã hiện có "
     "12 chi bộ trực thuộc với 347 đảng viên.\"", None,
     [(12, "chi bộ trực thuộc", "Đảng bộ xã Văn Nghĩa"), (347, "đảng viên", "Đảng bộ xã Văn Nghĩa")]),
    ("percent-fraction-range-not-counted", None, "Đến nay, 100% đảng viên và 45/45 đảng bộ, chi bộ cơ sở đã hoàn thành; "
     "chọn 1 - 2 đảng bộ cơ sở làm điểm; đạt 14/16 chỉ tiêu; 95 % chi bộ đạt trong sạch.", None, []),
    ("dates-and-codes-not-counted", None, "Từ ngày 15 - 30/3/2020, theo Kế hoạch số 236-KH/HU, trong tháng 6/2020 và "
     "nhiệm kỳ 2015-2020, Thông báo số 01 đảng viên.", None, []),
    ("whole-province-party-noun", None, "Theo Ban Tổ chức Tỉnh ủy, toàn tỉnh có 1.200 chi bộ và 61.000 đảng viên.", None,
     [(1200, "chi bộ", "Đảng bộ tỉnh Hòa Bình"), (61000, "đảng viên", "Đảng bộ tỉnh Hòa Bình")]),
    ("whole-district-other-noun", None, "Năm 2019, toàn huyện Cao Phong có 1.250 hộ trồng cam.", None,
     [(1250, "hộ", None)]),
    ("place-subject", None, "Ông Bùi Văn Hạnh, Chủ tịch UBND xã Thu Phong cho biết: Xã có 420 hộ trồng cam.", None,
     [(420, "hộ", None)]),
    ("anaphoric-cell", None, "Ở xã Tân Minh, Chi bộ xóm Chum được thành lập năm 1965.", "Chi bộ có 25 đảng viên, "
     "sinh hoạt tại 2 tổ đảng.", [(25, "đảng viên", "Chi bộ xóm Chum"), (2, "tổ đảng", "Chi bộ xóm Chum")]),
    ("nearest-unit-before", None, "Tại phiên họp thứ nhất, BCH Đảng bộ huyện Kim Bôi đã bầu Ban Thường vụ Huyện ủy gồm "
     "11 đồng chí.", None, [(11, "đồng chí", "Ban Thường vụ Huyện ủy Kim Bôi")]),
    ("congress-sentence-main-unit", "Đại hội Đảng bộ xã Tân Mỹ lần thứ XXIV", "Tham dự có 120 đại biểu chính thức.",
     "Đại hội bầu 8 đại biểu đi dự Đại hội đại biểu Đảng bộ huyện Lạc Sơn.",
     [(120, "đại biểu chính thức", "Đảng bộ xã Tân Mỹ"), (8, "đại biểu", "Đảng bộ xã Tân Mỹ")]),
    ("unit-after-cua", None, "Năm 2019, 347 đảng viên của Đảng bộ xã Văn Nghĩa được khen thưởng.", None,
     [(347, "đảng viên", "Đảng bộ xã Văn Nghĩa")]),
    ("partner-not-subject", None, "UBND huyện Cao Phong phối hợp với Hội Nông dân huyện tổ chức 24 lớp tập huấn.", None,
     [(24, "lớp", "Ủy ban nhân dân huyện Cao Phong")]),
    ("closed-noun-list", None, "Công an huyện Lương Sơn làm rõ 86 vụ, bắt 112 đối tượng, xử lý 3.150 trường hợp.", None, []),
    ("decimals-not-counts", None, "Thu nhập đạt 38,5 triệu đồng; tăng trưởng 8,5%/năm; 2,4 tỷ đồng.", None, []),
    ("compound-nouns", None, "Toàn tỉnh có 10 huyện, thành phố với 151 xã, phường, thị trấn; giảm 22 cán bộ, công chức.",
     None, [(10, "huyện, thành phố", None), (151, "xã, phường, thị trấn", None), (22, "cán bộ, công chức", None)]),
    ("employer-not-subject", None, "Dự đại hội có đồng chí Đinh Công Thắng, Phó Bí thư Thường trực Huyện ủy Lạc Sơn; "
     "120 đại biểu chính thức đại diện cho 386 đảng viên trong toàn Đảng bộ.",
     "Đảng bộ xã Tân Mỹ có 16 chi bộ.", [(120, "đại biểu chính thức", None), (386, "đảng viên", None),
                                           (16, "chi bộ", "Đảng bộ xã Tân Mỹ")]),
    ("verb-subcommittee-not-subject", None, "Thay vì tổng hợp số liệu, tiểu ban tổ chức khảo sát thực tế tại 14 xóm.", None,
     [(14, "xóm", None)]),
    ("hospital-cell-anaphor", "Chi bộ Bệnh viện Y dược cổ truyền tỉnh đại hội", None,
     "Chi bộ hiện có 37 đảng viên, trong đó 29 đảng viên chính thức, 8 đảng viên dự bị.",
     [(37, "đảng viên", "Chi bộ Bệnh viện Y dược cổ truyền tỉnh Hòa Bình"),
      (29, "đảng viên chính thức", "Chi bộ Bệnh viện Y dược cổ truyền tỉnh Hòa Bình"),
      (8, "đảng viên", "Chi bộ Bệnh viện Y dược cổ truyền tỉnh Hòa Bình")]),
]


@pytest.mark.parametrize(("title", "lead", "body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_counts(title: str | None, lead: str | None, body: str | None, expected: list[C]) -> None:
    assert counts_of(title, lead, body) == expected


@pytest.mark.parametrize(("title", "lead", "body", "expected"), [c[1:] for c in CASES[:6]], ids=[c[0] for c in CASES[:6]])
def test_counts_nfd_input(title: str | None, lead: str | None, body: str | None, expected: list[C]) -> None:
    def nfd(x: str | None) -> str | None:
        return unicodedata.normalize("NFD", x) if x else x

    assert counts_of(nfd(title), nfd(lead), nfd(body)) == expected
