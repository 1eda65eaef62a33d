"""Browsing measures at scale (issue 12): datasette facet and page timings on a generated archive.

Builds (once, cached under ``--work``) an archive of ``--n`` generated articles with
:class:`bench.archive.Corpus` through :class:`crawler.archive.ArchiveWriter`, then starts two
datasette servers on 127.0.0.1 over the same file, one after the other:

* **plain**: ``datasette archive.db --setting facet_time_limit_ms 60000`` with the hbdt plugin
  disabled (``DATASETTE_LOAD_PLUGINS=""``) and no metadata: the peer. Its facets are datasette's
  own (column facets, and array facets over the JSON columns ``authors``, ``units``,
  ``unit_levels``, ``districts``); the raised time limit lets them finish so they can be timed.
* **hbdt**: ``datasette archive.db`` with the plugin loaded (as an installed hbdt makes plain
  datasette do), its default facets (through the link tables) and its slim listing.

Each request is timed (median of ``--repeat`` runs, after one warm-up) and printed with the ratio
plain / hbdt (above 1: hbdt is faster). Usage::

    .venv/bin/python bench/browse.py              # 200,000 articles (the build takes minutes)
    .venv/bin/python bench/browse.py --n 20000    # a quicker smoke run
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.archive import Corpus  # noqa: E402
from crawler.archive import ArchiveWriter, open_archive  # noqa: E402

HOST = "127.0.0.1"
SEED = 12


def build(path: Path, n: int) -> None:
    """Generate ``n`` articles into ``path`` (skipped when it already holds them)."""
    if path.exists():
        db = open_archive(path)
        have = db.execute("select count(*) from articles").fetchone()[0]
        db.close()
        if have == n:
            return
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    db = open_archive(path)
    started = time.monotonic()
    with ArchiveWriter(db, batch_size=500) as writer:
        for record in Corpus(SEED).records(n):
            writer.add(record)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"built {n} articles in {time.monotonic() - started:.0f} s", file=sys.stderr)


PLAIN_LAUNCHER = (
    "import sys; sys._called_from_test = True\n"  # datasette then skips setuptools plugins
    "from datasette.cli import cli; cli()"
)
"""Plain datasette without the hbdt plugin (datasette loads no entry-point plugins when
``sys._called_from_test`` is set); its default plugins (facets, filters) are loaded as usual."""
NO_FACETS = {"databases": {"archive": {"tables": {"articles": {"facets": []}}}}}
"""Metadata that turns the shipped default facets off, to time one hbdt facet at a time."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=600) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextmanager
def server(db: Path, *, plain: bool, metadata: Path | None = None, settings: tuple[str, ...] = ()) -> Iterator[str]:
    """A datasette on 127.0.0.1 over ``db`` (database name ``archive``), stopped on exit."""
    port = free_port()
    launcher = ["-c", PLAIN_LAUNCHER] if plain else ["-m", "datasette"]
    argv = [sys.executable, *launcher, "serve", str(db), "-h", HOST, "-p", str(port), *settings]
    if metadata is not None:
        argv += ["--metadata", str(metadata)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    try:
        for _ in range(600):
            try:
                if fetch(base + "/-/versions.json")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("datasette did not start")
        plugins = json.loads(fetch(base + "/-/plugins.json")[1])
        assert ([p["name"] for p in plugins] == []) is plain, plugins
        yield base + "/archive"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def timed(url: str, repeat: int) -> tuple[float, dict[str, Any]]:
    """Median seconds of ``repeat`` GETs (after one warm-up) and what the last one said
    (status; for JSON, the facets that timed out)."""
    fetch(url)
    times = []
    status, body = 0, b""
    for _ in range(repeat):
        started = time.perf_counter()
        status, body = fetch(url)
        times.append(time.perf_counter() - started)
    info: dict[str, Any] = {"status": status}
    if ".json" not in url and status == 200:
        timed_out = re.search(rb"These facets timed out: ([^<]*)", body)
        info["timed_out"] = timed_out.group(1).decode().split(", ") if timed_out else []
    if ".json" in url and status == 200:
        data = json.loads(body)
        info["timed_out"] = data.get("facets_timed_out", [])
        info["facets"] = sorted(data.get("facet_results", {}))
    return statistics.median(times), info


def q(**params: str) -> str:
    return urllib.parse.urlencode(params)


# (what, plain path, hbdt path): the same question asked of each
FACETS: list[tuple[str, str, str]] = [
    (name, f"articles.json?_size=1&_nosuggest=1&{plain}", f"articles.json?_size=1&_nosuggest=1&_facet_hbdt={name}")
    for name, plain in [
        ("authors", "_facet_array=authors"),
        ("units", "_facet_array=units"),
        ("unit_levels", "_facet_array=unit_levels"),
        ("districts", "_facet_array=districts"),
        ("month", "_facet=month"),
        ("is_congress", "_facet=is_congress"),
    ]
]


def pages_to_time(row: int) -> list[tuple[str, str, str]]:
    author = "Việt Lâm"
    return [
        ("articles page (HTML)", "articles", "articles"),
        ("articles page (JSON, hbdt: 7 default facets)", "articles.json", "articles.json"),
        ("congress only (HTML)", "articles?is_congress=1", "articles?is_congress=1"),
        ("one author (HTML)", "articles?" + q(authors__arraycontains=author), "articles?" + q(_author=author)),
        ("district-level units, congress (HTML)", "articles?" + q(unit_levels__arraycontains="huyen", is_congress="1"),
         "articles?" + q(_level="huyen", is_congress="1")),
        ("search 'dang bo' (HTML)", "articles?" + q(_search="dang bo"), "articles?" + q(_search="dang bo")),
        ("one article (HTML)", f"articles/{row}", f"articles/{row}"),
    ]


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    db = work / "archive.db"
    build(db, args.n)
    no_facets = work / "no-facets.json"
    no_facets.write_text(json.dumps(NO_FACETS), encoding="utf-8")
    row = args.n // 2
    plain_settings = ("--setting", "facet_time_limit_ms", "60000", "--setting", "sql_time_limit_ms", "60000")
    results: dict[str, dict[str, Any]] = {}
    with server(db, plain=True, settings=plain_settings) as base:
        for what, path, _ in FACETS + pages_to_time(row):
            results[what] = {"what": what, "plain": timed(f"{base}/{path}", args.repeat)}
    with server(db, plain=False, metadata=no_facets) as base:
        for what, _, path in FACETS:
            results[what]["hbdt"] = timed(f"{base}/{path}", args.repeat)
    with server(db, plain=False) as base:
        for what, _, path in pages_to_time(row):
            results[what]["hbdt"] = timed(f"{base}/{path}", args.repeat)
    return list(results.values())


def print_table(rows: list[dict[str, Any]], n: int) -> None:
    print(f"datasette at {n:,} generated articles: median seconds; ratio = plain / hbdt (above 1: hbdt faster)")
    print(f"{'request':<46} {'plain':>8} {'hbdt':>8} {'ratio':>7}  notes")
    for r in rows:
        (p, pinfo), (h, hinfo) = r["plain"], r["hbdt"]
        notes = []
        for side, info in (("plain", pinfo), ("hbdt", hinfo)):
            if info["status"] != 200:
                notes.append(f"{side} HTTP {info['status']}")
            if info.get("timed_out"):
                notes.append(f"{side} timed out: {','.join(info['timed_out'])}")
        print(f"{r['what']:<46} {p:8.3f} {h:8.3f} {p / h:7.1f}  {'; '.join(notes)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="generated articles")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per request (median)")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "hbdt-bench-browse"),
                        help="directory for the generated archive (kept for the next run)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    rows = run(args)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows, args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
