"""Scoring of :func:`crawler.entities.extract_entities` against the hand-annotated gold set.

Used by ``bench/units.py`` (the table) and ``tests/test_units.py`` (the goals as a regression test).
Each kind is scored as sets of keys per article, summed over the set (micro precision and recall):
units on name+kind+level (and separately on name only), people on name+position+unit, documents on
kind+number+code, counts on value+noun+unit, dates on text+start+end+precision.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOLD_DIR = Path(__file__).resolve().parents[2] / "tests" / "gold" / "entities"
"""Where the gold articles live (one JSON file each)."""

GOALS: dict[str, tuple[float, float]] = {
    "units": (0.95, 0.90), "people": (0.95, 0.90), "documents": (0.95, 0.90), "date_mentions": (0.95, 0.90),
}
"""(precision, recall) goals of issue 4."""

Key = tuple[Any, ...]
KEYS: dict[str, tuple[str, Callable[[dict[str, Any]], Key]]] = {
    "units": ("units", lambda u: (u["name"], u["kind"], u["level"])),
    "units (name only)": ("units", lambda u: (u["name"],)),
    "people": ("people", lambda p: (p["name"], p["position"], p["unit"])),
    "documents": ("documents", lambda d: (d["kind"], d["number"], d["code"])),
    "counts": ("counts", lambda c: (c["value"], c["noun"], c["unit"])),
    "date_mentions": ("date_mentions", lambda d: (d["text"], d["start"], d["end"], d["precision"])),
}
"""Row label → (field of the expected block, key function)."""


@dataclass
class Score:
    """Summed true positives, false positives and false negatives of one kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_gold(directory: Path = GOLD_DIR) -> list[tuple[str, dict[str, Any]]]:
    """``(file name, article)`` for every gold file, sorted by name."""
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(directory.glob("*.json"))]


_BATCH = re.compile(r"^batch (\d+):")
"""Prefix of a ``_held_out`` note naming its batch (``batch 2: ...``); notes without it are batch 1."""


def held_out_batch(article: dict[str, Any]) -> int | None:
    """Held-out batch of a gold article (1, 2, ...), or None when the article is not held out.

    An article is held out when it carries a ``_held_out`` note (written and annotated after the
    extractor existed, scored before any change); batches are the successive rounds of such articles.
    """
    note = article.get("_held_out")
    if not note:
        return None
    m = _BATCH.match(str(note))
    return int(m.group(1)) if m else 1


def as_dicts(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Dataclass records as plain dicts."""
    return [dataclasses.asdict(x) for x in items]


def score(results: list[tuple[str, dict[str, Any], dict[str, list[dict[str, Any]]]]]) -> dict[str, Score]:
    """Scores per row of :data:`KEYS`; ``results`` are ``(name, article, predicted fields)``."""
    out = {label: Score() for label in KEYS}
    for name, article, predicted in results:
        for label, (fld, keyf) in KEYS.items():
            got = {keyf(x) for x in predicted.get(fld, [])}
            exp = {keyf(x) for x in article["expected"].get(fld, [])}
            s = out[label]
            s.tp += len(got & exp)
            s.fp += len(got - exp)
            s.fn += len(exp - got)
            s.errors.extend(f"{name}: missing {k}" for k in sorted(exp - got, key=str))
            s.errors.extend(f"{name}: extra {k}" for k in sorted(got - exp, key=str))
    return out


def mention_accuracy(results: list[tuple[str, dict[str, Any], dict[str, list[dict[str, Any]]]]]) -> tuple[int, int]:
    """(units whose ``mentions`` equal the gold, units matched on name) over the set."""
    ok = total = 0
    for _name, article, predicted in results:
        got = {u["name"]: u["mentions"] for u in predicted.get("units", [])}
        for u in article["expected"]["units"]:
            if u["name"] in got:
                total += 1
                ok += got[u["name"]] == u["mentions"]
    return ok, total


def place_accuracy(results: list[tuple[str, dict[str, Any], dict[str, list[dict[str, Any]]]]]) -> tuple[int, int]:
    """(gold units with a ``place`` whose linked place agrees on every given field, such units)."""
    ok = total = 0
    for _name, article, predicted in results:
        got = {u["name"]: u.get("place") for u in predicted.get("units", [])}
        for u in article["expected"]["units"]:
            if "place" not in u:
                continue
            total += 1
            place = got.get(u["name"]) or {}
            ok += bool(place) and all(place.get(k) == v for k, v in u["place"].items())
    return ok, total
