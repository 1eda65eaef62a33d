"""Small text helpers shared by every extractor: NFC, whitespace, diacritic folding."""

from __future__ import annotations

import re
import unicodedata

_WS_RE = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")
_LEAD_PREFIX_RE = re.compile(r"^\s*\(\s*(?:HBĐT|HBDT|HBO)\s*\)\s*[-–—:]?\s*", re.IGNORECASE)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (legacy pages arrive decomposed)."""
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str:
    """NFC and collapse every run of whitespace (incl. NBSP, zero-width) to one space; strip."""
    if not text:
        return ""
    return _WS_RE.sub(" ", nfc(text)).strip()


def clean_or_none(text: str | None) -> str | None:
    """Like :func:`clean` but ``None`` for empty results."""
    out = clean(text)
    return out or None


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics, map ``đ``/``Đ`` to ``d``: ``"ĐẢNG BỘ"`` → ``"dang bo"``.

    Used for diacritic-insensitive matching and for the folded copy in the search index.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def strip_lead_prefix(text: str) -> str:
    """Remove a leading ``(HBĐT) - `` (or ``(HBO) - ``) from a lead."""
    return _LEAD_PREFIX_RE.sub("", text, count=1).strip()


def has_lead_prefix(text: str) -> bool:
    """Whether ``text`` starts with ``(HBĐT)`` / ``(HBO)``."""
    return bool(_LEAD_PREFIX_RE.match(text))
