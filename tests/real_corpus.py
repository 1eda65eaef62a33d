"""The real-page corpus (``tests/fixtures/pages_real/``): loading and per-field scoring.

Each page ``NAME.html`` has a gold file ``NAME.json`` written from reading the HTML before any
parser ran on it (see ``SOURCES.md`` there). Shared by ``tests/test_pages_real.py`` (hbdt alone,
against the accuracy floors) and ``bench/parse.py --corpus real`` (hbdt against trafilatura).

An extractor's answer for one page is a :class:`Answer`; :func:`score_page` compares it with the
gold, field by field:

========== ==================================================================================
field      right when
========== ==================================================================================
title      equal (NFC, whitespace collapsed, case-folded, quotes and dashes unified)
date       the same instant to the minute (to the day where the page shows no time)
date_day   the same calendar day in Vietnam (UTC+7)
authors    the same set of names
source     equal (both none counts as right)
lead       equal, after dropping a leading outlet tag such as ``(Dân trí) - ``
body_start the body (less a leading copy of the lead) starts with the gold's first words
body_end   the body ends with the gold's last words (or with an ending the gold's notes accepted,
           ``body_end_also``)
related    the F1 of the related titles (1.0 when neither side has any); right when F1 >= 0.9
========== ==================================================================================
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES_REAL = ROOT / "tests" / "fixtures" / "pages_real"

FIELDS: tuple[str, ...] = (
    "title", "date", "date_day", "authors", "source", "lead", "body_start", "body_end", "related",
)
VN = timezone(timedelta(hours=7))

_SPACE_RE = re.compile(r"\s+")
_OUTLET_TAG_RE = re.compile(r"^\s*\(\s*[^()\n]{1,30}\)\s*[-–—:]\s*")
_PUNCT_MAP = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-",
                            "\u00a0": " ", "\u200b": "", "…": "..."})


@dataclass
class Answer:
    """What one extractor found on one page (``None`` where it has no such field)."""

    title: str | None = None
    published_at: str | None = None
    authors: list[str] | None = None
    source: str | None = None
    lead: str | None = None
    body: str | None = None
    related_titles: list[str] | None = None
    shared: set[str] = field(default_factory=set)
    """The fields this extractor gives at all (others are reported as not applicable)."""


def norm(text: str | None) -> str:
    """Compare-ready text: NFC, quotes and dashes unified, whitespace collapsed, case-folded."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_PUNCT_MAP)
    return _SPACE_RE.sub(" ", text).strip().casefold()


def load() -> list[tuple[Path, bytes, dict[str, Any]]]:
    """``(html path, bytes, gold)`` for every page of the real corpus, in name order."""
    out = []
    for page in sorted(PAGES_REAL.glob("*.html")):
        gold = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        out.append((page, page.read_bytes(), gold))
    return out


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN)
    return moment


def _date_right(got: str | None, gold: dict[str, Any], *, day_only: bool) -> bool:
    want, have = _instant(gold.get("published_at")), _instant(got)
    if want is None or have is None:
        return want is None and have is None
    if day_only or not gold.get("published_minute_known", True):
        return want.astimezone(VN).date() == have.astimezone(VN).date()
    return abs((want - have).total_seconds()) < 60 and want.astimezone(VN).minute == have.astimezone(VN).minute


def _body_without_lead(body: str, lead: str | None) -> str:
    text = norm(body)
    wanted = norm(_OUTLET_TAG_RE.sub("", lead or ""))
    for candidate in (norm(lead), wanted):
        if candidate and text.startswith(candidate):
            return text[len(candidate):].lstrip()
    return text


def related_f1(got: list[str], want: list[str]) -> float:
    """F1 of two title lists, compared normalised; 1.0 when both are empty."""
    have, gold = {norm(t) for t in got if norm(t)}, {norm(t) for t in want if norm(t)}
    if not have and not gold:
        return 1.0
    hits = len(have & gold)
    if not hits:
        return 0.0
    precision, recall = hits / len(have), hits / len(gold)
    return 2 * precision * recall / (precision + recall)


def score_page(answer: Answer, gold: dict[str, Any]) -> dict[str, bool | None]:
    """Right or wrong per field; ``None`` where the extractor does not give that field."""
    right: dict[str, bool] = {
        "title": norm(answer.title) == norm(gold.get("title")),
        "date": _date_right(answer.published_at, gold, day_only=False),
        "date_day": _date_right(answer.published_at, gold, day_only=True),
        "authors": {norm(a) for a in answer.authors or []} == {norm(a) for a in gold.get("authors") or []},
        "source": norm(answer.source) == norm(gold.get("source")),
        "lead": norm(_OUTLET_TAG_RE.sub("", answer.lead or "")) == norm(gold.get("lead")),
        "body_start": bool(answer.body) and bool(gold.get("body_start"))
        and _body_without_lead(answer.body or "", gold.get("lead")).startswith(norm(gold["body_start"])),
        "body_end": bool(answer.body) and any(
            norm(answer.body).endswith(norm(end)) for end in [gold.get("body_end"), *gold.get("body_end_also", [])]
            if end),
        "related": related_f1(answer.related_titles or [], gold.get("related_titles") or []) >= 0.9,
    }
    shared = set(answer.shared) | {"date_day"} if "date" in answer.shared else set(answer.shared)
    return {name: (value if name in shared else None) for name, value in right.items()}


def accuracy(scores: list[dict[str, bool | None]]) -> dict[str, float | None]:
    """Share of pages right, per field (``None`` for a field the extractor does not give)."""
    out: dict[str, float | None] = {}
    for name in FIELDS:
        values = [s[name] for s in scores]
        out[name] = None if not values or any(v is None for v in values) else sum(map(bool, values)) / len(values)
    return out


def hbdt_answer(body: bytes, gold: dict[str, Any]) -> Answer:
    """hbdt's answer: ``ArticlePage(...).to_record()``, the URL given as a crawl would."""
    from crawler.pages import ArticlePage

    record = ArticlePage(body, url=gold.get("url")).to_record()
    return Answer(
        title=record.title, published_at=record.published_at, authors=list(record.byline.authors),
        source=record.byline.source, lead=record.lead, body=record.body,
        related_titles=[item.title for item in record.related if item.title],
        shared=set(FIELDS),
    )
