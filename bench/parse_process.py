"""Whole-process parse benchmark: ONE ``hbdt parse --jsonl`` process over N article pages against
ONE process running ``trafilatura.bare_extraction(with_metadata=True)`` over the same files,
start-up included (what a user pays to parse a folder of saved pages).

The pages are the saved article pages of ``tests/fixtures/pages/`` and the sample site, copied
into a temporary directory until there are N of them (each copy gets a distinct comment so no
cache can help). Each process is run ``--repeat`` times, alternating; medians are compared.

Goal (issue 10): hbdt ≤ 0.4 × trafilatura. hbdt's gazetteer keeps its answers on disk
(``HBDT_CACHE_DIR``, here a fresh temporary one): the first run, which imports the gazetteer
library (about 0.5 s), is reported apart from the medians of the runs after it.

Run: python bench/parse_process.py [--pages 600] [--repeat 3]   (needs the ``bench`` extra)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TRAFILATURA = """
import sys
import trafilatura
for path in sys.argv[1:]:
    with open(path, "rb") as fh:
        doc = trafilatura.bare_extraction(fh.read(), with_metadata=True)
    sys.stdout.write(("ok" if doc is not None else "none") + "\\n")
"""


def article_pages() -> list[Path]:
    """Saved article pages: the fixture corpus (minus its non-article pages) and the sample site."""
    pages = []
    for page in sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html")):
        expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        if not expected.get("_not_article"):
            pages.append(page)
    site = ROOT / "crawler" / "sample_site"
    pages += sorted(p for p in site.rglob("*.htm") if "/page/" not in str(p) and p.parent.name.isdigit())
    return pages


def make_corpus(directory: Path, n: int) -> list[str]:
    sources = article_pages()
    paths = []
    for i in range(n):
        source = sources[i % len(sources)]
        target = directory / f"{i:04d}-{source.name}"
        target.write_bytes(source.read_bytes() + f"\n<!-- copy {i} -->\n".encode())
        paths.append(str(target))
    return paths


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):  # hbdt parse exits 1 when some page is not an article
        raise SystemExit(f"{argv[:4]} failed ({result.returncode}): {result.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hbdt-parse-process-") as tmp:
        paths = make_corpus(Path(tmp), args.pages)
        hbdt = [sys.executable, "-m", "crawler", "parse", "--jsonl", *paths]
        theirs = [sys.executable, "-c", TRAFILATURA, *paths]
        # the gazetteer's disk cache starts empty: the first run pays the library's import
        os.environ["HBDT_CACHE_DIR"] = str(Path(tmp) / "cache")
        cold = timed(hbdt)
        ours_t, theirs_t = [], []
        for _ in range(args.repeat):
            ours_t.append(timed(hbdt))
            theirs_t.append(timed(theirs))
        startup = [timed([sys.executable, "-m", "crawler", "parse", "--help"]) for _ in range(args.repeat)]
    ours_m, theirs_m = statistics.median(ours_t), statistics.median(theirs_t)
    print(f"{args.pages} pages ({len(article_pages())} distinct), {args.repeat} runs each, medians:")
    print(f"  hbdt parse --jsonl (one process)          {ours_m:7.2f} s  ({ours_m / args.pages * 1000:.1f} ms/page)")
    print(f"  trafilatura.bare_extraction (one process) {theirs_m:7.2f} s  ({theirs_m / args.pages * 1000:.1f} ms/page)")
    print(f"  hbdt first run (empty gazetteer cache)    {cold:7.2f} s  (ratio {cold / theirs_m:.2f})")
    print(f"  hbdt start-up (hbdt parse --help)         {statistics.median(startup):7.2f} s")
    print(f"  ratio hbdt / trafilatura: {ours_m / theirs_m:.2f}  (goal <= 0.40)")


if __name__ == "__main__":
    main()
