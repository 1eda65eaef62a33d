"""Is an article Party-congress coverage (Đại hội Đảng bộ các cấp, nhiệm kỳ 2020-2025; Đại hội XIII)?

The rule reads the title and the lead (never the body: a body mentions congresses in passing).
Both are joined and *folded* with :func:`crawler.text.fold` (lower case, no diacritics, ``đ`` ->
``d``), every dash with the spaces around it becomes ``-`` and ``kì`` becomes ``kỳ``, so NFD,
UPPERCASE and no-diacritics inputs match the same way. Then, in order:

1. **Party signals** (rule names, the value of :func:`congress_reason`), each decisive:

   * ``dai-hoi-dang-bo`` — ``đại hội (đại biểu) đảng bộ``;
   * ``dai-hoi-chi-bo`` — ``đại hội (đại biểu) chi bộ``;
   * ``dai-hoi-dang`` — ``đại hội đảng`` + ``các cấp | toàn quốc | lần thứ | viên | cộng sản | bộ``
     (``đại hội Đảng các cấp``, ``đại hội đảng viên``; not ``đại hội đáng nhớ``);
   * ``dai-hoi-xiii`` — ``đại hội (đảng) (toàn quốc) (lần thứ) XIII|13`` followed by ``của Đảng`` or
     ``đảng``, ``đại hội đại biểu toàn quốc lần thứ XIII``, ``lần thứ XIII của Đảng``,
     ``Đại hội XIII`` not followed by a mass organisation's name;
   * ``chi-thi-35`` — ``Chỉ thị (số) 35`` or ``35-CT/TW`` (not ``35/CT-TTg``);
   * ``bau-bi-thu`` — ``(tái) đắc cử / được bầu (làm) / bầu (Phó) Bí thư`` (not ``Bí thư Chi đoàn``,
     ``Bí thư Đoàn``);
   * ``nhan-su-cap-uy`` — ``nhân sự cấp ủy``, ``cấp ủy khóa mới``, ``bầu cấp ủy``;
   * ``bch-dang-bo`` — ``bầu | ra mắt | công bố | chuẩn y | chỉ định Ban Chấp hành Đảng bộ/Chi bộ``,
     ``BCH Đảng bộ ... khóa mới / nhiệm kỳ mới`` (not a plenum ``Hội nghị BCH Đảng bộ tỉnh lần thứ 20, khóa XVI``);
   * ``van-kien-dang`` — ``văn kiện (dự thảo) đại hội đảng``, ``dự thảo văn kiện ... của Đảng``;
   * ``to-chuc-dai-hoi`` — ``Đảng bộ|Chi bộ ... tổ chức|tiến hành|hoàn thành đại hội`` (within one
     clause, not followed by a mass organisation);
   * ``party-congress-en`` — the English edition (``(HBO) - `` leads): ``Party Congress``, ``13th
     National (Party) Congress``, ``Party Committee/Organisation/Cell('s) congress``, ``congress of
     the ... Party Committee`` (a Youth Union or Farmers' Association congress does not match).

2. **Mass-organisation guard**: a congress of a non-Party body — ``Đại hội Hội ...`` (Nông dân,
   Cựu chiến binh, Khuyến học, Liên hiệp Phụ nữ, Chữ thập đỏ, Người cao tuổi ...), ``Đại hội Đoàn``,
   ``Đại hội Công đoàn``, ``Đại hội Mặt trận Tổ quốc / MTTQ``, ``Đại hội Phụ nữ / Nông dân / Cựu
   chiến binh / Thanh niên``, ``Đại hội TDTT / thể dục thể thao / thể thao``, ``Đại hội (đồng) cổ
   đông``, ``Đại hội (đại biểu) các dân tộc thiểu số``, ``Đại hội thi đua``, ``Đại hội Liên đội``,
   ``Đại hội cháu ngoan``, ``Đại hội xã viên / HTX`` — with ``đại biểu``/``lần thứ X`` allowed in
   between. When the guard fires and no Party signal of step 1 matched, the answer is ``False``
   (reason ``None``), whatever step 3 would say.

3. **Context signals**, decisive only when the guard did not fire:

   * ``nhiem-ky-2020-2025`` — ``nhiệm kỳ 2020-2025`` (any dash, spaces); other terms
     (``2019-2024``, ``2015-2020``, ``2023-2028``) are no signal;
   * ``van-kien-dai-hoi`` — ``văn kiện đại hội``, ``dự thảo văn kiện``;
   * ``du-thao-bao-cao-chinh-tri`` — ``dự thảo báo cáo chính trị``;
   * ``gop-y-du-thao`` — ``góp ý (vào) (các) dự thảo``, unless a law, decree, plan... follows
     (``góp ý dự thảo Luật Thanh niên`` is not congress coverage);
   * ``dai-hoi-diem`` — ``đại hội điểm``;
   * ``bau-bch`` — ``bầu Ban Chấp hành`` (Party or not: the guards decide);
   * the two above are *weak*: they also yield to a mass organisation named anywhere in the title or
     lead (``Hội Nông dân``, ``Đoàn TNCS``, ``Chi đoàn``, ``Công đoàn``, ``MTTQ``, ``HTX`` ...), not only
     right after ``đại hội`` — this broader guard does not block the other context signals, since
     mass organisations do comment on the Party's draft documents;

4. **Category**: ``category_id`` is never enough by itself (category 11 CHINH-TRI carries all
   politics). It only lowers the bar: in a politics category (:data:`POLITICS_CATEGORIES`), a bare
   ``đại hội`` in the title or lead with neither guard counts (reason ``dai-hoi+chinh-tri``); in a
   dedicated congress section (:data:`CONGRESS_CATEGORIES`, empty until its id is known) every
   article without a guard counts (reason ``category``).

Known limits: resolution-implementation articles (``thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần
thứ XVII``) match ``dai-hoi-dang-bo`` and count as congress coverage (congress-related) by design;
``Hội nghị Ban Chấp hành Đảng bộ`` (a plenum) without ``đại hội`` does not count.
"""

