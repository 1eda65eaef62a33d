"""Tests for crawler.bylines: trailing/leading bylines, byline strings, captions, photo credits."""

from __future__ import annotations

import unicodedata
from typing import cast

import pytest

from crawler.bylines import (
    is_photo_credit,
    looks_like_caption,
    parse_byline_text,
    parse_leading_byline,
    parse_trailing_byline,
    split_trailing_byline,
)
from crawler.items import Byline


def nfd(text: str) -> str:
    """The decomposed form legacy pages arrive in."""
    return unicodedata.normalize("NFD", text)


# Last paragraph of the seed article (real text): every body below ends with it, then its tail.
LAST = (
    "Huyện cũng thường xuyên đôn đốc, kiểm tra việc thực hiện kế hoạch tổ chức Đại hội Đảng bộ tại cơ sở. "
    "Từ đó, kịp thời nắm bắt tâm tư, nguyện vọng của cán bộ, đảng viên và nhân dân."
)
QUOTE = (
    "Đồng chí Bùi Đức Dính, Bí thư Đảng ủy xã Văn Nghĩa cho biết: \u201cĐảng bộ xã hiện có 12 chi bộ "
    "trực thuộc với 347 đảng viên\u201d."
)

# (tail lines after LAST, expected authors, expected source, expected n) -- n None means no byline.
TRAILING: list[tuple[list[str], list[str], str | None, int | None]] = [
    # plain names, as the site prints them
    (["Thanh Sơn"], ["Thanh Sơn"], None, 1),
    ([" Thanh Sơn"], ["Thanh Sơn"], None, 1),
    (["Việt Lâm"], ["Việt Lâm"], None, 1),
    (["Đồng Hương"], ["Đồng Hương"], None, 1),
    (["", "Thanh Sơn", ""], ["Thanh Sơn"], None, 2),
    (["Minh Thu - Thanh Hải"], ["Minh Thu", "Thanh Hải"], None, 1),
    (["Đinh Thắng, Lê Chung"], ["Đinh Thắng", "Lê Chung"], None, 1),
    (["Hoàng Anh và Mai Lan"], ["Hoàng Anh", "Mai Lan"], None, 1),
    (["Minh Thu", "Thanh Hải"], ["Minh Thu", "Thanh Hải"], None, 2),
    (["M.T"], ["M.T"], None, 1),
    (["Đ.T"], ["Đ.T"], None, 1),
    (["P.V."], ["P.V."], None, 1),
    (["VIỆT LÂM"], ["VIỆT LÂM"], None, 1),
    (["Bùi Thị Thu Hằng"], ["Bùi Thị Thu Hằng"], None, 1),
    ([nfd("Đồng Hương")], ["Đồng Hương"], None, 1),
    ([nfd("Bài, ảnh: Việt Lâm")], ["Việt Lâm"], None, 1),
    (["Thanh\u00a0Sơn"], ["Thanh Sơn"], None, 1),
    # staff and groups
    (["PV"], ["PV"], None, 1),
    (["CTV"], ["CTV"], None, 1),
    (["Nhóm PV"], ["Nhóm PV"], None, 1),
    (["Nhóm phóng viên"], ["Nhóm phóng viên"], None, 1),
    # credits
    (["Bài, ảnh: Việt Lâm"], ["Việt Lâm"], None, 1),
    (["Bài và ảnh: Việt Lâm"], ["Việt Lâm"], None, 1),
    (["Bài: Thu Hằng - Ảnh: Đức Anh"], ["Thu Hằng"], None, 1),
    (["Bài: Thu Hằng", "Ảnh: Đức Anh"], ["Thu Hằng"], None, 2),
    (["Tin, ảnh: Bùi Minh"], ["Bùi Minh"], None, 1),
    (["Thanh Sơn", "Ảnh: M.T"], ["Thanh Sơn"], None, 2),
    (["Thực hiện: Thu Hằng"], ["Thu Hằng"], None, 1),
    # reprints
    (["Theo TTXVN"], [], "TTXVN", 1),
    (["(Theo TTXVN)"], [], "TTXVN", 1),
    (["TTXVN"], [], "TTXVN", 1),
    (["Theo Báo Nhân Dân"], [], "Báo Nhân Dân", 1),
    (["Theo VOV2"], [], "VOV2", 1),
    (["Minh Anh (TTXVN)"], ["Minh Anh"], "TTXVN", 1),
    (["Minh Anh (Theo TTXVN)"], ["Minh Anh"], "TTXVN", 1),
    (["Minh Anh", "Theo TTXVN"], ["Minh Anh"], "TTXVN", 2),
    (["Đinh Thắng", "Lê Chung", "Theo TTXVN"], ["Đinh Thắng", "Lê Chung"], "TTXVN", 3),
    (["Hoàng Anh/TTXVN"], ["Hoàng Anh"], "TTXVN", 1),
    # affiliations and titles stay in raw only
    (["Thu Hằng (CTV)"], ["Thu Hằng"], None, 1),
    (["Nguyễn Thị Hoa (Trung tâm VH huyện Lạc Sơn)"], ["Nguyễn Thị Hoa"], None, 1),
    (["Nguyễn Văn Hùng", "Nguyên Chủ tịch UBND tỉnh"], ["Nguyễn Văn Hùng"], None, 2),
    (["Thu Hằng", "Ban Tuyên giáo Huyện ủy"], ["Thu Hằng"], None, 2),
    (["Đại tá Quách Văn Hùng"], ["Quách Văn Hùng"], None, 1),
    # institutions may sign; a Party organisation (the subject of the coverage) does not
    (["Ban Tuyên giáo Huyện ủy"], ["Ban Tuyên giáo Huyện ủy"], None, 1),
    (["Văn phòng Huyện ủy Kim Bôi"], ["Văn phòng Huyện ủy Kim Bôi"], None, 1),
    (["Đảng bộ huyện Lạc Sơn"], [], None, None),
    (["Sở Y tế khuyến cáo"], [], None, None),
    # series and footnote markers: skipped to find the byline; n runs to the end
    (["Thanh Sơn", "(Còn nữa)"], ["Thanh Sơn"], None, 2),
    (["(Còn nữa)", "Thanh Sơn"], ["Thanh Sơn"], None, 1),
    (["Thanh Sơn", "(Hết)"], ["Thanh Sơn"], None, 2),
    (["Thanh Sơn", "Kỳ sau: Những mô hình hay ở cơ sở"], ["Thanh Sơn"], None, 2),
    (["Thu Hằng (CTV)", "(*) Tít bài do Tòa soạn đặt"], ["Thu Hằng"], None, 2),
    # page tools left after the byline are skipped (and dropped with it)
    (["Thanh Sơn", "", "Lượt xem: 1.204 | Gửi bài viết | In"], ["Thanh Sơn"], None, 3),
    (["Thanh Sơn", "Chia sẻ | Bản in"], ["Thanh Sơn"], None, 2),
    (["Lượt xem: 1.204 | Gửi bài viết | In"], [], None, None),
    # traps: not a byline
    ([], [], None, None),
    (["Xin trân trọng cảm ơn!"], [], None, None),
    (["Hết."], [], None, None),
    (["(Còn nữa)"], [], None, None),
    (["Kỳ sau: Những mô hình hay ở cơ sở"], [], None, None),
    (["Thanh Sơn."], [], None, None),
    (["\u201cThanh Sơn\u201d"], [], None, None),
    (["Những kết quả nổi bật:"], [], None, None),
    (["Vì sao Đảng bộ xã làm tốt?"], [], None, None),
    (["Ảnh: M.T"], [], None, None),
    (["Lãnh đạo huyện trao quà cho các hộ nghèo. Ảnh: PV"], [], None, None),
    (["PV: Xin cảm ơn ông!"], [], None, None),
    (["Hòa Bình 2020"], [], None, None),
    (["Kế hoạch số 236-KH/HU"], [], None, None),
    (["Theo Kế hoạch số 236-KH/HU"], [], None, None),
    (["Theo Quyết định"], [], None, None),
    (["- Nguyễn Văn An"], [], None, None),
    (["UBND"], [], None, None),
    (["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"], [], None, None),
    (["Theo đó"], [], None, None),
    (["Theo kế hoạch, huyện hoàn thành đại hội cơ sở trong tháng 6/2020."], [], None, None),
    (["Nguyên Chủ tịch UBND tỉnh"], [], None, None),
    ([QUOTE], [], None, None),
    (["", "", ""], [], None, None),
]


