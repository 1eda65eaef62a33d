"""Bylines, photo credits and captions of HBĐT article bodies.

An HBĐT byline is the author's name alone on the last line of the body (``Thanh Sơn``,
``Minh Thu - Thanh Hải``, ``Bài, ảnh: Việt Lâm``), a reprint source (``Theo TTXVN``), or, for a
guest author, an UPPERCASE name followed by a line with their title at the TOP of the body.

Rules (every function works on NFC, whitespace-collapsed text; input is cleaned again, so NFD or
NBSP-ridden strings are fine; nothing here raises on odd input):

Byline text (:func:`parse_byline_text`)
    * The text is split at top-level separators `` - ``, ``–``, ``—``, ``,``, ``;``, ``&``, ``và``
      (never inside parentheses) into parts; each part is an author name, a source or a title.
    * An author name is 1–8 words of at most 60 characters, every word starting with an uppercase
      letter (``Đ``, ``Ư``, ``Â`` ... included) and made of letters only; a dot is allowed only in
      initials (``M.T``, ``Đ.T``, ``P.V.``, ``T.``). Digits, quotes and sentence punctuation
      (``. ! ? : …``) reject the whole text, and so does a leading list bullet (``- ``, ``+``, ``•``).
      ``PV``, ``CTV``, ``BTV`` are names as printed; any other all-caps word alone (``UBND``) is
      not; ``Nhóm PV``, ``Nhóm phóng viên``, ``Nhóm CTV``, ``Nhóm tác giả`` are group names.
    * A leading rank (``Đại tá``, ``PGS.TS``, ``Nhà báo`` ...) is not part of the name in
      ``authors`` but stays in ``raw``.
    * A parenthesised suffix is a *source* when it reads ``Theo X``/``Nguồn: X``, names a news agency
      (``TTXVN``, ``VNA``, ``VOV``, ``VTV``, ``TTXVN/Vietnam+``) or an outlet (``Báo ...``, ``Đài ...``,
      ``Tạp chí ...``); otherwise it is an *affiliation* (``(CTV)``, ``(Trung tâm VH huyện Lạc Sơn)``),
      which stays in ``raw`` only. ``Hoàng Anh/TTXVN`` is a name plus a source.
    * ``Theo X`` / ``Nguồn: X`` / ``(Theo X)`` is a source: ``X`` starts with an uppercase word or an
      outlet noun (``báo``, ``tạp chí``, ``đài``, ``cổng`` ...) or is a domain. Digits and ``/`` are
      allowed only in an agency acronym or domain (``Theo VOV2``, ``Theo TTXVN/Vietnam+``), never in a
      name nor in ``Theo Kế hoạch số 236-KH/HU``; ``X`` must not start with a document kind or a
      person (``Theo Quyết định``, ``Theo Bí thư ...``, ``Theo ông ...``). A known agency acronym alone
      (``TTXVN``) is a source.
    * Credit roles: ``Bài: X``, ``Tin: X``, ``Bài, ảnh: X``, ``Bài và ảnh: X``, ``Thực hiện: X`` give
      authors; ``Ảnh: Y``, ``Video: Y``, ``Đồ họa: Y`` are photo/video credits, never authors, so a
      text that is only a photo credit is not a byline (``None``).
    * An institution may sign: a part starting with ``Ban``, ``Văn phòng``, ``Phòng``, ``Trung tâm``,
      ``Sở``, ``Tiểu ban``, ``Ủy ban``, ``UBKT``, ``UBND``, ``Huyện ủy``, ``Tỉnh ủy``, ``Thành ủy``,
      ``Đảng ủy``, ``Công an`` or ``Bộ Chỉ huy``, of at most 10 words with at least one capitalised
      word after the head and whose lower-case words all come from a small institution vocabulary
      (``giáo``, ``huyện``, ``ủy``, ``thông tin`` ...), is an author: ``Ban Tuyên giáo Huyện ủy`` is,
      ``Sở Y tế khuyến cáo`` is not. ``Đảng bộ ...`` and ``Chi bộ ...`` are the *subjects* of
      congress coverage, not signatories: never a byline.
    * A part that is a position/title (``Nguyên Phó Chủ tịch UBND tỉnh``) right after a name is that
      person's title: kept in ``raw`` only.

Trailing byline (:func:`parse_trailing_byline`)
    * Trailing empty lines and up to three series/footnote *markers* (``(Còn nữa)``, ``(Hết)``,
      ``Hết.``, ``(Kỳ 2: ...)``, ``Kỳ sau: ...``, ``Bài sau: ...``, ``(*) ...``) or page-tool lines
      (``Lượt xem: 1.204 | Gửi bài viết | In``, ``Chia sẻ | Bản in``) are skipped.
    * Among the last 1–3 remaining non-empty lines, the longest run that reads as a byline wins:
      each line is a byline line (as above, at most 100 characters), a photo credit (``Ảnh: M.T``,
      at most one) or a title line right after a name line; at least one line must give an author
      or a source, and at most two lines may be bare name lines. When the line just above a run of
      bare names is itself a bare name, the tail is a list of names, not a byline: ``None``.
    * ``n`` counts every line from the first byline line to the end of ``lines``, empty lines and
      trailing markers and page tools included (the API can only drop a tail). Use
      :func:`split_trailing_byline` to drop the byline and page tools but keep markers in the body
      (they are appended back at its end); markers above the byline are never touched.
    * ``Byline.raw`` of a multi-line byline joins its lines with `` - `` (a title line with ``, ``),
      a form that :func:`parse_byline_text` parses back to the same authors and source.

Leading byline (:func:`parse_leading_byline`)
    * First non-empty line: an UPPERCASE name of 2–6 words, optionally after a rank (``PGS.TS``,
      ``Đại tá``, ``NHÀ BÁO``); it must start with a known Vietnamese surname unless a rank is present.
    * Second non-empty line: a title or affiliation (starts with ``Nguyên``, ``Phó``, ``Chủ tịch``,
      ``Bí thư``, ``Trưởng``, ``Ban``, ``Báo``, ``Trường`` ...), at most 150 characters, no sentence
      punctuation at its end.
    * Returns ``authors == [name as printed, rank removed]``, ``raw == "NAME, Title"`` and ``n`` =
      lines up to and including the title line (``2`` when there are no leading empty lines).

Captions (:func:`looks_like_caption`, :func:`is_photo_credit`)
    * A caption is at most 400 characters and starts with ``Ảnh:``/``Trong ảnh:``/``Ảnh minh họa``
      or ends with a photo credit (``(Ảnh: M.T)``, ``Ảnh: PV``, ``ảnh: Thanh Sơn``,
      ``(Ảnh minh họa)``, ``Ảnh tư liệu``). A text that parses as a byline with authors (``Bài, ảnh:
      Việt Lâm``) is not a caption.
    * A photo credit is a line that is only a photo/video credit: ``Ảnh: M.T``, ``(Ảnh: PV)``,
      ``Ảnh, video: Thu Hằng``, ``Ảnh: Internet``; ``Ảnh minh họa``/``Ảnh tư liệu`` notes count too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from crawler.items import Byline
from crawler.text import clean, fold

logger = logging.getLogger(__name__)

MAX_NAME_CHARS = 60
"""Longest author name (without affiliation)."""
MAX_NAME_WORDS = 8
"""Most words in one author name."""
MAX_LINE_CHARS = 100
"""Longest single byline line (names plus affiliations)."""
MAX_TEXT_CHARS = 200
"""Longest text :func:`parse_byline_text` accepts (a multi-line byline joined)."""
MAX_CAPTION_CHARS = 400
"""Longest caption."""
MAX_TRAILING_LINES = 3
"""Most lines a trailing byline spans."""
MAX_MARKERS = 3
"""Most trailing markers skipped while looking for the byline."""

_WORD_RE = re.compile(r"^[^\W\d_][^\W\d_'’]*(?:['’][^\W\d_]+)*$")
"""A name word: letters (an apostrophe inside, as in ``H'Hen``)."""
_INITIALS_RE = re.compile(r"^(?:[^\W\d_][^\W\d_]?\.)+[^\W\d_]{1,2}\.?$|^[^\W\d_]\.$")
"""Initials: ``M.T``, ``Đ.T``, ``P.V.``, ``Ng.T``, or one letter and a dot (``T.``)."""
_GROUP_RE = re.compile(
    r"^(?:nhóm|tổ)\s+(?:pv|p\.v|phóng\s+viên|ctv|cộng\s+tác\s+viên|tác\s+giả|thực\s+hiện)"
    r"(?:\s+\S+){0,5}$",
    re.IGNORECASE,
)
"""Group bylines: ``Nhóm PV``, ``Nhóm phóng viên``, ``Nhóm CTV Thời sự``."""
_BAD_CHARS_RE = re.compile(r"[\d\"“”«»?!:…|#@*=<>\[\]{}]")
"""Characters never found in an author name."""
_BULLETS = "-–—+*•·>"
"""A line starting with one of these is a list item, never a byline."""
_QUOTE_EDGE_RE = re.compile(r"^[\"“”'‘’«»]|[\"“”'‘’«»]$")
_SEP_RE = re.compile(r"\s+[-–—]\s*|\s*[-–—]\s+|\s*[–—;,&]\s*|\s+và\s+", re.IGNORECASE)
"""Separators between parts of a byline (split at parenthesis depth 0 only)."""
_PAREN_SUFFIX_RE = re.compile(r"^(?P<head>[^()]*?)\s*\((?P<inner>[^()]*)\)\s*$")
_SOURCE_PREFIX_RE = re.compile(r"^(?:theo|nguồn)\s*:?\s+(?P<src>.+)$", re.IGNORECASE)
_AGENCY_RE = re.compile(
    r"^(?:TTXVN|TTX|VNA|VOV\d?|VTV\d{0,2}|VTC\d{0,2}|VnExpress|Vietnam\+|VietnamPlus|Dân trí|Dân Trí)"
    r"(?:\s*/\s*[\w+.]+)*$"
)
"""News agencies and outlets that stand alone as a reprint source."""
_DOMAIN_RE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org|gov\.vn|com\.vn)$", re.IGNORECASE)
_OUTLET_HEADS: tuple[str, ...] = (
    "bao", "tap chi", "dai", "cong thong tin", "cong ttdt", "trang", "kenh", "thong tan xa", "website",
    "to", "truyen hinh", "tin tuc", "ban tin",
)
"""Folded first words of an outlet named as a source (``báo Nhân Dân``, ``Đài TNVN``)."""
_SOURCE_STOP: tuple[str, ...] = (
    "quyet dinh", "ke hoach", "nghi quyet", "chi thi", "thong bao", "bao cao", "huong dan", "quy dinh", "luat",
    "nghi dinh", "thong tu", "dong chi", "bi thu", "chu tich", "giam doc", "pho", "truong ban", "ong", "ba",
    "anh", "chi", "do", "nhu", "danh gia", "thong ke", "so lieu", "ket qua", "toi", "chung toi",
)
"""Folded first words after ``Theo`` that introduce a document or a person, not a reprint source."""
_ROLE_ACRONYMS: frozenset[str] = frozenset({"PV", "CTV", "BTV", "TTV", "PV-CTV"})
"""Staff acronyms: authors when alone, affiliations in parentheses."""
_RANK_PHRASES: tuple[tuple[str, ...], ...] = (
    ("dai", "tuong"), ("thuong", "tuong"), ("trung", "tuong"), ("thieu", "tuong"),
    ("dai", "ta"), ("thuong", "ta"), ("trung", "ta"), ("thieu", "ta"),
    ("dai", "uy"), ("thuong", "uy"), ("trung", "uy"), ("thieu", "uy"),
    ("nha", "bao"), ("nha", "van"), ("nha", "tho"), ("nha", "giao"), ("luat", "su"), ("bac", "si"),
    ("dong", "chi"),
)
"""Folded multi-word ranks/honorifics that may precede a name."""
_RANK_TOKEN_RE = re.compile(
    r"^(?:(?:gs|pgs|ts|ths|tskh|cn|bs|ks|ngut|ngnd|nsnd|nsut|ld|tgs|gs\.ts|pgs\.ts|pgs\.tskh)[.,]?)+$"
)
"""One folded academic/artistic title token: ``PGS.TS``, ``ThS.``, ``TS``, ``NSƯT``."""

