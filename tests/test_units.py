"""Organisational units: canonical names, kinds, levels, mentions, completion and the traps of issue 4.

Also: NFD input gives the same results as NFC on the whole gold set, odd input never raises, and
the gold-set goals of issue 4 hold (a regression fails here).
"""

from __future__ import annotations

import dataclasses
import random
import unicodedata
from typing import Any

import pytest

from crawler.entities import Entities, extract_entities
from crawler.entities.scoring import GOALS, as_dicts, held_out_batch, load_gold, score
from crawler.entities.units import trie_pattern
from crawler.items import Unit

U = tuple[str, str, str]


def units_of(title: str | None, lead: str | None, body: str | None) -> dict[U, int]:
    e = extract_entities(title, lead, body, "2020-05-21T08:00:00+07:00", link_places=False)
    return {(u.name, u.kind, u.level): u.mentions for u in e.units}


CASES: list[tuple[str, str | None, str | None, str | None, dict[U, int | None], list[str]]] = [
    # id, title, lead, body, expected units (mentions or None = any), names that must be absent
    ("completion-from-quote", None,
     "Đồng chí Bùi Đức Dính, Bí thư Đảng ủy xã Văn Nghĩa cho biết: \"Đảng bộ xã hiện có 12 chi bộ.\"", None,
     {("Đảng ủy xã Văn Nghĩa", "dang-uy", "xa"): 1, ("Đảng bộ xã Văn Nghĩa", "dang-bo", "xa"): 1}, ["Đảng bộ xã"]),
    ("generic-phrases", "Chuẩn bị Đại hội Đảng bộ các cấp nhiệm kỳ 2020-2025",
     "Các chi, Đảng bộ trực thuộc tập trung hoàn thành; các cấp uỷ, tổ chức Đảng đề cao trách nhiệm.",
     "Huyện có 34 Đảng bộ và 22 chi bộ cơ sở; các đảng bộ xã, thị trấn chuẩn bị văn kiện.", {}, []),
    ("congress-names-unit-roman-numeral", "Đại hội Đảng bộ xã Văn Nghĩa lần thứ XXIV, nhiệm kỳ 2020 - 2025",
     None, None, {("Đảng bộ xã Văn Nghĩa", "dang-bo", "xa"): 1}, ["Đảng bộ xã Văn Nghĩa Lần"]),
    ("abbreviation-default-province", None, "Dự thảo báo cáo chính trị của BCH Đảng bộ tỉnh khóa XVI.", None,
     {("Ban Chấp hành Đảng bộ tỉnh Hòa Bình", "ban", "tinh"): 1, ("Đảng bộ tỉnh Hòa Bình", "dang-bo", "tinh"): 1}, []),
    ("old-style-tone-merged", None, "Huyện uỷ Yên Thuỷ chỉ đạo sát sao.", "Huyện ủy Yên Thủy đã ban hành kế hoạch.",
     {("Huyện ủy Yên Thủy", "cap-uy", "huyen"): 2}, ["Huyện uỷ Yên Thuỷ"]),
    ("case-variants-merged", "ĐẢNG BỘ HUYỆN LẠC SƠN ĐẨY MẠNH CẢI CÁCH", "Đảng bộ huyện Lạc Sơn có 56 tổ chức.",
     "Năm 2019, đảng bộ huyện Lạc Sơn kết nạp 300 đảng viên.", {("Đảng bộ huyện Lạc Sơn", "dang-bo", "huyen"): 3}, []),
    ("city-is-district-level", None, "Đây là đại hội điểm của Thành ủy Hòa Bình.",
     "Đảng bộ thành phố Hòa Bình và Tỉnh ủy Hòa Bình.",
     {("Thành ủy Hòa Bình", "cap-uy", "huyen"): 1, ("Đảng bộ thành phố Hòa Bình", "dang-bo", "huyen"): 1,
      ("Tỉnh ủy Hòa Bình", "cap-uy", "tinh"): 1}, []),
    ("organ-completed-with-district", None, "Trên địa bàn huyện Tân Lạc, Ban Tuyên giáo Huyện ủy đã định hướng.",
     "Công an huyện bảo đảm an ninh.",
     {("Ban Tuyên giáo Huyện ủy Tân Lạc", "ban", "huyen"): 1, ("Huyện ủy Tân Lạc", "cap-uy", "huyen"): 1,
      ("Công an huyện Tân Lạc", "nha-nuoc", "huyen"): 1}, []),
    ("ambiguous-district-kept-as-printed", None, "Các đoàn công tác đến huyện Lạc Sơn và huyện Tân Lạc.",
     "Sau đó, Công an huyện triển khai phương án.", {("Công an huyện", "nha-nuoc", "huyen"): 1},
     ["Công an huyện Lạc Sơn", "Công an huyện Tân Lạc"]),
    ("person-name-not-swallowed", None, "Đại hội Đảng bộ huyện Lạc Sơn khai mạc.",
     "Phó Bí thư Thường trực Huyện ủy Đinh Công Thắng phát biểu.",
     {("Huyện ủy Lạc Sơn", "cap-uy", "huyen"): 1}, ["Huyện ủy Đinh Công Thắng"]),
    ("position-words-are-not-units", None, "Ông là Tỉnh ủy viên, nguyên Huyện ủy viên, Đảng ủy viên.", None,
     {}, ["Tỉnh ủy Hòa Bình", "Đảng ủy"]),
    ("plural-list-of-named-communes", None, "Trong tháng 5/2020, Đảng bộ các xã Tân Mỹ, Ngọc Lâu và Tự Do sẽ tổ chức đại hội.",
     None, {("Đảng bộ xã Tân Mỹ", "dang-bo", "xa"): 1, ("Đảng bộ xã Ngọc Lâu", "dang-bo", "xa"): 1,
            ("Đảng bộ xã Tự Do", "dang-bo", "xa"): 1}, []),
    ("village-cell-lowercase-merged", "Chi bộ xóm Mới Nang đại hội điểm", "Đảng bộ xã lựa chọn chi bộ xóm Mới Nang.",
     None, {("Chi bộ xóm Mới Nang", "chi-bo", "co-so"): 2}, []),
    ("school-cell-and-school", "Chi bộ Trường THPT Yên Thủy A tổ chức đại hội", None,
     "Đồng chí Đinh Thị Huyền, Hiệu trưởng Trường THPT Yên Thủy A phát biểu.",
     {("Chi bộ Trường THPT Yên Thủy A", "chi-bo", "co-so"): 1, ("Trường THPT Yên Thủy A", "truong", "co-so"): 2}, []),
    ("partial-khoi-resolved", "Đại hội Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh lần thứ I", None,
     "Ngay sau khi thành lập, Đảng ủy Khối đã kiện toàn tổ chức bộ máy.",
     {("Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh Hòa Bình", "dang-bo", "tinh"): 1,
      ("Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh Hòa Bình", "dang-uy", "tinh"): 1}, []),
    ("front-variants-merged", None, "Ủy ban MTTQ huyện Kim Bôi tổ chức ngày hội.",
     "Mặt trận Tổ quốc huyện Kim Bôi trao quà; UBND xã Thu Phong phối hợp.",
     {("Ủy ban Mặt trận Tổ quốc huyện Kim Bôi", "doan-the", "huyen"): 2,
      ("Ủy ban nhân dân xã Thu Phong", "nha-nuoc", "xa"): 1}, []),
    ("places-alone-are-not-units", None, "Ở xóm Chum, xã Tân Minh (Đà Bắc), người dân trồng cam; huyện Lạc Sơn cũng vậy.",
     None, {}, ["xóm Chum", "huyện Lạc Sơn"]),
    ("missing-space-after-period", None, "Xây dựng kế hoạch đến cơ sở.Cán bộ Văn phòng Huyện ủy Lạc Sơn chuẩn bị tài liệu.",
     None, {("Văn phòng Huyện ủy Lạc Sơn", "ban", "huyen"): 1}, []),
    ("steering-committee-scope-from-subject", None, "Huyện ủy Lạc Sơn ban hành kế hoạch.",
     "Huyện đã thành lập Ban chỉ đạo Đại hội. Ban chỉ đạo đại hội huyện đã giao nhiệm vụ.",
     {("Ban Chỉ đạo Đại hội huyện Lạc Sơn", "ban", "huyen"): 2}, ["Ban Chỉ đạo"]),
    ("all-caps-title-two-syllables", "ĐẠI HỘI ĐẢNG BỘ XÃ LẠC SỸ LẦN THỨ XXI", None, None,
     {("Đảng bộ xã Lạc Sỹ", "dang-bo", "xa"): 1}, []),
    ("eth-lookalike-letter", None, "Ðảng bộ huyện Lạc Sơn có nhiều đổi mới.", None,
     {("Đảng bộ huyện Lạc Sơn", "dang-bo", "huyen"): 1}, []),
    ("subcommittees-closed-names", None, "Đảng bộ huyện Lạc Sơn đã thành lập các tiểu ban gồm Tiểu ban văn kiện, "
     "Tiểu ban xây dựng Đảng và Tiểu ban tổ chức phục vụ đại hội.", None,
     {("Tiểu ban Văn kiện", "tieu-ban", "huyen"): 1, ("Tiểu ban Xây dựng Đảng", "tieu-ban", "huyen"): 1,
      ("Tiểu ban Tổ chức", "tieu-ban", "huyen"): 1}, ["Tiểu ban Tổ chức phục vụ đại hội"]),
    ("national-bodies", None, "Thực hiện Chỉ thị của Bộ Chính trị và Ban Bí thư, Ủy viên Trung ương Đảng dự họp; "
     "Ủy ban Thường vụ Quốc hội ban hành nghị quyết.", None,
     {("Bộ Chính trị", "ban", "trung-uong"): 1, ("Ban Bí thư", "ban", "trung-uong"): 1,
      ("Ban Chấp hành Trung ương Đảng", "ban", "trung-uong"): 1, ("Ủy ban Thường vụ Quốc hội", "nha-nuoc", "trung-uong"): 1},
     ["Quốc hội"]),
    ("department-abbreviation-expanded", None, "Phòng NN&PTNT huyện Cao Phong và Sở Giáo dục và Đào tạo phối hợp.", None,
     {("Phòng Nông nghiệp và Phát triển nông thôn huyện Cao Phong", "nha-nuoc", "huyen"): 1,
      ("Sở Giáo dục và Đào tạo", "nha-nuoc", "tinh"): 1}, []),
    # found on held-out batch 2 and the unseen saved pages
    ("hospital-descriptive-name", "Chi bộ Bệnh viện Y dược cổ truyền tỉnh đại hội", None, None,
     {("Chi bộ Bệnh viện Y dược cổ truyền tỉnh Hòa Bình", "chi-bo", "co-so"): 1,
      ("Bệnh viện Y dược cổ truyền tỉnh Hòa Bình", "nha-nuoc", "tinh"): 1}, []),
    ("centre-descriptive-name", None, "Trung tâm Văn hóa - Thể thao huyện Lạc Sơn phối hợp tổ chức.", None,
     {("Trung tâm Văn hóa - Thể thao huyện Lạc Sơn", "nha-nuoc", "huyen"): 1}, []),
    ("centre-without-name-not-unit", None, "Trung tâm huyện có nhiều nhà mới; trung tâm xã Tu Lý sạch đẹp.", None, {}, []),
    ("front-then-youth-committee-not-a-list", "Hội LHPN huyện Cao Phong", "Bà A phối hợp với Ủy ban MTTQ huyện và "
     "Huyện đoàn tổ chức.", None,
     {("Ủy ban Mặt trận Tổ quốc huyện Cao Phong", "doan-the", "huyen"): 1, ("Huyện đoàn Cao Phong", "doan-the", "huyen"): 1},
     []),
    ("party-then-committee-not-a-list", None, "Đảng bộ xã Tân Mỹ (Lạc Sơn): Đảng ủy xã và Huyện ủy phối hợp chỉ đạo.", None,
     {("Đảng ủy xã Tân Mỹ", "dang-uy", "xa"): 1, ("Huyện ủy Lạc Sơn", "cap-uy", "huyen"): 1}, []),
    ("list-of-level-words-still-generic", None, "Các đảng bộ xã, thị trấn và Ủy ban MTTQ xã, thị trấn đã họp.", None, {},
     []),
    ("youth-union-bare-commune-completed", "Đảng bộ xã Tu Lý đại hội", None, "Chi bộ phối hợp với Đoàn xã tạo nguồn.",
     {("Đoàn Thanh niên Cộng sản Hồ Chí Minh xã Tu Lý", "doan-the", "xa"): 1}, []),
    ("youth-union-bare-level-without-place-dropped", None, "Đoàn xã phối hợp với Đoàn thị trấn tổ chức.", None, {}, []),
    ("village-cell-type-word-not-a-unit", None, "Ở đâu chi bộ xóm, tổ dân phố mạnh thì phong trào đi lên; "
     "tỷ lệ chi bộ xóm có đảng viên là trưởng xóm còn thấp.", None, {}, ["Chi bộ xóm"]),
    ("village-cell-completed-when-one-village", None, "Xóm Mới Nang có 40 hộ. Chi bộ xóm có 31 đảng viên.", None,
     {("Chi bộ xóm Mới Nang", "chi-bo", "co-so"): 1}, []),
    ("subcommittee-verb-not-name", None, "Tại Đảng bộ xã Cư Yên, tiểu ban văn kiện được giao xây dựng dự thảo. "
     "Sau đó, tiểu ban tổ chức khảo sát tại 14 xóm.", None,
     {("Tiểu ban Văn kiện", "tieu-ban", "xa"): 1}, ["Tiểu ban Tổ chức"]),
    ("place-name-starting-with-ky", "Hội CCB huyện Kỳ Sơn tham gia xây dựng Đảng", None,
     "Huyện uỷ Kỳ Sơn chỉ đạo; Hội CCB huyện phối hợp với Huyện đoàn. HĐND huyện Lạc Sơn Kỳ họp thứ 9 khai mạc.",
     {("Hội Cựu chiến binh huyện Kỳ Sơn", "doan-the", "huyen"): 2, ("Huyện ủy Kỳ Sơn", "cap-uy", "huyen"): 1,
      ("Huyện đoàn Kỳ Sơn", "doan-the", "huyen"): 1, ("Hội đồng nhân dân huyện Lạc Sơn", "nha-nuoc", "huyen"): 1},
     ["Hội đồng nhân dân huyện Lạc Sơn Kỳ"]),
    ("subcommittee-level-from-main-unit", "Đảng bộ huyện Kim Bôi chuẩn bị đại hội", None,
     "Ngay từ tháng 10, Tiểu ban Văn kiện đã họp.", {("Tiểu ban Văn kiện", "tieu-ban", "huyen"): 1}, []),
]


