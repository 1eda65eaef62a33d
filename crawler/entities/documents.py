"""Numbered documents cited in the text: ``Kế hoạch số 236-KH/HU, ngày 6/9/2019``.

A document is ``KIND số N[-CODE]`` or ``KIND N-CODE`` (without ``số`` a code with letters is
required and the kind must be capitalised, so ``Chương trình 135`` or ``Nghị quyết Trung ương 4``
are not documents). ``code`` is the whole symbol (``236-KH/HU``, ``1520/QĐ-UBND``, ``88/2019/QH14``),
``None`` when only a number is printed. ``date`` is read only right after the number
(``, ngày 6/9/2019``). ``issuer`` is the printed ``của UNIT`` (canonical unit name), else the
issuing body implied by the code (:data:`CODE_ISSUERS`; the Party form ``N-TYPE/ISSUER`` and the
state form ``N/TYPE-ISSUER`` are both read), else ``None``. A document is listed once per
kind+number+code; a code-less mention of the same kind and number merges into the coded one.
"""

from __future__ import annotations

import re

from crawler.entities.date_mentions import parse_day
from crawler.entities.textutil import Doc
from crawler.entities.units import UnitIndex, trie_pattern
from crawler.items import Document

KINDS = (
    "Chương trình hành động", "Kế hoạch", "Chỉ thị", "Nghị quyết", "Thông báo", "Quyết định", "Hướng dẫn",
    "Công văn", "Kết luận", "Quy định", "Thông tư", "Nghị định", "Chương trình", "Đề án", "Báo cáo", "Tờ trình",
    "Thông tri", "Quy chế",
)
"""Document kinds, canonical capitalisation."""

CODE_ISSUERS: dict[str, str] = {
    "TW": "Trung ương", "TU": "Tỉnh ủy", "HU": "Huyện ủy", "THU": "Thành ủy", "QU": "Quận ủy", "TXU": "Thị ủy",
    "ĐU": "Đảng ủy", "ĐUK": "Đảng ủy Khối", "BTCTW": "Ban Tổ chức Trung ương", "BTGTW": "Ban Tuyên giáo Trung ương",
    "BDVTW": "Ban Dân vận Trung ương", "UBKTTW": "Ủy ban Kiểm tra Trung ương", "VPTW": "Văn phòng Trung ương Đảng",
    "BTCTU": "Ban Tổ chức Tỉnh ủy", "BTGTU": "Ban Tuyên giáo Tỉnh ủy", "BDVTU": "Ban Dân vận Tỉnh ủy",
    "UBKTTU": "Ủy ban Kiểm tra Tỉnh ủy", "BTCHU": "Ban Tổ chức Huyện ủy", "BTGHU": "Ban Tuyên giáo Huyện ủy",
    "BCSĐ": "Ban cán sự đảng", "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội", "QH": "Quốc hội", "CP": "Chính phủ", "TTG": "Thủ tướng Chính phủ",
    "MTTQ": "Ủy ban Mặt trận Tổ quốc", "BCĐ": "Ban Chỉ đạo",
}
"""Issuer token of a document code (digits of a legislature dropped: ``QH14`` → ``QH``) → issuer."""

_KIND_RE = re.compile(rf"(?P<kind>{trie_pattern(k.lower() for k in KINDS)})(?P<so> số ?| )(?P<num>\d{{1,5}})(?!\d)")
"""A kind, ``số`` and a number in the lower-cased text (a trie: one fast pass over the article)."""
_CODE_RE = re.compile(r"(?:\s?[-/]\s?[0-9A-Za-zĐđ&]+)*")
_AFTER_DATE_RE = re.compile(r"\s*,?\s*(?:ban hành\s+|ký\s+)?(?=ngày\s+\d)")
_OF_RE = re.compile(r"\s*,?\s*(?:của|do)\s+")


def _canon_kind(text: str) -> str:
    low = text.lower()
    for k in KINDS:
        if k.lower() == low:
            return k
    return text[:1].upper() + text[1:].lower()


def issuer_from_code(code: str | None) -> str | None:
    """Issuer implied by a code: ``236-KH/HU`` → ``Huyện ủy``, ``1520/QĐ-UBND`` → ``Ủy ban nhân dân``."""
    if not code or "/" not in code:
        return None
    head, _slash, tail = code.partition("/")
    if "-" in head:  # Party style N-TYPE/ISSUER
        token = code.rsplit("/", 1)[1]
    elif "-" in tail:  # state style N/TYPE-ISSUER or N/YEAR/TYPE-ISSUER
        token = tail.rsplit("-", 1)[1]
    else:  # N/YEAR/ISSUER (88/2019/QH14)
        token = tail.rsplit("/", 1)[1]
    token = re.sub(r"\d+$", "", token).upper()
    return CODE_ISSUERS.get(token)


def extract_documents(doc: Doc, idx: UnitIndex) -> tuple[list[Document], set[tuple[int, int]]]:
    """Documents of the article and the ``(segment, start)`` of the units named as their issuers."""
    found: list[Document] = []
    issuer_spans: set[tuple[int, int]] = set()
    low = doc.low
    for km in _KIND_RE.finditer(low):
        if km.start() and low[km.start() - 1].isalnum():
            continue
        start, num_end = km.span("num")
        seg, local = doc.locate(start)
        text = seg.text
        k0 = local - (start - km.start())
        kind_raw = text[k0 : k0 + len(km.group("kind"))]
        has_so = "số" in km.group("so")
        lend = local + (num_end - start)
        cm = _CODE_RE.match(text, lend)
        code_raw = re.sub(r"\s+", "", cm.group(0) if cm else "").rstrip("-/")
        has_letters = bool(re.search(r"[A-Za-zĐđ]", code_raw))
        if not has_so and not (has_letters and kind_raw[:1].isupper()):
            continue
        number = text[local:lend]
        code = f"{number}{code_raw}" if has_letters else None
        end = (cm.end() if cm else lend) if has_letters else lend
        date: str | None = None
        dm = _AFTER_DATE_RE.match(seg.low, end)
        if dm:
            got = parse_day(seg.low, dm.end())
            if got:
                date, end = got
        issuer: str | None = None
        om = _OF_RE.match(text, end)
        if om:
            unit = idx.at(seg.index, om.end())
            if unit is not None:
                issuer = idx.canonical(unit)
                issuer_spans.add((seg.index, om.end()))
        if issuer is None:
            issuer = issuer_from_code(code)
        found.append(Document(kind=_canon_kind(kind_raw), number=number, code=code, issuer=issuer, date=date))
    return _dedupe(found), issuer_spans


def _dedupe(docs: list[Document]) -> list[Document]:
    out: list[Document] = []
    for d in docs:
        same = next((o for o in out if o.kind == d.kind and o.number == d.number
                     and (o.code == d.code or o.code is None or d.code is None)), None)
        if same is None:
            out.append(d)
            continue
        if same.code is None and d.code is not None:
            same.code = d.code
        same.issuer = same.issuer or d.issuer
        same.date = same.date or d.date
    return out