_ROLE_WORD = r"(?:bài|tin|ảnh|video|clip|đồ\s+h(?:ọa|oạ)|thực\s+hiện|ghi\s+chép|phỏng\s+vấn)"
_CREDIT_RE = re.compile(
    r"(?<![^\s,;\-–—(|/])(?P<role>" + _ROLE_WORD + r"(?:\s*(?:,|&|\+|/|và)\s*" + _ROLE_WORD + r")*)\s*:\s*",
    re.IGNORECASE,
)
"""A credit role and its colon: ``Bài:``, ``Bài, ảnh:``, ``Bài và ảnh:``, ``Ảnh:``, ``Video:``."""
_AUTHOR_ROLE_FOLDED: tuple[str, ...] = ("bai", "tin", "thuc hien", "ghi chep", "phong van")

_PHOTO_NOTE = r"(?:minh\s+h(?:ọa|oạ)|tư\s+liệu|internet|chụp\s+màn\s+hình|st|sưu\s+tầm)"
_PHOTO_ROLE = r"(?:(?:nguồn\s+)?ảnh|video|clip|đồ\s+h(?:ọa|oạ))"
_PHOTO_CREDIT_RE = re.compile(
    r"^\(?\s*(?P<role>" + _PHOTO_ROLE + r"(?:\s*(?:,|&|\+|/|và)\s*" + _PHOTO_ROLE + r")*)"
    r"(?:\s+(?P<note>" + _PHOTO_NOTE + r"))?"
    r"(?:\s*:\s*(?P<value>[^()]+?(?:\([^()]*\))?))?\s*\)?\s*\.?$",
    re.IGNORECASE,
)
"""A whole line that is only a photo credit or photo note."""
_CAPTION_START_RE = re.compile(
    r"^\(?\s*(?:(?:trong\s+)?ảnh(?:\s+" + _PHOTO_NOTE + r")?\s*:|ảnh\s+" + _PHOTO_NOTE + r"\s*(?:[.)\-–—]|$))",
    re.IGNORECASE,
)
"""A caption that starts with its credit: ``Ảnh: ...``, ``Trong ảnh: ...``, ``Ảnh minh họa: ...``."""
_CAPTION_END_RE = re.compile(
    r"(?:^|(?<=[\s.,;:!?…\-–—(\"”]))\(?\s*(?:nguồn\s+)?ảnh"
    r"(?:\s+(?P<note>" + _PHOTO_NOTE + r"))?"
    r"(?:\s*:\s*(?P<value>[^():]+?(?:\([^()]*\))?))?\s*\)?\s*[.;]?\s*$",
    re.IGNORECASE,
)
"""A caption's closing credit: ``... (Ảnh: M.T)``, ``... Ảnh: PV``, ``... (Ảnh minh họa)``."""
_CREDIT_VALUE_LOWER: frozenset[str] = frozenset(
    {"tu lieu", "internet", "minh hoa", "st", "suu tam", "nguon internet", "chup man hinh", "nguon: internet"}
)

