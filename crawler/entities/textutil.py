"""Text preparation shared by the entity extractors: normalisation, segments, sentences, clauses.

Every extractor works on :class:`Doc`, built once per article by :func:`prepare`:

- NFC, whitespace collapsed (as :func:`crawler.text.clean`, zero-width spaces too), the look-alike
  ``Ð``/``ð`` (U+00D0/U+00F0, common in legacy pages) mapped to ``Đ``/``đ``, and old-style tone
  placement in open ``oa``, ``oe``, ``uy`` syllables moved to the first vowel (``Hoà`` → ``Hòa``,
  ``uỷ`` → ``ủy``; ``quý`` untouched), so every variant of a name reads the same. The case changes
  keep one character per character, so offsets into :attr:`Segment.raw`, :attr:`Segment.text` and
  :attr:`Segment.low` agree.
- Title, lead and each body paragraph are separate :class:`Segment` objects. A segment written in
  capitals (an upper-case title) gets a title-cased working text so that capitalised-syllable rules
  still find names; ``raw`` keeps the printed case.
- :class:`Doc` also holds the segments joined by :data:`SEP`, as printed (``text``) and lower-cased
  (``low``, same offsets): the extractors scan it once per pattern (patterns start with a literal
  or are shaped as a trie where possible, which ``re`` searches fast) and map hits back with
  :meth:`Doc.locate`.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
"""Regex class body of Vietnamese lower-case letters (NFC)."""
UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
"""Regex class body of Vietnamese upper-case letters (NFC)."""
SYL = f"[{UPPER}][{LOWER}]+"
"""A capitalised syllable (``Lạc``, ``Sơn``); an all-capital token such as ``XVI`` is not one."""

_REPLACE = (("Ð", "Đ"), ("ð", "đ"), ("Ɖ", "Đ"), ("\x00", " "), ("\u200b", " "), ("\u200c", " "), ("\u200d", " "),
            ("\ufeff", " "))
"""Look-alike letters and zero-width characters (``str.translate`` would be slower on long texts)."""
_TONED = "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ"
_TONE_RE = re.compile(rf"([oOuU])([{_TONED}])(?![{LOWER}{UPPER}0-9])")
_DIGITS_RE = re.compile(r"\d+")
SEP = "\x00"
"""Joins segments in :attr:`Doc.text`: neither a space nor a word character, so no pattern crosses it."""
_SENT_END_RE = re.compile("[.!?…]")
"""Candidate sentence ends; :func:`_sentence_spans` checks what follows."""
_CLAUSE_RE = re.compile(r";\s*|:\s*(?=[\"“])|:\s+(?=[" + UPPER + r"])")
_UPPER_SET = frozenset(chr(c) for c in range(0x41, 0x5B)) | frozenset("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ")


def _move_tone(m: re.Match[str]) -> str:
    first, second = m.group(1), m.group(2)
    start = m.start()
    if start and m.string[start - 1] in "qQ":
        return m.group(0)
    base = unicodedata.normalize("NFD", second)
    letter, marks = base[0], base[1:]
    pair = (first.lower(), letter.lower())
    if pair not in {("o", "a"), ("o", "e"), ("u", "y")}:
        return m.group(0)
    return unicodedata.normalize("NFC", first + marks) + letter


def normalize(text: str | None) -> str:
    """NFC, collapsed spaces, ``Ð`` → ``Đ`` and modern tone placement: ``"Huyện uỷ"`` → ``"Huyện ủy"``."""
    if not isinstance(text, str) or not text:
        return ""
    return " ".join(_clean_part(text).split())


def is_caps(text: str) -> bool:
    """Whether ``text`` is written in capitals (at least four letters, none lower-case)."""
    return text.upper() == text and sum(c.isalpha() for c in text[:64]) >= 4


def lower(text: str) -> str:
    """Lower-case with the same length (so offsets agree)."""
    out = text.lower()
    if len(out) == len(text):
        return out
    return "".join((c.lower() or c)[0] for c in text)


@dataclass
class Segment:
    """One title, lead or body paragraph, normalised."""

    index: int
    """Position among the article's segments (title first when present)."""
    part: str
    """``title``, ``lead`` or ``body``."""
    raw: str
    """Normalised text in the printed case."""
    text: str
    """Working text: ``raw``, title-cased when the segment is written in capitals."""
    caps: bool = False
    """Whether the segment was written in capitals."""
    offset: int = 0
    """Offset of the segment in :attr:`Doc.text`."""

    @cached_property
    def low(self) -> str:
        """``text`` lower-cased (same offsets)."""
        return lower(self.text)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """``(start, end)`` offsets of the sentences."""
        return _sentence_spans(self.text)

    @cached_property
    def clauses(self) -> list[tuple[int, int]]:
        """``(start, end)`` offsets of the clauses (sentences split at ``;`` and ``: "``)."""
        out: list[tuple[int, int]] = []
        for s, e in self.sentences:
            for cs, ce in _spans(self.text[s:e], _CLAUSE_RE):
                out.append((s + cs, s + ce))
        return out

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence containing offset ``pos``."""
        return _containing(self.sentences, pos, len(self.text))

    def clause_at(self, pos: int) -> tuple[int, int]:
        """The clause containing offset ``pos``."""
        return _containing(self.clauses, pos, len(self.text))


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences end at ``.!?…`` (and closing quotes) followed by a space and a capital or digit, or
    directly by a capitalised word (``cơ sở.Cán bộ``); ``8.021`` is not an end."""
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _SENT_END_RE.finditer(text):
        i = m.end()
        while i < n and text[i] in "\"”’)":
            i += 1
        if i < n and text[i] == " ":
            j = i + 1
            while j < n and text[j] in "\"“(":
                j += 1
            if j < n and (text[j] in _UPPER_SET or text[j].isdigit()):
                out.append((start, m.start() + 1))
                start = i + 1
        elif i == m.end() and i + 1 < n and text[i] in _UPPER_SET and text[i + 1].islower():
            out.append((start, m.start() + 1))
            start = i
    if start < n:
        out.append((start, n))
    return out or [(0, n)]


