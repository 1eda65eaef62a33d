"""The ``hbdt_wayback`` spider: the site as the Internet Archive's Wayback Machine captured it.

1. **Discovery**: the CDX API lists the captured URLs under ``baohoabinh.com.vn/`` (status 200,
   HTML, one row per URL, ``from`` = ``since``, ``to`` = ``until`` plus ``capture_margin_days``
   since an article is often captured long after it appeared), page by page with resume keys.
2. **Roots** (depth 0): the congress items of every captured listing page (judged from the listed
   title and lead, as on the live site), and every captured article that is congress coverage by
   its own title and lead (``all_topics``: every captured article). The ``since``/``until``
   window applies to them.
3. **Related items** to ``related_depth``: the site's links inside a capture are mapped back to
   captures (``/web/{timestamp}id_/{original}``: the URL's own capture when CDX listed it, else
   the referring capture's timestamp, which the archive redirects to the nearest capture).
4. Every article is archived under its ORIGINAL ``https://baohoabinh.com.vn/...`` URL with the
   capture's timestamp and source ``wayback``. Error captures (HTTP 4xx from the archive) and
   captures that are not articles are skipped and counted.

Politeness: one request at a time and at most one a second to ``web.archive.org`` by default
(``DOWNLOAD_SLOTS`` in :mod:`crawler.settings`; overridable with ``-s``).

Arguments: ``wayback_url`` (default ``https://web.archive.org``), ``since``, ``until``,
``related_depth``, ``all_topics``, ``refresh``, ``cdx_limit`` (rows per CDX page, default 5000),
``capture_margin_days`` (default 365).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.items import SkippedPage
from crawler.pages import ListingPage
from crawler.timeutil import now_vn
from crawler.urls import article_ids, endpoint, host, listing_page
from crawler.wayback import (
    CaptureIndex,
    capture_url,
    cdx_query_url,
    day_timestamp,
    parse_cdx_json,
    site_url,
    split_capture_url,
    wayback_base,
)
from spiders.base import ArchiveSpider, iso_day

logger = logging.getLogger(__name__)

CDX_PRIORITY = 100
LISTING_PRIORITY = 50
ARTICLE_PRIORITY = 10


class WaybackSpider(ArchiveSpider):
    """Archive HBĐT congress coverage from Wayback Machine captures."""

    name = "hbdt_wayback"
    source = "wayback"

    def __init__(self, wayback_url: str | None = None, cdx_limit: Any = 5000, capture_margin_days: Any = 365,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wayback_url = wayback_base(wayback_url)
        self.allowed_domains = [host(self.wayback_url)]
        self.cdx_limit = int(cdx_limit)
        self.capture_margin = timedelta(days=int(capture_margin_days))
        self.index = CaptureIndex()
        self.cdx_pages = 0
        #: CDX result pages read at most (``HBDT_MAX_LISTING_PAGES``: the run's listing bound)
        self.max_cdx_pages = 10_000

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WaybackSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, WaybackSpider)
        spider.max_cdx_pages = crawler.settings.getint("HBDT_MAX_LISTING_PAGES", spider.max_cdx_pages)
        return spider

    def run_args(self) -> dict[str, Any]:
        return {**super().run_args(), "wayback_url": self.wayback_url}

    def endpoints(self) -> set[tuple[str, str, int]]:
        """Only the Wayback Machine's own scheme, host and port."""
        point = endpoint(self.wayback_url)
        return {point} if point is not None else set()

    # -- discovery ---------------------------------------------------------------------------

    def capture_window(self) -> tuple[date | None, date | None]:
        """The capture dates to ask CDX for: from ``since`` to ``until`` plus the margin."""
        until = self.until + self.capture_margin if self.until else None
        return self.since, until

    def default_near(self) -> str:
        """The timestamp to ask for a URL CDX did not list (the archive redirects to the nearest)."""
        day = self.since or self.until or now_vn().date()
        return day_timestamp(day)

    async def start(self) -> AsyncIterator[Any]:
        yield self.cdx_request(None)

    def cdx_request(self, resume_key: str | None) -> scrapy.Request:
        since, until = self.capture_window()
        url = cdx_query_url(self.wayback_url, since=since, until=until, limit=self.cdx_limit,
                            resume_key=resume_key)
        return scrapy.Request(url, callback=self.parse_cdx, errback=self.on_cdx_error, dont_filter=True,
                              priority=CDX_PRIORITY, meta={"hbdt_cdx": True})

    def parse_cdx(self, response: Response) -> Iterator[Any]:
        page = parse_cdx_json(response.body)
        self.cdx_pages += 1
        self.stat("cdx_pages")
        self.stat("cdx_rows", len(page.rows))
        for row in page.rows:
            self.index.add(row)
        if page.resume_key and page.rows and self.cdx_pages >= self.max_cdx_pages:
            self.stat("listing_cap")
            logger.warning("CDX paging stops after %d pages (HBDT_MAX_LISTING_PAGES)", self.cdx_pages)
            yield from self.after_discovery()
        elif page.resume_key and page.rows:
            yield self.cdx_request(page.resume_key)
        else:
            yield from self.after_discovery()

    def on_cdx_error(self, failure: Any) -> Iterator[Any]:
        self.stat("failed_requests")
        logger.error("CDX query failed: %s (%s)", failure.request.url, failure.value)
        if self.cdx_pages == 0:
            self.fatal = f"CDX discovery failed: {failure.value}"
            return
        yield from self.after_discovery()

    def after_discovery(self) -> Iterator[Any]:
        """Every listing capture, every article capture, and the failures of earlier runs."""
        logger.info("CDX: %d article and %d listing URLs captured (%d other rows)",
                    len(self.index.articles), len(self.index.listings), self.index.other)
        self.stat("captured_articles", len(self.index.articles))
        self.stat("captured_listings", len(self.index.listings))
        for url, ts in sorted(self.index.listings.items()):
            yield scrapy.Request(capture_url(self.wayback_url, ts, url), callback=self.parse_listing,
                                 errback=self.on_error, priority=LISTING_PRIORITY,
                                 cb_kwargs={"key": url})
        by_id = sorted(self.index.articles, key=lambda u: (article_ids(u) or (0, 0))[1], reverse=True)
        for url in by_id:
            if not self.refresh and url in self.state.skipped and (
                    not self.all_topics or self.state.skipped[url] != "not_congress"):
                self.stat("known_skipped")  # judged by an earlier run: not fetched again
                continue
            yield from self.want_article(url, 0, judge=not self.all_topics)
        for url in list(self.state.failures):
            if site_url(url) is None or listing_page(url):
                continue
            if self.done(url):  # archived since (through another page)
                yield from self.recovered(url)
                continue
            self.stat("failures_retried")
            yield from self.want_article(url, self.state.failure_depth(url), near=self.default_near(),
                                         judge=not self.all_topics)

    # -- routing -----------------------------------------------------------------------------

    def key_for(self, url: str) -> str | None:
        return site_url(url)

    def article_request(self, url: str, key: str, depth: int, *, again: bool, near: str | None = None,
                        judge: bool = False) -> scrapy.Request:
        ts = self.index.timestamp_for(key, near) or self.default_near()
        return scrapy.Request(capture_url(self.wayback_url, ts, key), callback=self.parse_capture,
                              errback=self.on_error, dont_filter=again, priority=ARTICLE_PRIORITY - depth,
                              cb_kwargs={"key": key, "depth": depth, "judge": judge})

    # -- answers -----------------------------------------------------------------------------

    def parse_listing(self, response: Response, key: str) -> Iterator[Any]:
        yield from self.recovered(key)
        split = split_capture_url(response.url)
        ts = split[1] if split else None
        page = ListingPage(response.body, url=key, encoding=getattr(response, "encoding", None))
        self.stat("listing_pages")
        items = page.items()
        for item in items:
            if self.date_verdict(iso_day(item.published_at)) == "old":
                self.note_old(item.article_id)
        for item in items:
            if site_url(item.url) is None:
                self.stat("offsite_skipped")
                continue
            if self.date_verdict(iso_day(item.published_at), item.article_id) is not None:
                continue
            if self.listed_qualifies(item):
                yield from self.want_article(item.url, 0, near=ts)
            else:
                self.stat("listed_not_congress")

    def parse_capture(self, response: Response, key: str, depth: int, judge: bool = False) -> Iterator[Any]:
        split = split_capture_url(response.url)
        if split is None or site_url(split[0]) is None:
            self.stat("wayback_error_captures")
            logger.warning("not a capture of the site: %s", response.url)
            return
        original, ts = split
        if site_url(original) != key:
            logger.info("capture of %s redirected to %s", key, original)
        yield from self.handle_article(response.body, page_url=key, key=key, depth=depth,
                                       encoding=getattr(response, "encoding", None), capture_timestamp=ts,
                                       judge=judge)

    def not_an_article(self, body: bytes, *, page_url: str, encoding: str | None) -> Iterator[Any]:
        """An error page captured with status 200, or not an article: skipped, counted and remembered
        (the next run does not fetch that capture again)."""
        yield from super().not_an_article(body, page_url=page_url, encoding=encoding)
        self.stat("wayback_not_article")
        key = site_url(page_url)
        if key:
            yield SkippedPage(url=key, reason="not_article", source=self.source)

    def on_error(self, failure: Any) -> Iterator[Any]:
        """Error captures (the archive answers 4xx) are skipped and counted, and so are redirects out
        of the archive (see the base class); anything else (5xx, 429, timeouts, truncated bodies
        after retries) is a failure."""
        exc = failure.value
        if isinstance(exc, HttpError) and 400 <= exc.response.status < 500 and exc.response.status != 429:
            self.stat("wayback_error_captures")
            logger.info("error capture (%s): %s", exc.response.status, failure.request.url)
            key = failure.request.cb_kwargs.get("key")
            if key:
                self.handled.add(key)
            return
        yield from super().on_error(failure)
