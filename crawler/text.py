"""Small text helpers shared by every extractor: NFC, whitespace, diacritic folding."""

from __future__ import annotations

import re
import unicodedata

_WS_RE = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")
#: Capital letters of Vietnamese (with their marks), for case-sensitive parts of case-blind patterns.
_CAPITALS = "".join(chr(c) for c in range(0x41, 0x1EFA) if chr(c).isupper() and chr(c).isalpha())
_LEAD_PREFIX_RE = re.compile(
    r"^\s*(?:[(\[]\s*(?:HBĐT|HBDT|HBO)\s*[)\]]\s*[-–—:]?|(?:HBĐT|HBDT|HBO)\s*[-–—:]"
    # another outlet's tag: ``(Dân trí) - ``, ``(NLĐO)-``, ``(Chinhphu.vn) - ``: a short name in
    # parentheses (no sentence, no digits-only date) followed by a dash
    r"|\(\s*[^\W\d_][^()\n]{0,22}?\s*\)\s*[-–—]"
    # or an outlet's short tag without a dash: ``(TNO) ``, ``(NLĐO) ``, ``(PL+) ``, ``(Chinhphu.vn) ``
    r"|(?-i:\(\s*(?:[A-ZĐ][A-ZĐ0-9+]{1,7}|[A-Z][a-z]+\.vn)\s*\)(?=\s+[" + _CAPITALS + r"]))"
    # or a bare short tag and a dash: ``TT - ``, ``TTO - ``, ``SGGP - `` (capitals, then a sentence)
    r"|(?-i:[A-ZĐ]{2,5}\s+[-–—]\s+(?=[" + _CAPITALS + r"])))\s*",
    re.IGNORECASE,
)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (legacy pages arrive decomposed)."""
    return unicodedata.normalize("NFC", text)




def clean(text: str | None) -> str:
    """NFC and collapse every run of whitespace (incl. NBSP, zero-width) to one space; strip."""
    if not text:
        return ""
    text = nfc(text)
    if "\u200b" in text or "\u200c" in text or "\u200d" in text or "\ufeff" in text:
        text = _WS_RE.sub(" ", text)  # not whitespace to str.split: the regex handles them
    return " ".join(text.split())  # str.split's whitespace is the regex's \s (NBSP included)


def _fold_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
        if len(base) == 1 and base != ch:
            table[code] = ord(base.lower())
    for code in range(0x300, 0x370):  # combining marks of decomposed (NFD) text
        table[code] = None
    table[ord("đ")] = ord("d")
    table[ord("Đ")] = ord("d")
    return table


_FOLD_TABLE = _fold_table()


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics, map ``đ``/``Đ`` to ``d``: ``"ĐẢNG BỘ"`` → ``"dang bo"``.

    Works on NFC and NFD input alike. Used for diacritic-insensitive matching and for the folded
    copy in the search index.
    """
    if not text:
        return ""
    return text.translate(_FOLD_TABLE).lower()


def strip_lead_prefix(text: str) -> str:
    """Remove a leading ``(HBĐT) - `` (or ``(HBO) - ``, or another outlet's ``(Dân trí) - ``)."""
    return _LEAD_PREFIX_RE.sub("", text, count=1).strip()


def has_lead_prefix(text: str) -> bool:
    """Whether ``text`` starts with ``(HBĐT)`` / ``(HBO)`` or another outlet's ``(Dân trí) -``."""
    return bool(_LEAD_PREFIX_RE.match(text))