_MARKER_RE = re.compile(
    r"^[-–—(\[\s]*(?:còn\s+nữa|còn\s+tiếp|hết|kết\s+thúc|the\s+end"
    r"|(?:kỳ|kì|bài|phần)\s+(?:\d+|[ivx]+|cuối|sau|tới|tiếp(?:\s+theo)?)\b[^\n]*)"
    r"[\s.…)\]\-–—]*$|^\(\*+\)",
    re.IGNORECASE,
)
"""Series and footnote markers: ``(Còn nữa)``, ``Hết.``, ``(Kỳ 2: ...)``, ``Kỳ sau: ...``, ``(*) ...``."""
_MAX_MARKER_CHARS = 150

_VIEWS_RE = re.compile(r"\b(?:so )?(?:luot|lan) (?:xem|doc|truy cap)\s*:?\s*[\d.,]+")
"""A view counter, folded: ``lượt xem: 1.204``."""
_CHROME_SEP_RE = re.compile(r"[|·•/]+")
_CHROME_TOOLS: tuple[str, ...] = tuple(
    sorted(
        (
            "gui bai viet", "gui bai", "gui email", "gui cho ban be", "ban in", "in bai viet", "in bai", "in",
            "chia se", "share", "tweet", "like", "email", "luu bai", "luu tin", "luu", "phan hoi", "binh luan",
            "ve dau trang", "len dau trang", "dau trang", "quay lai", "tro ve", "tro lai", "facebook", "zalo",
            "twitter", "bookmark", "print", "top", "gop y", "y kien ban doc",
        ),
        key=len,
        reverse=True,
    )
)
"""Folded page-tool labels printed after an article (longest first)."""
_MAX_CHROME_CHARS = 120

