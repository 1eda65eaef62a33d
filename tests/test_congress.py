"""Tests for crawler.congress: which titles/leads are Party-congress coverage.

CASES is the table the rule was written against. HELD_OUT (at the end) was written after the rule
was frozen and run once before any change; see the report in that section's comment.
"""

from __future__ import annotations

import unicodedata

import pytest

from crawler.congress import congress_reason, is_congress
from crawler.text import fold


def nfd(text: str) -> str:
    """The decomposed form legacy pages arrive in."""
    return unicodedata.normalize("NFD", text)


SEED_LEAD = (
    "(HBĐT) - Được nghiên cứu dự thảo báo cáo chính trị của BCH Đảng bộ tỉnh khóa XVI, trình Đại hội "
    "đại biểu Đảng bộ tỉnh Hòa Bình lần thứ XVII, nhiệm kỳ 2020 - 2025, trước hết, Ban Dân tộc tỉnh nhất "
    "trí với nội dung dự thảo."
)

# (title, lead, category_id, expected is_congress, expected reason)
CASES: list[tuple[str | None, str | None, int | None, bool, str | None]] = [
    # --- Party-congress coverage ---
    ("Đại hội Đảng bộ xã Văn Nghĩa lần thứ XXIV, nhiệm kỳ 2020 - 2025", None, 11, True, "dai-hoi-dang-bo"),
    ("Huyện Lạc Sơn chuẩn bị chu đáo cho Đại hội Đảng bộ các cấp", None, None, True, "dai-hoi-dang-bo"),
    ("Đại hội đại biểu Đảng bộ huyện Kim Bôi lần thứ XXVI thành công tốt đẹp", None, 11, True, "dai-hoi-dang-bo"),
    ("Chi bộ xóm Mới Nang tổ chức đại hội điểm", None, None, True, "to-chuc-dai-hoi"),
    ("Đại hội Chi bộ Trường THPT Lạc Sơn nhiệm kỳ 2020-2022", None, None, True, "dai-hoi-chi-bo"),
    ("Sôi nổi không khí góp ý dự thảo văn kiện", "(HBĐT) - Nhiều ý kiến tâm huyết được gửi về.", None, True,
     "van-kien-dai-hoi"),
    ("Ưu tiên nguồn lực nhiều hơn nữa cho vùng đồng bào dân tộc thiểu số", SEED_LEAD, 11, True, "dai-hoi-dang-bo"),
    ("Quán triệt Chỉ thị số 35-CT/TW của Bộ Chính trị đến cán bộ chủ chốt", None, None, True, "chi-thi-35"),
    ("Thực hiện nghiêm Chỉ thị 35 của Bộ Chính trị", None, None, True, "chi-thi-35"),
    ("Nhân dân đặt trọn niềm tin vào Đại hội XIII của Đảng", None, None, True, "dai-hoi-xiii"),
    ("Khai mạc trọng thể Đại hội đại biểu toàn quốc lần thứ XIII của Đảng", None, None, True, "dai-hoi-xiii"),
    ("Cử tri Hòa Bình hướng về Đại hội Đảng lần thứ XIII", None, None, True, "dai-hoi-dang"),
    ("Đại hội XIII: Niềm tin và khát vọng", None, 16, True, "dai-hoi-xiii"),
    ("Bầu cử Ban Chấp hành Đảng bộ huyện khóa mới", None, None, True, "bch-dang-bo"),
    ("Ra mắt Ban Chấp hành Đảng bộ xã Tú Sơn", None, None, True, "bch-dang-bo"),
    (nfd("Đại hội Đảng bộ phường Đồng Tiến nhiệm kỳ 2020 – 2025"), None, None, True, "dai-hoi-dang-bo"),
    ("ĐẠI HỘI ĐẢNG BỘ TỈNH HÒA BÌNH LẦN THỨ XVII", None, None, True, "dai-hoi-dang-bo"),
    ("Dai hoi Dang bo huyen Mai Chau lan thu XXVI", None, None, True, "dai-hoi-dang-bo"),
    ("Công tác nhân sự cấp ủy được chuẩn bị kỹ lưỡng", None, None, True, "nhan-su-cap-uy"),
    ("Bảo đảm an ninh trật tự trước thềm ngày hội lớn",
     "(HBĐT) - Công an huyện xây dựng phương án bảo vệ đại hội nhiệm kỳ 2020–2025 tại 23 xã.", 11, True,
     "nhiem-ky-2020-2025"),
    ("Thành phố Hòa Bình hoàn thành đại hội cơ sở", None, 11, True, "dai-hoi+chinh-tri"),
    ("Chuẩn bị đại hội: Những con số ấn tượng", None, 11, True, "dai-hoi+chinh-tri"),
    ("Hội Nông dân tỉnh đóng góp ý kiến vào dự thảo báo cáo chính trị", None, None, True,
     "du-thao-bao-cao-chinh-tri"),
    ("Đại hội đảng viên Chi bộ Cơ quan Báo Hòa Bình", None, None, True, "dai-hoi-dang"),
    ("Đại hội Đảng bộ Cơ quan Hội Nông dân tỉnh", None, None, True, "dai-hoi-dang-bo"),
    ("Lấy ý kiến nhân dân vào dự thảo các văn kiện trình Đại hội XIII của Đảng", None, None, True,
     "dai-hoi-xiii"),
    ("Đại hội Hội Nông dân xã Phú Lương lần thứ X",
     "(HBĐT) - Đại hội đề ra phương hướng góp phần thực hiện thắng lợi nghị quyết Đại hội Đảng bộ xã.",
     None, True, "dai-hoi-dang-bo"),
    ("Huyện Yên Thủy tổ chức thành công đại hội điểm", None, None, True, "dai-hoi-diem"),
    ("DỰ THẢO BÁO CÁO CHÍNH TRỊ CẦN LÀM RÕ ĐỘT PHÁ", None, None, True, "du-thao-bao-cao-chinh-tri"),
    # --- not Party-congress coverage ---
    ("Đại hội Hội Nông dân xã Văn Nghĩa lần thứ X, nhiệm kỳ 2023 - 2028", None, 11, False, None),
    ("Đại hội đại biểu Hội Cựu chiến binh huyện Lạc Sơn nhiệm kỳ 2017-2022", None, 11, False, None),
    ("Đại hội Đoàn TNCS Hồ Chí Minh tỉnh lần thứ XV", None, 11, False, None),
    ("Đại hội đại biểu Phụ nữ tỉnh Hòa Bình lần thứ XVI", None, 11, False, None),
    ("Khai mạc Đại hội Thể dục thể thao huyện Tân Lạc lần thứ VIII", None, None, False, None),
    ("Đại hội đồng cổ đông thường niên Công ty cổ phần Cấp nước Hòa Bình", None, None, False, None),
    ("Đại hội đại biểu các dân tộc thiểu số tỉnh Hòa Bình lần thứ III", None, 11, False, None),
    ("Đại hội Công đoàn tỉnh lần thứ XVII, nhiệm kỳ 2018 - 2023", None, 11, False, None),
    ("Đại hội Mặt trận Tổ quốc Việt Nam huyện Yên Thủy nhiệm kỳ 2019 - 2024", None, 11, False, None),
    ("Đại hội Hội Khuyến học tỉnh nhiệm kỳ 2020-2025", None, 11, False, None),
    ("Đại hội TDTT xã Phú Lương", None, 11, False, None),
    ("Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 20, khóa XVI", None, 11, False, None),
    ("Kỷ niệm 90 năm Ngày thành lập Đảng Cộng sản Việt Nam", None, 11, False, None),
    ("Bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp nhiệm kỳ 2021-2026", None, 11, False, None),
    ("Đảng bộ huyện Lạc Sơn kết nạp 300 đảng viên mới", None, 11, False, None),
    ("Đại hội Chi đoàn Trường THPT Lạc Sơn bầu Ban Chấp hành mới", None, 11, False, None),
    ("Đại hội Cháu ngoan Bác Hồ huyện Lương Sơn", None, 11, False, None),
    ("Dai hoi dang nho cua nhung nguoi tho mo", None, None, False, None),
    ("Đại hội đại biểu Phụ nữ toàn quốc lần thứ XIII", None, 11, False, None),
    ("Hội Nông dân xã Văn Nghĩa tổ chức đại hội điểm", None, 11, False, None),
    ("Chuẩn bị đại hội: Những con số ấn tượng", None, 220, False, None),
    ("Thành phố Hòa Bình hoàn thành đại hội cơ sở", None, None, False, None),
    ("Đại hội xã viên Hợp tác xã chè Tân Lạc nhiệm kỳ 2020-2025", None, 11, False, None),
    ("DAI HOI HOI NONG DAN TINH LAN THU X", None, 11, False, None),
    (nfd("Đại hội Hội Liên hiệp Phụ nữ huyện Cao Phong nhiệm kỳ 2021 - 2026"), None, 11, False, None),
    ("Xây dựng Đảng bộ trong sạch, vững mạnh", "(HBĐT) - Kết quả thực hiện nhiệm vụ năm 2019.", 11, False, None),
    ("Chi đoàn Công an xã bầu Ban Chấp hành khóa mới", None, 11, False, None),
    ("Triển khai Chỉ thị số 35/CT-TTg của Thủ tướng Chính phủ", None, 11, False, None),
    ("Anh Hà Văn Nam được bầu làm Bí thư Chi đoàn xóm Mới", None, 11, False, None),
    ("Góp ý dự thảo Luật Đất đai (sửa đổi)", None, 11, False, None),
    (None, None, 11, False, None),
    ("", "", None, False, None),
]


