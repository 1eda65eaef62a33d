"""Organisational units named in an article: detection, completion from context, canonical names.

How it works (all rules are textual; the annotation guide is ``tests/gold/entities/ANNOTATION.md``):

1. :func:`scan` finds *heads* (``Đảng bộ``, ``Huyện ủy``, ``Ban Tuyên giáo``, ``UBND``, ``Trường``,
   ``Tiểu ban`` ...) and parses what follows with anchored regexes: a level word and a place name
   (a run of capitalised syllables that stops at lower-case words, punctuation, roman numerals,
   ``Lần``/``Khóa``/``Nhiệm`` and at a following person's name), a parent unit for an organ
   (``Ban Tuyên giáo`` + ``Huyện ủy``), a nested unit for a Party cell (``Chi bộ`` + ``Trường THPT
   Lạc Sơn``), a department or school name. A head with nothing after it is an anaphor (kept for
   counts and people, not a unit). Plural or quantified heads are generic and dropped.
2. :func:`resolve` completes bare level words (``Đảng bộ xã`` → ``Đảng bộ xã Văn Nghĩa``) from the
   places the article names (unique in the article, else in the paragraph, else the place of the
   article's main unit; the province defaults to Hòa Bình, the paper being provincial), resolves
   partial names (``Đảng bộ Khối``), builds canonical names (abbreviations expanded: BCH, BTV,
   UBND, HĐND, MTTQ, UBKT, LHPN, CCB, LĐLĐ, TNCS; other abbreviations as printed), merges variants
   and counts mentions.

Kinds: dang-bo, dang-uy, cap-uy, chi-bo, ban, tieu-ban, nha-nuoc, doan-the, truong, other.
Levels: trung-uong, tinh, huyen, xa, co-so, other (``thành phố`` is a district-level city unless it
is one of the centrally-run cities).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crawler.entities.textutil import LOWER, SYL, UPPER, Doc, Segment
from crawler.items import Unit
from crawler.text import fold

DEFAULT_PROVINCE = "Hòa Bình"
"""Province supplied to bare ``tỉnh``/``Tỉnh ủy``: Báo Hòa Bình is a provincial paper."""

CENTRAL_CITIES = frozenset({"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"})
"""``thành phố X`` names a province-level city for these X, a district-level city otherwise."""

HB_DISTRICTS = frozenset(
    {"Lạc Sơn", "Tân Lạc", "Đà Bắc", "Mai Châu", "Kim Bôi", "Lương Sơn", "Cao Phong", "Yên Thủy",
     "Lạc Thủy", "Kỳ Sơn", "Hòa Bình"}
)
"""District names of Hòa Bình: a bare one after a comma is an apposition, not another unit."""

SURNAMES = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Quách Hà Xa Sa Lò "
    "Cao Mai Trịnh Lương Đoàn Tạ Kiều Vương Nông Triệu Lưu Tô Chu Đào Tống Lại Lã Khuất Phùng Vi "
    "Bạch Hứa Thái Lục Mạc Cù Quan Tăng Giáp Khổng Doãn Đàm Nghiêm La Lường Vì Khà Giàng Vàng Sùng "
    "Mùa Lầu Thào Hờ Cứ Bàn Lò Lục Hoàng Mẫn Ông Quang Tào Tô Nhữ Chử Âu Trương Lâm Thân".split()
)
"""Family names: a capitalised run that starts with one of these followed by a middle name is a
person, not the end of a place name."""

MIDDLE_NAMES = frozenset(
    "Văn Thị Đức Đình Công Hữu Quang Xuân Bá Trọng Duy Tiến Thế Mạnh Minh Ngọc Thanh Hồng Kim Quốc "
    "Đăng Khắc Như Tất Viết Huy Trung Việt Anh Hoài Thu Thúy Phương Mỹ Ánh Bích Hải Hoàng Tuấn Quý "
    "Sỹ Sĩ Xuân Diệu Tiến Cao".split()
)

LEVEL_OF_WORD = {
    "tỉnh": "tinh", "huyện": "huyen", "quận": "huyen", "thị xã": "huyen", "thành phố": "huyen",
    "xã": "xa", "phường": "xa", "thị trấn": "xa", "xóm": "co-so", "thôn": "co-so", "bản": "co-so",
    "tổ dân phố": "co-so", "tiểu khu": "co-so", "khu phố": "co-so", "khu": "co-so", "tổ": "co-so",
}
GROUP_OF_WORD = {
    "tỉnh": "province", "huyện": "district", "quận": "district", "thị xã": "district",
    "thành phố": "district", "xã": "commune", "phường": "commune", "thị trấn": "commune",
    "xóm": "village", "thôn": "village", "bản": "village", "tổ dân phố": "village",
    "tiểu khu": "village", "khu phố": "village", "khu": "village", "tổ": "village",
}
_LEVEL_WORDS = "tổ dân phố|tiểu khu|khu phố|thành phố|thị trấn|thị xã|tỉnh|huyện|quận|xã|phường|xóm|thôn|bản"

# --------------------------------------------------------------------------------------------
# Regexes (module constants)
# --------------------------------------------------------------------------------------------
_E = rf"(?![{LOWER}{UPPER}0-9])"
_NAME_RE = re.compile(rf"{SYL}(?:(?: |-){SYL})*(?:\s[A-E]{_E})?")
_NUM_NAME_RE = re.compile(rf"\s+((?:số\s+)?\d{{1,3}}[A-Z]?){_E}")
_LEVEL_RE = re.compile(rf"\s+({_LEVEL_WORDS}){_E}")
_ROMAN_RE = re.compile(r"^[IVXLC]+$", re.IGNORECASE)
_LIST_SEP_RE = re.compile(r"\s*,\s*|\s+và\s+")
_PAREN_RE = re.compile(rf"\s*\(\s*(?:(huyện|thành phố|thị xã)\s+)?({SYL}(?: {SYL}){{0,3}})\s*\)")
_APPOS_COMMUNE_RE = re.compile(rf",\s*(xã|phường|thị trấn)\s+({SYL}(?: {SYL}){{0,3}})")
_PLURAL_BEFORE_RE = re.compile(
    r"(?:\b(?:các|những|mỗi|từng|toàn thể|nhiều|một số|hai|ba|bốn|sáu)|(?<![\d/.,-])\d+(?:\.\d{3})*%?"
    r"|%|các\s+chi,)\s+$"
)
_GENERIC_AFTER_RE = re.compile(
    r"\s*(?:,\s*|\s+và\s+|/)\s*(?:" + _LEVEL_WORDS + r")\b(?!\s+(?:ủy|uỷ|đoàn)\b)"
)
"""A level word followed by a list of level words (``đảng bộ xã, thị trấn``): generic. A level word that
starts a committee head (``và Huyện đoàn``, ``và Huyện ủy``) is another unit, not part of a list."""
_CAC_RE = re.compile(r"\s+các\s+(" + _LEVEL_WORDS + r")\s*:?\s*")
_TW_RE = re.compile(r"\s+trung ương(\s+đảng)?" + _E)
_KHOI_RE = re.compile(
    rf"\s+(Khối)((?:\s+(?!(?:{_LEVEL_WORDS}){_E})[{LOWER}{UPPER}&-]+){{0,8}}?)(?=\s+(?:tỉnh|huyện|thành phố){_E})",
)
_COQUAN_RE = re.compile(
    rf"\s+(Cơ quan)((?:\s+(?!(?:{_LEVEL_WORDS}){_E})[{LOWER}]+){{1,4}}?)(?=\s+(?:tỉnh|huyện|thành phố|thị xã){_E})",
)
_DESC_NAME_RE = re.compile(
    rf"\s+([{UPPER}][{LOWER}]*(?:(?:\s*[-&,]\s*|\s+)(?!(?:{_LEVEL_WORDS}){_E})[{UPPER}{LOWER}]+){{0,7}}?)"
    rf"(?=\s+(?:tỉnh|huyện|thành phố|thị xã|quận|xã|phường|thị trấn){_E})"
)
"""A descriptive name of a hospital or centre up to its level word (``Bệnh viện Y dược cổ truyền tỉnh``,
``Trung tâm Văn hóa - Thể thao huyện``): a capitalised word, then any words, then the level word."""
_DESC_HEADS = frozenset({"Bệnh viện", "Trung tâm"})
_BARE_DEPT_HEADS = frozenset({"Bệnh viện", "Trung tâm", "Sở", "Phòng"})
"""Capitalised heads that, printed alone (``Giám đốc Bệnh viện``), refer back to the latest such unit."""
_TIEUBAN_VERBS = frozenset({"tổ chức", "phục vụ", "tuyên truyền", "bảo vệ"})
"""Sub-committee names that are also verbs: after a lower-case ``tiểu ban`` and before an object
(``tiểu ban tổ chức khảo sát``) they mean "the sub-committee organised"; a capitalised ``Tiểu ban tổ
chức phục vụ đại hội`` is a name."""
_TB_VERB_OBJECT_RE = re.compile(
    rf"\s+(?!(?:do|gồm|và|của|đã|được|có|sẽ|cũng|đang|vừa|là|thuộc|trong|tại|với|cho){_E})[{LOWER}]"
)
_PARTIAL_RE = re.compile(rf"\s+(Khối|Sở|Cơ quan|Trường|Phòng){_E}(?!\s+[{UPPER}])")
_SPECIAL_Q_RE = re.compile(rf"\s+(Quân sự|Biên phòng){_E}")
_ABBR_RE = re.compile(rf"\s+([A-ZĐ][A-ZĐ0-9]*(?:[-&/][A-ZĐ0-9]+)+|[A-ZĐ]{{2,}}[0-9]*){_E}")
_BCD_RE = re.compile(r"(\s+tổ\s+chức)?\s+(đại\s+hội)((?:\s+đại\s+biểu)?\s+đảng\s+bộ(?:\s+các\s+cấp)?)?" + _E)
#: ``Đại hội [đại biểu]`` after a sub-committee's name, before the Party organisation it serves.
_TB_SCOPE_RE = re.compile(r"\s+đại\s+hội(?:\s+đại\s+biểu)?(?=\s+(?:đảng\s+bộ|chi\s+bộ)" + _E + ")")
_TIEUBAN_NAMES = [
    "xây dựng Đảng", "văn kiện", "nhân sự", "tổ chức", "tuyên truyền", "hậu cần", "lễ tân",
    "khánh tiết", "kinh tế - xã hội", "an ninh trật tự", "an ninh", "bảo vệ", "thư ký", "phục vụ",
]
_TIEUBAN_RE = re.compile(r"\s+(" + "|".join(n.lower().replace(" ", r"\s+") for n in _TIEUBAN_NAMES) + ")" + _E)
_DEPT_VARIANTS: dict[str, list[str]] = {
    "Nông nghiệp và Phát triển nông thôn": ["Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và PTNT",
                                            "Nông nghiệp & PTNT", "NN&PTNT", "NN và PTNT"],
    "Tài chính - Kế hoạch": ["Tài chính - Kế hoạch", "TC-KH"],
    "Kế hoạch và Đầu tư": ["Kế hoạch và Đầu tư", "KH&ĐT"],
    "Tài nguyên và Môi trường": ["Tài nguyên và Môi trường", "Tài nguyên - Môi trường", "TN&MT", "TN-MT"],
    "Giáo dục và Đào tạo": ["Giáo dục và Đào tạo", "Giáo dục - Đào tạo", "GD&ĐT", "GD-ĐT"],
    "Lao động - Thương binh và Xã hội": ["Lao động - Thương binh và Xã hội", "Lao động, Thương binh và Xã hội",
                                         "LĐ-TB&XH", "LĐTB&XH"],
    "Văn hóa, Thể thao và Du lịch": ["Văn hóa, Thể thao và Du lịch", "Văn hóa - Thể thao và Du lịch",
                                     "VH,TT&DL", "VH-TT&DL", "VHTT&DL"],
    "Văn hóa - Thông tin và Thể thao": ["Văn hóa - Thông tin và Thể thao"],
    "Văn hóa và Thông tin": ["Văn hóa và Thông tin"],
    "Văn hóa - Thông tin": ["Văn hóa - Thông tin"],
    "Thông tin và Truyền thông": ["Thông tin và Truyền thông", "TT&TT"],
    "Khoa học và Công nghệ": ["Khoa học và Công nghệ", "KH&CN"],
    "Kinh tế và Hạ tầng": ["Kinh tế và Hạ tầng", "Kinh tế - Hạ tầng", "KT&HT", "KT-HT"],
    "Giao thông vận tải": ["Giao thông vận tải", "Giao thông - Vận tải"],
    "Quản lý đô thị": ["Quản lý đô thị"],
    "Công Thương": ["Công Thương"],
    "Nội vụ": ["Nội vụ"], "Tư pháp": ["Tư pháp"], "Tài chính": ["Tài chính"], "Xây dựng": ["Xây dựng"],
    "Y tế": ["Y tế"], "Ngoại vụ": ["Ngoại vụ"], "Dân tộc": ["Dân tộc"], "Kinh tế": ["Kinh tế"],
    "Chính trị": ["Chính trị"], "Hội nghị": ["Hội nghị"], "Thanh tra": ["Thanh tra"],
    "Đa khoa": ["Đa khoa"], "Y học cổ truyền": ["Y học cổ truyền"], "Phục hồi chức năng": ["Phục hồi chức năng"],
    "Nội tiết": ["Nội tiết"], "Sản - Nhi": ["Sản - Nhi", "Sản Nhi"], "Y tế dự phòng": ["Y tế dự phòng"],
}
"""Department names of Sở/Phòng/Trung tâm, canonical → printed variants (abbreviations expanded)."""
_DEPTS: dict[str, str] = {
    re.sub(r"[^a-z0-9&]", "", fold(v)): canon for canon, vs in _DEPT_VARIANTS.items() for v in vs
}



def _dept_key(text: str) -> str:
    return re.sub(r"[^a-z0-9&]", "", fold(text))


def _dept_alt(variant: str) -> str:
    """Regex for a department name: spaces optional around ``-``, ``&`` and ``,``."""
    out = ""
    for ch in variant:
        if ch == " ":
            out += r"\s*"
        elif ch in "-&,":
            out += r"\s*" + re.escape(ch) + r"\s*"
        else:
            out += re.escape(ch.lower())
    return re.sub(r"(?:\\s\*)+", r"\\s*", out)


_DEPT_RE = re.compile(
    r"\s+(" + "|".join(_dept_alt(v) for v in sorted({v for vs in _DEPT_VARIANTS.values() for v in vs},
                                                     key=len, reverse=True)) + r")" + _E
)
_SCHOOL_RE = re.compile(
    r"\s+(thcs\s*&\s*thpt|th\s*&\s*thcs|ptdtnt(?:\s+thcs\s*&\s*thpt|\s+thcs)?|ptdtbt(?:\s+th\s*&\s*thcs|\s+thcs)?"
    r"|thpt|thcs|tiểu học|mầm non|mẫu giáo|phổ thông dân tộc nội trú|phổ thông|chính trị|cao đẳng|trung cấp"
    r"|đại học)" + _E
)
_SCHOOL_CANON = {"tiểu học": "Tiểu học", "mầm non": "Mầm non", "mẫu giáo": "Mẫu giáo", "chính trị": "Chính trị",
                 "cao đẳng": "Cao đẳng", "trung cấp": "Trung cấp", "đại học": "Đại học", "phổ thông": "Phổ thông",
                 "phổ thông dân tộc nội trú": "Phổ thông Dân tộc nội trú"}

# One alternation, scanned once over the lower-cased article: unit heads by family, then level
# words (for the places the article names). The word boundary before a hit is checked in Python,
# because a leading look-behind would stop ``re`` from searching the alternation's first letters fast.
_SCAN_GROUPS: list[tuple[str, str]] = [
    ("central", r"ủy ban thường vụ quốc hội"),
    ("bchtw", r"ban chấp hành trung ương(?: đảng)?|bch trung ương(?: đảng)?|trung ương đảng"),
    ("central", r"bộ chính trị|ban bí thư"),
    ("bcd", r"ban chỉ đạo"),
    ("tieuban", r"tiểu ban"),
    ("front", r"ủy ban mặt trận tổ quốc(?: việt nam)?|ủy ban mttq(?: việt nam)?|ubmttq|mặt trận tổ quốc(?: việt nam)?"
              r"|mttq(?: việt nam)?|hội liên hiệp phụ nữ(?: việt nam)?|hội lhpn|hội phụ nữ|hội nông dân"
              r"|hội cựu chiến binh(?: việt nam)?|hội ccb|hội chữ thập đỏ|hội người cao tuổi|liên đoàn lao động|lđlđ"
              r"|hội nông dân việt nam|đoàn thanh niên cộng sản hồ chí minh|đoàn tncs hồ chí minh|đoàn tncs"
              r"|đoàn thanh niên|đoàn tn|đoàn"),
    ("youthcmt", r"huyện đoàn|tỉnh đoàn|thành đoàn"),
    ("state", r"ủy ban nhân dân|ubnd|hội đồng nhân dân|hđnd|ban chỉ huy quân sự|bộ chỉ huy quân sự|ban dân tộc"
              r"|tòa án nhân dân|viện kiểm sát nhân dân|kho bạc nhà nước|chi cục thuế|bảo hiểm xã hội"),
    ("organ", r"ban chấp hành|bch|ban thường vụ|btv|thường trực|ban tổ chức|ban tuyên giáo|ban dân vận|ban nội chính"
              r"|ban kinh tế|ủy ban kiểm tra|ubkt|văn phòng"),
    ("party", r"đảng bộ|đảng ủy(?! viên)|chi bộ"),
    ("committee", r"tỉnh ủy(?! viên)|huyện ủy(?! viên)|thành ủy(?! viên)|thị ủy(?! viên)|quận ủy(?! viên)"),
    ("police", r"công an"),
    ("central", r"quốc hội|chính phủ"),
    ("dept", r"sở|phòng|trung tâm|bệnh viện"),
    ("school", r"trường"),
    ("lvl", _LEVEL_WORDS),
]
def _expand(alternatives: str) -> list[str]:
    """The literal texts an alternation of :data:`_SCAN_GROUPS` can match."""
    out: list[str] = []
    for alt in re.sub(r"\(\?! [^)]*\)", "", alternatives).split("|"):
        opt = re.match(r"^(.*?)\(\?:([^)]*)\)\?$", alt)
        if opt:
            out += [opt.group(1), opt.group(1) + opt.group(2)]
        else:
            out.append(alt)
    return out


_FAMILY: dict[str, str] = {}
for _fam, _alts in _SCAN_GROUPS:
    for _lit in _expand(_alts):
        _FAMILY.setdefault(_lit, _fam)
"""Matched head text (lower-case) → family."""


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (longest first), shaped as a trie: each position of the text
    costs a few character tests instead of one attempt per word (``re`` has no Aho-Corasick)."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


_SEARCH_RE = re.compile(trie_pattern(_FAMILY) + rf"(?![{LOWER}0-9])")
"""Every head and level word, as a trie (lower-case text); the word boundary before a hit and the
``viên`` after ``Huyện ủy``/``Đảng ủy`` (a position, not a unit) are checked in Python."""


def _is_position_word(low: str, end: int, family: str) -> bool:
    return family in {"committee", "party"} and low.startswith(" viên", end) and low[end - 2 : end] == "ủy"
_CANON_HEAD: dict[str, str] = {
    "ban bí thư": "Ban Bí thư", "ban chấp hành": "Ban Chấp hành",
    "ban chỉ huy quân sự": "Ban Chỉ huy Quân sự", "ban dân tộc": "Ban Dân tộc",
    "ban dân vận": "Ban Dân vận", "ban kinh tế": "Ban Kinh tế", "ban nội chính": "Ban Nội chính",
    "ban thường vụ": "Ban Thường vụ", "ban tuyên giáo": "Ban Tuyên giáo", "ban tổ chức": "Ban Tổ chức",
    "bch": "Ban Chấp hành", "btv": "Ban Thường vụ", "bảo hiểm xã hội": "Bảo hiểm xã hội",
    "bộ chính trị": "Bộ Chính trị", "bộ chỉ huy quân sự": "Bộ Chỉ huy Quân sự", "chi bộ": "Chi bộ",
    "chi cục thuế": "Chi cục Thuế", "chính phủ": "Chính phủ", "công an": "Công an",
    "huyện đoàn": "Huyện đoàn", "hđnd": "Hội đồng nhân dân", "hội ccb": "Hội Cựu chiến binh",
    "hội chữ thập đỏ": "Hội Chữ thập đỏ", "hội cựu chiến binh": "Hội Cựu chiến binh",
    "hội lhpn": "Hội Liên hiệp Phụ nữ", "hội liên hiệp phụ nữ": "Hội Liên hiệp Phụ nữ",
    "hội liên hiệp phụ nữ việt nam": "Hội Liên hiệp Phụ nữ", "hội người cao tuổi": "Hội Người cao tuổi",
    "hội nông dân": "Hội Nông dân", "hội phụ nữ": "Hội Liên hiệp Phụ nữ",
    "hội đồng nhân dân": "Hội đồng nhân dân", "kho bạc nhà nước": "Kho bạc Nhà nước",
    "liên đoàn lao động": "Liên đoàn Lao động", "lđlđ": "Liên đoàn Lao động", "phòng": "Phòng",
    "quốc hội": "Quốc hội", "sở": "Sở", "thành đoàn": "Thành đoàn", "thường trực": "Thường trực",
    "trung tâm": "Trung tâm", "trường": "Trường", "tòa án nhân dân": "Tòa án nhân dân",
    "tỉnh đoàn": "Tỉnh đoàn", "ubkt": "Ủy ban Kiểm tra", "ubnd": "Ủy ban nhân dân",
    "viện kiểm sát nhân dân": "Viện Kiểm sát nhân dân", "văn phòng": "Văn phòng",
    "đoàn thanh niên": "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "đoàn thanh niên cộng sản hồ chí minh": "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "đoàn tn": "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "đoàn tncs": "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "đoàn tncs hồ chí minh": "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "đảng bộ": "Đảng bộ",
    "đảng ủy": "Đảng ủy", "ủy ban kiểm tra": "Ủy ban Kiểm tra", "ủy ban nhân dân": "Ủy ban nhân dân",
    "ủy ban thường vụ quốc hội": "Ủy ban Thường vụ Quốc hội",
}
"""Printed head (lower-case) → canonical head, abbreviations expanded."""
_CANON_HEAD.update({
    "bệnh viện": "Bệnh viện", "hội cựu chiến binh việt nam": "Hội Cựu chiến binh", "hội nông dân việt nam": "Hội Nông dân",
    "đoàn": "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
})
_COMMITTEE = {"tỉnh": ("Tỉnh ủy", "tỉnh"), "huyện": ("Huyện ủy", "huyện"), "thành": ("Thành ủy", "thành phố"),
              "thị": ("Thị ủy", "thị xã"), "quận": ("Quận ủy", "quận")}
_PARTY_KIND = {"Đảng bộ": "dang-bo", "Đảng ủy": "dang-uy", "Chi bộ": "chi-bo"}
_STOP_UNI = frozenset(
    "lần khóa khoá nhiệm đảng huyện tỉnh xã phường xóm thôn ông bà anh chị tại trong theo sau trước về với "
    "và của cho ngày tháng năm sáng chiều tối trưa phó trưởng giám hiệu hội sở đây đó này các những nhằm để "
    "khi từ đến là có đã sẽ được uỷ ủy".split()
)
"""Capitalised words that never continue a place name."""
_STOP_INNER = frozenset({"kỳ"})
"""Capitalised words that may start a place name (``Kỳ Sơn``) but not continue one (``Lạc Sơn Kỳ
họp thứ 9``)."""
_STOP_BI = frozenset(
    {"đồng chí", "đại hội", "đại biểu", "bí thư", "chủ tịch", "chủ nhiệm", "văn phòng", "công an", "thượng tá",
     "trung tá", "đại tá", "thiếu tá", "đại úy", "thành phố", "thị xã", "thị trấn", "tổ dân", "tiểu khu",
     "tiểu ban", "trung ương", "trung tâm", "nhân dân", "hội đồng", "mặt trận", "khu phố", "nhà nước",
     "thường trực", "thường vụ", "chấp hành", "tổ chức", "tuyên giáo", "dân vận", "kiểm tra", "quân sự",
     "chính trị", "bộ chính", "ban chỉ", "ban chấp", "ban thường", "ban tổ", "ban tuyên", "ban dân",
     "ban bí", "ban nội", "ban kinh", "ban quản", "chi bộ", "chi cục", "phòng văn", "phòng tài", "phòng nội",
     "phòng giáo", "phòng nông", "phòng kinh", "trường thpt", "trường thcs", "trường tiểu", "trường mầm",
     "tiểu học", "mầm non"}
)
"""Pairs of capitalised words that start something other than a place name."""
_THEO_RE = re.compile(r"(?:\b[Tt]heo|\bvới)\s+$")
_BCD_SCOPE_START_RE = re.compile(r"^\W*(Tỉnh|Huyện|Xã|Phường|Thị trấn|Thành phố|Thị xã)\s+(?:đã|sẽ|cũng|vừa|đang)")


@dataclass(slots=True)
class Mention:
    """One printed mention of a unit (or an anaphoric bare head) in a segment."""

    seg: int
    start: int
    end: int
    family: str
    head: str
    kind: str
    level: str
    lvl: str | None = None
    """Level word (``xã``) when the mention names or implies one."""
    place: str | None = None
    """Place name as printed (``Văn Nghĩa``), or filled by completion."""
    qual: str | None = None
    """Other qualifier (department name, ``Khối ...`` words, school type and name)."""
    inner: Mention | None = None
    """Parent of an organ, or the unit nested in a Party cell."""
    bare: bool = False
    """An anaphoric head (``Chi bộ``, ``Đảng bộ``) that names nothing by itself."""
    partial: str | None = None
    """Type word of a partial qualifier (``Khối``, ``Sở``) to resolve against the article."""
    capital: bool = True
    """Whether the head was printed with a capital (a lower-case ``huyện ủy`` is not completed)."""
    paren: str | None = None
    """District named in parentheses after the place (``(Lạc Sơn)``)."""
    paren_word: str = "huyện"
    """Level word of :attr:`paren` (``thành phố`` in ``(thành phố Hòa Bình)``)."""
    commune_hint: str | None = None
    """Commune named in apposition after a village unit (``, xã Ân Nghĩa``)."""
    needs_scope: bool = False
    """A ``Ban Chỉ đạo Đại hội`` printed without its scope."""
    needs_place: bool = False
    """A bare level word that names a unit only once completed (``Chi bộ xóm``, ``Đoàn xã``): dropped
    when the article does not make the place unambiguous."""
    name: str = ""
    """Canonical name, set by :func:`resolve`."""
    scope: str | None = None
    """Scope of a generic name printed without one (a ``Tiểu ban``), set by :func:`resolve`."""

    def walk(self) -> Iterator[Mention]:
        """This mention and its inner ones, outermost first."""
        m: Mention | None = self
        while m is not None:
            yield m
            m = m.inner


@dataclass
class Places:
    """Places named in the article, by group, with the paragraph of each occurrence."""

    seen: dict[str, list[tuple[int, int, str, str]]] = field(default_factory=dict)
    """group → [(segment, offset, type word, name)]."""
    district_of: dict[str, str] = field(default_factory=dict)
    """commune name → district name printed in parentheses or apposition."""

    def add(self, group: str, seg: int, pos: int, word: str, name: str) -> None:
        """Record one occurrence."""
        self.seen.setdefault(group, []).append((seg, pos, word, name))

    def candidates(self, group: str, word: str | None = None) -> list[str]:
        """Distinct names of ``group`` (and type ``word`` if given), in order of appearance."""
        out: list[str] = []
        for _s, _p, w, n in self.seen.get(group, []):
            if (word is None or w == word) and n not in out:
                out.append(n)
        return out

    def local(self, group: str, word: str | None, seg: int, pos: int) -> list[str]:
        """Distinct names of ``group`` named earlier in the same segment."""
        out: list[str] = []
        for s, p, w, n in self.seen.get(group, []):
            if s == seg and p < pos and (word is None or w == word) and n not in out:
                out.append(n)
        return out


@dataclass
class UnitIndex:
    """The result of unit extraction for one article."""

    mentions: list[Mention] = field(default_factory=list)
    """Outermost mentions (units) in text order."""
    anaphors: list[Mention] = field(default_factory=list)
    """Bare heads (``Chi bộ``, ``Đảng bộ``), resolvable to the latest unit of their kind."""
    places: Places = field(default_factory=Places)
    main: Mention | None = None
    """The article's main unit: first Party organisation of title and lead."""
    by_start: dict[tuple[int, int], Mention] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    alias: dict[str, str] = field(default_factory=dict)
    """Canonical name → merged name (prefix merges)."""
    flat: list[Mention] = field(default_factory=list)
    """Every mention, outer and inner (cached by :meth:`all_mentions`)."""

    def at(self, seg: int, start: int) -> Mention | None:
        """The mention (outer or inner) starting at ``start`` in segment ``seg``."""
        return self.by_start.get((seg, start))

    def canonical(self, m: Mention) -> str:
        """The merged canonical name of a mention."""
        return self.alias.get(m.name, m.name)

    def all_mentions(self) -> list[Mention]:
        """Every mention, outer and inner, in text order of the outer ones."""
        if not self.flat:
            self.flat = [x for m in self.mentions for x in m.walk()]
        return self.flat

    def latest(self, kind: str, seg: int, pos: int) -> str | None:
        """Name of the latest unit of ``kind`` mentioned before ``(seg, pos)``."""
        best: tuple[int, int] | None = None
        name: str | None = None
        for m in self.all_mentions():
            if m.kind == kind and m.name and (m.seg, m.start) < (seg, pos) and (best is None or (m.seg, m.start) > best):
                best = (m.seg, m.start)
                name = self.canonical(m)
        return name


    def latest_head(self, head: str, seg: int, pos: int) -> str | None:
        """Name of the latest unit whose head is ``head`` (``Bệnh viện``) mentioned before ``(seg, pos)``."""
        best: tuple[int, int] | None = None
        name: str | None = None
        for m in self.all_mentions():
            if m.head == head and m.name and (m.seg, m.start) < (seg, pos) and (best is None or (m.seg, m.start) > best):
                best = (m.seg, m.start)
                name = self.canonical(m)
        return name


