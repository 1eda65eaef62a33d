"""The ``hbdt`` spider: the live site (or a mirror). Routes requests only; the page objects in
:mod:`crawler.pages` extract.

Listing pages (following the pager) → congress items (judged from the listed title and lead,
same rule as ``is_congress``; every item with ``all_topics``) → article pages → their "Các tin
khác" items to ``related_depth``. Shared routing lives in :mod:`spiders.base`.

Paging stops at a listing page that holds only items older than ``since`` or already known:
archived with all their related items, or (non-congress items) not newer than what the latest
finished run covering the same arguments had seen (article ids grow with time). After a killed or
failed run nothing is "known", so paging goes on until ``since`` or the last page.

Arguments (``-a name=value`` with ``scrapy crawl hbdt``, options of ``hbdt crawl``):
``start_urls`` (comma-separated), ``all_topics``, ``related_depth`` (default 1), ``since`` /
``until`` (YYYY-MM-DD), ``refresh``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.items import FetchFailure, UnparsedPage
from crawler.pages import ListingPage
from crawler.urls import (
    DEFAULT_START_URL,
    SITE_HOSTS,
    canonical_url,
    fetch_url,
    host,
    is_article_url,
    listing_page,
)
from spiders.base import ArchiveSpider, TrustedRun, iso_day

logger = logging.getLogger(__name__)

#: Scheduler priorities: articles before the next listing page, so that what a page's articles
#: teach (dates older than ``since``) is known before deciding to page on.
ARTICLE_PRIORITY = 10
LISTING_PRIORITY = 0


class HbdtSpider(ArchiveSpider):
    """Crawl HBĐT listings, congress articles and their related items into the archive."""

    name = "hbdt"
    source = "live"

    def __init__(self, start_urls: str | list[str] | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(start_urls, str):
            start_urls = [u.strip() for u in start_urls.split(",") if u.strip()]
        self.start_urls = list(start_urls or [DEFAULT_START_URL])
        self.allowed_hosts = {host(u) for u in self.start_urls} | set(SITE_HOSTS)
        self.allowed_domains = sorted(self.allowed_hosts)
        self.start_keys = {canonical_url(u) for u in self.start_urls}
        self.trusted: TrustedRun | None = None

    # -- start -------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Any]:
        """The start pages, then the pages that failed in earlier runs (at their depth)."""
        self.trusted = None if self.refresh else self.state.trusted_run(self.source, self.run_args())
        if self.trusted:
            logger.info("incremental: run %s covered these arguments (articles up to id %s)",
                        self.trusted.run_id, self.trusted.max_article_id)
        for url in self.start_urls:
            if is_article_url(url):
                yield from self.want_article(url, 0)
            else:
                yield self.listing_request(url)
        for url in list(self.state.failures):
            if not self.allowed(url):
                continue
            if self.done(url):  # archived since (through another page)
                yield from self.recovered(url)
                continue
            self.stat("failures_retried")
            if listing_page(url):
                if url not in self.start_keys:
                    yield self.listing_request(url)
            else:
                yield from self.want_article(url, self.state.failure_depth(url))

    # -- routing -----------------------------------------------------------------------------

    def allowed(self, url: str) -> bool:
        return host(url) in self.allowed_hosts

    def key_for(self, url: str) -> str | None:
        return canonical_url(url) if self.allowed(url) else None

    def listing_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(fetch_url(url), callback=self.parse_listing, errback=self.on_listing_error,
                              cb_kwargs={"key": canonical_url(url)}, priority=LISTING_PRIORITY)

    def article_request(self, url: str, key: str, depth: int, *, again: bool, near: str | None = None,
                        judge: bool = False) -> scrapy.Request:
        return scrapy.Request(fetch_url(url), callback=self.parse_article, errback=self.on_error,
                              cb_kwargs={"key": key, "depth": depth}, dont_filter=again,
                              priority=ARTICLE_PRIORITY - depth)

    # -- listing pages -------------------------------------------------------------------------

    def parse_listing(self, response: Response, key: str) -> Iterator[Any]:
        yield from self.recovered(key)
        page = ListingPage(response.body, url=response.url, encoding=getattr(response, "encoding", None))
        items = page.items()
        self.stat("listing_pages")
        considered = known = old = 0
        for item in items:
            # dated items older than ``since`` date the undated ones with smaller ids
            if self.date_verdict(iso_day(item.published_at)) == "old":
                self.note_old(item.article_id)
        for item in items:
            if not self.allowed(item.url):
                self.stat("offsite_skipped")
                continue
            considered += 1
            verdict = self.date_verdict(iso_day(item.published_at), item.article_id)
            if verdict == "old":
                old += 1
                continue
            if verdict == "new":
                continue
            if item.article_id is not None:
                self.listing_max_id = max(self.listing_max_id or 0, item.article_id)
            if self.listed_qualifies(item):
                requests = list(self.want_article(item.url, 0))
                if not requests and self.done(canonical_url(item.url)):
                    self.stat("already_archived")
                if not requests and self.trusted is not None:
                    known += 1
                yield from requests
            else:
                self.stat("listed_not_congress")
                if self.seen_before(item.article_id):
                    known += 1
        if not items:
            self.stat("listing_without_items")
            logger.warning("listing page without items: %s", response.url)
        next_url = page.next_page_url()
        if not next_url or not self.allowed(next_url):
            return
        if considered and old == considered:
            logger.info("paging stops at %s: every item is older than %s", response.url, self.since)
        elif considered and known + old == considered:
            logger.info("paging stops at %s: nothing new since run %s", response.url,
                        self.trusted.run_id if self.trusted else "?")
        elif considered:
            yield self.listing_request(next_url)

    def seen_before(self, article_id: int | None) -> bool:
        """Whether a listed non-congress item was already listed when the trusted run ran."""
        top = self.trusted.max_article_id if self.trusted else None
        return top is not None and article_id is not None and article_id <= top

    def on_listing_error(self, failure: Any) -> Iterator[Any]:
        for item in self.on_error(failure):
            if isinstance(item, FetchFailure) and item.url in self.start_keys:
                self.fatal = f"start page {item.url}: {item.reason}"
            yield item

    # -- articles ----------------------------------------------------------------------------

    def parse_article(self, response: Response, key: str, depth: int = 0) -> Iterator[Any]:
        page_url = response.request.meta.get("redirect_urls", [response.url])[0] if response.request \
            else response.url
        yield from self.handle_article(response.body, page_url=page_url, key=key, depth=depth,
                                       encoding=getattr(response, "encoding", None))

    def not_an_article(self, body: bytes, *, page_url: str, encoding: str | None) -> Iterator[Any]:
        """Count it and keep it raw for ``hbdt reparse``."""
        yield from super().not_an_article(body, page_url=page_url, encoding=encoding)
        self.stat("unparsed_pages")
        yield UnparsedPage(url=page_url, body=body, reason="not an article", encoding=encoding)
