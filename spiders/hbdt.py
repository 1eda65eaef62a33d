"""The ``hbdt`` spider: routes requests only; the page objects in :mod:`crawler.pages` extract.

Listing pages → congress items (judged from the listed title and lead, same rule as
``is_congress``; every item with ``all_topics``) → article pages → their "Các tin khác" items to
``related_depth``. Articles already in the archive are not fetched again unless ``refresh``.

Arguments (``-a name=value`` with ``scrapy crawl hbdt``, options of ``hbdt crawl``):
``start_urls`` (comma-separated), ``all_topics``, ``related_depth`` (default 1), ``since`` /
``until`` (YYYY-MM-DD), ``refresh``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.congress import is_congress
from crawler.items import CrawledArticle, UnparsedPage
from crawler.pages import ArticlePage, ListingPage
from crawler.timeutil import now_iso
from crawler.urls import DEFAULT_START_URL, SITE_HOSTS, canonical_url, host, is_article_url, listing_page

logger = logging.getLogger(__name__)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _day(value: Any) -> date | None:
    if value in (None, "", False):
        return None
    return date.fromisoformat(str(value))


class HbdtSpider(scrapy.Spider):
    """Crawl HBĐT listings, congress articles and their related items into the archive."""

    name = "hbdt"

    def __init__(self, start_urls: str | list[str] | None = None, all_topics: Any = False,
                 related_depth: Any = 1, since: Any = None, until: Any = None, refresh: Any = False,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(start_urls, str):
            start_urls = [u.strip() for u in start_urls.split(",") if u.strip()]
        self.start_urls = list(start_urls or [DEFAULT_START_URL])
        self.all_topics = _flag(all_topics)
        self.related_depth = int(related_depth)
        self.since = _day(since)
        self.until = _day(until)
        self.refresh = _flag(refresh)
        self.allowed_hosts = {host(u) for u in self.start_urls} | set(SITE_HOSTS)
        self.allowed_domains = sorted(self.allowed_hosts)
        self.archived: set[str] = set()

    # -- start -------------------------------------------------------------------------------

    async def start(self) -> Any:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        self.archived = self._load_archived()
        for url in self.start_urls:
            if is_article_url(url):
                yield self.article_request(url, depth=0)
            else:
                yield scrapy.Request(url, callback=self.parse_listing, dont_filter=True)

    def _load_archived(self) -> set[str]:
        path = self.settings.get("HBDT_DB") if self.settings else None
        if not path:
            return set()
        from crawler.archive import archived_urls, open_archive

        db = open_archive(path)
        try:
            return archived_urls(db)
        finally:
            db.close()

    # -- routing -----------------------------------------------------------------------------

    def allowed(self, url: str) -> bool:
        return host(url) in self.allowed_hosts

    def is_archived(self, url: str) -> bool:
        return not self.refresh and canonical_url(url) in self.archived

    def article_request(self, url: str, *, depth: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, cb_kwargs={"depth": depth},
                              errback=self.on_error)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        page = ListingPage(response.body, url=response.url, encoding=response.encoding)
        items = page.items()
        self.crawler.stats.inc_value("hbdt/listing_pages")
        fresh = 0
        for item in items:
            if not self.allowed(item.url):
                self.crawler.stats.inc_value("hbdt/offsite_skipped")
                continue
            if item.published_at and self.since and date.fromisoformat(item.published_at[:10]) < self.since:
                continue
            if item.published_at and self.until and date.fromisoformat(item.published_at[:10]) > self.until:
                fresh += 1
                continue
            if self.is_archived(item.url):
                self.crawler.stats.inc_value("hbdt/already_archived")
                continue
            fresh += 1
            if self.all_topics or is_congress(item.title, item.lead, item.category_id):
                yield self.article_request(item.url, depth=0)
            else:
                self.crawler.stats.inc_value("hbdt/listed_not_congress")
        if not items:
            self.crawler.stats.inc_value("hbdt/listing_without_items")
            logger.warning("listing page without items: %s", response.url)
        next_url = page.next_page_url()
        if next_url and fresh and self.allowed(next_url):
            yield scrapy.Request(next_url, callback=self.parse_listing)
        elif next_url and not fresh:
            logger.info("paging stops at %s: nothing new or in range", response.url)

    def parse_article(self, response: Response, depth: int = 0) -> Iterator[Any]:
        page = ArticlePage(response.body, url=response.url, encoding=response.encoding)
        if not page.is_article():
            self.crawler.stats.inc_value("hbdt/unparsed_pages")
            logger.warning("not an article page: %s", response.url)
            yield UnparsedPage(url=response.url, body=response.body, reason="not an article",
                               encoding=response.encoding)
            return
        record = page.to_record()
        record.url = response.url
        day = date.fromisoformat(record.published_at[:10]) if record.published_at else None
        if day and ((self.since and day < self.since) or (self.until and day > self.until)):
            self.crawler.stats.inc_value("hbdt/out_of_range")
            return
        yield CrawledArticle(record=record, fetched_at=now_iso(), depth=depth)
        if depth >= self.related_depth or not (record.is_congress or self.all_topics):
            return
        for rel in record.related:
            if not self.allowed(rel.url):
                self.crawler.stats.inc_value("hbdt/offsite_skipped")
                continue
            if self.is_archived(rel.url):
                continue
            yield self.article_request(rel.url, depth=depth + 1)

    def on_error(self, failure: Any) -> None:
        request = failure.request
        self.crawler.stats.inc_value("hbdt/failed_requests")
        logger.error("request failed after retries: %s (%s)", request.url, failure.value)
        recorder = getattr(self, "record_failure", None)
        if recorder is not None:
            recorder(request.url, repr(failure.value))

    def listing_request(self, url: str) -> scrapy.Request | None:
        return scrapy.Request(url, callback=self.parse_listing) if listing_page(url) else None