# --------------------------------------------------------------------------------------------
# Scanning
# --------------------------------------------------------------------------------------------


def _cut_name(syls: list[str], caps: bool) -> int:
    """How many leading syllables of a capitalised run belong to a place or unit name.

    Stops at stop words (``Lần``, ``Khóa``, ``Đồng chí`` ...), roman numerals and where a person's
    name starts (a family name followed by a middle name and one more syllable); at most four
    syllables, two in a segment written in capitals.
    """
    n = 0
    limit = 2 if caps else 4
    for i, syl in enumerate(syls):
        low = syl.lower()
        if low in _STOP_UNI or (i and low in _STOP_INNER) or (_ROMAN_RE.match(syl) and len(syl) > 1):
            break
        if i + 1 < len(syls) and f"{low} {syls[i + 1].lower()}" in _STOP_BI:
            break
        if syl in SURNAMES and i + 2 < len(syls) and syls[i + 1] in MIDDLE_NAMES:
            break
        n = i + 1
        if n >= limit:
            break
    return n


def _name_at(text: str, pos: int, caps: bool, village: bool = False) -> tuple[str, int] | None:
    """A place name starting at ``pos`` (after optional spaces): ``(name, end)``."""
    if village:
        nm = _NUM_NAME_RE.match(text, pos)
        if nm:
            return nm.group(1), nm.end()
    ws = pos
    while ws < len(text) and text[ws] == " ":
        ws += 1
    m = _NAME_RE.match(text, ws)
    if not m:
        return None
    parts = re.split(r"( |-)", m.group(0))
    syls, seps = parts[0::2], parts[1::2]
    k = _cut_name(syls, caps)
    if k == 0:
        return None
    name = syls[0] + "".join(seps[i - 1] + syls[i] for i in range(1, k))
    return name, ws + len(name)


