"""Parse benchmark: our page object against trafilatura and htmldate on the saved-page corpus.

Prints, from one run on the same pages:
(a) time per page of ``ArticlePage.to_record()`` (the whole record, entities included) against
    ``trafilatura.bare_extraction(with_metadata=True)`` and ``htmldate.find_date``, as ratios;
(b) accuracy of title, date (the day) and authors for ours and theirs, as a table.

With ``--corpus real`` it runs on the real pages of other Vietnamese outlets
(``tests/fixtures/pages_real/``, gold written before any parser ran) and prints per-field accuracy of
hbdt and trafilatura (title, date to the minute and to the day, authors, reprint source, lead, body
start and end, related titles; rules in ``tests/real_corpus.py``) and the time per page.

Run: python bench/parse.py [--corpus fixtures|real] [--repeat N] [--json] [--pages]
     (needs the ``bench`` extra: trafilatura, htmldate)
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
from tests import real_corpus  # noqa: E402

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
                  repeat: int) -> tuple[float, list[Any]]:
    results = [fn(body, expected) for _, body, expected in corpus]  # warm-up, and the answers
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _, body, expected in corpus:
            fn(body, expected)
        runs.append((time.perf_counter() - start) / len(corpus))
    return statistics.median(runs), results


def trafilatura_answer(body: bytes, gold: dict[str, Any]) -> real_corpus.Answer:
    """trafilatura's answer on a real page: metadata title/date/author/description and the text."""
    import trafilatura

    shared = {"title", "date", "authors", "lead", "body_start", "body_end"}
    doc = trafilatura.bare_extraction(body, with_metadata=True, url=gold.get("url"))
    if doc is None:
        return real_corpus.Answer(shared=shared)
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    author = data.get("author") or ""
    return real_corpus.Answer(
        title=data.get("title"), published_at=data.get("date"),
        authors=[a.strip() for a in author.replace(";", ",").split(",") if a.strip()],
        lead=data.get("description"), body=data.get("text"), shared=shared,
    )


def main_real(args: argparse.Namespace) -> int:
    """The real-page corpus: per-field accuracy and time per page, hbdt against trafilatura."""
    corpus = real_corpus.load()
    if not corpus:
        sys.stderr.write(f"no pages in {real_corpus.PAGES_REAL}\n")
        return 1
    timed = {}
    scores: dict[str, list[dict[str, bool | None]]] = {}
    for name, fn in (("hbdt", real_corpus.hbdt_answer), ("trafilatura", trafilatura_answer)):
        seconds, answers = time_per_page(fn, corpus, args.repeat)
        timed[name] = seconds
        scores[name] = [real_corpus.score_page(a, gold) for a, (_, _, gold) in zip(answers, corpus, strict=True)]
    table = {name: real_corpus.accuracy(rows) for name, rows in scores.items()}
    whole = [i for i, (_, _, gold) in enumerate(corpus) if not gold.get("edited_copy")]
    undamaged = real_corpus.accuracy([scores["hbdt"][i] for i in whole])
    outlets = sorted({gold.get("outlet") or "?" for _, _, gold in corpus})
    report = {
        "pages": len(corpus), "outlets": outlets,
        "ms_per_page": {name: s * 1000 for name, s in timed.items()},
        "ratio_hbdt_to_trafilatura": timed["hbdt"] / timed["trafilatura"],
        "accuracy": table,
        "undamaged": {"pages": len(whole), "accuracy": undamaged},
        "per_page": {path.name: {name: scores[name][i] for name in scores} for i, (path, _, _) in enumerate(corpus)},
    }
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return 0
    out = sys.stdout.write
    out(f"real pages: {len(corpus)} from {len(outlets)} outlets (median of {args.repeat} passes)\n")
    short = {"date_day": "day", "body_start": "b.start", "body_end": "b.end", "related": "related"}
    out(f"{'extractor':<12} {'ms/page':>8}  " + " ".join(f"{short.get(f, f):>7}" for f in real_corpus.FIELDS) + "\n")
    for name, acc in table.items():
        cells = " ".join(f"{'-' if acc[f] is None else format(acc[f], '.2f'):>7}" for f in real_corpus.FIELDS)
        out(f"{name:<12} {report['ms_per_page'][name]:>8.2f}  {cells}\n")
    out(f"{'hbdt, whole':<12} {'':>8}  " + " ".join(
        f"{'-' if undamaged[f] is None else format(undamaged[f], '.2f'):>7}" for f in real_corpus.FIELDS)
        + f"   ({len(whole)} pages: not the copies edited by their repository's owner)\n")
    out(f"time ratio hbdt/trafilatura: {report['ratio_hbdt_to_trafilatura']:.2f}\n")
    out("goals: hbdt >= trafilatura on every shared field; related >= 0.90; body end >= 0.90\n")
    if args.pages:
        for page, row in report["per_page"].items():
            wrong = [f for f, ok in row["hbdt"].items() if ok is False]
            out(f"  {page:<40} hbdt wrong: {', '.join(wrong) or '-'}\n")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=("fixtures", "real"), default="fixtures")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--pages", action="store_true", help="with --corpus real: the fields hbdt got wrong, per page")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    if args.corpus == "real":
        return main_real(args)
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
