"""People named with a position: name, position and canonical unit, from each printed pattern."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.entities import extract_entities

P = tuple[str, str | None, str | None]


def people_of(lead: str, body: str | None = None) -> list[P]:
    e = extract_entities(None, lead, body, "2020-07-18T08:00:00+07:00", link_places=False)
    return [(p.name, p.position, p.unit) for p in e.people]


CASES: list[tuple[str, str, str | None, list[P]]] = [
    ("honorific-comma", "Đồng chí Bùi Đức Dính, Bí thư Đảng ủy xã Văn Nghĩa cho biết: Đảng bộ xã có 12 chi bộ.", None,
     [("Bùi Đức Dính", "Bí thư", "Đảng ủy xã Văn Nghĩa")]),
    ("ong-state-abbreviation", "Ông Bùi Văn Hạnh, Chủ tịch UBND xã Thu Phong cho biết về vụ cam.", None,
     [("Bùi Văn Hạnh", "Chủ tịch", "Ủy ban nhân dân xã Thu Phong")]),
    ("position-before-name", "Phát biểu chỉ đạo, Phó Bí thư Thường trực Tỉnh ủy Trần Văn An nhấn mạnh.", None,
     [("Trần Văn An", "Phó Bí thư Thường trực", "Tỉnh ủy Hòa Bình")]),
    ("dash-and-chain-first-named", "Dự có đồng chí Hà Văn Tuấn - Ủy viên BTV Tỉnh ủy, Bí thư Huyện ủy Lạc Sơn.", None,
     [("Hà Văn Tuấn", "Ủy viên", "Ban Thường vụ Tỉnh ủy Hòa Bình")]),
    ("chain-skips-bare-organ", "Phóng viên trao đổi với đồng chí Xa Văn Hùng, Ủy viên BTV, Trưởng Ban Tổ chức Huyện ủy "
     "Đà Bắc.", None, [("Xa Văn Hùng", "Trưởng ban", "Ban Tổ chức Huyện ủy Đà Bắc")]),
    ("deputy-head-of-ban", "Bà Quách Thị Ngân, Phó Trưởng Ban Dân tộc tỉnh đề nghị bổ sung.", None,
     [("Quách Thị Ngân", "Phó Trưởng ban", "Ban Dân tộc tỉnh Hòa Bình")]),
    ("military-rank-honorific", "Thượng tá Nguyễn Đức Long, Trưởng Công an huyện Lương Sơn yêu cầu cán bộ.", None,
     [("Nguyễn Đức Long", "Trưởng", "Công an huyện Lương Sơn")]),
    ("list-of-two-elected", "Các đồng chí Bùi Thị Hằng và Đinh Văn Thọ được bầu giữ chức Phó Bí thư Huyện ủy Kim Bôi.", None,
     [("Bùi Thị Hằng", "Phó Bí thư", "Huyện ủy Kim Bôi"), ("Đinh Văn Thọ", "Phó Bí thư", "Huyện ủy Kim Bôi")]),
    ("re-elected-title", "Đồng chí Hoàng Văn Tứ tái đắc cử Bí thư Huyện ủy Kim Bôi nhiệm kỳ 2020 - 2025", None,
     [("Hoàng Văn Tứ", "Bí thư", "Huyện ủy Kim Bôi")]),
    ("former-kept", "Nhắc đến ông Đinh Công Sình, nguyên Bí thư Chi bộ xóm Chum, ai cũng quý mến.", None,
     [("Đinh Công Sình", "nguyên Bí thư", "Chi bộ xóm Chum")]),
    ("bare-party-unit-is-latest", "Sáng 14/1, Chi bộ bản Nà Thia tổ chức đại hội.",
     "Đồng chí Lò Văn Piêng được bầu làm Bí thư Chi bộ.", [("Lò Văn Piêng", "Bí thư", "Chi bộ bản Nà Thia")]),
    ("bare-position-takes-matching-unit", "Ủy ban Kiểm tra Huyện ủy Kim Bôi khóa XXV gồm 7 đồng chí, đồng chí Nguyễn "
     "Văn Khải được bầu làm Chủ nhiệm.", None, [("Nguyễn Văn Khải", "Chủ nhiệm", "Ủy ban Kiểm tra Huyện ủy Kim Bôi")]),
    ("lowercase-department-after-truong", "Chi bộ Phòng Tài chính - Kế hoạch huyện Kim Bôi đại hội.",
     "Đại hội bầu đồng chí Quách Văn Nam, Trưởng phòng Tài chính - Kế hoạch giữ chức Bí thư Chi bộ.",
     [("Quách Văn Nam", "Trưởng phòng", "Phòng Tài chính - Kế hoạch huyện Kim Bôi")]),
    ("chief-of-office", "Đồng chí Hà Công Phóng, Chánh Văn phòng Huyện ủy Mai Châu cho biết.", None,
     [("Hà Công Phóng", "Chánh Văn phòng", "Văn phòng Huyện ủy Mai Châu")]),
    ("no-position-no-person", "Đồng chí Xa Văn Hùng: Đảng bộ huyện Đà Bắc có 45 tổ chức.",
     "Ông Bùi Văn An cho biết, đồng chí Hà Văn Tuấn đề nghị tiếp tục.", []),
    ("position-without-unit-kept", "Đồng chí Bùi Văn Lịch được bầu giữ chức Bí thư nhiệm kỳ mới.", None,
     [("Bùi Văn Lịch", "Bí thư", None)]),
    ("old-style-tone-in-name", "Dự đại hội có đồng chí Quách Văn Hoà, Uỷ viên BTV Huyện uỷ Yên Thuỷ.", None,
     [("Quách Văn Hòa", "Ủy viên", "Ban Thường vụ Huyện ủy Yên Thủy")]),
    ("committee-member-title-skipped-in-chain", "Dự có đồng chí Hoàng Thị Thanh, Tỉnh ủy viên, Giám đốc Sở Nội vụ.", None,
     [("Hoàng Thị Thanh", "Giám đốc", "Sở Nội vụ")]),
    ("district-committee-member-then-chair", "Ông Bùi Văn Hải, Huyện ủy viên, Chủ tịch UBND xã Phú Lương phát biểu.", None,
     [("Bùi Văn Hải", "Chủ tịch", "Ủy ban nhân dân xã Phú Lương")]),
    ("bare-hospital-is-latest", "Chi bộ Bệnh viện Y dược cổ truyền tỉnh đại hội.",
     "Đồng chí Đặng Thị Mai, Giám đốc Bệnh viện được bầu giữ chức Bí thư Chi bộ.",
     [("Đặng Thị Mai", "Giám đốc", "Bệnh viện Y dược cổ truyền tỉnh Hòa Bình")]),
    ("bare-department-is-latest", "Đảng bộ Sở Y tế đại hội.", "Ông Lê Văn Hòa, Giám đốc Sở phát biểu.",
     [("Lê Văn Hòa", "Giám đốc", "Sở Y tế")]),
    ("semicolon-list-after-colon", "Dự có các đồng chí: Đinh Thị Xuân, Phó Bí thư Thường trực Huyện ủy Kỳ Sơn; "
     "Bùi Văn Thiện, Chủ tịch Hội CCB tỉnh; và Nguyễn Văn Tư, Chủ tịch Ủy ban MTTQ huyện Kỳ Sơn.", None,
     [("Đinh Thị Xuân", "Phó Bí thư Thường trực", "Huyện ủy Kỳ Sơn"),
      ("Bùi Văn Thiện", "Chủ tịch", "Hội Cựu chiến binh tỉnh Hòa Bình"),
      ("Nguyễn Văn Tư", "Chủ tịch", "Ủy ban Mặt trận Tổ quốc huyện Kỳ Sơn")]),
    ("semicolon-list-ends-at-sentence", "Dự có các đồng chí: Bùi Văn Lâm, Bí thư Huyện ủy Lạc Sơn. Sau đó; "
     "Hà Văn Tú, Chủ tịch UBND huyện Lạc Sơn nói.", None,
     [("Bùi Văn Lâm", "Bí thư", "Huyện ủy Lạc Sơn")]),
    ("semicolon-list-item-without-position-stops", "Có các đồng chí: Bùi Văn Lâm; Hà Văn Tú, Bí thư Huyện ủy Lạc Sơn.",
     None, []),
]


@pytest.mark.parametrize(("lead", "body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_people(lead: str, body: str | None, expected: list[P]) -> None:
    assert people_of(lead, body) == expected


@pytest.mark.parametrize(("lead", "body", "expected"), [c[1:] for c in CASES[:6]], ids=[c[0] for c in CASES[:6]])
def test_people_nfd_input(lead: str, body: str | None, expected: list[P]) -> None:
    nfd = unicodedata.normalize("NFD", lead)
    assert people_of(nfd, unicodedata.normalize("NFD", body) if body else None) == expected


def test_person_listed_once_across_patterns() -> None:
    got = people_of("Đồng chí Hoàng Văn Tứ tái đắc cử Bí thư Huyện ủy Kim Bôi.",
                    "Phát biểu bế mạc, Bí thư Huyện ủy Hoàng Văn Tứ cảm ơn đại biểu.")
    assert got == [("Hoàng Văn Tứ", "Bí thư", "Huyện ủy Kim Bôi")]
