"""Crawls of the sample site through injected faults: retries, Retry-After, recorded failures
retried next run at their depth, a failed start page, unparsable pages and ``hbdt reparse``."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from crawler.archive import open_archive, record_failure, store_raw_page
from crawler.mirror import Fault
from tests.test_crawl import (
    ARTICLES,
    MANIFEST,
    START,
    archived_paths,
    article_requests,
    closure,
    crawl,
    last_run,
)

DEFAULT = set(MANIFEST["default_crawl"])
LISTED = MANIFEST["listed_congress"]
RELATED = [r["path"] for r in MANIFEST["related_depth1"]]
CONGRESS_RELATED = next(r["path"] for r in MANIFEST["related_depth1"] if r["is_congress"])


def failures(db: Path) -> list[tuple[str, str, int | None, int | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT url, reason, status, depth FROM failures ORDER BY url").fetchall()


TRANSIENT = {
    "503-once-article": [(LISTED[0], Fault(status=503))],
    "503-once-listing-page-2": [(MANIFEST["listing_pages"][1], Fault(status=503))],
    "429-retry-after-once": [(LISTED[1], Fault(status=429, retry_after="1"))],
    "truncated-once": [(LISTED[2], Fault(truncate=300))],
    "slow-every-article": [(p, Fault(delay=0.4, times=None)) for p in MANIFEST["default_crawl"]],
    "all-at-once": [
        (LISTED[0], Fault(status=503)),
        (LISTED[1], Fault(status=429, retry_after="1")),
        (LISTED[2], Fault(truncate=300)),
        (RELATED[0], Fault(status=503, times=2)),
        (MANIFEST["listing_pages"][1], Fault(status=503)),
        *[(p, Fault(delay=0.3)) for p in LISTED[3:]],
    ],
}


@pytest.mark.parametrize("faults", list(TRANSIENT.values()), ids=list(TRANSIENT))
def test_transient_faults_still_archive_everything(hbdt_cli, mirror, tmp_path, faults):
    for path, fault in faults:
        mirror.add_fault(path, replace(fault))  # the mirror counts a fault's uses down in place
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    assert archived_paths(db) == DEFAULT
    assert failures(db) == []
    assert last_run(db)["status"] == "ok"
    for path, fault in faults:
        if fault.status or fault.truncate:
            assert mirror.requests.count(path) == 1 + (fault.times or 1), path


@pytest.mark.parametrize(("retry_after", "low", "high"), [("1", 0.9, 2.9), ("30", 2.9, 8.0)],
                         ids=["honoured", "capped-at-HBDT_RETRY_AFTER_MAX"])
def test_retry_after_delays_the_retry(hbdt_cli, mirror, tmp_path, retry_after, low, high):
    target = LISTED[1]
    mirror.add_fault(target, Fault(status=429, retry_after=retry_after))
    db = tmp_path / "archive.db"
    result = crawl(hbdt_cli, mirror, db)
    times = [t for t, p in mirror.timed_requests if p == target]
    assert len(times) == 2
    assert low <= times[1] - times[0] <= high
    assert "Retry-After" in result.stderr
    assert archived_paths(db) == DEFAULT


PERSISTENT = {
    # name: (path, fault, expected reason, status, depth, extra settings)
    "503-listed": (LISTED[3], Fault(status=503, times=None), "HTTP 503", 503, 0, ()),
    "404-listed": (LISTED[4], None, "HTTP 404", 404, 0, ()),
    "timeout-related": (CONGRESS_RELATED, Fault(delay=1.6, times=None), "timeout", None, 1,
                        ("-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1")),
    "truncated-related": (CONGRESS_RELATED, Fault(truncate=200, times=None), "truncated body (data loss)", None, 1,
                          ()),
}


@pytest.mark.parametrize(("path", "fault", "reason", "status", "depth", "settings"), list(PERSISTENT.values()),
                         ids=list(PERSISTENT))
def test_failure_is_recorded_then_retried_at_its_depth_next_run(hbdt_cli, mirror, site_copy, tmp_path, path,
                                                                  fault, reason, status, depth, settings):
    page = site_copy / path.lstrip("/")
    saved = page.read_bytes()
    if fault is None:
        page.unlink()
    else:
        mirror.add_fault(path, replace(fault))
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db, *settings, expect=3)  # partial: exit 3, so cron/systemd notice
    assert failures(db) == [(mirror.url + path, reason, status, depth)]
    run = last_run(db)
    assert run["status"] == "partial" and run["failed"] == 1
    expected_first = closure([p for p in LISTED if p != path], 1) - {path}
    assert archived_paths(db) == expected_first

    # the site recovers: the next run fetches the failed page at its depth, and what it leads to
    mirror.clear_faults()
    page.write_bytes(saved)
    start = len(mirror.requests)
    crawl(hbdt_cli, mirror, db)
    assert failures(db) == []
    assert archived_paths(db) == DEFAULT
    assert set(article_requests(mirror.requests[start:])) == DEFAULT - expected_first
    assert not set(mirror.requests[start:]) & set(MANIFEST["depth2"])
    assert last_run(db)["status"] == "ok"


def test_a_failed_start_page_fails_the_run(hbdt_cli, mirror, tmp_path):
    mirror.add_fault(START, Fault(status=503, times=None))
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db, expect=1)
    run = last_run(db)
    assert run["status"] == "failed"
    assert failures(db) == [(mirror.url + START, "HTTP 503", 503, 0)]
    assert article_requests(mirror.requests) == []


NOT_AN_ARTICLE = (
    "<html><head><meta charset='utf-8'><title>Thông báo</title></head><body>"
    "<div class='err'>Hệ thống đang bảo trì, mời bạn đọc quay lại sau.</div></body></html>"
)


def test_unparsable_page_is_counted_kept_raw_and_not_refetched(hbdt_cli, mirror, site_copy, tmp_path):
    broken = LISTED[0]
    (site_copy / broken.lstrip("/")).write_text(NOT_AN_ARTICLE, encoding="utf-8")
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    run = last_run(db)
    assert run["unparsable"] == 1 and run["status"] == "ok"
    assert archived_paths(db) == closure([p for p in LISTED if p != broken], 1) - {broken}
    with sqlite3.connect(db) as conn:
        raw = conn.execute("SELECT url, reason, body FROM raw_pages").fetchall()
    assert [(u, r) for u, r, _ in raw] == [(mirror.url + broken, "not an article")]
    assert bytes(raw[0][2]).decode("utf-8") == NOT_AN_ARTICLE
    start = len(mirror.requests)
    crawl(hbdt_cli, mirror, db)
    assert broken not in mirror.requests[start:]


def test_reparse_archives_raw_pages_the_parser_now_reads(hbdt_cli, site_copy, tmp_path):
    db = tmp_path / "archive.db"
    good = LISTED[2]
    archive = open_archive(db)
    store_raw_page(archive, "http://127.0.0.1:9/" + good.lstrip("/"), (site_copy / good.lstrip("/")).read_bytes(),
                   "not an article")
    store_raw_page(archive, "http://127.0.0.1:9/11/1/Loi.htm", NOT_AN_ARTICLE.encode(), "not an article")
    archive.close()
    result = hbdt_cli("reparse", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "2 raw pages: 1 archived, 1 still unparsable" in result.stdout
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, title FROM articles").fetchall()
        left = conn.execute("SELECT url FROM raw_pages").fetchall()
    assert rows == [("http://127.0.0.1:9" + good, ARTICLES[good]["title"])]
    assert left == [("http://127.0.0.1:9/11/1/Loi.htm",)]


def test_a_failure_archived_meanwhile_is_cleared_without_fetching(hbdt_cli, mirror, tmp_path):
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    related = RELATED[0]
    archive = open_archive(db)
    record_failure(archive, mirror.url + related, "HTTP 502", status=502, depth=1)
    archive.close()
    start = len(mirror.requests)
    crawl(hbdt_cli, mirror, db)
    assert failures(db) == []
    assert related not in mirror.requests[start:]