_INSTITUTION_HEADS: tuple[str, ...] = (
    "ban", "van phong", "phong", "trung tam", "so", "tieu ban", "uy ban", "ubkt", "ubnd", "huyen uy",
    "tinh uy", "thanh uy", "dang uy", "cong an", "bo chi huy",
)
"""Folded first words of an institution that may sign an article."""
_MAX_INSTITUTION_WORDS = 10
_INSTITUTION_LOWER: frozenset[str] = frozenset(
    (
        "giao van te duc dao chuc hoa thong tin huyen tinh thanh pho xa phuong thi tran uy kiem tra nhan dan "
        "dang va the thao du lich noi vu tu phap tai chinh ke hoach dau nong nghiep phat trien thon lao dong "
        "thuong binh hoi xay dung quan su cong an truyen hinh tri moi truong khoa hoc cong nghe bao ve tuyen "
        "toc ton tong hop cua vh tt vh-tt vhtt kt-xh tn mt dan van ban chi dao dai su kien nghien cuu lich "
        "sinh y co so bo bien phong chien luoc thong tan xa doi ngoai tham muu giup viec to"
    ).split()
)
"""Folded lower-case words allowed inside an institution's name (``Ban Tuyên giáo Huyện ủy``)."""

_TITLE_HEADS: tuple[str, ...] = (
    "nguyên", "cựu", "phó", "chủ tịch", "bí thư", "giám đốc", "trưởng", "tổng biên tập", "ủy viên",
    "uỷ viên", "đại biểu", "cán bộ", "giảng viên", "hiệu trưởng", "viện trưởng", "chánh", "đảng viên",
    "hội viên", "chuyên viên", "nhà giáo", "nhà báo", "thượng tá", "đại tá", "trung tá", "thiếu tá",
    "thiếu tướng", "trung tướng", "học viên", "sinh viên", "giáo viên", "bác sĩ", "kỹ sư", "thư ký",
    "chỉ huy", "chính ủy", "chính uỷ", "phóng viên", "biên tập viên", "cộng tác viên", "ban", "văn phòng",
    "sở", "trường", "học viện", "viện", "hội", "báo", "đài", "tạp chí", "trung tâm", "ubnd", "ủy ban",
    "uỷ ban", "huyện ủy", "huyện uỷ", "tỉnh ủy", "tỉnh uỷ", "thành ủy", "thành uỷ", "đảng ủy", "đảng uỷ",
    "công an", "bộ chỉ huy", "khoa", "phòng", "bảo tàng", "ủy viên", "nguyên là", "tiến sĩ", "thạc sĩ",
    "giáo sư", "phó giáo sư", "nghệ nhân", "nghệ sĩ", "cựu chiến binh", "thanh tra", "tòa án", "viện kiểm sát",
)
"""Lower-case first words of a guest author's title or affiliation line."""
_MAX_TITLE_CHARS = 150

_SURNAMES: frozenset[str] = frozenset(
    fold(s)
    for s in (
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Quách Xa Hà Sa "
        "Đào Đoàn Vương Trịnh Trương Lâm Phùng Mai Tô Tạ Triệu Cao Lương Lưu Kiều Khổng Chu Hứa Thái "
        "Tăng Lại Mạc Nông Lò Lường Lục Vi Hoàng Giáp Kim Đồng Tống Thân Quan Mông Mùa Sùng Giàng Vàng "
        "Thào Hầu Tráng Mã Chúc Diệp Văn Doãn Châu Bạch Từ Âu Khúc Ninh Thạch Quang Nghiêm Đàm Đoan "
        "Hàn Lục Biện Cù Cấn Tôn Ông Phí Phó Tiêu Hoa Lã Lữ Yên Công Bế Hoàng Triệu Giang Lăng Ma "
        "Nguyên Văn Y"
    ).split()
)
"""Folded Vietnamese surnames (incl. Mường/Tày/Thái/Mông ones common in Hòa Bình)."""
_MAX_LEADING_NAME_WORDS = 6


@dataclass
class _Parsed:
    """Authors and sources gathered while parsing one byline text."""

    authors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _folded_startswith(folded: str, heads: Sequence[str]) -> bool:
    """Whether ``folded`` starts with one of ``heads`` as whole words."""
    return any(folded == h or folded.startswith(h + " ") for h in heads)


def _lower_startswith(text: str, heads: Sequence[str]) -> bool:
    """Whether ``text`` (case-insensitive, accents kept) starts with one of ``heads`` as whole words."""
    low = text.lower()
    return any(low == h or low.startswith(h + " ") or low.startswith(h + ",") for h in heads)


