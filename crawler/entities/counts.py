"""Numbers attached to countable nouns, and the unit each sentence is about.

``8.021 đảng viên`` → 8021 (a dot groups thousands). Only digits followed by a noun of
:data:`NOUNS` count, with one optional qualifier of :data:`QUALIFIERS` (``12 chi bộ trực thuộc``);
percentages, fractions (``14/16 chỉ tiêu``), ranges (``1 - 2 đảng bộ``), decimals, dates and document
numbers never do. Nouns are lower-case (``56 chi, Đảng bộ trực thuộc`` → ``chi, đảng bộ trực thuộc``).

``unit`` (see the annotation guide): within the clause, the nearest unit named before the number,
else the first after it, leaving out units that are a person's employer, a document's issuer or a
source (``Theo X``); ``toàn huyện/tỉnh/xã`` with a Party noun is that level's Đảng bộ, with any
other noun ``None``; a clause whose subject is a place (``Xã có 420 hộ``) is ``None``; an anaphoric
``Đảng bộ``/``Chi bộ`` is the latest unit of that kind; the same again over the whole sentence; then
a sentence about the congress (``Đại hội ...``, ``Dự ...``) is about the article's main unit.
"""

from __future__ import annotations

import re

from crawler.entities.textutil import LOWER, UPPER, Doc, Segment
from crawler.entities.units import GROUP_OF_WORD, Mention, UnitIndex, complete_place, is_source, trie_pattern
from crawler.items import Count

NOUNS = (
    "đảng viên", "chi, đảng bộ", "chi bộ, đảng bộ", "đảng bộ, chi bộ", "tổ chức cơ sở đảng", "tổ chức đảng",
    "tổ đảng", "chi bộ", "đảng bộ", "đại biểu", "ủy viên", "đồng chí", "cán bộ, công chức", "cán bộ",
    "công chức", "hội viên", "đoàn viên", "thành viên", "tiểu ban", "xã, phường, thị trấn", "xã, thị trấn",
    "huyện, thành phố", "xã", "phường", "thị trấn", "xóm", "thôn", "bản", "tổ dân phố", "huyện", "thành phố",
    "hộ", "người", "nhân khẩu", "học sinh", "giáo viên", "lớp", "ý kiến", "chỉ tiêu",
)
"""Countable nouns relevant to congress coverage (closed list)."""
QUALIFIERS = ("trực thuộc", "cơ sở", "chính thức", "dự khuyết", "mới")
"""Qualifiers kept with the noun when they follow it directly."""
PARTY_NOUNS = frozenset({"đảng viên", "chi, đảng bộ", "chi bộ, đảng bộ", "đảng bộ, chi bộ", "tổ chức cơ sở đảng",
                         "tổ chức đảng", "tổ đảng", "chi bộ", "đảng bộ"})

_E = rf"(?![{LOWER}{UPPER}0-9])"
_NOUN_ALT = trie_pattern(NOUNS)
"""The nouns as a trie (text is whitespace-normalised, so single spaces suffice)."""
_QUAL_ALT = "|".join(q.replace(" ", r"\s+") for q in QUALIFIERS)
_COUNT_RE = re.compile(
    rf"(?P<num>\d{{1,3}}(?:\.\d{{3}})+|\d+)(?![\d%/]|[.,]\d|\s*%) (?P<noun>{_NOUN_ALT}){_E}"
    rf"(?: (?P<qual>{_QUAL_ALT}){_E})?"
)
"""A count at a run of digits of the lower-cased text."""
_RANGE_BEFORE_RE = re.compile(r"\d\s*[-–]\s*$|\bsố\s+$|\bthứ\s+$")
_RANGE_AFTER_RE = re.compile(r"^\s*[-–]\s*\d")
_TOAN_RE = re.compile(r"(?<![\w])(?:[Tt]oàn|[Cc]ả)\s+(tỉnh|huyện|thành phố|thị xã|xã|phường|thị trấn|xóm|thôn|bản)" + _E)
_PLACE_SUBJECT_RE = re.compile(
    r"^\W*(?:[^,;:]{0,40},\s*)?(?:[Tt]oàn\s+|[Cc]ả\s+)?(?:[Tt]ỉnh|[Hh]uyện|[Xx]ã|[Pp]hường|[Tt]hị trấn|[Xx]óm|[Tt]hôn|[Bb]ản)"
    rf"(?!\s+[{UPPER}]){_E}"
)
_DESTINATION_RE = re.compile(r"\bdự đại hội(?: đại biểu)? $")
"""``bầu 8 đại biểu đi dự Đại hội Đảng bộ huyện``: the congress attended is not the subject."""
_CONGRESS_RE = re.compile(r"(?<![\w])(?:[Đđ]ại hội)(?!\s+(?:Đảng|đảng|đại biểu Đảng))" + _E + r"|^\W*(?:Dự|Tham dự|Tới dự)\b")