from __future__ import annotations

import logging
import re

from crawler.text import fold

logger = logging.getLogger(__name__)

POLITICS_CATEGORIES: frozenset[int] = frozenset({11})
"""Categories where a bare ``đại hội`` (with no mass-organisation guard) is enough."""
CONGRESS_CATEGORIES: frozenset[int] = frozenset()
"""Dedicated congress sections (the 13th-Congress special section; its id is not known yet)."""

_DASH_RE = re.compile(r"\s*[-‐‑‒–—―]\s*")
_WS_RE = re.compile(r"\s+")
_KI_RE = re.compile(r"\bnhiem ki\b")

_MASS_ORG = (
    r"(?:hoi\b|doan\b|chi doan|cong doan|mat tran|mttq|phu nu|nong dan|cuu chien binh|ccb\b|thanh nien"
    r"|tdtt|the duc|the thao|(?:dong )?co dong|(?:cac )?dan toc thieu so|thi dua|lien doi|chau ngoan"
    r"|xa vien|htx|hop tac xa|nguoi cao tuoi|khuyen hoc|chu thap do|cuu giao chuc|sinh vien|thieu nhi"
    r"|doanh nghiep|luat gia|nha bao|van hoc nghe thuat|dong ho|hoi dong huong)"
)
"""Folded names of non-Party bodies whose congresses are not Party-congress coverage."""
_GUARD_RE = re.compile(
    r"\bdai hoi (?:dai bieu )?(?:(?:(?:lan thu|khoa) )?[ivxlc\d]+ )?(?:(?:toan quoc|tinh|huyen|xa|thanh pho) )?"
    + _MASS_ORG
)
"""A congress of a mass organisation, sports meet, shareholders' meeting, ..."""

_PARTY_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dai-hoi-dang-bo", re.compile(r"\bdai hoi (?:dai bieu )?dang bo\b")),
    ("dai-hoi-chi-bo", re.compile(r"\bdai hoi (?:dai bieu )?chi bo\b")),
    ("dai-hoi-dang", re.compile(r"\bdai hoi dang (?:cac cap|toan quoc|lan thu|vien|cong san|bo)\b")),
    (
        "dai-hoi-xiii",
        re.compile(
            r"\bdai hoi (?:dai bieu )?(?:dang )?(?:toan quoc )?(?:lan thu )?(?:xiii|13) (?:cua )?dang\b"
            r"|\bdai hoi dai bieu toan quoc lan thu (?:xiii|13)\b"
            r"|\blan thu (?:xiii|13) cua dang\b"
            r"|\bdai hoi (?:dang )?(?:toan quoc )?(?:lan thu )?xiii\b(?! (?:dai bieu )?" + _MASS_ORG + ")"
        ),
    ),
    ("chi-thi-35", re.compile(r"\bchi thi (?:so )?35(?:-ct/tw\b|(?![\d/-]))|\b35-ct/tw\b")),
    (
        "bau-bi-thu",
        re.compile(
            r"\b(?:tai dac cu|dac cu|tai cu|duoc bau(?: giu chuc| lam)?|bau) (?:pho )?bi thu\b"
            r"(?! (?:chi doan|doan|hoi)\b)"
        ),
    ),
    ("nhan-su-cap-uy", re.compile(r"\bnhan su (?:cap uy|ban chap hanh dang bo)\b|\bcap uy khoa moi\b|\bbau cap uy\b")),
    (
        "bch-dang-bo",
        re.compile(
            r"\b(?:bau|ra mat|cong bo|chuan y|chi dinh) (?:ban chap hanh|bch) (?:dang bo|chi bo)\b"
            r"|\b(?:ban chap hanh|bch) (?:dang bo|chi bo)\b[^.;]{0,60}\b(?:khoa|nhiem ky) moi\b"
        ),
    ),
    (
        "van-kien-dang",
        re.compile(
            r"\bvan kien (?:du thao )?dai hoi (?:dai bieu )?(?:dang|xiii)\b"
            r"|\bdu thao (?:cac )?van kien\b[^.;]{0,80}\bcua dang\b"
        ),
    ),
    (
        "party-congress-en",
        re.compile(
            r"\bparty congress(?:es)?\b|\b(?:13th|xiii) national (?:party )?congress\b"
            r"|\bparty (?:committee|organi[sz]ation|cell|chapter)s?(?:'s|')? congress(?:es)?\b"
            r"|\bcongress of (?:the )?[a-z' ]{0,40}party (?:committee|organi[sz]ation|cell|chapter)\b"
        ),
    ),
    (
        "to-chuc-dai-hoi",
        re.compile(
            r"\b(?:dang bo|chi bo)\b[^.;:]{0,60}?\b(?:to chuc|tien hanh|hoan thanh|khai mac|be mac)"
            r" (?:thanh cong )?dai hoi\b(?! (?:dai bieu )?" + _MASS_ORG + ")"
        ),
    ),
)
"""Signals decisive on their own (step 1 of the module rule)."""