def _split_top_level(text: str) -> list[str]:
    """Split ``text`` at :data:`_SEP_RE` separators that are not inside parentheses."""
    parts: list[str] = []
    start = 0
    for m in _SEP_RE.finditer(text):
        before = text[: m.start()]
        if before.count("(") > before.count(")"):
            continue
        parts.append(text[start : m.start()])
        start = m.end()
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _is_name_word(word: str) -> bool:
    """A capitalised letters-only word, or initials."""
    if not word or not word[0].isupper():
        return False
    if "." in word:
        return bool(_INITIALS_RE.match(word))
    return bool(_WORD_RE.match(word))


def _strip_rank(words: list[str]) -> list[str]:
    """Drop leading ranks/honorifics (``Đại tá``, ``PGS.TS``, ``Nhà báo``) from a name's words."""
    out = list(words)
    changed = True
    while changed and len(out) > 1:
        changed = False
        folded = [fold(w) for w in out]
        for phrase in _RANK_PHRASES:
            k = len(phrase)
            if len(out) > k and tuple(folded[:k]) == phrase:
                out = out[k:]
                changed = True
                break
        else:
            if len(out) > 1 and _RANK_TOKEN_RE.match(folded[0]):
                out = out[1:]
                changed = True
    return out


_HONORIFICS = frozenset({"Ông", "Bà", "Cô", "Thầy", "Chú", "Bác", "Cụ", "Chị", "Đồng chí", "Đ/c", "Ngài"})
"""Words that address a person named in the text; a byline names its writer without them."""


def _clean_name(text: str) -> str | None:
    """The author name in ``text`` (rank removed), or ``None`` if ``text`` is not a person's name."""
    if not text or len(text) > MAX_NAME_CHARS or _BAD_CHARS_RE.search(text):
        return None
    if _GROUP_RE.match(text):
        return text
    words = _strip_rank(text.split())
    if not words or len(words) > MAX_NAME_WORDS:
        return None
    if len(words) > 1 and (words[0] in _HONORIFICS or words[0] in ("Theo", "Nguồn")):
        return None  # "Cô Lê Ngọc Diệp - Trưởng phòng ...": a quoted person; "Theo ...": a source
    if len(words) == 1 and fold(words[0]) in {"het", "xong", "ket"}:
        return None
    word = words[0]
    if len(words) == 1 and "." not in word and len(word) > 1 and word.isupper() and word not in _ROLE_ACRONYMS:
        return None  # "UBND", "HĐND": an acronym alone is a body, not a name ("PV", "CTV" are)
    if all(_is_name_word(w) for w in words):
        return " ".join(words)
    return None


def _is_institution(text: str) -> bool:
    """An institution that signs: ``Ban Tuyên giáo Huyện ủy``, ``Trung tâm VH-TT huyện``."""
    if not text or len(text) > MAX_LINE_CHARS or _BAD_CHARS_RE.search(text) or "." in text:
        return False
    words = [w for w in text.split() if w not in {"-", "–", "—"}]
    if len(words) < 2 or len(words) > _MAX_INSTITUTION_WORDS or not words[0][0].isupper():
        return False
    folded = fold(text)
    for head in sorted(_INSTITUTION_HEADS, key=len, reverse=True):
        if folded == head or folded.startswith(head + " "):
            rest = words[len(head.split()) :]
            lower_ok = all(w[0].isupper() or fold(w) in _INSTITUTION_LOWER for w in rest)
            return lower_ok and any(w[0].isupper() for w in rest)
    return False


def _clean_source(text: str) -> str | None:
    """The source named in ``text`` (``TTXVN``, ``Báo Nhân Dân``, ``VOV2``), or ``None``."""
    src = text.strip().strip(".").strip()
    if not src or len(src) > 80 or re.search(r"[?!;:\"“”…]", src):
        return None
    if _AGENCY_RE.match(src) or _DOMAIN_RE.match(src):
        return src
    words = src.split()
    if len(words) > 12 or re.search(r"[\d/]", src) or _folded_startswith(fold(src), _SOURCE_STOP):
        return None
    if words[0][0].isupper():
        return src
    if _folded_startswith(fold(src), _OUTLET_HEADS) and any(w[0].isupper() for w in words[1:]):
        return src
    return None


def _is_title_line(text: str) -> bool:
    """A position or affiliation line: ``Nguyên Tổng Biên tập Báo Hòa Bình``."""
    if not text or len(text) > _MAX_TITLE_CHARS or not text[0].isupper():
        return False
    if text[-1] in ".!?:;…" or _QUOTE_EDGE_RE.search(text):
        return False
    return _lower_startswith(text, _TITLE_HEADS)


def _parse_source_part(part: str) -> str | None:
    """``Theo X`` / ``Nguồn: X`` / a bare agency acronym: the source, else ``None``."""
    m = _SOURCE_PREFIX_RE.match(part)
    if m:
        return _clean_source(m.group("src"))
    if _AGENCY_RE.match(part) and part.upper() not in _ROLE_ACRONYMS:
        return part
    return None


def _classify_paren(inner: str) -> str | None:
    """A parenthesised suffix as a source (returned) or an affiliation (``None``)."""
    inner = inner.strip()
    m = _SOURCE_PREFIX_RE.match(inner)
    if m:
        return _clean_source(m.group("src"))
    if inner.upper() in _ROLE_ACRONYMS:
        return None
    if _AGENCY_RE.match(inner):
        return inner
    if _folded_startswith(fold(inner), _OUTLET_HEADS) and inner[:1].isupper():
        return inner
    return None


_CAMEL_OUTLET_RE = re.compile(r"^(?:[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Z]{2,}[a-z]*|[A-Z][a-z]+[A-Z]+)(?:\s?(?:News|Online|Plus|\+))?$")
"""A one-word outlet name: ``VnEconomy``, ``VietNamNet``, ``CafeF``, ``TTXVN``, ``VTC News``."""