@pytest.mark.parametrize(("title", "lead", "category_id", "expected", "reason"), CASES)
def test_is_congress(
    title: str | None, lead: str | None, category_id: int | None, expected: bool, reason: str | None
) -> None:
    assert is_congress(title, lead, category_id) is expected
    assert congress_reason(title, lead, category_id) == reason


def test_table_is_balanced() -> None:
    positives = sum(1 for case in CASES if case[3])
    negatives = len(CASES) - positives
    assert len(CASES) >= 40
    assert abs(positives - negatives) <= len(CASES) // 5


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        ("Đại hội Đảng bộ xã Văn Nghĩa nhiệm kỳ 2020 - 2025", None),
        ("Đại hội Hội Nông dân xã Văn Nghĩa nhiệm kỳ 2023 - 2028", None),
        ("Góp ý dự thảo văn kiện", "(HBĐT) - Nhân dân gửi nhiều ý kiến về dự thảo báo cáo chính trị."),
    ],
)
def test_folding_invariance(title: str, lead: str | None) -> None:
    """NFD, upper-case and diacritic-free forms of a title get the same answer and reason."""
    base = congress_reason(title, lead)
    for variant in (nfd(title), title.upper(), fold(title)):
        assert congress_reason(variant, lead) == base


@pytest.mark.parametrize("category_id", [11, 16, 220, None])
def test_category_alone_is_not_enough(category_id: int | None) -> None:
    assert not is_congress("Tỉnh Hòa Bình thu hút đầu tư vào nông nghiệp công nghệ cao", None, category_id)


