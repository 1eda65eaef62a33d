"""Parse benchmark: our page object against trafilatura and htmldate on the saved-page corpus.

Prints, from one run on the same pages:
(a) time per page of ``ArticlePage.to_record()`` (the whole record, entities included) against
    ``trafilatura.bare_extraction(with_metadata=True)`` and ``htmldate.find_date``, as ratios;
(b) accuracy of title, date (the day) and authors for ours and theirs, as a table.

Run: python bench/parse.py [--repeat N] [--json]     (needs the ``bench`` extra: trafilatura, htmldate)
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.pages import ArticlePage  # noqa: E402
from crawler.text import clean, fold  # noqa: E402

PAGES = ROOT / "tests" / "fixtures" / "pages"


def load_corpus() -> list[tuple[Path, bytes, dict[str, Any]]]:
    out = []
    for page in sorted(PAGES.glob("*.html")):
        expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        if expected.get("_not_article"):
            continue
        out.append((page, page.read_bytes(), expected))
    return out


def ours(body: bytes, expected: dict[str, Any]) -> dict[str, Any]:
    url = expected["url"] if expected.get("_given_url") else None
    record = ArticlePage(body, url=url).to_record()
    return {"title": record.title, "date": (record.published_at or "")[:10] or None,
            "authors": record.byline.authors}


def theirs_trafilatura(body: bytes, expected: dict[str, Any]) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(body, with_metadata=True, url=expected.get("url"))
    if doc is None:
        return {"title": None, "date": None, "authors": []}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    author = data.get("author") or ""
    authors = [a.strip() for a in author.replace(";", ",").split(",") if a.strip()] if author else []
    return {"title": data.get("title"), "date": (data.get("date") or "")[:10] or None, "authors": authors}


def theirs_htmldate(body: bytes, expected: dict[str, Any]) -> dict[str, Any]:
    from htmldate import find_date

    text = body.decode("utf-8", errors="replace") if b"1258" not in body[:2000] else body.decode("cp1258", "replace")
    return {"title": None, "date": find_date(text, extensive_search=True, original_date=True), "authors": None}


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return fold(clean(unicodedata.normalize("NFC", value)))
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _wanted(expected: dict[str, Any], field: str) -> Any:
    if field == "title":
        return expected["title"]
    if field == "date":
        return (expected["published_at"] or "")[:10] or None
    return expected["byline"]["authors"]


def score(results: list[dict[str, Any]], corpus: list[tuple[Path, bytes, dict[str, Any]]], field: str) -> float:
    """Share of pages where ``field`` equals the expected value (texts compared folded)."""
    hits = sum(int(_norm(got[field]) == _norm(_wanted(expected, field)))
               for got, (_, _, expected) in zip(results, corpus, strict=True))
    return hits / len(corpus) if corpus else 0.0


def time_per_page(fn: Callable[[bytes, dict[str, Any]], Any], corpus: list[tuple[Path, bytes, dict[str, Any]]],
                  repeat: int) -> tuple[float, list[dict[str, Any]]]:
    results = [fn(body, expected) for _, body, expected in corpus]  # warm-up, and the answers
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _, body, expected in corpus:
            fn(body, expected)
        runs.append((time.perf_counter() - start) / len(corpus))
    return statistics.median(runs), results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    corpus = load_corpus()
    t_ours, r_ours = time_per_page(ours, corpus, args.repeat)
    t_traf, r_traf = time_per_page(theirs_trafilatura, corpus, args.repeat)
    t_hd, r_hd = time_per_page(theirs_htmldate, corpus, args.repeat)
    table = {
        "hbdt": {f: score(r_ours, corpus, f) for f in ("title", "date", "authors")},
        "trafilatura": {f: score(r_traf, corpus, f) for f in ("title", "date", "authors")},
        "htmldate": {"title": None, "date": score(r_hd, corpus, "date"), "authors": None},
    }
    report = {
        "pages": len(corpus),
        "ms_per_page": {"hbdt": t_ours * 1000, "trafilatura": t_traf * 1000, "htmldate": t_hd * 1000},
        "ratio_hbdt_to_trafilatura": t_ours / t_traf,
        "ratio_hbdt_to_htmldate": t_ours / t_hd,
        "accuracy": table,
    }
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return 0
    out = sys.stdout.write
    out(f"pages: {len(corpus)} (median of {args.repeat} passes)\n")
    out(f"{'extractor':<12} {'ms/page':>8}  {'title':>6} {'date':>6} {'authors':>7}\n")
    for name in ("hbdt", "trafilatura", "htmldate"):
        acc = table[name]
        cells = " ".join(f"{'-' if acc[f] is None else format(acc[f], '.2f'):>6}" for f in ("title", "date"))
        authors = "-" if acc["authors"] is None else format(acc["authors"], ".2f")
        out(f"{name:<12} {report['ms_per_page'][name]:>8.2f}  {cells} {authors:>7}\n")
    out(f"time ratio hbdt/trafilatura: {report['ratio_hbdt_to_trafilatura']:.2f} (goal <= 0.5)\n")
    out(f"time ratio hbdt/htmldate:    {report['ratio_hbdt_to_htmldate']:.2f}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