@pytest.mark.parametrize(("tail", "authors", "source", "n"), TRAILING)
def test_parse_trailing_byline(tail: list[str], authors: list[str], source: str | None, n: int | None) -> None:
    lines = [LAST, *tail]
    got = parse_trailing_byline(lines)
    if n is None:
        assert got is None
        return
    assert got is not None
    byline, count = got
    assert count == n
    assert byline.authors == authors
    assert byline.source == source
    assert byline.raw is not None and byline.raw == unicodedata.normalize("NFC", byline.raw)
    # the raw text of a (possibly multi-line) byline parses back to the same authors and source
    again = parse_byline_text(byline.raw)
    assert again is not None and (again.authors, again.source) == (authors, source)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([LAST, "Thanh Sơn", "(Còn nữa)"], ([LAST, "(Còn nữa)"], ["Thanh Sơn"])),
        ([LAST, "(Còn nữa)", "Thanh Sơn"], ([LAST, "(Còn nữa)"], ["Thanh Sơn"])),
        ([LAST, "Bài: Thu Hằng", "Ảnh: Đức Anh"], ([LAST], ["Thu Hằng"])),
        ([LAST, "Minh Anh", "", "Theo TTXVN", ""], ([LAST], ["Minh Anh"])),
        ([LAST, "Thanh Sơn", "(Còn nữa)", "Lượt xem: 87 | In"], ([LAST, "(Còn nữa)"], ["Thanh Sơn"])),
        ([LAST, "Xin trân trọng cảm ơn!"], None),
    ],
)
def test_split_trailing_byline(lines: list[str], expected: tuple[list[str], list[str]] | None) -> None:
    got = split_trailing_byline(lines)
    if expected is None:
        assert got is None
        return
    assert got is not None
    body, byline = got
    assert (body, byline.authors) == expected