def _spans(text: str, splitter: re.Pattern[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for m in splitter.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out or [(0, len(text))]


def _containing(spans: list[tuple[int, int]], pos: int, length: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos < e:
            return s, e
    return (spans[-1] if spans else (0, length))


@dataclass
class Doc:
    """An article prepared for extraction."""

    segments: list[Segment] = field(default_factory=list)
    published: tuple[int, int, int] | None = None
    """Publication date ``(year, month, day)`` when known."""
    text: str = ""
    """Working texts of the segments joined by :data:`SEP`."""
    low: str = ""
    """``text`` lower-cased (same offsets)."""
    starts: list[int] = field(default_factory=list)
    """Offset of each segment in ``text``."""

    @cached_property
    def numbers(self) -> list[tuple[int, int]]:
        """``(start, end)`` of every run of digits in :attr:`low`."""
        return [m.span() for m in _DIGITS_RE.finditer(self.low)]

    def locate(self, pos: int) -> tuple[Segment, int]:
        """The segment containing offset ``pos`` of :attr:`text` and the offset inside it."""
        i = bisect.bisect_right(self.starts, pos) - 1
        seg = self.segments[max(i, 0)]
        return seg, pos - seg.offset


def _clean_part(value: str) -> str:
    """NFC, look-alikes and tone placement of a whole part (paragraph breaks kept)."""
    out = unicodedata.normalize("NFC", value)
    for old, new in _REPLACE:
        if old in out:
            out = out.replace(old, new)
    return _TONE_RE.sub(_move_tone, out)


def prepare(title: str | None, lead: str | None, body: str | None, published_at: str | None = None) -> Doc:
    """Split and normalise an article; never raises on odd input."""
    doc = Doc(published=_parse_published(published_at))
    segments = doc.segments
    for part, value in (("title", title), ("lead", lead), ("body", body)):
        if not isinstance(value, str) or not value.strip():
            continue
        cleaned = _clean_part(value)
        pieces = [cleaned] if part == "title" else cleaned.splitlines()
        for piece in pieces:
            raw = " ".join(piece.split())
            if not raw:
                continue
            head = raw[:48]
            caps = head.upper() == head and raw.upper() == raw and is_caps(raw)
            text = raw
            if caps:
                titled = raw.title()
                text = titled if len(titled) == len(raw) else raw
            segments.append(Segment(len(segments), part, raw, text, caps))
    offset = 0
    for seg in segments:
        seg.offset = offset
        doc.starts.append(offset)
        offset += len(seg.text) + 1
    doc.text = SEP.join(seg.text for seg in segments)
    doc.low = lower(doc.text)
    for seg in segments:
        seg.__dict__["low"] = doc.low[seg.offset : seg.offset + len(seg.text)]
    return doc


_PUB_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def _parse_published(value: str | None) -> tuple[int, int, int] | None:
    if not isinstance(value, str):
        return None
    m = _PUB_RE.match(value)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return y, mo, d
