"""Text helpers (NFC, whitespace, folding) and URL shapes."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.text import clean, fold, has_lead_prefix, strip_lead_prefix
from crawler.urls import absolute, article_ids, canonical_url, is_article_url, listing_page, unwayback


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ĐẢNG BỘ LẠC SƠN", "dang bo lac son"),
        ("Đảng bộ Lạc Sơn", "dang bo lac son"),
        (unicodedata.normalize("NFD", "Huyện uỷ Mới Nang"), "huyen uy moi nang"),
        ("Chi bộ xóm Mới Nang", "chi bo xom moi nang"),
        ("Nhiệm kỳ 2020–2025", "nhiem ky 2020–2025"),
        ("ƯỚC VỌNG Ở ĐÂY", "uoc vong o day"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text: str | None, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Thanh\u00a0 Sơn \n", "Thanh Sơn"),
        (unicodedata.normalize("NFD", "Lạc Sơn"), "Lạc Sơn"),
        ("a\u200bb", "a b"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean(text: str | None, expected: str) -> None:
    out = clean(text)
    assert out == expected
    assert unicodedata.is_normalized("NFC", out)


@pytest.mark.parametrize(
    ("text", "stripped", "has"),
    [
        ("(HBĐT) - Để làm tốt", "Để làm tốt", True),
        ("(HBĐT)- LTS: Bài viết", "LTS: Bài viết", True),
        ("(HBO) - Hoa Binh province", "Hoa Binh province", True),
        ("( HBĐT ) – Sáng 26/4", "Sáng 26/4", True),
        ("HBĐT - Không ngoặc", "Không ngoặc", True),
        ("[HBĐT] - Ngoặc vuông", "Ngoặc vuông", True),
        ("HBĐT tổ chức hội nghị", "HBĐT tổ chức hội nghị", False),
        ("Không có tiền tố", "Không có tiền tố", False),
    ],
)
def test_lead_prefix(text: str, stripped: str, has: bool) -> None:
    assert strip_lead_prefix(text) == stripped
    assert has_lead_prefix(text) is has


@pytest.mark.parametrize(
    ("url", "ids"),
    [
        ("https://baohoabinh.com.vn/11/138512/Lac-Son-chu-dong.htm", (11, 138512)),
        ("http://www.baohoabinh.com.vn/220/99001/Ky-Phong-Su-.htm", (220, 99001)),
        ("/16/140000/Van-hoa,-the-thao.htm", (16, 140000)),
        ("https://baohoabinh.com.vn/11/page/2/CHINH-TRI.htm", None),
        ("https://baohoabinh.com.vn/", None),
        (None, None),
    ],
)
def test_article_ids(url: str | None, ids: tuple[int, int] | None) -> None:
    assert article_ids(url) == ids
    assert is_article_url(url) is (ids is not None)


def test_listing_page() -> None:
    assert listing_page("https://baohoabinh.com.vn/11/page/57/CHINH-TRI.htm") == (11, 57)
    assert listing_page("/220/page/38/KY-PHONG-SU.htm") == (220, 38)
    assert listing_page("https://baohoabinh.com.vn/11/138512/X.htm") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.baohoabinh.com.vn/11/1/X.htm#top", "https://baohoabinh.com.vn/11/1/X.htm"),
        ("https://baohoabinh.com.vn/11/1/X.htm", "https://baohoabinh.com.vn/11/1/X.htm"),
        ("http://127.0.0.1:8000/11/1/X.htm", "http://127.0.0.1:8000/11/1/X.htm"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/web/20191016083000/https://baohoabinh.com.vn/11/1/X.htm", ("https://baohoabinh.com.vn/11/1/X.htm", "20191016083000")),
        ("https://web.archive.org/web/20191016083000id_/http://baohoabinh.com.vn/11/1/X.htm",
         ("http://baohoabinh.com.vn/11/1/X.htm", "20191016083000")),
        ("/web/2019im_/baohoabinh.com.vn/a.jpg", ("http://baohoabinh.com.vn/a.jpg", "2019")),
        ("https://baohoabinh.com.vn/11/1/X.htm", ("https://baohoabinh.com.vn/11/1/X.htm", None)),
    ],
)
def test_unwayback(url: str, expected: tuple[str, str | None]) -> None:
    assert unwayback(url) == expected


@pytest.mark.parametrize(
    ("base", "href", "expected"),
    [
        ("http://127.0.0.1:5/11/page/1/CHINH-TRI.htm", "/11/2/A.htm", "http://127.0.0.1:5/11/2/A.htm"),
        ("https://baohoabinh.com.vn/a/b.htm", "c.htm#x", "https://baohoabinh.com.vn/a/c.htm"),
        ("https://baohoabinh.com.vn/", "javascript:void(0)", None),
        ("https://baohoabinh.com.vn/", "#", None),
        ("https://baohoabinh.com.vn/", "", None),
    ],
)
def test_absolute(base: str, href: str, expected: str | None) -> None:
    assert absolute(base, href) == expected