@pytest.mark.parametrize(("title", "lead", "body", "expected", "absent"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_units(title: str | None, lead: str | None, body: str | None, expected: dict[U, int | None],
               absent: list[str]) -> None:
    got = units_of(title, lead, body)
    for key, mentions in expected.items():
        assert key in got, f"missing {key}; got {sorted(got)}"
        if mentions is not None:
            assert got[key] == mentions, f"{key}: {got[key]} mentions, expected {mentions}"
    names = {k[0] for k in got}
    for name in absent:
        assert name not in names
    if not expected:
        assert got == {}


def test_generic_article_has_exactly_no_units() -> None:
    assert units_of("Đại hội Đảng bộ các cấp", "tổ chức Đảng và cấp ủy các cấp", "Đảng bộ đã lãnh đạo.") == {}


GOLD = load_gold()


def _as_nfd(value: str | None) -> str | None:
    return unicodedata.normalize("NFD", value) if isinstance(value, str) else value


@pytest.mark.parametrize("article", [a for _n, a in GOLD], ids=[n for n, _a in GOLD])
def test_nfd_input_gives_the_same_entities(article: dict[str, Any]) -> None:
    nfc = extract_entities(article["title"], article["lead"], article["body"], article["published_at"], link_places=False)
    nfd = extract_entities(_as_nfd(article["title"]), _as_nfd(article["lead"]), _as_nfd(article["body"]),
                           article["published_at"], link_places=False)
    assert dataclasses.asdict(nfd) == dataclasses.asdict(nfc)
    assert nfc.units, "every gold article names at least one unit"


ODD: list[tuple[Any, Any, Any, Any]] = [
    (None, None, None, None),
    ("", "   ", "\n\n\n", ""),
    ("Đảng bộ", "Đảng bộ xã", "Chi bộ", "not a date"),
    ("((((", "))))", "////---...,,,;;;::", "2020-13-45T99:99:99+07:00"),
    ("Kế hoạch số", "ngày 99/99/9999", "tháng 13/2020 quý V/2020 nhiệm kỳ 2025-2020", "2020-02-30"),
    ("\x00\u200b\ufeff", "Ðảng bộ\u00a0huyện\u200bLạc Sơn", "9" * 400, None),
    ("Huyện ủy " * 200, "Ban Chấp hành " * 50 + "Đảng bộ", "xã " * 300 + "Văn Nghĩa", "2020-05-01"),
]


@pytest.mark.parametrize("args", ODD, ids=[f"odd{i}" for i in range(len(ODD))])
def test_odd_input_never_raises(args: tuple[Any, Any, Any, Any]) -> None:
    result = extract_entities(*args)
    assert isinstance(result, Entities)


def test_random_text_never_raises() -> None:
    rng = random.Random(4)
    alphabet = list("aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠĐđ ,.;:/-()\"“”%0123456789\n") + [
        "Đảng bộ ", "xã ", "Huyện ủy ", "ngày ", "tháng ", "số ", "Bí thư ", "đồng chí ", "UBND ", "Văn Nghĩa "]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        assert isinstance(extract_entities(text[:40], text[40:120], text, "2020-04-27T08:00:00+07:00"), Entities)


@pytest.mark.parametrize(("words", "text", "found"), [
    (["đảng bộ", "đảng ủy", "chi bộ"], "tại đảng bộ và chi bộ", ["đảng bộ", "chi bộ"]),
    (["ban", "ban chấp hành"], "ban chấp hành", ["ban chấp hành"]),
    (["xã", "xóm"], "xóm xã", ["xóm", "xã"]),
])
def test_trie_pattern_matches_the_longest_word(words: list[str], text: str, found: list[str]) -> None:
    import re

    assert [m.group() for m in re.finditer(trie_pattern(words), text)] == found


@pytest.fixture(scope="module")
def gold_scores() -> dict[str, Any]:
    results = []
    for name, a in GOLD:
        e = extract_entities(a["title"], a["lead"], a["body"], a["published_at"])
        results.append((name, a, {"units": as_dicts(e.units), "people": as_dicts(e.people),
                                  "documents": as_dicts(e.documents), "counts": as_dicts(e.counts),
                                  "date_mentions": as_dicts(e.date_mentions)}))
    return score(results)


@pytest.mark.parametrize(("article", "batch"), [
    ({"title": "x"}, None),
    ({"_held_out": ""}, None),
    ({"_held_out": "written and annotated after the extractor was built"}, 1),
    ({"_held_out": "batch 2: written and annotated after the first revision"}, 2),
    ({"_held_out": "batch 12: later"}, 12),
])
def test_held_out_batch(article: dict[str, Any], batch: int | None) -> None:
    assert held_out_batch(article) == batch


def test_gold_set_has_a_second_held_out_batch() -> None:
    batches = [held_out_batch(a) for _n, a in GOLD]
    assert batches.count(1) >= 4 and batches.count(2) >= 6
    assert all("heldout" in n for n, a in GOLD if held_out_batch(a) is not None)


def test_gold_set_is_big_enough() -> None:
    assert len(GOLD) >= 20
    assert sum(len(a["expected"]["units"]) for _n, a in GOLD) >= 100


@pytest.mark.parametrize("kind", sorted(GOALS))
def test_gold_set_meets_the_goals(kind: str, gold_scores: dict[str, Any]) -> None:
    s = gold_scores[kind]
    goal_p, goal_r = GOALS[kind]
    assert s.precision >= goal_p and s.recall >= goal_r, (
        f"{kind}: P={s.precision:.3f} R={s.recall:.3f}; errors: {s.errors[:10]}")


@pytest.mark.parametrize(("text", "expected"), [
    ("Huyện uỷ Yên Thuỷ", "Huyện ủy Yên Thủy"),
    ("xã Quý Hoà, khoá XVI", "xã Quý Hòa, khóa XVI"),
    ("HOÀ BÌNH", "HÒA BÌNH"),
    ("hoàn thành, quý, thuyền", "hoàn thành, quý, thuyền"),
    ("Ðảng  bộ\u200b\u00a0xã", "Đảng bộ xã"),
    (unicodedata.normalize("NFD", "Đảng ủy xã Văn Nghĩa"), "Đảng ủy xã Văn Nghĩa"),
    (None, ""),
])
def test_normalize(text: str | None, expected: str) -> None:
    from crawler.entities.textutil import normalize

    assert normalize(text) == expected


# -- generic sub-committee names carry their scope (issue 12 item 6) ----------------------------


@pytest.mark.parametrize(("title", "lead", "body", "expected"), [
    # the sentence's subject: a district committee's standing board
    ("Lạc Sơn chuẩn bị đại hội", "Ban Thường vụ Huyện ủy Lạc Sơn thành lập Tiểu ban Văn kiện.", "",
     {("Tiểu ban Văn kiện", "Đại hội Đảng bộ huyện Lạc Sơn")}),
    # two sentences, two communes: each sub-committee takes its own sentence's subject
    ("Chuẩn bị đại hội cơ sở", "",
     "Đảng ủy xã Ân Nghĩa thành lập Tiểu ban Nhân sự. Đảng ủy xã Tân Mỹ thành lập Tiểu ban Tổ chức.",
     {("Tiểu ban Nhân sự", "Đại hội Đảng bộ xã Ân Nghĩa"), ("Tiểu ban Tổ chức", "Đại hội Đảng bộ xã Tân Mỹ")}),
    # no subject in the sentence: the article's main unit
    ("Đảng bộ huyện Kim Bôi chuẩn bị đại hội", "", "Tiểu ban Văn kiện đã họp lần thứ hai.",
     {("Tiểu ban Văn kiện", "Đại hội Đảng bộ huyện Kim Bôi")}),
    # a sentence-initial level word completed from the article
    ("Huyện Đà Bắc chuẩn bị đại hội", "", "Huyện đã thành lập Tiểu ban Tuyên truyền.",
     {("Tiểu ban Tuyên truyền", "Đại hội Đảng bộ huyện Đà Bắc")}),
    # the scope printed: part of the name; a later bare mention is the same unit
    ("Tiểu ban Văn kiện Đại hội Đảng bộ tỉnh họp", "", "Tiểu ban Văn kiện đã tổng hợp ý kiến.",
     {("Tiểu ban Văn kiện Đại hội Đảng bộ tỉnh Hòa Bình", None)}),
    # a Party cell's sub-committee
    ("Chi bộ Trường THPT Lạc Sơn chuẩn bị đại hội", "", "Chi bộ Trường THPT Lạc Sơn lập Tiểu ban Nhân sự.",
     {("Tiểu ban Nhân sự", "Đại hội Chi bộ Trường THPT Lạc Sơn")}),
    # nothing says whose it is: no scope is invented
    ("Hội nghị", "", "Tiểu ban Văn kiện đã họp.", {("Tiểu ban Văn kiện", None)}),
])
def test_tieu_ban_scope(title: str, lead: str, body: str, expected: set[tuple[str, str | None]]) -> None:
    units = extract_entities(title, lead, body, "2020-05-01T00:00:00+07:00").units
    assert {(u.name, u.scope) for u in units if u.kind == "tieu-ban"} == expected


@pytest.mark.parametrize(("title", "body", "expected"), [
    # no subject in the sentence: the article's main unit's place (kept out of the gold-scored name)
    ("Đảng bộ huyện Kim Bôi chuẩn bị đại hội", "Ngày 5/3, Ban Chỉ đạo Đại hội đã họp.",
     ("Ban Chỉ đạo Đại hội", "huyện Kim Bôi")),
    # the sentence's subject: part of the name (ANNOTATION.md), no separate scope
    ("Huyện Tân Lạc", "Huyện đã thành lập Ban chỉ đạo Đại hội.", ("Ban Chỉ đạo Đại hội huyện Tân Lạc", None)),
    ("Hội nghị", "Ban Chỉ đạo Đại hội đã họp.", ("Ban Chỉ đạo Đại hội", None)),
])
def test_ban_chi_dao_scope(title: str, body: str, expected: tuple[str, str | None]) -> None:
    units = extract_entities(title, "", body, "2020-05-01T00:00:00+07:00").units
    assert [(u.name, u.scope) for u in units if u.name.startswith("Ban Chỉ đạo")] == [expected]


@pytest.mark.parametrize(("name", "scope", "full"), [
    ("Tiểu ban Văn kiện", "Đại hội Đảng bộ huyện Lạc Sơn", "Tiểu ban Văn kiện Đại hội Đảng bộ huyện Lạc Sơn"),
    ("Đảng bộ huyện Lạc Sơn", None, "Đảng bộ huyện Lạc Sơn"),
])
def test_unit_full_name(name: str, scope: str | None, full: str) -> None:
    assert Unit(name, "tieu-ban", "huyen", scope=scope).full_name == full