# Held-out titles, written after the rule above was frozen and run once before any change.
# First run: 12/15 right, tp=7 fp=1 fn=2 tn=5, precision 0.875, recall 0.778. The misses were
# "tái đắc cử Bí thư" (no rule for secretaries elected), "chuẩn y Ban Chấp hành Đảng bộ ... nhiệm kỳ
# mới" (only "khóa mới" was known) and the false positive "góp ý dự thảo Luật Thanh niên". The rules
# ``bau-bi-thu``, the ``chuẩn y``/``nhiệm kỳ mới`` forms of ``bch-dang-bo`` and the law/decree
# exclusion of ``gop-y-du-thao`` were added afterwards; labels below are the true ones, unchanged.
HELD_OUT: list[tuple[str, int | None, bool]] = [
    ("Lương Sơn: 100% chi bộ trực thuộc hoàn thành đại hội trước thời hạn", 11, True),
    ("Đồng chí Bùi Văn Tỉnh tái đắc cử Bí thư Tỉnh ủy khóa XVII", 11, True),
    ("Đoàn đại biểu Đảng bộ tỉnh Hòa Bình dự Đại hội XIII", 11, True),
    ("Hội Cựu chiến binh tỉnh tổng kết công tác năm 2019", 11, False),
    ("Đại hội đại biểu Hội Chữ thập đỏ huyện Đà Bắc lần thứ V", 11, False),
    ("Phát huy trí tuệ tập thể trong xây dựng văn kiện đại hội", 11, True),
    ("Lạc Thủy: Bế mạc Đại hội đại biểu Đảng bộ huyện lần thứ XXV", 11, True),
    ("Giải bóng đá chào mừng Đại hội Đảng bộ thành phố", 16, True),
    ("Huyện Mai Châu tổ chức Đại hội Thi đua yêu nước lần thứ V", 11, False),
    ("Hội nghị lấy ý kiến góp ý dự thảo Luật Thanh niên (sửa đổi)", 11, False),
    ("Tân Lạc: Công bố quyết định chuẩn y Ban Chấp hành Đảng bộ huyện nhiệm kỳ mới", 11, True),
    ("Kỳ họp thứ 12 HĐND tỉnh khóa XVI", 11, False),
    ("Đại hội Đại biểu Hội Người cao tuổi xã Hợp Thịnh nhiệm kỳ 2021-2026", 11, False),
    ("Tuổi trẻ Hòa Bình hướng về Đại hội Đảng toàn quốc", 11, True),
    ("Lãnh đạo tỉnh dự Đại hội Đảng bộ Quân sự tỉnh", 11, True),
]


@pytest.mark.parametrize(("title", "category_id", "expected"), HELD_OUT)
def test_held_out(title: str, category_id: int | None, expected: bool) -> None:
    assert is_congress(title, None, category_id) is expected


#: The English edition (en.baohoabinh.com.vn, leads "(HBO) - ") has congress coverage too.
ENGLISH: list[tuple[str, str | None, bool]] = [
    ("Hoa Binh prepares for 17th provincial Party Congress", None, True),
    ("Lac Son district holds Party Congress for 2020-2025 tenure", None, True),
    ("Provincial delegates look towards the 13th National Party Congress", None, True),
    ("Commune Party Committee's congress elects new executive board", None, True),
    ("Congress of the Tan Lac district Party Committee opens", None, True),
    ("Provincial Youth Union convenes 15th congress", "The Youth Union held its congress for the 2022-2027 tenure", False),
    ("Farmers' Association holds congress", None, False),
    ("Hoa Binh attracts more tourists to Mai Chau", None, False),
]


@pytest.mark.parametrize(("title", "lead", "expected"), ENGLISH)
def test_english_edition(title: str, lead: str | None, expected: bool) -> None:
    assert is_congress(title, lead) is expected