_CONTEXT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("nhiem-ky-2020-2025", re.compile(r"\bnhiem ky 2020-2025\b")),
    ("van-kien-dai-hoi", re.compile(r"\bvan kien dai hoi\b|\bdu thao (?:cac )?van kien\b")),
    ("du-thao-bao-cao-chinh-tri", re.compile(r"\bdu thao bao cao chinh tri\b")),
    (
        "gop-y-du-thao",
        re.compile(
            r"\bgop y (?:vao )?(?:cac )?du thao\b(?! (?:luat|bo luat|nghi dinh|thong tu|hien phap|quy hoach"
            r"|quyet dinh|de an|ke hoach|nghi quyet (?:hdnd|hoi dong)))"
        ),
    ),
    ("dai-hoi-diem", re.compile(r"\bdai hoi diem\b")),
    ("bau-bch", re.compile(r"\bbau (?:ban chap hanh|bch)\b")),
)
"""Signals decisive only without a mass-organisation guard (step 3)."""

_BROAD_GUARD_RE = re.compile(
    r"\b(?:hoi (?:nong dan|cuu chien binh|ccb|lien hiep phu nu|lhpn|phu nu|khuyen hoc|chu thap do"
    r"|nguoi cao tuoi|cuu giao chuc|sinh vien|luat gia|nha bao|doanh nghiep|cuu thanh nien xung phong)"
    r"|doan (?:tncs|thanh nien)|chi doan|doan vien|cong doan|mat tran to quoc|mttq|cuu chien binh"
    r"|hop tac xa|htx|co dong|the thao|tdtt)\b"
)
"""A mass organisation named anywhere: blocks the weak signals (``bau-bch``, ``dai-hoi-diem``, category)."""
_WEAK_RULES: frozenset[str] = frozenset({"bau-bch", "dai-hoi-diem"})

_BARE_DAI_HOI_RE = re.compile(r"\bdai hoi\b(?! dong\b)")


def _normalise(title: str | None, lead: str | None) -> str:
    """Title and lead folded, dashes normalised to ``-``, whitespace collapsed."""
    text = " . ".join(part for part in (title, lead) if part)
    folded = fold(text)
    folded = _DASH_RE.sub("-", folded)
    folded = _WS_RE.sub(" ", folded)
    return _KI_RE.sub("nhiem ky", folded).strip()


def congress_reason(title: str | None, lead: str | None = None, category_id: int | None = None) -> str | None:
    """The name of the rule that makes the article Party-congress coverage, ``None`` if it is not.

    ``congress_reason("Đại hội Đảng bộ xã Văn Nghĩa nhiệm kỳ 2020 - 2025")`` -> ``"dai-hoi-dang-bo"``;
    ``congress_reason("Đại hội Hội Nông dân xã Văn Nghĩa lần thứ X")`` -> ``None``.
    The rule is described in the module docstring.
    """
    text = _normalise(title, lead)
    if not text:
        return None
    for name, pattern in _PARTY_RULES:
        if pattern.search(text):
            return name
    guarded = _GUARD_RE.search(text)
    if guarded:
        logger.debug("non-Party congress %r: not congress coverage", guarded.group(0))
        return None
    broad = _BROAD_GUARD_RE.search(text)
    for name, pattern in _CONTEXT_RULES:
        if pattern.search(text) and not (broad and name in _WEAK_RULES):
            return name
    if category_id is not None and not broad:
        if category_id in CONGRESS_CATEGORIES:
            return "category"
        if category_id in POLITICS_CATEGORIES and _BARE_DAI_HOI_RE.search(text):
            return "dai-hoi+chinh-tri"
    return None


def is_congress(title: str | None, lead: str | None = None, category_id: int | None = None) -> bool:
    """Whether the article is Party-congress coverage (see the module docstring for the rule)."""
    return congress_reason(title, lead, category_id) is not None