def _outlet_like(text: str) -> bool:
    """Whether ``text`` names an outlet (an agency, a domain, ``Báo ...``, a one-word brand)."""
    text = text.strip()
    if _AGENCY_RE.match(text) or _DOMAIN_RE.match(text) or _CAMEL_OUTLET_RE.match(text):
        return True
    return _folded_startswith(fold(text), _OUTLET_HEADS) and text[:1].isupper()


def _writer_of_outlet(writer: str, outlet: str) -> tuple[str, str] | None:
    """``("Thanh Xuân", "VnEconomy")`` for the two sides of ``Theo Thanh Xuân - VnEconomy`` (or
    ``/``): a person's name, then an outlet's; else ``None``."""
    writer, outlet = writer.strip(), outlet.strip()
    person = _clean_name(writer) if writer and not _outlet_like(writer) else None
    if person and _outlet_like(outlet):
        return person, _clean_source(outlet) or outlet
    return None


def _parse_names(segment: str, out: _Parsed) -> bool:
    """Add the authors and sources of ``segment`` to ``out``; ``False`` if a part is not valid."""
    if _is_institution(segment) and _clean_name(segment) is None:
        out.authors.append(segment)  # "Phòng Văn hóa - Thông tin huyện": one signatory, dash and all
        return True
    parts = [p for p in _split_top_level(segment) if p]
    if not parts:
        return False
    m = _SOURCE_PREFIX_RE.match(parts[0].strip()) if len(parts) == 2 else None
    found = _writer_of_outlet(m.group("src"), parts[1]) if m else None
    if found:  # "Theo Thanh Xuân - VnEconomy": the outlet's writer, then the outlet
        out.authors.append(found[0])
        out.sources.append(found[1])
        return True
    previous_was_name = False
    for part in parts:
        m = _SOURCE_PREFIX_RE.match(part) if "/" in part else None
        found = _writer_of_outlet(*m.group("src").split("/", 1)) if m else None
        if found:  # "Theo Minh Nguyễn/Vcamp.vn": the outlet's writer and the outlet
            out.authors.append(found[0])
            out.sources.append(found[1])
            previous_was_name = False
            continue
        m = _SOURCE_PREFIX_RE.match(part)
        paren = _PAREN_SUFFIX_RE.match(m.group("src")) if m else None
        if paren:  # "Theo Sầm Hoa (Vietnamnet/Reuters)": the writer, then where it was taken from
            person = _clean_name(paren.group("head").strip())
            inner = paren.group("inner").strip()
            # after "Theo <person>", the parenthesis names where it was taken from
            source = _classify_paren(inner) or (inner if inner[:1].isupper() and len(inner) <= 40
                                                and not re.search(r"[.,;:!?]\s", inner) else None)
            if person and source and not _outlet_like(paren.group("head").strip()):
                out.authors.append(person)
                out.sources.append(source)
                previous_was_name = False
                continue
        if out.sources and not previous_was_name and part.isascii() and part.isalpha() and part[:1].isupper():
            out.sources.append(part)  # "Theo X/Vcamp.vn - Forbes": a one-word credit after a source is one too
            continue
        source = _parse_source_part(part)
        if source:
            out.sources.append(source)
            previous_was_name = False
            continue
        if previous_was_name and _is_title_line(part) and _clean_name(part) is None:
            continue  # "Nguyễn Văn A, Nguyên Chủ tịch UBND tỉnh": the title stays in raw only
        head, inner = part, None
        m = _PAREN_SUFFIX_RE.match(part)
        if m:
            head, inner = m.group("head").strip(), m.group("inner")
        elif "(" in part or ")" in part:
            return False
        if "/" in head:
            left, _, right = head.partition("/")
            src = _clean_source(right.strip()) if _AGENCY_RE.match(right.strip()) else None
            if src is None:
                return False
            out.sources.append(src)
            head = left.strip()
        name = _clean_name(head)
        if name is None and _is_institution(head):
            name = head
        if name is None:
            return False
        out.authors.append(name)
        if inner is not None:
            if len(inner) > MAX_NAME_CHARS:
                return False
            paren_source = _classify_paren(inner)
            if paren_source:
                out.sources.append(paren_source)
        previous_was_name = True
    return True


def _credit_value_ok(value: str | None) -> bool:
    """Whether ``value`` reads as the name part of a photo credit (``M.T``, ``PV``, ``Internet``)."""
    if value is None:
        return False
    v = value.strip().rstrip(".").strip()
    if not v or len(v) > MAX_NAME_CHARS or re.search(r"[?!;:\"“”…]", v):
        return False
    words = v.split()
    if len(words) > 10:
        return False
    return v[0].isupper() or fold(v) in _CREDIT_VALUE_LOWER


def _role_is_author(role: str) -> bool:
    """Whether a credit role (``Bài``, ``Bài, ảnh``, ``Thực hiện``) makes its names authors."""
    folded = fold(role)
    return any(re.search(r"\b" + r + r"\b", folded) for r in _AUTHOR_ROLE_FOLDED)


