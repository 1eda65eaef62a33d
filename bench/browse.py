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

import sys
import time
from pathlib import Path

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


if __name__ == "__main__" and sys.argv[1:2] == ["--build-only"]:
    build(Path(sys.argv[2]), int(sys.argv[3]))
    sys.exit(0)
