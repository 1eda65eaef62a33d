"""Words instead of codes, for people reading the archive in datasette (pure functions)."""

from __future__ import annotations

import json
import re

CATEGORY_NAMES: dict[int, str] = {
    11: "Chính trị",
    220: "Ký sự - Phóng sự",
    246: "Người tốt việc tốt",
    16: "Văn hóa (tên chưa kiểm chứng)",
}
"""Category ids from the article URL, named as in the site notes; the others are unnamed there."""

LEVEL_WORDS: dict[str, str] = {
    "trung-uong": "trung ương (central)",
    "tinh": "tỉnh (province)",
    "huyen": "huyện (district)",
    "xa": "xã (commune)",
    "co-so": "cơ sở (grassroots)",
    "other": "khác (other)",
}

KIND_WORDS: dict[str, str] = {
    "dang-bo": "đảng bộ (Party organisation)",
    "dang-uy": "đảng ủy (Party committee)",
    "cap-uy": "cấp ủy (Party executive)",
    "chi-bo": "chi bộ (Party cell)",
    "ban": "ban (board)",
    "tieu-ban": "tiểu ban (sub-committee)",
    "nha-nuoc": "nhà nước (state body)",
    "doan-the": "đoàn thể (mass organisation)",
    "truong": "trường (school)",
    "other": "khác (other)",
}

_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")


def category_name(value: object) -> str | None:
    """``11`` → ``"Chính trị"``; an unnamed category → ``"Mục 40"``; nothing → ``None``."""
    try:
        code = int(str(value))
    except ValueError:
        return None
    return CATEGORY_NAMES.get(code, f"Mục {code}")


def level_word(value: object) -> str | None:
    """A unit level slug in words (``huyen`` → ``huyện (district)``); unknown slugs unchanged."""
    return LEVEL_WORDS.get(str(value), str(value)) if value not in (None, "") else None


def kind_word(value: object) -> str | None:
    """A unit kind slug in words (``chi-bo`` → ``chi bộ (Party cell)``); unknown slugs unchanged."""
    return KIND_WORDS.get(str(value), str(value)) if value not in (None, "") else None


def congress_word(value: object) -> str | None:
    """``1`` → ``yes``, ``0`` → ``no``."""
    if value in (None, ""):
        return None
    return "yes" if str(value) in ("1", "True", "true") else "no"


def day_month_year(value: object) -> str | None:
    """An ISO 8601 time as ``dd/mm/yyyy`` (the form Vietnamese readers use); else ``None``."""
    m = _ISO_RE.match(str(value or ""))
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else None


def day_month_year_time(value: object) -> str | None:
    """``dd/mm/yyyy HH:MM`` (or just the day when there is no time); else ``None``."""
    m = _ISO_RE.match(str(value or ""))
    if not m:
        return None
    day = f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
    return f"{day} {m.group(4)}:{m.group(5)}" if m.group(4) else day


def month_words(value: object) -> str | None:
    """``2019-10`` → ``10/2019``; else ``None``."""
    m = re.match(r"^(\d{4})-(\d{2})$", str(value or ""))
    return f"{m.group(2)}/{m.group(1)}" if m else None


def json_list(value: object) -> list[str]:
    """The strings of a JSON array cell; ``[]`` for anything else (never raises)."""
    if not isinstance(value, str) or not value.startswith("["):
        return []
    try:
        items = json.loads(value)
    except ValueError:
        return []
    return [str(x) for x in items if x not in (None, "")] if isinstance(items, list) else []