class _Subject:
    """Finds the unit a count's sentence is about (rules in the module docstring)."""

    def __init__(self, doc: Doc, idx: UnitIndex, excluded: set[tuple[int, int]]) -> None:
        self.doc = doc
        self.idx = idx
        self.excluded = excluded
        self.by_seg: dict[int, list[Mention]] = {}
        for m in idx.mentions:
            self.by_seg.setdefault(m.seg, []).append(m)

    def candidates(self, seg: Segment, s: int, e: int) -> list[Mention]:
        """Units named in ``[s, e)`` of ``seg`` that can be a subject."""
        out = []
        for m in self.by_seg.get(seg.index, []):
            if not (s <= m.start < e) or not m.name:
                continue
            if (m.seg, m.start) in self.excluded or is_source(seg.text, m.start):
                continue
            if _DESTINATION_RE.search(seg.low, max(0, m.start - 30), m.start):
                continue
            out.append(m)
        return out

    def in_span(self, seg: Segment, s: int, e: int, pos: int, noun: str) -> tuple[bool, str | None]:
        """(decided, unit) for the span ``[s, e)`` around the number at ``pos``."""
        before = [m for m in self.candidates(seg, s, e) if m.end <= pos]
        after = [m for m in self.candidates(seg, s, e) if m.start >= pos]
        if before:
            return True, self.idx.canonical(before[-1])
        part = seg.text[s:pos]
        toan = list(_TOAN_RE.finditer(part))
        if toan:
            tm = toan[-1]
            word = tm.group(1).lower()
            if noun not in PARTY_NOUNS:
                return True, None
            place = complete_place(self.idx, word, seg.index, s + tm.start())
            if place and GROUP_OF_WORD.get(word) in {"province", "district", "commune"}:
                return True, f"Đảng bộ {word} {place}"
            return True, None
        if _PLACE_SUBJECT_RE.match(part):
            return True, None
        for a in reversed(self.idx.anaphors):
            if a.seg == seg.index and s <= a.start < pos and a.kind in ("dang-bo", "chi-bo", "dang-uy"):
                return True, self.idx.latest(a.kind, seg.index, a.start)
        if after:
            return True, self.idx.canonical(after[0])
        return False, None

    def resolve(self, seg: Segment, pos: int, noun: str) -> str | None:
        for s, e in (seg.clause_at(pos), seg.sentence_at(pos)):
            decided, unit = self.in_span(seg, s, e, pos, noun)
            if decided:
                return unit
        s, e = seg.sentence_at(pos)
        if self.idx.main is not None and _CONGRESS_RE.search(seg.text[s:e]):
            return self.idx.canonical(self.idx.main)
        return None


def extract_counts(doc: Doc, idx: UnitIndex, excluded: set[tuple[int, int]] | None = None) -> list[Count]:
    """Counts of the article in text order; ``excluded`` are unit mentions that cannot be subjects."""
    subj = _Subject(doc, idx, excluded or set())
    out: list[Count] = []
    low = doc.low
    prev_end = -1
    for start, _end in doc.numbers:
        if start < prev_end or (start and low[start - 1] in "/.,:-–"):
            continue
        m = _COUNT_RE.match(low, start)
        if not m:
            continue
        prev_end = m.end()
        if _RANGE_BEFORE_RE.search(low, max(0, start - 8), start) or _RANGE_AFTER_RE.match(low, m.end("num")):
            continue
        seg, local = doc.locate(start)
        value = int(m.group("num").replace(".", ""))
        noun = re.sub(r"\s*,\s*", ", ", re.sub(r"\s+", " ", m.group("noun")))
        if m.group("qual"):
            noun += " " + re.sub(r"\s+", " ", m.group("qual"))
        base = re.sub(r"\s+(?:" + "|".join(QUALIFIERS) + ")$", "", noun)
        out.append(Count(value=value, noun=noun, unit=subj.resolve(seg, local, base)))
    return out
