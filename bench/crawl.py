"""Crawl throughput and memory (issue 5), as a ratio taken in one session.

1. ``scrapy bench`` (Scrapy's own loopback benchmark: a local server of link pages, nothing parsed
   or stored) runs for ``--bench-seconds`` in an empty directory (Scrapy's default settings); its
   rate is its pages fetched over its elapsed time, from its final stats.
2. A full ``hbdt crawl`` (fetch, parse with the page objects, store in SQLite) of a large site
   generated from the bundled sample's pages (listing pages of 20 items with a pager, article pages
   with "Các tin khác" blocks linking neighbours), served by :mod:`crawler.mirror` on 127.0.0.1,
   with ``--all-topics`` so every article is archived, politeness off and the same concurrency as
   ``scrapy bench`` (16 requests, 8 per host). Rate = responses / elapsed time (Scrapy's stats),
   peak RSS of the crawl process (``wait4``), at two site sizes to show memory stays flat.

Printed: pages/min of each, the ratio crawl / ``scrapy bench`` (goal ≥ 0.5), the peak RSS at each
size. Usage::

    /work/venv/bin/python bench/crawl.py            # 2,000 and 8,000 articles: a few minutes
    /work/venv/bin/python bench/crawl.py --quick    # 300 and 1,200 articles: a smoke run
    /work/venv/bin/python bench/crawl.py --sizes 1000 4000 --json
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.mirror import sample_site_root, serving  # noqa: E402
from crawler.pages import ArticlePage  # noqa: E402

logger = logging.getLogger("bench.crawl")

ITEMS_PER_PAGE = 20
FIRST_ID = 160_000
CATEGORY = 11
ELAPSED_RE = re.compile(r"'elapsed_time_seconds':\s*([\d.]+)")
RESPONSES_RE = re.compile(r"'response_received_count':\s*(\d+)")
ARTICLE_HREF_RE = re.compile(r'href="/\d{1,5}/\d{2,9}/[^"]+\.htm"')
DATE_LINE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
CRAWL_SETTINGS = (
    "DOWNLOAD_DELAY=0", "DOWNLOAD_DELAY_JITTER=0", "AUTOTHROTTLE_ENABLED=0", "ROBOTSTXT_OBEY=0",
    "CONCURRENT_REQUESTS=16", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "LOGSTATS_INTERVAL=10",
)


@dataclass
class Template:
    """A sample article page and the title/lead/date line it prints."""

    html: str
    title: str
    lead: str


@dataclass
class Measure:
    """One measured run."""

    name: str
    pages: int
    seconds: float
    pages_per_min: float
    peak_rss_mb: float | None = None
    archived: int | None = None


def templates() -> list[Template]:
    """The bundled sample's article pages that parse as articles with a title and a lead."""
    out: list[Template] = []
    for path in sorted(sample_site_root().glob("*/*/*.htm")):
        if "/page/" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        page = ArticlePage(text.encode("utf-8"), url="https://baohoabinh.com.vn/" + path.relative_to(
            sample_site_root()).as_posix())
        title, lead = page.title(), page.lead()
        if page.is_article() and title and lead and title in text and lead in text:
            out.append(Template(html=text, title=title, lead=lead))
    if not out:
        raise SystemExit("no usable article template in the sample site")
    return out


def letters(n: int) -> str:
    """``0`` → ``"A"``, ``25`` → ``"Z"``, ``26`` → ``"BA"``: a unique tag without digits."""
    out = ""
    while True:
        n, rest = divmod(n, 26)
        out = chr(ord("A") + rest) + out
        if n == 0:
            return out


def article_path(article_id: int) -> str:
    return f"/{CATEGORY}/{article_id}/Bai-Viet-So-{article_id}.htm"


def listing_path(page: int) -> str:
    return f"/{CATEGORY}/page/{page}/CHINH-TRI.htm"


