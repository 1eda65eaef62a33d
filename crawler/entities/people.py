"""People named with a position: ``Đồng chí Bùi Đức Dính, Bí thư Đảng ủy xã Văn Nghĩa``.

Patterns (the unit is always the canonical unit name from :mod:`crawler.entities.units`):

- ``HONORIFIC NAME, POSITION UNIT`` (also ``NAME - POSITION``, ``NAME (POSITION``), honorifics
  ``đồng chí``, ``đ/c``, ``ông``, ``bà``, ``anh``, ``chị`` and military/police ranks;
- ``HONORIFIC NAME (tiếp tục) được bầu (giữ chức|làm) POSITION UNIT``, ``tái đắc cử``, ``giữ chức``;
- ``các đồng chí A, B và C được bầu giữ chức POSITION UNIT`` (one record each);
- ``POSITION UNIT NAME`` (``Phó Bí thư Thường trực Tỉnh ủy Trần Văn A``; the name must start with a
  family name) and ``POSITION UNIT, đồng chí NAME``.

In a chain (``Ủy viên BTV Tỉnh ủy, Trưởng Ban Tổ chức Tỉnh ủy``) the first position whose unit is
named wins. ``Trưởng``/``Phó Trưởng`` before a ``Ban``/``Phòng`` become ``Trưởng ban``/``Trưởng
phòng``; ``Chánh`` before ``Văn phòng`` becomes ``Chánh Văn phòng``; ``nguyên`` (former) is kept.
A bare Party unit (``Bí thư Chi bộ``) is the latest unit of that kind named before; a bare position
(``được bầu làm Chủ nhiệm``) takes the nearest matching unit named earlier in the sentence.
"""

from __future__ import annotations

import re

from crawler.entities.textutil import LOWER, SYL, Doc, Segment
from crawler.entities.units import SURNAMES, Mention, UnitIndex
from crawler.items import Person

_HONORIFICS = (
    "đồng chí", "đ/c", "ông", "bà", "anh", "chị", "thượng tướng", "trung tướng", "thiếu tướng", "đại tá", "thượng tá",
    "trung tá", "thiếu tá", "đại úy", "thượng úy", "trung úy", "thiếu úy",
)
"""Words before a person's name (lower-case)."""
_HONOR = "(?:" + "|".join(h[0].upper() + h[1:] + "|" + h for h in _HONORIFICS) + ")"
_PNAME = rf"{SYL}(?: {SYL}){{1,4}}"
_HON_ANCHORS = [re.compile(re.escape(h) + r" ") for h in _HONORIFICS]
"""One literal pattern per honorific: ``re`` finds literals far faster than an alternation."""
_HON_NAME_RE = re.compile(rf"(?P<hon>{_HONOR})\s+(?P<name>{_PNAME})")
_LIST_ANCHOR_RE = re.compile(r"các đồng chí")
_LIST_RE = re.compile(rf"[Cc]ác đồng chí\s*:?\s*(?P<names>{_PNAME}(?:\s*,\s*{_PNAME})*\s+và\s+{_PNAME})")
_ITEM_LIST_START_RE = re.compile(r"[Cc]ác đồng chí\s*:\s*")
_ITEM_NAME_RE = re.compile(rf"\s*(?:và\s+)?(?:{_HONOR}\s+)?(?P<name>{_PNAME})")
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)")
_SEP_RE = re.compile(r"\s*,\s*|\s+[-–]\s+|\s*\(\s*")
_CONNECT_RE = re.compile(
    r"\s+(?:tiếp tục\s+|tái\s+)?(?:được bầu(?:\s+giữ chức|\s+làm|\s+vào chức)?|giữ chức|tái đắc cử|đắc cử|tái cử"
    r"|được bổ nhiệm(?:\s+giữ chức|\s+làm)?|được phân công(?:\s+giữ chức|\s+làm)?|được điều động(?:\s+giữ chức|\s+làm)?)\s+"
)
_POS_ALTS = [
    "Phó Bí thư Thường trực", "Phó Bí thư", "Tổng Bí thư", "Bí thư", "Ủy viên dự khuyết", "Ủy viên",
    "Phó Chủ tịch Thường trực", "Phó Chủ tịch", "Chủ tịch", "Phó Chủ nhiệm", "Chủ nhiệm", "Phó Trưởng",
    "Chỉ huy trưởng", "Trưởng", "Phó Giám đốc", "Giám đốc", "Phó Chánh", "Chánh", "Phó Hiệu trưởng",
    "Hiệu trưởng", "Phó Thủ tướng", "Thủ tướng",
    "Tỉnh ủy viên", "Huyện ủy viên", "Thành ủy viên", "Thị ủy viên", "Đảng ủy viên", "Chi ủy viên",
]
"""Positions, longest first where one starts another. ``Tỉnh ủy viên`` and the like name no unit: in a
chain (``Tỉnh ủy viên, Giám đốc Sở Nội vụ``) the next position, whose unit is named, wins."""
_POS_CANON = {a.lower(): a for a in _POS_ALTS}
_POS_ALT = "|".join(a.lower() for a in _POS_ALTS)
_POS_RE = re.compile(rf"(?P<former>nguyên )?(?P<pos>{_POS_ALT})(?![{LOWER}0-9])")
"""A position at a given offset of the lower-cased text."""
_POS_END_RE = re.compile(rf"(?:nguyên )?(?:{_POS_ALT}) $")
_NAME_AFTER_RE = re.compile(rf"(?P<comma>\s*,\s*{_HONOR})?\s+(?P<name>{_PNAME})")
_COMPAT: dict[str, tuple[str, ...]] = {
    "Chủ nhiệm": ("Ủy ban Kiểm tra",), "Phó Chủ nhiệm": ("Ủy ban Kiểm tra",),
    "Chủ tịch": ("Ủy ban nhân dân", "Hội đồng nhân dân", "Ủy ban Mặt trận", "Hội ", "Liên đoàn"),
    "Phó Chủ tịch": ("Ủy ban nhân dân", "Hội đồng nhân dân", "Ủy ban Mặt trận", "Hội ", "Liên đoàn"),
    "Hiệu trưởng": ("Trường",), "Phó Hiệu trưởng": ("Trường",), "Giám đốc": ("Sở", "Trung tâm"),
    "Phó Giám đốc": ("Sở", "Trung tâm"), "Trưởng ban": ("Ban",), "Phó Trưởng ban": ("Ban",),
}
_PARTY_KINDS = ("dang-bo", "dang-uy", "cap-uy", "chi-bo")
_PARTY_POS = ("Bí thư", "Phó Bí thư", "Phó Bí thư Thường trực")


