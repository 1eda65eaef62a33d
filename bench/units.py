"""Entity-extraction benchmark: gold-set precision/recall per kind and time per article.

Prints, from one run:
(a) precision, recall and F1 per kind on the hand-annotated gold set (tests/gold/entities): units
    on name+kind+level and on name only, people on name+position+unit, documents on
    kind+number+code, counts on value+noun+unit, dates on text+start+end+precision; plus the share
    of matched units whose ``mentions`` are right and of annotated places that link correctly; then
    the held-out articles (``_held_out``) together and per batch (``scoring.held_out_batch``);
(b) time of ``extract_entities`` per article: the cold first call (lazy gazetteer import included),
    then median and p95 of warm calls (place lookups cached), with and without place linking, on
    the gold articles and on ~800-word articles;
(c) if ``crawler.pages`` is present, the share of the whole parse taken by entity extraction on the
    saved pages of tests/fixtures/pages.

Run: /work/venv/bin/python bench/units.py [--repeat N] [--errors] [--json]
Exit status 1 when a goal of issue 4 is missed (units, people, documents, dates: P>=0.95, R>=0.90).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_t_import = time.perf_counter()
from crawler.entities import Entities, extract_entities, gazetteer  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _t_import
from crawler.entities.scoring import (  # noqa: E402
    GOALS,
    as_dicts,
    held_out_batch,
    load_gold,
    mention_accuracy,
    place_accuracy,
    score,
)

PAGES = ROOT / "tests" / "fixtures" / "pages"


def predicted(e: Entities) -> dict[str, list[dict[str, Any]]]:
    """The extraction as plain dicts, by field."""
    return {"units": as_dicts(e.units), "people": as_dicts(e.people), "documents": as_dicts(e.documents),
            "counts": as_dicts(e.counts), "date_mentions": as_dicts(e.date_mentions)}


def run(article: dict[str, Any], link_places: bool = True) -> Entities:
    """Extract from one gold article."""
    return extract_entities(article["title"], article["lead"], article["body"], article["published_at"],
                            link_places=link_places)


def timings(articles: list[dict[str, Any]], repeat: int, link_places: bool) -> list[float]:
    """Per-article median seconds over ``repeat`` calls."""
    out = []
    for a in articles:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            run(a, link_places)
            times.append(time.perf_counter() - t0)
        out.append(statistics.median(times))
    return out


def p95(values: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def long_articles(gold: list[tuple[str, dict[str, Any]]], words: int = 800) -> list[dict[str, Any]]:
    """Articles of about ``words`` words made by joining consecutive gold bodies (same rules apply)."""
    out: list[dict[str, Any]] = []
    bodies = [a for _n, a in gold]
    for i in range(len(bodies)):
        parts: list[str] = []
        j = i
        while sum(len(p.split()) for p in parts) < words and j < i + len(bodies):
            parts.append(bodies[j % len(bodies)]["body"])
            j += 1
        first = bodies[i]
        out.append({"title": first["title"], "lead": first["lead"], "body": "\n\n".join(parts),
                    "published_at": first["published_at"]})
    return out


def parse_share(repeat: int) -> dict[str, Any] | None:
    """Median share of entity extraction in the whole parse of the saved pages, or None."""
    try:
        from crawler.pages import ArticlePage
    except ImportError:
        return None
    shares: list[float] = []
    parse_times: list[float] = []
    entity_times: list[float] = []
    for page in sorted(PAGES.glob("*.html")):
        raw = page.read_bytes()
        meta = json.loads(page.with_suffix(".json").read_text(encoding="utf-8")) if page.with_suffix(".json").exists() else {}
        if meta.get("_not_article"):
            continue
        url = meta.get("url") if meta.get("_given_url") else None
        tp: list[float] = []
        te: list[float] = []
        record = None
        for _ in range(repeat):
            t0 = time.perf_counter()
            record = ArticlePage(raw, url=url).to_record(entities=False)
            tp.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            extract_entities(record.title, record.lead, record.body, record.published_at)
            te.append(time.perf_counter() - t0)
        if record is None or not record.title:
            continue
        mp, me = statistics.median(tp), statistics.median(te)
        parse_times.append(mp)
        entity_times.append(me)
        shares.append(me / (mp + me))
    if not shares:
        return None
    return {"pages": len(shares), "parse_ms_median": 1000 * statistics.median(parse_times),
            "entities_ms_median": 1000 * statistics.median(entity_times),
            "share_median": statistics.median(shares), "share_max": max(shares)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=30, help="calls per article for the warm timings")
    ap.add_argument("--errors", action="store_true", help="list every missed and extra item")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    gold = load_gold()
    seed = gold[0][1]
    t0 = time.perf_counter()
    run(seed)
    cold = time.perf_counter() - t0
    results = [(name, a, predicted(run(a))) for name, a in gold]
    scores = score(results)
    held = score([r for r in results if held_out_batch(r[1]) is not None])
    batches = sorted({b for _n, a, _p in results if (b := held_out_batch(a)) is not None})
    held_by_batch = {b: score([r for r in results if held_out_batch(r[1]) == b]) for b in batches}
    mok, mtot = mention_accuracy(results)
    pok, ptot = place_accuracy(results)

    articles = [a for _n, a in gold]
    warm = timings(articles, args.repeat, True)
    nolink = timings(articles, args.repeat, False)
    longs = long_articles(gold)
    warm_long = timings(longs, max(5, args.repeat // 3), True)
    words = [len(" ".join(filter(None, (a["title"], a["lead"], a["body"]))).split()) for a in articles]
    long_words = [len(a["body"].split()) for a in longs]
    share = parse_share(max(3, args.repeat // 10))

    figures: dict[str, Any] = {
        "articles": len(gold),
        "scores": {k: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}
                   for k, s in scores.items()},
        "held_out": {k: {"precision": s.precision, "recall": s.recall} for k, s in held.items()},
        "held_out_batches": {str(b): {k: {"precision": s.precision, "recall": s.recall} for k, s in sc.items()}
                             for b, sc in held_by_batch.items()},
        "mentions_right": [mok, mtot], "places_right": [pok, ptot],
        "time": {"import_ms": 1000 * IMPORT_SECONDS, "cold_first_call_ms": 1000 * cold,
                 "gazetteer_load_ms": 1000 * gazetteer.LOAD_SECONDS[0] if gazetteer.LOAD_SECONDS else None,
                 "gold_words_median": statistics.median(words),
                 "warm_median_ms": 1000 * statistics.median(warm), "warm_p95_ms": 1000 * p95(warm),
                 "nolink_median_ms": 1000 * statistics.median(nolink), "nolink_p95_ms": 1000 * p95(nolink),
                 "long_words_median": statistics.median(long_words),
                 "long_median_ms": 1000 * statistics.median(warm_long), "long_p95_ms": 1000 * p95(warm_long)},
        "parse_share": share,
    }
    missed = [k for k, (gp, gr) in GOALS.items() if scores[k].precision < gp or scores[k].recall < gr]
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 1 if missed else 0

    print(f"Gold set: {len(gold)} articles (tests/gold/entities)\n")
    print(f"{'kind':<20}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>5}{'fn':>5}   goal")
    for label, s in scores.items():
        goal = GOALS.get(label)
        mark = "" if goal is None else ("ok" if s.precision >= goal[0] and s.recall >= goal[1] else "MISSED") + \
            f" (P>={goal[0]}, R>={goal[1]})"
        print(f"{label:<20}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>6}{s.fp:>5}{s.fn:>5}   {mark}")
    n_held = sum(1 for _n, a in gold if held_out_batch(a) is not None)
    if n_held:
        print(f"\nheld-out subset ({n_held} articles written after the extractor; first-run figures in ANNOTATION.md):")
        print("  all: " + ", ".join(f"{k} P={s.precision:.2f} R={s.recall:.2f}" for k, s in held.items()
                                   if k != "units (name only)"))
        for b, sc in held_by_batch.items():
            n_b = sum(1 for _n, a in gold if held_out_batch(a) == b)
            print(f"  batch {b} ({n_b} articles): " + ", ".join(
                f"{k} P={s.precision:.2f} R={s.recall:.2f}" for k, s in sc.items() if k != "units (name only)"))
    print(f"\nunit mentions right: {mok}/{mtot}; annotated places linked right: {pok}/{ptot}")
    t = figures["time"]
    print("\nTime of extract_entities per article:")
    print(f"  import of crawler.entities:          {t['import_ms']:8.1f} ms")
    print(f"  cold first call (gazetteer import):  {t['cold_first_call_ms']:8.1f} ms"
          f"  (library load {t['gazetteer_load_ms'] or 0:.0f} ms)")
    print(f"  warm, gold articles (median {t['gold_words_median']:.0f} words): median {t['warm_median_ms']:.3f} ms,"
          f" p95 {t['warm_p95_ms']:.3f} ms")
    print(f"  warm, no place linking:              median {t['nolink_median_ms']:.3f} ms, p95 {t['nolink_p95_ms']:.3f} ms")
    print(f"  warm, ~{t['long_words_median']:.0f}-word articles:          median {t['long_median_ms']:.3f} ms,"
          f" p95 {t['long_p95_ms']:.3f} ms")
    if share is None:
        print("\nShare of the whole parse: crawler.pages not available, skipped")
    else:
        print(f"\nShare of the whole parse ({share['pages']} saved pages): parse without entities median "
              f"{share['parse_ms_median']:.2f} ms, entities median {share['entities_ms_median']:.3f} ms, "
              f"share median {100 * share['share_median']:.1f}% (max {100 * share['share_max']:.1f}%)")
    if args.errors:
        for label, s in scores.items():
            for err in s.errors:
                print(f"  [{label}] {err}")
    if missed:
        print(f"\nGOALS MISSED: {', '.join(missed)}")
        return 1
    print("\nAll goals met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