def generate_site(root: Path, n_articles: int) -> int:
    """Write ``n_articles`` article pages and their listing pages under ``root``; return the
    number of listing pages."""
    temps = templates()
    ids = [FIRST_ID - i for i in range(n_articles)]
    first_day = date(2020, 6, 30)
    titles: dict[int, tuple[str, str, date]] = {}
    for pos, aid in enumerate(ids):
        t = temps[pos % len(temps)]
        day = first_day - timedelta(days=pos // 12)
        tag = letters(pos)  # no digits: a number in a short title can read as an error page's "404"
        titles[aid] = (f"{t.title} ({tag})", f"{t.lead} Mã tin {tag}.", day)
    for pos, aid in enumerate(ids):
        t = temps[pos % len(temps)]
        title, lead, day = titles[aid]
        body = t.html.replace(t.title, title).replace(t.lead, lead)
        body = DATE_LINE_RE.sub(day.strftime("%d/%m/%Y"), body, count=3)
        body = relink(body, [ids[(pos + k) % len(ids)] for k in range(1, 40)])
        target = root / article_path(aid).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    listing_template = (sample_site_root() / listing_path(1).lstrip("/")).read_text(encoding="utf-8")
    pages = (len(ids) + ITEMS_PER_PAGE - 1) // ITEMS_PER_PAGE
    for page in range(1, pages + 1):
        chunk = ids[(page - 1) * ITEMS_PER_PAGE: page * ITEMS_PER_PAGE]
        target = root / listing_path(page).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(listing_html(listing_template, chunk, titles, page, pages), encoding="utf-8")
    return pages


def relink(page: str, targets: list[int]) -> str:
    """Point the page's article links (related items, sidebars) at ``targets`` in turn."""
    pool = iter(targets * (len(ARTICLE_HREF_RE.findall(page)) // len(targets) + 1))
    return ARTICLE_HREF_RE.sub(lambda _m: f'href="{article_path(next(pool))}"', page)


def listing_html(template: str, chunk: list[int], titles: dict[int, tuple[str, str, date]], page: int,
                 pages: int) -> str:
    """A listing page in the sample listing's chrome: linked titles, dates, ``(HBĐT)`` leads, pager."""
    rows = []
    for aid in chunk:
        title, lead, day = titles[aid]
        rows.append(f'<tr><td valign="top"><a class="title" href="{article_path(aid)}">{html.escape(title)}</a> '
                    f'<span class="date">{day.strftime("%d/%m/%Y")}</span>\n'
                    f'<div class="sapo">(HBĐT) - {html.escape(lead)}</div></td></tr>')
    pager = f'<div class="paging">Trang: <span class="current">{page}</span>'
    if page < pages:
        pager += f' <a href="{listing_path(page + 1)}" title="Trang sau">Trang sau &raquo;</a>'
    pager += "</div>"
    block = '<table class="list-news" width="100%">' + "\n".join(rows) + "</table>\n" + pager
    start = template.find('<div class="news-focus">')
    end = template.find("</div>", template.find('<div class="paging">')) + len("</div>")
    if start < 0 or end < len("</div>"):
        return f"<html><head><meta charset='utf-8'></head><body>{block}</body></html>"
    return template[:start] + block + template[end:]


def run_measured(cmd: list[str], cwd: Path) -> tuple[str, float]:
    """Run ``cmd``, return its stderr and its own peak RSS in MB."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    chunks: list[str] = []
    for line in proc.stderr:  # drain while it runs, so the pipe never blocks it
        chunks.append(line)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = "".join(chunks)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed ({proc.returncode}):\n{stderr[-3000:]}")
    return stderr, usage.ru_maxrss / 1024


def rate_from_stats(name: str, stderr: str, rss: float | None = None) -> Measure:
    """Pages/min from Scrapy's final stats (responses over elapsed seconds)."""
    elapsed = ELAPSED_RE.findall(stderr)
    responses = RESPONSES_RE.findall(stderr)
    if not elapsed or not responses:
        raise SystemExit(f"{name}: no final stats in its log:\n{stderr[-2000:]}")
    seconds, pages = float(elapsed[-1]), int(responses[-1])
    return Measure(name=name, pages=pages, seconds=round(seconds, 2), pages_per_min=round(pages / seconds * 60),
                   peak_rss_mb=round(rss, 1) if rss is not None else None)


def scrapy_bench(seconds: int, workdir: Path) -> Measure:
    """``scrapy bench`` for ``seconds``, outside any project (default settings)."""
    workdir.mkdir(parents=True, exist_ok=True)
    stderr, rss = run_measured([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
                               workdir)
    return rate_from_stats("scrapy bench", stderr, rss)


def hbdt_crawl(n_articles: int, workdir: Path) -> Measure:
    """Generate a site of ``n_articles``, serve it on loopback, crawl it fully into a new archive."""
    site = workdir / f"site-{n_articles}"
    listings = generate_site(site, n_articles)
    db = workdir / f"archive-{n_articles}.db"
    with serving(site) as mirror:
        cmd = [sys.executable, "-m", "crawler", "-v", "crawl", "--all-topics", "--db", str(db),
               "--start-url", mirror.url + listing_path(1)]
        for setting in CRAWL_SETTINGS:
            cmd += ["-s", setting]
        stderr, rss = run_measured(cmd, REPO)
    with sqlite3.connect(db) as conn:
        archived = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    measure = rate_from_stats(f"hbdt crawl, {n_articles} articles + {listings} listings", stderr, rss)
    measure.archived = archived
    if archived != n_articles:
        logger.warning("archived %d of %d articles", archived, n_articles)
    return measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=(2000, 8000), metavar=("SMALL", "LARGE"),
                        help="site sizes in articles (default 2000 8000)")
    parser.add_argument("--bench-seconds", type=int, default=20, help="how long scrapy bench runs (default 20)")
    parser.add_argument("--quick", action="store_true", help="300 and 1200 articles, scrapy bench 8 s")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", metavar="DIR", help="generate and keep the sites and archives in DIR")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sizes = (300, 1200) if args.quick else tuple(args.sizes)
    seconds = 8 if args.quick else args.bench_seconds
    with tempfile.TemporaryDirectory(prefix="hbdt-bench-") as tmp:
        workdir = Path(args.keep) if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        logger.info("scrapy bench, %d s ...", seconds)
        baseline = scrapy_bench(seconds, workdir / "scrapy-bench")
        crawls = []
        for size in sizes:
            logger.info("hbdt crawl of a generated site of %d articles ...", size)
            crawls.append(hbdt_crawl(size, workdir))
    ratio = round(min(c.pages_per_min for c in crawls) / baseline.pages_per_min, 2)
    rss_growth = round((crawls[-1].peak_rss_mb or 0) / (crawls[0].peak_rss_mb or 1), 2)
    if args.json:
        print(json.dumps({"scrapy_bench": asdict(baseline), "crawls": [asdict(c) for c in crawls],
                          "ratio": ratio, "rss_growth": rss_growth}, indent=2))
        return 0
    print(f"{'run':48} {'pages':>7} {'seconds':>8} {'pages/min':>10} {'peak RSS MB':>12}")
    for m in (baseline, *crawls):
        print(f"{m.name:48} {m.pages:>7} {m.seconds:>8} {m.pages_per_min:>10} {m.peak_rss_mb or '':>12}")
    print(f"ratio hbdt crawl / scrapy bench (slowest size): {ratio} (goal >= 0.5)")
    print(f"peak RSS, largest / smallest site ({sizes[1]} / {sizes[0]} articles): {rss_growth}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