def test_trailing_raw_of_multiline_byline() -> None:
    got = parse_trailing_byline([LAST, "Nguyễn Văn Hùng", "Nguyên Chủ tịch UBND tỉnh"])
    assert got is not None
    assert got[0].raw == "Nguyễn Văn Hùng, Nguyên Chủ tịch UBND tỉnh"
    got = parse_trailing_byline([LAST, "Minh Anh", "Theo TTXVN"])
    assert got is not None
    assert got[0].raw == "Minh Anh - Theo TTXVN"


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [""],
        ["   "],
        ["Thanh Sơn"],
        cast(list[str], [None, "Thanh Sơn"]),
        cast(list[str], [LAST, None]),
        ["(", ")", "-"],
        ["x" * 5000],
        ["Ảnh:", "Bài:", "Theo"],
    ],
)
def test_odd_input_never_raises(lines: list[str]) -> None:
    got = parse_trailing_byline(lines)
    assert got is None or got[1] <= len(lines)
    lead = parse_leading_byline(lines)
    assert lead is None or lead[1] <= len(lines)
    for line in lines:
        assert isinstance(looks_like_caption(line), bool)
        assert isinstance(is_photo_credit(line), bool)
        parsed = parse_byline_text(line)
        assert parsed is None or isinstance(parsed, Byline)