def _parse_credits(text: str, out: _Parsed) -> bool | None:
    """Parse a text with credit roles into ``out``; ``None`` if it has no role, ``False`` if invalid."""
    matches = list(_CREDIT_RE.finditer(text))
    if not matches:
        return None
    strip_chars = " ,;|-–—/"
    prefix = text[: matches[0].start()].strip(strip_chars + "(")
    if prefix and not _parse_names(prefix, out):
        return False
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        segment = text[m.end() : end].strip(strip_chars)
        segment = segment.rstrip("(").strip(strip_chars)
        if segment.endswith(")") and segment.count(")") > segment.count("("):
            segment = segment[:-1].strip(strip_chars)
        if not segment:
            return False
        if _role_is_author(m.group("role")):
            if not _parse_names(segment, out):
                return False
        else:
            if not _credit_value_ok(segment) and _clean_name(segment) is None:
                return False
    return True


def _unwrap(text: str) -> str | None:
    """Remove parentheses around a whole ``(Theo TTXVN)`` line; ``None`` for other bracketed lines."""
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        inner = text[1:-1].strip()
        if _SOURCE_PREFIX_RE.match(inner) or _AGENCY_RE.match(inner):
            return inner
        return None
    return text


def parse_byline_text(text: str) -> Byline | None:
    """Parse one byline string, e.g. ``"Bài: Thu Hằng - Ảnh: Đức Anh"`` -> authors ``["Thu Hằng"]``.

    ``"Theo TTXVN"`` gives ``authors == []`` and ``source == "TTXVN"``; ``"Minh Anh (TTXVN)"`` gives
    ``["Minh Anh"]`` and ``"TTXVN"``; a text that is only a photo credit (``"Ảnh: M.T"``), an ordinary
    sentence or anything with digits outside a source gives ``None``. ``raw`` is the cleaned text.
    Several sources are joined with ``", "``. See the module docstring for the full rule.
    """
    if not isinstance(text, str):
        return None
    raw = clean(text)
    if not raw or len(raw) > MAX_TEXT_CHARS or _QUOTE_EDGE_RE.search(raw) or raw[0] in _BULLETS:
        return None
    body = _unwrap(raw)
    if body is None:
        return None
    if body[-1] in ",;:!?…-–—":
        return None
    if body.endswith(".") and not _INITIALS_RE.match(body.split()[-1]):
        if not _SOURCE_PREFIX_RE.match(body):
            return None
        body = body[:-1].rstrip()  # "Theo TTXVN."
    out = _Parsed()
    credits = _parse_credits(body, out)
    if credits is False:
        return None
    if credits is None and not _parse_names(body, out):
        return None
    if not out.authors and not out.sources:
        return None
    sources = list(dict.fromkeys(out.sources))
    return Byline(raw=raw, authors=out.authors, source=", ".join(sources) if sources else None)


def is_photo_credit(text: str) -> bool:
    """Whether the line is only a photo credit: ``Ảnh: M.T``, ``(Ảnh: PV)``, ``Ảnh: Internet``.

    Photo notes without a name (``Ảnh minh họa``, ``(Ảnh tư liệu)``) count too; ``Ảnh`` alone, a
    caption with text before its credit and a credit whose value is not a name do not.
    """
    if not isinstance(text, str):
        return False
    t = clean(text)
    if not t or len(t) > MAX_LINE_CHARS:
        return False
    return _credit_ok(_PHOTO_CREDIT_RE.match(t))


def looks_like_caption(text: str) -> bool:
    """Whether ``text`` is a photo caption to drop from the body (see the module docstring).

    ``"Cán bộ ... chuẩn bị tài liệu. (Ảnh: M.T)"``, ``"Ảnh: PV"``, ``"Trong ảnh: ..."`` are captions;
    a byline such as ``"Bài, ảnh: Việt Lâm"`` and a paragraph merely mentioning ``ảnh`` are not.
    """
    if not isinstance(text, str):
        return False
    t = clean(text)
    if not t or len(t) > MAX_CAPTION_CHARS:
        return False
    if is_photo_credit(t) or _CAPTION_START_RE.match(t):
        return True
    byline = parse_byline_text(t)
    if byline is not None and byline.authors:
        return False
    return _credit_ok(_CAPTION_END_RE.search(t))


def _credit_ok(m: re.Match[str] | None) -> bool:
    """A matched photo credit: a plausible credited name (``Ảnh: M.T``) or a note (``Ảnh minh họa``)."""
    if not m:
        return False
    if m.group("value") is not None:
        return _credit_value_ok(m.group("value"))
    return m.group("note") is not None


def _is_marker(text: str) -> bool:
    """A series/footnote marker: ``(Còn nữa)``, ``Hết.``, ``(Kỳ 2: ...)``, ``Kỳ sau: ...``, ``(*)``."""
    return len(text) <= _MAX_MARKER_CHARS and bool(_MARKER_RE.match(text))


def _is_chrome(text: str) -> bool:
    """Page tools left after the body: ``Lượt xem: 1.204 | Gửi bài viết | In``, ``Chia sẻ``."""
    if not text.strip() or len(text) > _MAX_CHROME_CHARS:
        return False
    rest = _VIEWS_RE.sub(" ", fold(text))
    rest = _CHROME_SEP_RE.sub(" ", rest).strip()
    while rest:
        for tool in _CHROME_TOOLS:
            if rest == tool or rest.startswith(tool + " "):
                rest = rest[len(tool) :].strip()
                break
        else:
            return False
    return True


@dataclass
class _Line:
    """One non-empty line of the tail: its index, text and reading."""

    index: int
    text: str
    byline: Byline | None
    photo: bool
    title: bool


def _read_line(index: int, text: str) -> _Line:
    """Read one tail line as a byline line, a photo credit or a title line."""
    if len(text) > 4 * MAX_LINE_CHARS:  # a paragraph: nothing of a byline
        return _Line(index, text, None, False, False)
    byline = parse_byline_text(text) if len(text) <= MAX_LINE_CHARS else None
    return _Line(index, text, byline, is_photo_credit(text), _is_title_line(text))