def _level_q(seg: Segment, pos: int) -> tuple[str, str | None, int] | None:
    """`` xã Văn Nghĩa`` at ``pos``: ``(level word, name or None, end)``."""
    m = _LEVEL_RE.match(seg.low, pos)
    if not m:
        return None
    word = m.group(1)
    village = GROUP_OF_WORD.get(word) == "village"
    got = _name_at(seg.text, m.end(), seg.caps, village)
    if got:
        return word, got[0], got[1]
    return word, None, m.end()


def _generic_before(seg: Segment, start: int) -> bool:
    return bool(_PLURAL_BEFORE_RE.search(seg.low, max(0, start - 16), start))


def _is_capital(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _boundary_before(low: str, pos: int) -> bool:
    return pos == 0 or not low[pos - 1].isalnum()


def parse_at(seg: Segment, pos: int, *, allow_lower: bool = False) -> Mention | None:
    """Parse a unit whose head starts exactly at ``pos`` (after optional spaces); ``None`` if none."""
    low = seg.low
    while pos < len(low) and low[pos] == " ":
        pos += 1
    m = _SEARCH_RE.match(low, pos)
    if not m or not _boundary_before(low, pos):
        return None
    family = _FAMILY.get(m.group(), "")
    if family in {"lvl", ""} or _is_position_word(low, m.end(), family):
        return None
    return _parse_head(seg, m.start(), m.end(), family, allow_lower=allow_lower)


def _parse_head(seg: Segment, start: int, end: int, family: str, *, allow_lower: bool = False) -> Mention | None:
    """Parse the unit whose head (of ``family``) is ``seg.text[start:end]``."""
    text = seg.text
    low = seg.low
    raw_head = text[start:end]
    key = low[start:end]
    cap = _is_capital(raw_head)
    caps = seg.caps
    si = seg.index

    if family == "party":
        head = _CANON_HEAD[key]
        kind = _PARTY_KIND[head]
        mm = Mention(si, start, end, "party", head, kind, "co-so" if kind == "chi-bo" else "other", capital=cap)
        lq = _level_q(seg, end)
        if lq:
            word, name, qend = lq
            if name is None and _GENERIC_AFTER_RE.match(low, qend):
                return None
            mm.lvl, mm.place, mm.end = word, name, qend
            mm.needs_place = name is None and GROUP_OF_WORD.get(word) == "village"
            if kind != "chi-bo":
                mm.level = _level_for(word, name)
            _attach_paren(mm, text, caps)
            return mm
        km = _KHOI_RE.match(text, end) or _COQUAN_RE.match(text, end)
        if km:
            lq2 = _level_q(seg, km.end())
            if lq2:
                word, name, qend = lq2
                mm.qual = (km.group(1) + km.group(2)).strip()
                mm.lvl, mm.place, mm.end = word, name, qend
                if kind != "chi-bo":
                    mm.level = _level_for(word, name)
                return mm
        sq = _SPECIAL_Q_RE.match(text, end)
        if sq:
            lq3 = _level_q(seg, sq.end())
            if lq3:
                word, name, qend = lq3
                mm.qual, mm.lvl, mm.place, mm.end = sq.group(1), word, name, qend
                if kind != "chi-bo":
                    mm.level = _level_for(word, name)
                return mm
        inner = parse_at(seg, end)
        if inner is not None and not inner.bare and inner.family in {"state", "dept", "school", "police", "front", "organ", "youthcmt"}:
            mm.inner = inner
            mm.end = inner.end
            if kind != "chi-bo":
                mm.level = inner.level
            return mm
        pm = _PARTIAL_RE.match(text, end)
        if pm:
            mm.partial = pm.group(1)
            mm.end = pm.end()
            return mm
        mm.bare = True
        return mm

    if family == "committee":
        ckey = key.split()[0]
        head, word = _COMMITTEE[ckey]
        if not cap and not allow_lower:
            got = _name_at(text, end, caps)
            if not got:
                return None
        mm = Mention(si, start, end, "committee", head, "cap-uy", "huyen", lvl=word, capital=cap)
        got = _name_at(text, end, caps)
        if got:
            mm.place, mm.end = got
        mm.level = _level_for(word, mm.place)
        return mm

    if family == "youthcmt":
        if not cap:
            return None
        head = _CANON_HEAD[key]
        word = {"Huyện đoàn": "huyện", "Tỉnh đoàn": "tỉnh", "Thành đoàn": "thành phố"}[head]
        mm = Mention(si, start, end, "youthcmt", head, "doan-the", "huyen", lvl=word)
        got = _name_at(text, end, caps)
        if got:
            mm.place, mm.end = got
        mm.level = _level_for(word, mm.place)
        return mm

    if family == "organ":
        head = _CANON_HEAD[key]
        if head in {"Văn phòng", "Thường trực"} and not cap:
            return None
        if head == "Thường trực" and re.search(r"(?:Bí thư|Chủ tịch)\s*$", text[max(0, start - 12) : start]):
            return None
        tw = _TW_RE.match(low, end)
        if tw:
            if head == "Ban Chấp hành":
                return Mention(si, start, tw.end(), "central", "Ban Chấp hành Trung ương Đảng", "ban", "trung-uong")
            return Mention(si, start, tw.end(), "central", f"{head} Trung ương", "ban", "trung-uong")
        parent = parse_at(seg, end)
        if parent is not None and parent.family in {"committee", "party", "state", "front", "police", "youthcmt"} and not (
            parent.bare and parent.family == "party"
        ):
            kind = {"state": "nha-nuoc", "police": "nha-nuoc", "front": "doan-the", "youthcmt": "doan-the"}.get(
                parent.family, "ban")
            mm = Mention(si, start, parent.end, "organ", head, kind, parent.level, inner=parent)
            return mm
        if parent is not None and parent.family == "party" and parent.bare:
            # "Ban Chấp hành Đảng bộ" with nothing after: anaphoric.
            return Mention(si, start, parent.end, "organ", head, "ban", "other", bare=True, inner=None)
        return Mention(si, start, end, "organ", head, "ban", "other", bare=True)

    if family in {"state", "police", "front"}:
        head = _CANON_HEAD.get(key, raw_head)
        if family == "front":
            head = _front_head(key, head)
        if family == "police" and not cap:
            return None
        kind = "doan-the" if family == "front" else "nha-nuoc"
        lq = _level_q(seg, end)
        if family == "front" and key == "đoàn" and (not cap or lq is None):
            return None  # "Đoàn xã Phong Phú" is the youth union; "đoàn" alone is any delegation
        if lq is None:
            if family == "front" and cap and key in _NATIONAL:
                return Mention(si, start, end, "front", _NATIONAL[key], kind, "trung-uong")
            return Mention(si, start, end, family, head, kind, "other", bare=True)
        word, name, qend = lq
        if name is None and _GENERIC_AFTER_RE.match(low, qend):
            return None
        mm = Mention(si, start, qend, family, head, kind, _level_for(word, name), lvl=word, place=name, capital=cap)
        # "Đoàn xã" is the commune's youth union only when the article names the commune
        mm.needs_place = name is None and (key == "đoàn" or GROUP_OF_WORD.get(word) == "village")
        _attach_paren(mm, text, caps)
        return mm

    if family == "dept":
        head = _CANON_HEAD[key]
        if not cap and not allow_lower:
            return None
        dm = _DEPT_RE.match(low, end)
        qual: str | None = None
        qend = end
        if dm:
            qual = _DEPTS.get(_dept_key(dm.group(1)), text[dm.start(1) : dm.end(1)])
            qend = dm.end()
        else:
            am = _ABBR_RE.match(text, end)
            if am:
                qual, qend = am.group(1), am.end()
            else:
                desc = _DESC_NAME_RE.match(text, end) if head in _DESC_HEADS else None
                if desc:
                    qual, qend = desc.group(1), desc.end()
                elif head != "Trung tâm":
                    got = _name_at(text, end, caps)
                    if got and got[0] not in HB_DISTRICTS:
                        qual, qend = got
        if qual is None:
            if cap and head in _BARE_DEPT_HEADS and not text[end : end + 2].strip()[:1].isupper():
                return Mention(si, start, end, "dept", head, "nha-nuoc", "other", bare=True)
            return None
        kind = "truong" if (head == "Trung tâm" and qual == "Chính trị") else "nha-nuoc"
        default_level = {"Sở": "tinh", "Phòng": "huyen"}.get(head, "other")
        mm = Mention(si, start, qend, "dept", head, kind, default_level, qual=qual, capital=cap)
        lq = _level_q(seg, qend)
        if lq:
            word, name, lend = lq
            if not (name is None and _GENERIC_AFTER_RE.match(low, lend)):
                mm.lvl, mm.place, mm.end = word, name, lend
                mm.level = _level_for(word, name)
        return mm

    if family == "school":
        if not cap:
            return None
        sm = _SCHOOL_RE.match(low, end)
        if not sm:
            return None
        printed = text[sm.start(1) : sm.end(1)]
        stype = _SCHOOL_CANON.get(sm.group(1), re.sub(r"\s*&\s*", "&", printed).upper())
        mm = Mention(si, start, sm.end(), "school", "Trường", "truong", "co-so", qual=stype)
        got = _name_at(text, sm.end(), caps)
        if got:
            mm.qual = f"{stype} {got[0]}"
            mm.end = got[1]
        lq = _level_q(seg, mm.end)
        if lq and not (lq[1] is None and _GENERIC_AFTER_RE.match(low, lq[2])):
            mm.lvl, mm.place, mm.end = lq[0], lq[1], lq[2]
            if stype == "Chính trị":
                mm.level = _level_for(lq[0], lq[1])
        if mm.qual == stype and mm.lvl is None:
            return None
        return mm

    if family == "central":
        head = _CANON_HEAD.get(key, raw_head)
        if not cap:
            return None
        kind = "ban" if head in {"Bộ Chính trị", "Ban Bí thư"} else "nha-nuoc"
        return Mention(si, start, end, "central", head, kind, "trung-uong")

    if family == "bchtw":
        if not cap:
            return None
        return Mention(si, start, end, "central", "Ban Chấp hành Trung ương Đảng", "ban", "trung-uong")

    if family == "bcd":
        bm = _BCD_RE.match(low, end)
        if not bm:
            return Mention(si, start, end, "bcd", "Ban Chỉ đạo", "ban", "other", bare=True)
        mm = Mention(si, start, bm.end(), "bcd", "Ban Chỉ đạo Đại hội", "ban", "other")
        lq = _level_q(seg, bm.end())
        if lq and not (lq[1] is None and _GENERIC_AFTER_RE.match(low, lq[2])):
            mm.lvl, mm.place, mm.end = lq
            mm.level = _level_for(lq[0], lq[1])
        else:
            mm.needs_scope = True
        return mm

    if family == "tieuban":
        if _generic_before(seg, start):
            return None
        tm = _TIEUBAN_RE.match(low, end)
        qual2: str | None = None
        if tm:
            words = re.sub(r"\s+", " ", text[tm.start(1) : tm.end(1)])
            if not _is_capital(text[start:end]) and words in _TIEUBAN_VERBS and _TB_VERB_OBJECT_RE.match(text, tm.end()):
                return None  # "tiểu ban tổ chức khảo sát": a verb with its object, not a name
            qual2 = words[0].upper() + words[1:]
            tend = tm.end()
        else:
            am = _ABBR_RE.match(text, end)
            if am:
                qual2, tend = am.group(1), am.end()
        if qual2 is None:
            return None
        tb = Mention(si, start, tend, "tieuban", "Tiểu ban", "tieu-ban", "other", qual=qual2)
        sm = _TB_SCOPE_RE.match(low, tend)
        if sm:  # printed scope: "Tiểu ban Văn kiện Đại hội Đảng bộ tỉnh"
            owner = parse_at(seg, sm.end())
            if owner is not None and owner.family == "party" and not owner.bare and not owner.partial:
                tb.inner, tb.end = owner, owner.end
        return tb
    return None


def _relevel(m: Mention) -> None:
    """An organ takes its parent's level, a Party body over an agency the agency's (after completion)."""
    if m.inner is None:
        return
    _relevel(m.inner)
    if m.family == "organ" or (m.family == "party" and m.kind != "chi-bo"):
        m.level = m.inner.level


_NATIONAL = {
    "mặt trận tổ quốc việt nam": "Mặt trận Tổ quốc Việt Nam", "mttq việt nam": "Mặt trận Tổ quốc Việt Nam",
    "hội liên hiệp phụ nữ việt nam": "Hội Liên hiệp Phụ nữ Việt Nam", "hội nông dân việt nam": "Hội Nông dân Việt Nam",
    "hội cựu chiến binh việt nam": "Hội Cựu chiến binh Việt Nam",
    "đoàn thanh niên cộng sản hồ chí minh": "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "đoàn tncs hồ chí minh": "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
}
"""Full names of the national Front and mass organisations: without a level word they name the
national body (level trung-uong)."""


def _front_head(key: str, head: str) -> str:
    if "mặt trận" in key or "mttq" in key:
        return "Ủy ban Mặt trận Tổ quốc"
    if key == "đoàn":
        return "Đoàn Thanh niên Cộng sản Hồ Chí Minh"
    return head


def _level_for(word: str, name: str | None) -> str:
    if word == "thành phố" and name in CENTRAL_CITIES:
        return "tinh"
    return LEVEL_OF_WORD.get(word, "other")


def _attach_paren(mm: Mention, text: str, caps: bool) -> None:
    pm = _PAREN_RE.match(text, mm.end)
    if pm and mm.lvl in {"xã", "phường", "thị trấn"}:
        mm.paren = pm.group(2)
        mm.paren_word = pm.group(1) or "huyện"
    if mm.lvl in {"xóm", "thôn", "bản", "tổ dân phố", "tiểu khu", "khu phố", "khu", "tổ"}:
        am = _APPOS_COMMUNE_RE.match(text, mm.end)
        if am:
            mm.commune_hint = am.group(2)


def scan(doc: Doc) -> UnitIndex:
    """Find every unit mention, anaphor and named place of the article (one pass over ``doc.low``)."""
    idx = UnitIndex()
    consumed = -1
    low = doc.low
    for hit in _SEARCH_RE.finditer(low):
        start = hit.start()
        if start < consumed or not _boundary_before(low, start):
            continue
        family = _FAMILY.get(hit.group(), "")
        if _is_position_word(low, hit.end(), family):
            continue
        seg, local = doc.locate(start)
        lend = local + (hit.end() - start)
        nxt = seg.text[lend + 1 : lend + 2]
        if family == "lvl":
            if nxt and (nxt.isupper() or nxt.isdigit() or nxt == "s"):
                _level_place(seg, local, hit.group(), idx.places)
            continue
        if not family:
            continue
        if family == "party" and nxt.islower() and not _LEVEL_RE.match(seg.low, lend) and not _CAC_RE.match(seg.low, lend):
            if not _generic_before(seg, local):
                head = _CANON_HEAD[hit.group()]
                kind = _PARTY_KIND[head]
                idx.anaphors.append(Mention(seg.index, local, lend, "party", head, kind,
                                            "co-so" if kind == "chi-bo" else "other", bare=True))
            consumed = hit.end()
            continue
        lower_ok = family in {"dept", "organ"} and _after_truong(seg.text, local)
        mm = _parse_head(seg, local, lend, family, allow_lower=lower_ok)
        if mm is None:
            continue
        if family in {"party", "state"}:
            plural = _plural_list(seg, mm, local, lend)
            if plural:
                idx.mentions.extend(plural)
                consumed = seg.offset + plural[-1].end
                continue
        if mm.bare:
            if not _generic_before(seg, mm.start):
                idx.anaphors.append(mm)
            consumed = seg.offset + mm.end
            continue
        if _generic_before(seg, mm.start) and not mm.place:
            consumed = seg.offset + mm.end
            continue
        extra = _list_continuation(seg, mm)
        idx.mentions.append(mm)
        idx.mentions.extend(extra)
        consumed = seg.offset + max([mm.end] + [x.end for x in extra])
    for mm in idx.mentions:
        for x in mm.walk():
            if x.lvl and x.place:
                _add_place(idx.places, x.seg, x.start, x.lvl, x.place, x.paren, x.paren_word)
    return idx


def _after_truong(text: str, start: int) -> bool:
    return start >= 6 and text[max(0, start - 8) : start].rstrip().endswith(("Trưởng", "Chánh"))


def _list_continuation(seg: Segment, mm: Mention) -> list[Mention]:
    """``Đảng bộ xã Tân Mỹ, Ngọc Lâu và Tự Do``: the extra units of an elliptical list."""
    if mm.family not in {"party", "state", "front"} or not mm.place or mm.lvl is None or mm.inner is not None:
        return []
    if GROUP_OF_WORD.get(mm.lvl) not in {"commune", "district", "village"}:
        return []
    out: list[Mention] = []
    text = seg.text
    pos = mm.end
    while True:
        sep = _LIST_SEP_RE.match(text, pos)
        if not sep:
            break
        got = _name_at(text, sep.end(), seg.caps)
        if got is None:
            break
        name, end = got
        if name in HB_DISTRICTS or _SEARCH_RE.match(seg.low, end - len(name)):
            break
        if end < len(text) and text[end] not in " ,.;:)”\"":
            break
        out.append(Mention(mm.seg, end - len(name), end, mm.family, mm.head, mm.kind, mm.level, lvl=mm.lvl,
                           place=name, capital=mm.capital))
        pos = end
    return out


def _plural_list(seg: Segment, head: Mention, start: int, end: int) -> list[Mention]:
    """``Đảng bộ các xã Tân Mỹ, Ngọc Lâu, Tự Do`` names one unit per place."""
    if head.head not in {"Đảng bộ", "Đảng ủy", "Chi bộ", "Ủy ban nhân dân"}:
        return []
    cm = _CAC_RE.match(seg.low, end)
    if not cm:
        return []
    word = cm.group(1)
    out: list[Mention] = []
    pos = cm.end()
    while True:
        got = _name_at(seg.text, pos, seg.caps)
        if got is None:
            break
        name, nend = got
        level = "co-so" if head.kind == "chi-bo" else _level_for(word, name)
        out.append(Mention(seg.index, nend - len(name), nend, head.family, head.head, head.kind, level, lvl=word,
                           place=name))
        sep = _LIST_SEP_RE.match(seg.text, nend)
        if not sep:
            break
        pos = sep.end()
    return out


def _add_place(places: Places, seg: int, pos: int, word: str, name: str, paren: str | None = None,
               paren_word: str = "huyện") -> None:
    group = GROUP_OF_WORD.get(word)
    if group is None:
        return
    if word == "thành phố" and name in CENTRAL_CITIES:
        group = "province"
    places.add(group, seg, pos, word, name)
    if group == "commune" and paren:
        places.district_of.setdefault(name, paren)
        places.add("district", seg, pos, paren_word, paren)


def _level_place(seg: Segment, pos: int, word: str, places: Places) -> None:
    """A level word outside any unit (``huyện Lạc Sơn``, ``xã Văn Nghĩa (Lạc Sơn)``): record the place."""
    if word in {"tổ", "khu"}:
        return
    got = _name_at(seg.text, pos + len(word), seg.caps, GROUP_OF_WORD.get(word) == "village")
    if not got:
        return
    paren: str | None = None
    pword = "huyện"
    if GROUP_OF_WORD.get(word) == "commune":
        pm = _PAREN_RE.match(seg.text, got[1])
        if pm:
            paren = pm.group(2)
            pword = pm.group(1) or "huyện"
    _add_place(places, seg.index, pos, word, got[0])
    if paren:
        places.district_of.setdefault(got[0], paren)
        places.add("district", seg.index, pos, pword, paren)


# --------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------


def _complete(idx: UnitIndex, m: Mention | None, word: str, seg: int, pos: int) -> str | None:
    """The place a bare level ``word`` refers to: the only one of its kind in the article, else the
    only one named earlier in the paragraph, else the main unit's; the province defaults to Hòa Bình."""
    group = GROUP_OF_WORD.get(word)
    if group is None:
        return None
    if group == "province":
        provs = idx.places.candidates("province", "tỉnh")
        return provs[0] if len(provs) == 1 else DEFAULT_PROVINCE
    wtype: str | None = word if group in {"district", "commune"} else None
    cands = idx.places.candidates(group, wtype)
    if len(cands) == 1:
        return cands[0]
    local = idx.places.local(group, wtype, seg, pos)
    if len(local) == 1:
        return local[0]
    main = idx.main
    if main is not None and main is not m:
        for mm in main.walk():
            if mm.lvl is not None and GROUP_OF_WORD.get(mm.lvl) == group and mm.place:
                return mm.place
        if group == "district":
            d = _district_of_main(idx)
            if d:
                return d
    return None


def complete_place(idx: UnitIndex, word: str, seg: int, pos: int) -> str | None:
    """The place a bare level word (``huyện``) at ``(seg, pos)`` refers to, or ``None``."""
    return _complete(idx, None, word, seg, pos)


def _district_of_main(idx: UnitIndex) -> str | None:
    main = idx.main
    if main is None:
        return None
    for mm in main.walk():
        if mm.place and mm.lvl in {"xã", "phường", "thị trấn"}:
            return mm.paren or idx.places.district_of.get(mm.place)
    return None


def _fill(idx: UnitIndex, m: Mention) -> None:
    """Complete bare level words of ``m`` and its inner mentions."""
    for mm in m.walk():
        if mm.lvl and not mm.place and not mm.bare:
            if mm.family == "committee" and not mm.capital:
                continue
            place = _complete(idx, mm, mm.lvl, mm.seg, mm.start)
            if place:
                mm.place = place
                mm.level = mm.level if mm.kind == "chi-bo" else _level_for(mm.lvl, place)


def _build(m: Mention) -> str:
    """Canonical name of ``m`` (inner names built first)."""
    if m.inner is not None:
        m.inner.name = _build(m.inner)
        if m.family == "tieuban":
            return f"{m.head} {m.qual} Đại hội {m.inner.name}"
        return f"{m.head} {m.inner.name}"
    if m.family == "committee" or m.family == "youthcmt":
        return f"{m.head} {m.place}" if m.place else m.head
    parts = [m.head]
    if m.qual:
        parts.append(m.qual)
    if m.lvl:
        parts.append(m.lvl)
        if m.place:
            parts.append(m.place)
    return " ".join(parts)


def _resolve_partials(idx: UnitIndex) -> None:
    """``Đảng ủy Khối``, ``BCH Đảng bộ Sở``: take the only matching full qualifier of the article;
    a partial that matches none or several is dropped (never guessed)."""
    keep: list[Mention] = []
    for m in idx.mentions:
        target = next((x for x in m.walk() if x.partial), None)
        if target is None:
            keep.append(m)
            continue
        word = target.partial or ""
        quals: dict[str, str] = {}  # qualifier → level
        for x in idx.all_mentions():
            if x.partial or not x.name or x is target:
                continue
            if x.family == "party" and x.qual and x.qual.startswith(word + " "):
                quals.setdefault(f"{x.qual} {x.lvl} {x.place}" if x.lvl and x.place else x.qual, x.level)
            elif x.family == "party" and x.inner is not None and x.inner.name.startswith(word + " "):
                quals.setdefault(x.inner.name, x.level)
            elif x.family in {"dept", "school", "state"} and x.name.startswith(word + " "):
                quals.setdefault(x.name, x.level)
        if len(quals) != 1:
            continue
        (qual, level), = quals.items()
        target.partial = None
        target.qual = qual
        target.level = target.level if target.kind == "chi-bo" else level
        keep.append(m)
    idx.mentions = keep
    idx.flat = []


def _scope_bcd(idx: UnitIndex, doc: Doc) -> None:
    """A ``Ban Chỉ đạo Đại hội`` without printed scope takes the sentence's subject: a sentence-initial
    ``Huyện``/``Xã``/``Tỉnh`` (completed from context) or the first placed unit named before it."""
    for m in idx.mentions:
        if not m.needs_scope:
            continue
        seg = doc.segments[m.seg]
        s, _e = seg.sentence_at(m.start)
        before = seg.text[s : m.start]
        sm = _BCD_SCOPE_START_RE.match(before)
        word: str | None = None
        place: str | None = None
        if sm:
            word = sm.group(1).lower()
            place = _complete(idx, m, word, m.seg, m.start)
        else:
            for other in idx.mentions:
                if other.seg == m.seg and s <= other.start < m.start:
                    for x in other.walk():
                        if x.lvl and x.place:
                            word, place = x.lvl, x.place
                            break
        if word and place:
            m.lvl, m.place = word, place
            m.level = _level_for(word, place)
            m.needs_scope = False


def _subject_level(idx: UnitIndex, doc: Doc, m: Mention) -> str:
    """Level of the sentence's subject (first unit before ``m``, or a sentence-initial level noun)."""
    seg = doc.segments[m.seg]
    s, _e = seg.sentence_at(m.start)
    best: Mention | None = None
    for other in idx.mentions:
        if other.seg == m.seg and s <= other.start < m.start and other.family not in {"tieuban"}:
            best = other
            break
    if best is not None:
        return best.level
    sm = _BCD_SCOPE_START_RE.match(seg.text[s : m.start])
    if sm:
        return LEVEL_OF_WORD.get(sm.group(1).lower(), "other")
    if idx.main is not None and idx.main.level != "other":
        return idx.main.level  # no subject in the sentence: the unit the article is about
    return "other"


#: Level word of a Party committee's head (its congress is the Đảng bộ of that level).
_COMMITTEE_WORD = {"Tỉnh ủy": "tỉnh", "Huyện ủy": "huyện", "Thành ủy": "thành phố", "Thị ủy": "thị xã"}


def _congress_of(m: Mention) -> str | None:
    """``Đại hội Đảng bộ huyện Lạc Sơn`` for a unit of (or over) a placed Party organisation
    (``Ban Thường vụ Huyện ủy Lạc Sơn``, ``Đảng ủy xã Ân Nghĩa``), ``Đại hội Chi bộ X`` for a cell."""
    for mm in m.walk():
        if not mm.name or mm.bare or mm.partial:
            continue
        if mm.kind == "chi-bo":
            return f"Đại hội {mm.name}"
        if mm.kind in {"dang-bo", "dang-uy", "cap-uy"}:
            word = mm.lvl or _COMMITTEE_WORD.get(mm.head)
            if word and mm.place:
                return f"Đại hội Đảng bộ {word} {mm.place}"
            if mm.kind == "dang-bo":
                return f"Đại hội {mm.name}"
    return None


def _tieuban_scope(idx: UnitIndex, doc: Doc, m: Mention) -> str | None:
    """Whose congress a sub-committee printed without scope serves: the sentence's subject (the
    first Party unit before it, or a sentence-initial ``Huyện``/``Xã`` completed from context), else
    the article's main unit; ``None`` when neither names a Party organisation."""
    seg = doc.segments[m.seg]
    s, _e = seg.sentence_at(m.start)
    for other in idx.mentions:
        if other.seg == m.seg and s <= other.start < m.start and other.family != "tieuban":
            scope = _congress_of(other)
            if scope:
                return scope
    sm = _BCD_SCOPE_START_RE.match(seg.text[s : m.start])
    if sm:
        word = sm.group(1).lower()
        place = _complete(idx, m, word, m.seg, m.start)
        if place:
            return f"Đại hội Đảng bộ {word} {place}"
    return _congress_of(idx.main) if idx.main is not None else None


def _place_of_main(idx: UnitIndex) -> str | None:
    """``huyện Lạc Sơn``: the deepest placed level of the article's main unit, else ``None``."""
    found: str | None = None
    for mm in idx.main.walk() if idx.main is not None else iter(()):
        if mm.lvl and mm.place:
            found = f"{mm.lvl} {mm.place}"
    return found


def _distribute(doc: Doc, idx: UnitIndex) -> None:
    """``Phòng VH-TT và Trung tâm VH-TT&TT huyện``: the shared level word applies to both."""
    ms = idx.mentions
    for a, b in zip(ms, ms[1:], strict=False):
        if a.seg != b.seg or a.lvl is not None or b.lvl is None or a.inner is not None:
            continue
        if a.family not in {"dept", "state", "front"} or b.family not in {"dept", "state", "front"}:
            continue
        gap = doc.segments[a.seg].text[a.end : b.start]
        if gap.strip() in {"và", ","}:
            a.lvl, a.place = b.lvl, b.place
            a.level = _level_for(b.lvl, b.place)


def resolve(doc: Doc, idx: UnitIndex) -> UnitIndex:
    """Complete, name, merge and count the units of ``idx`` (in place); returns ``idx``."""
    _distribute(doc, idx)
    # main unit: first Party organisation named in title or lead
    for m in idx.mentions:
        if doc.segments[m.seg].part in {"title", "lead"} and m.family == "party" and not m.partial:
            idx.main = m
            break
    # first pass: unique/paragraph completion, then again with the main unit known
    if idx.main is not None:
        saved, idx.main = idx.main, None
        _fill(idx, saved)
        idx.main = saved
    for m in idx.mentions:
        _fill(idx, m)
    idx.mentions = [m for m in idx.mentions if not any(x.needs_place and not x.place for x in m.walk())]
    idx.flat = []
    _scope_bcd(idx, doc)
    for m in idx.all_mentions():
        if not m.partial:
            m.name = _build(m)
    _resolve_partials(idx)
    for m in idx.all_mentions():
        m.name = _build(m)
    for m in idx.mentions:
        _relevel(m)
    for m in idx.mentions:
        if m.family == "tieuban" and m.inner is not None:
            m.level = m.inner.level
        elif m.family == "tieuban" or (m.family == "bcd" and m.level == "other"):
            m.level = _subject_level(idx, doc, m)
        if m.family == "tieuban" and m.inner is None:
            m.scope = _tieuban_scope(idx, doc, m)
        elif m.family == "bcd" and m.needs_scope and not m.bare:
            m.scope = _place_of_main(idx)
    _merge(idx)
    return idx


def _mention_counts(idx: UnitIndex) -> Iterable[Mention]:
    """Every named mention, outer and nested (a nested parent printed in full is a mention too)."""
    for m in idx.mentions:
        for mm in m.walk():
            if mm.bare or mm.partial or not mm.name:
                continue
            yield mm


def _merge(idx: UnitIndex) -> None:
    """Group mentions by canonical name into :class:`Unit` records with their mention counts."""
    order: list[str] = []
    info: dict[str, Mention] = {}
    count: dict[str, int] = {}
    for mm in _mention_counts(idx):
        if mm.name not in info:
            order.append(mm.name)
            info[mm.name] = mm
            count[mm.name] = 0
        count[mm.name] += 1
        idx.by_start.setdefault((mm.seg, mm.start), mm)
    # a name printed without its place that begins exactly one fuller name is that unit
    for name in list(order):
        m = info[name]
        if m.place is not None or m.lvl is not None or m.family not in {"dept", "school", "state", "front", "party", "tieuban"}:
            continue
        if m.level == "trung-uong":
            continue
        longer = [o for o in order if o != name and o.startswith(name + " ") and info[o].kind == m.kind]
        if len(longer) == 1:
            idx.alias[name] = longer[0]
            count[longer[0]] += count.pop(name)
            order.remove(name)
    idx.units = [Unit(name=n, kind=info[n].kind, level=info[n].level, mentions=count[n], scope=info[n].scope)
                 for n in order]


def extract_units(doc: Doc) -> UnitIndex:
    """Scan and resolve: the unit index of an article."""
    return resolve(doc, scan(doc))


def is_source(text: str, start: int) -> bool:
    """Whether the mention at ``start`` follows ``Theo`` (a source) or ``với`` (a partner): not a subject."""
    return bool(_THEO_RE.search(text[max(0, start - 8) : start]))


def _district_for_commune(idx: UnitIndex, m: Mention, commune: str) -> tuple[str, str] | None:
    """The district (type word, name) of a commune unit: parentheses, apposition, else context."""
    named = m.paren or idx.places.district_of.get(commune)
    if named:
        words = [w for _s, _p, w, n in idx.places.seen.get("district", []) if n == named]
        return (words[0] if words else "huyện", named)
    cands: list[tuple[str, str]] = []
    for _s, _p, w, n in idx.places.seen.get("district", []):
        if (w, n) not in cands:
            cands.append((w, n))
    if len(cands) == 1:
        return cands[0]
    local = [(w, n) for s, p, w, n in idx.places.seen.get("district", []) if s == m.seg and p < m.start]
    if len(set(local)) == 1:
        return local[0]
    main = idx.main
    if main is not None and main is not m:
        for mm in main.walk():
            if mm.lvl and GROUP_OF_WORD.get(mm.lvl) == "district" and mm.place:
                return (mm.lvl, mm.place)
    return None


def place_parts(
    idx: UnitIndex, m: Mention
) -> tuple[str, tuple[str, str] | None, tuple[str, str] | None] | None:
    """``(province, district, commune)`` to look up for a unit, or ``None`` when it has no place.

    A unit is placed at the deepest level word it names (completed from context). A village unit is
    placed at its commune: the one in apposition (``, xã Ân Nghĩa``), else the article's commune when
    unambiguous (as for completion); without one it is not placed. Units without a level word
    (schools, departments, central bodies) are not placed.
    """
    deepest: Mention | None = None
    for mm in m.walk():
        if mm.lvl and mm.place:
            deepest = mm
    if deepest is None or deepest.lvl is None or deepest.place is None:
        return None
    word, name = deepest.lvl, deepest.place
    group = GROUP_OF_WORD.get(word)
    if word == "thành phố" and name in CENTRAL_CITIES:
        group = "province"
    provs = idx.places.candidates("province", "tỉnh")
    province = provs[0] if len(provs) == 1 else DEFAULT_PROVINCE
    if group == "province":
        return (name, None, None)
    if group == "district":
        return (province, (word, name), None)
    if group == "village":
        commune_name = deepest.commune_hint
        commune_word = "xã"
        if commune_name is None:
            cands: list[tuple[str, str]] = []
            for _s, _p, w, n in idx.places.seen.get("commune", []):
                if (w, n) not in cands:
                    cands.append((w, n))
            if len(cands) == 1:
                commune_word, commune_name = cands[0]
            else:
                main = idx.main
                for mm in main.walk() if main is not None else iter(()):
                    if mm.lvl and GROUP_OF_WORD.get(mm.lvl) == "commune" and mm.place:
                        commune_word, commune_name = mm.lvl, mm.place
        else:
            for _s, _p, w, n in idx.places.seen.get("commune", []):
                if n == commune_name:
                    commune_word = w
        if commune_name is None:
            return None
        return (province, _district_for_commune(idx, deepest, commune_name), (commune_word, commune_name))
    if group == "commune":
        return (province, _district_for_commune(idx, deepest, name), (word, name))
    return None


def representative(idx: UnitIndex) -> dict[str, Mention]:
    """Canonical unit name → its first mention (after merging)."""
    out: dict[str, Mention] = {}
    for m in idx.all_mentions():
        if m.name and not m.bare and not m.partial:
            out.setdefault(idx.canonical(m), m)
    return out