# (byline text, expected Byline fields or None)
TEXTS: list[tuple[str, tuple[list[str], str | None] | None]] = [
    ("Thanh Sơn", (["Thanh Sơn"], None)),
    ("Minh Thu - Thanh Hải", (["Minh Thu", "Thanh Hải"], None)),
    ("Minh Thu – Thanh Hải", (["Minh Thu", "Thanh Hải"], None)),
    ("Bài: Thu Hằng - Ảnh: Đức Anh", (["Thu Hằng"], None)),
    ("Bài: Thu Hằng; ảnh: Đức Anh", (["Thu Hằng"], None)),
    ("Nhóm PV", (["Nhóm PV"], None)),
    ("Theo TTXVN", ([], "TTXVN")),
    ("Theo TTXVN/Vietnam+", ([], "TTXVN/Vietnam+")),
    ("Theo báo Nhân Dân", ([], "báo Nhân Dân")),
    ("Theo baochinhphu.vn", ([], "baochinhphu.vn")),
    ("Minh Anh (TTXVN)", (["Minh Anh"], "TTXVN")),
    ("Minh Anh (BHB)", (["Minh Anh"], None)),
    ("PGS.TS Nguyễn Văn A", (["Nguyễn Văn A"], None)),
    ("Phòng Văn hóa - Thông tin huyện Lạc Sơn", (["Phòng Văn hóa - Thông tin huyện Lạc Sơn"], None)),
    ("Ảnh: M.T", None),
    ("Ảnh: PV", None),
    ("Video: Thu Hằng", None),
    ("", None),
    ("Thu Hằng 2020", None),
    ("Theo Thu Hằng, đây là mô hình hay", None),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_parse_byline_text(text: str, expected: tuple[list[str], str | None] | None) -> None:
    got = parse_byline_text(text)
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert (got.authors, got.source) == expected
    assert got.raw == " ".join(text.split())


# (lines at the top of the body, expected authors or None, expected raw, expected n)
LEADING: list[tuple[list[str], list[str] | None, str | None, int | None]] = [
    (["PGS.TS NGUYỄN VĂN A", "Nguyên Tổng Biên tập Báo Hòa Bình", LAST], ["NGUYỄN VĂN A"],
     "PGS.TS NGUYỄN VĂN A, Nguyên Tổng Biên tập Báo Hòa Bình", 2),
    (["BÙI VĂN TỈNH", "Nguyên Phó Chủ tịch UBND tỉnh", LAST], ["BÙI VĂN TỈNH"],
     "BÙI VĂN TỈNH, Nguyên Phó Chủ tịch UBND tỉnh", 2),
    (["", "ĐINH CÔNG SỨ", "Nguyên Bí thư Huyện ủy Lạc Sơn", LAST], ["ĐINH CÔNG SỨ"],
     "ĐINH CÔNG SỨ, Nguyên Bí thư Huyện ủy Lạc Sơn", 3),
    (["ĐẠI TÁ QUÁCH VĂN HÙNG", "Chỉ huy trưởng Bộ CHQS tỉnh", LAST], ["QUÁCH VĂN HÙNG"],
     "ĐẠI TÁ QUÁCH VĂN HÙNG, Chỉ huy trưởng Bộ CHQS tỉnh", 2),
    ([nfd("XA THỊ HƯƠNG"), nfd("Trường Chính trị tỉnh"), LAST], ["XA THỊ HƯƠNG"],
     "XA THỊ HƯƠNG, Trường Chính trị tỉnh", 2),
    (["NHỮNG CON SỐ ẤN TƯỢNG", "Ban Tuyên giáo Huyện ủy", LAST], None, None, None),
    (["Nguyễn Văn A", "Nguyên Chủ tịch UBND tỉnh", LAST], None, None, None),
    (["NGUYỄN VĂN A", LAST], None, None, None),
    (["NGUYỄN VĂN A"], None, None, None),
    ([LAST, "Thanh Sơn"], None, None, None),
    (["KỲ 1: NHỮNG BƯỚC ĐI ĐẦU TIÊN", "Nguyên nhân của thành công", LAST], None, None, None),
    ([], None, None, None),
]


@pytest.mark.parametrize(("lines", "authors", "raw", "n"), LEADING)
def test_parse_leading_byline(lines: list[str], authors: list[str] | None, raw: str | None, n: int | None) -> None:
    got = parse_leading_byline(lines)
    if authors is None:
        assert got is None
        return
    assert got is not None
    byline, count = got
    assert (byline.authors, byline.raw, byline.source, count) == (authors, raw, None, n)


CAPTIONS: list[tuple[str, bool]] = [
    ("Cán bộ Văn phòng Huyện ủy Lạc Sơn chuẩn bị các văn bản, tài liệu phục vụ đại hội. (Ảnh: M.T)", True),
    ("Lãnh đạo huyện trao quà cho các hộ nghèo. Ảnh: PV", True),
    ("Đại biểu biểu quyết thông qua nghị quyết đại hội - ảnh: Thanh Sơn", True),
    ("Trong ảnh: Đồng chí Bùi Văn Cửu phát biểu tại đại hội", True),
    ("Người dân xã Văn Nghĩa tham gia lao động (Ảnh minh họa)", True),
    (nfd("Các đại biểu dự đại hội điểm. Ảnh: Đức Anh"), True),
    ("Ảnh: M.T", True),
    ("Ảnh minh họa", True),
    ("Bài, ảnh: Việt Lâm", False),
    ("Thanh Sơn", False),
    ("Anh chia sẻ về những tấm ảnh: chúng rất quý giá.", False),
    ("Đảng bộ huyện Lạc Sơn có 56 chi, Đảng bộ trực thuộc.", False),
    ("Ảnh tư liệu cho thấy nhiều điều", False),
    ("Nhiều bức ảnh đẹp được trưng bày tại nhà văn hóa xóm.", False),
    ("Đại biểu dự đại hội. " * 30 + "Ảnh: PV", False),
    ("", False),
]


@pytest.mark.parametrize(("text", "expected"), CAPTIONS)
def test_looks_like_caption(text: str, expected: bool) -> None:
    assert looks_like_caption(text) is expected


PHOTO_CREDITS: list[tuple[str, bool]] = [
    ("Ảnh: M.T", True),
    ("Ảnh: PV", True),
    ("Ảnh: Internet", True),
    ("(Ảnh: M.T)", True),
    ("ẢNH: PV", True),
    ("Ảnh, video: Thu Hằng", True),
    ("Ảnh: Hoàng Anh (TTXVN)", True),
    ("Ảnh: tư liệu", True),
    ("(Ảnh minh hoạ)", True),
    (nfd("Ảnh: Đức Anh"), True),
    ("Ảnh", False),
    ("Ảnh: chúng tôi", False),
    ("Bài, ảnh: Việt Lâm", False),
    ("Lãnh đạo huyện trao quà cho các hộ nghèo. Ảnh: PV", False),
    ("Thanh Sơn", False),
    ("", False),
]


@pytest.mark.parametrize(("text", "expected"), PHOTO_CREDITS)
def test_is_photo_credit(text: str, expected: bool) -> None:
    assert is_photo_credit(text) is expected