def _is_bare_name(line: _Line) -> bool:
    """A byline line that is only author names (no role, no source)."""
    return (
        line.byline is not None
        and bool(line.byline.authors)
        and line.byline.source is None
        and not _CREDIT_RE.search(line.text)
    )


def _block_byline(block: list[_Line]) -> Byline | None:
    """The byline formed by ``block`` (top to bottom), or ``None`` if it is not one."""
    pieces: list[str] = []
    bare = photos = 0
    has_content = False
    for i, ln in enumerate(block):
        if i > 0 and _is_bare_name(block[i - 1]) and ln.title and _clean_name(ln.text) is None:
            pieces.append(", " + ln.text)  # the title of the person named just above
            continue
        if ln.byline is not None:
            has_content = True
            bare += _is_bare_name(ln)
        elif ln.photo:
            photos += 1
        else:
            return None
        pieces.append((" - " if pieces else "") + ln.text)
    if not has_content or bare > 2 or photos > 1:
        return None
    raw = "".join(pieces)
    parsed = parse_byline_text(raw)
    if parsed is None:
        logger.debug("tail lines %r read as a byline but the joined form does not parse", raw)
    return parsed


def _find_trailing(lines: Sequence[str]) -> tuple[Byline, int, list[str]] | None:
    """The byline at the end of ``lines``, the index of its first line and the markers after it."""
    # a line longer than a byline line stays as it is: it can only end the search
    texts = [(clean(x) if len(x) <= 4 * MAX_LINE_CHARS else x) if isinstance(x, str) else "" for x in lines]
    nonempty = [i for i, t in enumerate(texts) if t]
    markers: list[str] = []
    skipped = 0
    while nonempty and skipped < MAX_MARKERS:
        last = texts[nonempty[-1]]
        if _is_marker(last):
            markers.insert(0, last)
        elif not _is_chrome(last):
            break
        nonempty.pop()
        skipped += 1
    if not nonempty:
        return None
    tail = [_read_line(i, texts[i]) for i in nonempty[-MAX_TRAILING_LINES:]]
    for k in range(min(MAX_TRAILING_LINES, len(tail)), 0, -1):
        block = tail[-k:]
        byline = _block_byline(block)
        if byline is None:
            continue
        above = nonempty[-k - 1] if len(nonempty) > k else None
        if above is not None and _is_bare_name(block[0]):
            prev = _read_line(above, texts[above])
            if _is_bare_name(prev):
                logger.debug("tail ends with a list of names; no byline")
                return None
        return byline, block[0].index, markers
    return None


def parse_trailing_byline(lines: list[str]) -> tuple[Byline, int] | None:
    """The byline at the END of the body's lines: ``(Byline, n)`` or ``None``.

    ``n`` is how many trailing lines the caller drops: from the first byline line to the end,
    including empty lines and series markers after the byline (``(Còn nữa)``); use
    :func:`split_trailing_byline` to keep those markers. Never raises.
    """
    found = _find_trailing(lines or [])
    if found is None:
        return None
    byline, first, _markers = found
    return byline, len(lines) - first


def split_trailing_byline(lines: list[str]) -> tuple[list[str], Byline] | None:
    """``(body_lines, Byline)``: the body without its trailing byline, markers after it kept at the end.

    ``["...", "Thanh Sơn", "(Còn nữa)"]`` -> ``(["...", "(Còn nữa)"], Byline(authors=["Thanh Sơn"]))``.
    ``None`` when there is no trailing byline.
    """
    found = _find_trailing(lines or [])
    if found is None:
        return None
    byline, first, markers = found
    return list(lines[:first]) + markers, byline


def _leading_name(text: str) -> str | None:
    """The UPPERCASE name of a guest author's line (rank removed), or ``None``."""
    if not text or len(text) > MAX_NAME_CHARS or _BAD_CHARS_RE.search(text):
        return None
    words = text.replace(",", " ").split()
    name_words = _strip_rank(words)
    has_rank = len(name_words) < len(words)
    if not 2 <= len(name_words) <= _MAX_LEADING_NAME_WORDS:
        return None
    for w in name_words:
        letters = [c for c in w if c.isalpha()]
        if not letters or not all(c.isupper() for c in letters) or not _is_name_word(w):
            return None
    if not has_rank and fold(name_words[0]) not in _SURNAMES:
        return None
    return " ".join(name_words)


def parse_leading_byline(lines: list[str]) -> tuple[Byline, int] | None:
    """A guest author at the TOP of the body: an UPPERCASE name line and a title line.

    ``["PGS.TS NGUYỄN VĂN A", "Nguyên Tổng Biên tập Báo Hòa Bình", ...]`` ->
    ``(Byline(raw="PGS.TS NGUYỄN VĂN A, Nguyên Tổng Biên tập Báo Hòa Bình",
    authors=["NGUYỄN VĂN A"]), 2)``. ``n`` counts leading empty lines too. ``None`` otherwise.
    """
    texts = [clean(x) if isinstance(x, str) else "" for x in (lines or [])]
    nonempty = [i for i, t in enumerate(texts) if t][:2]
    if len(nonempty) < 2:
        return None
    first, second = (texts[i] for i in nonempty)
    name = _leading_name(first)
    if name is None or not _is_title_line(second):
        return None
    return Byline(raw=f"{first}, {second}", authors=[name], source=None), nonempty[1] + 1
