"""Export, chart and report measures, as ratios taken in one run (issue 12).

A generated archive of ``--n`` articles (the deterministic corpus of ``bench/archive.py``: 2019-2020
dates, the province's districts, units of every level) is exported by ``hbdt``'s own code paths and
timed against a peer in the same run: a plain ``csv.writer`` dump of the same nine original columns
(``SELECT`` straight from ``articles``, no quoting, no added columns, no temporary file). Printed:
seconds, rows/s and the ratio to the peer for CSV, JSON Lines, xlsx (openpyxl write-only), the
three charts and the whole HTML report, with each file's size. Usage::

    .venv/bin/python bench/export.py              # 20,000 articles
    .venv/bin/python bench/export.py --quick      # 3,000 articles
    .venv/bin/python bench/export.py --n 50000 --json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import Corpus  # type: ignore[import-not-found]  # noqa: E402

from crawler.archive import ArchiveWriter, open_archive  # noqa: E402
from crawler.charts import coverage_charts  # noqa: E402
from crawler.export import ExportFilters, atomic_output, write_export  # noqa: E402
from crawler.report import render_report  # noqa: E402

PEER_SQL = (
    "SELECT url, article_id, title, published_at, authors, units, category_id, is_congress, lead "
    "FROM articles ORDER BY published_at, id"
)


def build(path: Path, n: int, seed: int) -> None:
    db = open_archive(path)
    with ArchiveWriter(db) as writer:
        for record in Corpus(seed).records(n):
            writer.add(record)
    db.close()


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="hbdt-bench-export-"))
    db_path = work / "archive.db"
    t_build, _ = timed(lambda: build(db_path, args.n, args.seed))
    db = open_archive(db_path, create=False)
    filters = ExportFilters()
    results: dict[str, Any] = {"articles": args.n, "build_s": round(t_build, 2), "runs": {}}

    def peer() -> int:
        with open(work / "peer.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            count = 0
            for row in db.conn.execute(PEER_SQL):
                writer.writerow(row)
                count += 1
        return count

    def ours(fmt: str) -> Any:
        def go() -> int:
            with atomic_output(work / f"out.{fmt}", db_path=db_path, binary=fmt == "xlsx") as fh:
                return write_export(db, fh, filters, fmt=fmt)
        return go

    def report() -> int:
        page = render_report(db, filters)
        (work / "report.html").write_text(page, encoding="utf-8")
        return args.n

    jobs = {"peer_csv": peer, "csv": ours("csv"), "jsonl": ours("jsonl"), "xlsx": ours("xlsx"),
            "charts": lambda: len(coverage_charts(db, filters)), "report": report}
    best: dict[str, float] = {}
    for _ in range(args.repeat):  # the sides take turns, so load on the machine falls on all alike
        for name, job in jobs.items():
            seconds, _ = timed(job)
            best[name] = min(best.get(name, seconds), seconds)
    files = {"peer_csv": "peer.csv", "csv": "out.csv", "jsonl": "out.jsonl", "xlsx": "out.xlsx",
             "report": "report.html"}
    for name, seconds in best.items():
        entry = {"seconds": round(seconds, 3), "ratio_to_peer_csv": round(seconds / best["peer_csv"], 2)}
        if name in files:
            entry["bytes"] = (work / files[name]).stat().st_size
            entry["rows_per_s"] = round(args.n / seconds)
        results["runs"][name] = entry
    db.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="3,000 articles")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many turns")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.n = 3_000
    results = run(args)
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    sys.stdout.write(f"{results['articles']:,} articles (archive built in {results['build_s']} s); best of {args.repeat}\n")
    sys.stdout.write(f"{'':10}{'seconds':>10}{'x peer':>9}{'rows/s':>10}{'bytes':>14}\n")
    for name, r in results["runs"].items():
        sys.stdout.write(f"{name:10}{r['seconds']:>10.3f}{r['ratio_to_peer_csv']:>9.2f}"
                         f"{r.get('rows_per_s', ''):>10}{r.get('bytes', ''):>14}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
