"""A crawl killed with SIGKILL mid-way, then run again: the full set once, a sound archive.

The archive is the record of what is done: the rerun fetches only what is missing (listed items
not archived, related items of archived articles not archived yet) and marks the killed run
``interrupted``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.archive import integrity_problems, open_archive
from crawler.mirror import Fault
from tests.conftest import LOOPBACK_CLI_SETTINGS, REPO
from tests.test_crawl import ARTICLES, MANIFEST, START, archived_paths, article_requests, last_run


def count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0


@pytest.mark.parametrize(("kill_after", "batch_size"), [(1, 1), (4, 1), (6, 3)])
def test_sigkill_then_rerun_completes_the_set_once(hbdt_cli, mirror, tmp_path, kill_after, batch_size):
    for path in MANIFEST["default_crawl"]:
        mirror.add_fault(path, Fault(delay=0.35, times=None))
    db = tmp_path / "archive.db"
    cmd = [sys.executable, "-m", "crawler", "crawl", "--start-url", mirror.url + START, "--db", str(db),
           *LOOPBACK_CLI_SETTINGS, "-s", "CONCURRENT_REQUESTS=2", "-s", f"HBDT_BATCH_SIZE={batch_size}"]
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 40
        while count_articles(db) < kill_after and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    before = archived_paths(db)
    assert kill_after <= len(before) < len(MANIFEST["default_crawl"])
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert last_run(db)["status"] == "running"

    mirror.clear_faults()
    start = len(mirror.requests)
    result = hbdt_cli("crawl", "--start-url", mirror.url + START, "--db", str(db), *LOOPBACK_CLI_SETTINGS)
    assert result.returncode == 0, result.stderr[-3000:]
    assert archived_paths(db) == set(MANIFEST["default_crawl"])
    rerun = article_requests(mirror.requests[start:])
    assert not set(rerun) & before
    assert len(rerun) == len(set(rerun))
    archive = open_archive(db)
    try:
        assert integrity_problems(archive) == []
        assert archive.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (10, 10)
        edges = archive.execute(
            "SELECT a.url, count(*) FROM related r JOIN articles a ON a.id = r.article_id GROUP BY a.url"
        ).fetchall()
        assert {Path(u.split(mirror.url, 1)[1]).as_posix(): n for u, n in edges} == {
            p: len(ARTICLES[p]["related"]) for p in MANIFEST["default_crawl"] if ARTICLES[p]["related"]
        }
        statuses = [r[0] for r in archive.execute("SELECT status FROM crawl_runs ORDER BY id")]
    finally:
        archive.close()
    assert statuses == ["interrupted", "ok"]
