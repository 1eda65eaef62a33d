"""The archive pipeline: the crawl's only writer to the archive.

One database connection per crawl; articles go through :class:`~crawler.archive.ArchiveWriter`
(batched upserts, one transaction per batch, revisions of changed articles); unparsable pages are
stored raw; failures are recorded with their depth and cleared once fetched; a ``crawl_runs`` row
is opened when the spider opens and closed with its status and counts when it closes.

Run status: ``ok``; ``partial`` (finished, some pages failed: they are recorded and retried next
run); ``failed`` (the run could not do its job: its start page or the Wayback discovery failed
or was forbidden, or it archived nothing while pages failed, e.g. every batch rolled back);
Scrapy's finish reason otherwise (``shutdown`` after Ctrl-C, ...). A run killed outright stays
``running`` until the next run on the same host notices its process is gone and marks it
``interrupted``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
from typing import Any

import sqlite_utils
from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.archive import (
    ArchiveWriter,
    clear_failure,
    finish_run,
    open_archive,
    record_failure,
    record_skipped,
    start_run,
    store_raw_page,
)
from crawler.items import CrawledArticle, FetchFailure, FetchRecovered, SkippedPage, UnparsedPage

logger = logging.getLogger(__name__)

#: Key, in a run's ``counts`` JSON, of the highest article id its listing pages showed.
LISTING_MAX_ID_KEY = "listing_max_article_id"

#: Stat counting article batches the archive could not write (rolled back; refetched next run).
ARCHIVE_ERRORS_STAT = "hbdt/archive_write_errors"

#: Stats counted as ``skipped`` in ``crawl_runs``: fetched but deliberately not archived.
SKIPPED_STATS: tuple[str, ...] = (
    "hbdt/out_of_range_old",
    "hbdt/out_of_range_new",
    "hbdt/not_congress",
    "hbdt/not_fetched",
    "hbdt/wayback_error_captures",
    "hbdt/wayback_not_article",
)


def stale_runs(db: sqlite_utils.Database) -> list[int]:
    """Ids of ``running`` runs started on this host by a process that no longer exists."""
    here = socket.gethostname()
    out: list[int] = []
    for run_id, raw_args in db.execute("SELECT id, args FROM crawl_runs WHERE status = 'running'").fetchall():
        try:
            args = json.loads(raw_args or "{}")
        except ValueError:
            continue
        pid = args.get("pid") if isinstance(args, dict) else None
        if isinstance(pid, int) and args.get("host") == here and pid != os.getpid() and not _alive(pid):
            out.append(int(run_id))
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: Stat counting pages whose parse raised (kept raw for ``hbdt reparse``).
PARSE_ERRORS_STAT = "hbdt/parse_errors"


def run_status(finish_reason: str, fatal: str | None, failed: int, archived: int | None = None,
               tried: int = 0) -> str:
    """The ``crawl_runs`` status of a run from Scrapy's finish reason and what went wrong.

    ``failed``: the problems (failed pages, batches rolled back, parser errors); ``archived``: the
    articles written; ``tried``: the article pages requested. A finished run with problems is
    ``partial``, or ``failed`` when it tried articles and archived none of them."""
    if finish_reason != "finished":
        return finish_reason
    if fatal:
        return "failed"
    if failed and tried and archived == 0:
        return "failed"
    return "partial" if failed else "ok"


def run_counts(stats: dict[str, Any], writer_counts: dict[str, int]) -> dict[str, int]:
    """The counts stored in ``crawl_runs`` from Scrapy's stats and the writer's counts."""
    new, updated, unchanged = (int(writer_counts.get(k, 0)) for k in ("new", "updated", "unchanged"))
    return {
        "requests": int(stats.get("downloader/request_count", 0)),
        "archived": new + updated + unchanged,
        "new": new,
        "updated": updated,
        "unchanged": unchanged,
        "failed": int(stats.get("hbdt/failed_requests", 0)),
        "skipped": sum(int(stats.get(name, 0)) for name in SKIPPED_STATS),
        "unparsable": int(stats.get("hbdt/unparsed_pages", 0)),
    }


class ArchivePipeline:
    """Writes the spider's items into the SQLite archive (``HBDT_DB``)."""

    def __init__(self, path: str, batch_size: int, flush_seconds: float | None = None) -> None:
        self.path = path
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.crawler: Crawler | None = None
        self.db: sqlite_utils.Database | None = None
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        settings = crawler.settings
        pipeline = cls(settings.get("HBDT_DB", "archive.db"), settings.getint("HBDT_BATCH_SIZE", 500),
                       settings.getfloat("HBDT_FLUSH_SECONDS", 30.0) or None)
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or (self.crawler.spider if self.crawler else None)
        self.db = open_archive(self.path)
        for stale in stale_runs(self.db):
            finish_run(self.db, stale, status="interrupted", counts={})
            logger.warning("run %s was killed before it finished: marked interrupted", stale)
        self.writer = ArchiveWriter(self.db, batch_size=self.batch_size, flush_seconds=self.flush_seconds)
        run_args = getattr(spider, "run_args", None)
        args = dict(run_args()) if callable(run_args) else {}
        args.update(pid=os.getpid(), host=socket.gethostname())
        self.run_id = start_run(self.db, source=getattr(spider, "source", "live"), args=args)
        logger.info("archive %s opened (run %s)", self.path, self.run_id)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        assert self.writer is not None and self.db is not None
        if isinstance(item, CrawledArticle):
            try:
                self.writer.add(item.record, fetched_at=item.fetched_at,
                                capture_timestamp=item.capture_timestamp, source=item.source)
            except sqlite3.Error as exc:
                self._write_failed(exc)
        elif isinstance(item, UnparsedPage):
            store_raw_page(self.db, item.url, item.body, item.reason, encoding=item.encoding)
        elif isinstance(item, FetchFailure):
            record_failure(self.db, item.url, item.reason, status=item.status, run_id=self.run_id,
                           depth=item.depth)
        elif isinstance(item, SkippedPage):
            record_skipped(self.db, item.url, item.reason, source=item.source, run_id=self.run_id)
        elif isinstance(item, FetchRecovered):
            # what was fetched must be stored before its failure is forgotten
            try:
                self.writer.flush()
            except sqlite3.Error as exc:
                self._write_failed(exc)
            else:
                clear_failure(self.db, item.url)
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        """Flush the last batch (the run row is closed on ``spider_closed``, when the reason is known)."""
        if self.writer is not None:
            try:
                self.writer.close()
            except sqlite3.Error as exc:
                self._write_failed(exc)

    def _write_failed(self, exc: sqlite3.Error) -> None:
        """A batch of articles could not be written (rolled back): log and count it; its pages are
        not archived, so the next run fetches them again."""
        logger.error("archive write failed, batch rolled back (refetched next run): %s", exc)
        if self.crawler and self.crawler.stats:
            self.crawler.stats.inc_value(ARCHIVE_ERRORS_STAT)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is None or self.db is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler and self.crawler.stats else {}
        counts: dict[str, Any] = run_counts(stats, self.writer.counts)
        write_errors = int(stats.get(ARCHIVE_ERRORS_STAT, 0))
        problems = counts["failed"] + write_errors + int(stats.get(PARSE_ERRORS_STAT, 0))
        status = run_status(reason, getattr(spider, "fatal", None), problems, counts["archived"],
                            int(stats.get("hbdt/article_requests", 0)))
        if write_errors:
            counts["archive_write_errors"] = write_errors
        listing_max = getattr(spider, "listing_max_id", None)
        if listing_max is not None:
            counts[LISTING_MAX_ID_KEY] = listing_max
        if self.run_id is not None:
            finish_run(self.db, self.run_id, status=status, counts=counts)
        if self.crawler and self.crawler.stats:
            self.crawler.stats.set_value("hbdt/run_status", status)
            self.crawler.stats.set_value("hbdt/run_id", self.run_id)
            for key in ("archived", "new", "updated", "skipped", "unparsable"):
                self.crawler.stats.set_value(f"hbdt/run_{key}", counts[key])
        self.db.close()
        self.db = None
        self.writer = None
        logger.info("archive closed (%s): %s", status, counts)
