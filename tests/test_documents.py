"""Numbered documents: kind, number, code, issuer (printed or from the code) and date."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.entities import extract_entities
from crawler.entities.documents import issuer_from_code

D = tuple[str, str | None, str | None, str | None, str | None]


def docs_of(text: str) -> list[D]:
    e = extract_entities(None, text, None, "2020-06-25T09:00:00+07:00", link_places=False)
    return [(d.kind, d.number, d.code, d.issuer, d.date) for d in e.documents]


CASES: list[tuple[str, str, list[D]]] = [
    ("party-code-and-date", "Huyện ủy Lạc Sơn đã ban hành Kế hoạch số 236-KH/HU, ngày 6/9/2019 quán triệt.",
     [("Kế hoạch", "236", "236-KH/HU", "Huyện ủy", "2019-09-06")]),
    ("printed-issuer-wins", "Thực hiện Chỉ thị số 35-CT/TW, ngày 30/5/2019 của Bộ Chính trị về đại hội.",
     [("Chỉ thị", "35", "35-CT/TW", "Bộ Chính trị", "2019-05-30")]),
    ("number-only", "Đồng thời, ra Thông báo số 01, ngày 9/10/2019 phân công nhiệm vụ.",
     [("Thông báo", "01", None, None, "2019-10-09")]),
    ("provincial-resolution", "Triển khai Nghị quyết số 11-NQ/TU về phát triển du lịch.",
     [("Nghị quyết", "11", "11-NQ/TU", "Tỉnh ủy", None)]),
    ("state-code", "UBND tỉnh ban hành Quyết định số 123/QĐ-UBND về việc kiện toàn.",
     [("Quyết định", "123", "123/QĐ-UBND", "Ủy ban nhân dân", None)]),
    ("legislature-code-year", "Thực hiện Nghị quyết số 88/2019/QH14 ngày 18/11/2019 của Quốc hội phê duyệt Đề án.",
     [("Nghị quyết", "88", "88/2019/QH14", "Quốc hội", "2019-11-18")]),
    ("no-so-but-code", "Gắn với Chỉ thị 05-CT/TW của Bộ Chính trị về học tập và làm theo.",
     [("Chỉ thị", "05", "05-CT/TW", "Bộ Chính trị", None)]),
    ("lowercase-kind-with-so", "Đảng ủy xã ban hành kế hoạch số 12-KH/ĐU triển khai.",
     [("Kế hoạch", "12", "12-KH/ĐU", "Đảng ủy", None)]),
    ("central-organ-issuer", "Theo Hướng dẫn số 26-HD/BTCTW, ngày 18/6/2019 của Ban Tổ chức Trung ương.",
     [("Hướng dẫn", "26", "26-HD/BTCTW", "Ban Tổ chức Trung ương", "2019-06-18")]),
    ("date-in-words", "Theo Quyết định số 1098-QĐ/TU ngày 4 tháng 10 năm 2019 của Ban Thường vụ Tỉnh ủy.",
     [("Quyết định", "1098", "1098-QĐ/TU", "Ban Thường vụ Tỉnh ủy Hòa Bình", "2019-10-04")]),
    ("same-document-listed-once", "Chỉ thị số 35-CT/TW của Bộ Chính trị ... Thực hiện Chỉ thị số 35, các cấp ủy đã làm.",
     [("Chỉ thị", "35", "35-CT/TW", "Bộ Chính trị", None)]),
    ("not-documents", "Theo kế hoạch, Chương trình 135 và Nghị quyết Trung ương 4 khóa XII, Kế hoạch 2020 đã xong.", []),
    ("commune-merger-resolution", "Ủy ban Thường vụ Quốc hội ban hành Nghị quyết số 830/NQ-UBTVQH14 về sắp xếp.",
     [("Nghị quyết", "830", "830/NQ-UBTVQH14", "Ủy ban Thường vụ Quốc hội", None)]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_documents(text: str, expected: list[D]) -> None:
    assert docs_of(text) == expected


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_documents_nfd_input(text: str, expected: list[D]) -> None:
    assert docs_of(unicodedata.normalize("NFD", text)) == expected


@pytest.mark.parametrize(("code", "issuer"), [
    ("236-KH/HU", "Huyện ủy"), ("35-CT/TW", "Trung ương"), ("11-NQ/TU", "Tỉnh ủy"), ("05-KH/ĐU", "Đảng ủy"),
    ("12-HD/BTCTU", "Ban Tổ chức Tỉnh ủy"), ("123/QĐ-UBND", "Ủy ban nhân dân"), ("01/2019/NQ-HĐND", "Hội đồng nhân dân"),
    ("830/NQ-UBTVQH14", "Ủy ban Thường vụ Quốc hội"), ("88/2019/QH14", "Quốc hội"), ("1719/QĐ-TTg", "Thủ tướng Chính phủ"),
    ("15-KH/XYZ", None), (None, None), ("01", None),
])
def test_issuer_from_code(code: str | None, issuer: str | None) -> None:
    assert issuer_from_code(code) == issuer