def _canon_pos(raw: str) -> str:
    return _POS_CANON.get(raw, raw[:1].upper() + raw[1:])


def _cut_person(name: str) -> str:
    """Drop a trailing position word swallowed by the name run (``Bùi Văn A Bí`` from ``... Bí thư``)."""
    parts = name.split(" ")
    while len(parts) > 2 and parts[-1] in {"Bí", "Phó", "Chủ", "Ủy", "Trưởng", "Giám", "Hiệu", "Chánh", "Tổng", "Cho"}:
        parts.pop()
    return " ".join(parts)


class _People:
    """One article's people: patterns are tried in order (lists, honorific forms, position first)."""

    def __init__(self, doc: Doc, idx: UnitIndex) -> None:
        self.doc = doc
        self.idx = idx
        self.out: list[Person] = []
        self.unit_spans: set[tuple[int, int]] = set()
        self.used: set[tuple[int, int]] = set()
        self.anaphor_at = {(a.seg, a.start): a for a in idx.anaphors}

    def unit_at(self, seg: Segment, pos: int) -> tuple[str | None, Mention | None, int]:
        """The unit printed at ``pos``: (canonical name, mention, end)."""
        while pos < len(seg.text) and seg.text[pos] == " ":
            pos += 1
        m = self.idx.at(seg.index, pos)
        if m is not None:
            return self.idx.canonical(m), m, m.end
        a = self.anaphor_at.get((seg.index, pos))
        if a is not None and a.kind in _PARTY_KINDS:
            return self.idx.latest(a.kind, seg.index, pos), a, a.end
        if a is not None and a.family == "dept":
            return self.idx.latest_head(a.head, seg.index, pos), a, a.end
        if a is not None:
            return None, a, a.end
        return None, None, pos

    def chain(self, seg: Segment, pos: int) -> tuple[str | None, str | None, int] | None:
        """Positions from ``pos``: (position, unit, end) of the first one with a unit, else the first."""
        text = seg.low
        first: tuple[str, int, int] | None = None
        while True:
            pm = _POS_RE.match(text, pos)
            if not pm:
                break
            pos_text = _canon_pos(pm.group("pos"))
            unit, mention, end = self.unit_at(seg, pm.end())
            if mention is not None and not mention.bare:
                head = mention.head
                if pos_text in {"Trưởng", "Phó Trưởng"} and head.startswith("Ban"):
                    pos_text += " ban"
                elif pos_text in {"Trưởng", "Phó Trưởng"} and head == "Phòng":
                    pos_text += " phòng"
                elif pos_text in {"Chánh", "Phó Chánh"} and head == "Văn phòng":
                    pos_text += " Văn phòng"
            if pm.group("former"):
                pos_text = "nguyên " + pos_text
            if unit:
                if mention is not None:
                    self.unit_spans.add((seg.index, mention.start))
                return pos_text, unit, end
            if first is None:
                first = (pos_text, pm.start(), end)
            sep = re.match(r"\s*,\s*", text[end:])
            if not sep:
                break
            pos = end + sep.end()
        if first is None:
            return None
        pos_text, start, end = first
        return pos_text, self.compatible(seg, start, pos_text), end

    def compatible(self, seg: Segment, pos: int, position: str) -> str | None:
        base = position.removeprefix("nguyên ")
        prefixes = _COMPAT.get(base)
        s, _e = seg.sentence_at(pos)
        best: str | None = None
        for m in self.idx.all_mentions():
            if m.seg != seg.index or not (s <= m.start < pos) or not m.name:
                continue
            name = self.idx.canonical(m)
            if prefixes and name.startswith(prefixes) or (base in _PARTY_POS and m.kind in _PARTY_KINDS):
                best = name
        return best

    def add(self, name: str, position: str | None, unit: str | None) -> None:
        name = _cut_person(name)
        if position is None:
            return
        person = Person(name=name, position=position, unit=unit)
        if any(p.name == name and p.position == position and (p.unit == unit or unit is None) for p in self.out):
            return
        self.out = [p for p in self.out if not (p.name == name and p.position == position and p.unit is None)]
        self.out.append(person)

    def run(self) -> list[Person]:
        low = self.doc.low
        for m in _LIST_ANCHOR_RE.finditer(low):
            seg, local = self.doc.locate(m.start())
            self.list_at(seg, local)
        hits = sorted({m.start() for rx in _HON_ANCHORS for m in rx.finditer(low)})
        for start in hits:
            if start and low[start - 1].isalnum():
                continue
            seg, local = self.doc.locate(start)
            self.honorific_at(seg, local)
        self.position_first()
        return self.out

    def list_at(self, seg: Segment, pos: int) -> None:
        m = _LIST_RE.match(seg.text, pos)
        if not m:
            self.item_list_at(seg, pos)
            return
        cm = _CONNECT_RE.match(seg.text, m.end())
        if not cm:
            return
        got = self.chain(seg, cm.end())
        if not got:
            return
        for n in re.split(r"\s*,\s*|\s+và\s+", m.group("names")):
            self.add(n, got[0], got[1])

    def item_list_at(self, seg: Segment, pos: int) -> None:
        """``các đồng chí: A, Phó Bí thư Huyện ủy; B, Chủ tịch UBND huyện; và C, ...``: one person
        per ``;``-separated item, each ``NAME, POSITION UNIT`` (the items end at the sentence)."""
        text = seg.text
        am = _ITEM_LIST_START_RE.match(text, pos)
        if not am:
            return
        at = am.end()
        while True:
            nm = _ITEM_NAME_RE.match(text, at)
            after = self.person_at(seg, nm, connect=False) if nm else None
            if after is None:
                return
            semi = text.find(";", after)
            stop = _SENTENCE_END_RE.search(text, after)
            if semi < 0 or (stop is not None and stop.start() < semi):
                return
            at = semi + 1

    def honorific_at(self, seg: Segment, pos: int) -> None:
        m = _HON_NAME_RE.match(seg.text, pos)
        if m:
            self.person_at(seg, m, connect=True)

    def person_at(self, seg: Segment, m: re.Match[str], *, connect: bool) -> int | None:
        """``NAME, POSITION UNIT`` (``NAME - POSITION``, ``NAME (POSITION``; with ``connect`` also
        ``NAME được bầu giữ chức POSITION``) where ``m`` matched the name: add the person and return
        where the position starts, or ``None`` when no position follows the name."""
        text = seg.text
        name = _cut_person(m.group("name"))
        end = m.start("name") + len(name)
        sep = _SEP_RE.match(text, end) or (_CONNECT_RE.match(text, end) if connect else None)
        if not sep:
            return None
        got = self.chain(seg, sep.end())
        if got is None:
            return None
        self.add(name, got[0], got[1])
        self.used.add((seg.index, sep.end()))
        return sep.end()

    def position_first(self) -> None:
        """``Phó Bí thư Thường trực Huyện ủy Đinh Công Thắng``: a position, a unit, then a name."""
        for outer in self.idx.mentions:
            seg = self.doc.segments[outer.seg]
            nm = _NAME_AFTER_RE.match(seg.text, outer.end)
            if not nm:
                continue
            name = _cut_person(nm.group("name"))
            if not nm.group("comma") and name.split(" ")[0] not in SURNAMES:
                continue
            for m in outer.walk():
                pm = _POS_END_RE.search(seg.low, max(0, m.start - 32), m.start)
                if pm is None or (seg.index, pm.start()) in self.used:
                    continue
                if pm.start() > 0 and seg.low[pm.start() - 1].isalnum():
                    continue
                got = self.chain(seg, pm.start())
                if got is not None:
                    self.add(name, got[0], got[1])
                break


def extract_people(doc: Doc, idx: UnitIndex) -> tuple[list[Person], set[tuple[int, int]]]:
    """People with a position, and the ``(segment, start)`` of the units named as their employers."""
    p = _People(doc, idx)
    people = p.run()
    return people, p.unit_spans
