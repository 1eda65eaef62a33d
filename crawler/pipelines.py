"""The archive pipeline: one database connection per crawl, batched upserts, a crawl_runs row."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.archive import ArchiveWriter, finish_run, open_archive, start_run, store_raw_page
from crawler.items import CrawledArticle, UnparsedPage

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Writes :class:`CrawledArticle` items into the SQLite archive (``HBDT_DB``)."""

    def __init__(self, path: str, batch_size: int) -> None:
        self.path = path
        self.batch_size = batch_size
        self.crawler: Crawler | None = None
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler.settings.get("HBDT_DB", "archive.db"), crawler.settings.getint("HBDT_BATCH_SIZE", 100))
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        self.db = open_archive(self.path)
        self.writer = ArchiveWriter(self.db, batch_size=self.batch_size)
        args = {k: getattr(spider, k, None) for k in ("start_urls", "all_topics", "related_depth", "since", "until", "refresh")}
        self.run_id = start_run(self.db, source=getattr(spider, "source", "live"), args=_jsonable(args))
        logger.info("archive %s opened (run %s)", self.path, self.run_id)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        assert self.writer is not None
        if isinstance(item, CrawledArticle):
            self.writer.add(item.record, fetched_at=item.fetched_at, capture_timestamp=item.capture_timestamp,
                            source=item.source)
        elif isinstance(item, UnparsedPage):
            store_raw_page(self.db, item.url, item.body, item.reason, encoding=item.encoding)
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        """Flush the last batch (the run row is closed on ``spider_closed``, when the reason is known)."""
        if self.writer is not None:
            self.writer.close()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler and self.crawler.stats else {}
        counts = {
            "requests": int(stats.get("downloader/request_count", 0)),
            "archived": self.writer.counts.get("new", 0),
            "updated": self.writer.counts.get("updated", 0),
            "unchanged": self.writer.counts.get("unchanged", 0),
            "failed": int(stats.get("hbdt/failed_requests", 0)),
            "unparsed": int(stats.get("hbdt/unparsed_pages", 0)),
        }
        if reason != "finished":
            status = reason
        else:
            status = "partial" if counts["failed"] else "ok"
        if self.run_id is not None:
            finish_run(self.db, self.run_id, status=status, counts=counts)
        self.db.close()
        self.writer = None
        logger.info("archive closed (%s): %s", status, counts)


def _jsonable(args: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in args.items():
        out[key] = value if isinstance(value, (str, int, float, bool, list, type(None))) else str(value)
    return out
