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

from crawler.budget import ParseTimeout, time_budget
from crawler.items import FetchFailure, UnparsedPage
from crawler.pages import ListingPage
from crawler.urls import (
    DEFAULT_START_URL,
    SITE_HOSTS,
    canonical_url,
    endpoint,
    fetch_url,
    host,
    is_article_url,
    listing_page,
    mirrors,
    site_endpoints,
)
from spiders.base import ArchiveSpider, TrustedRun, iso_day

logger = logging.getLogger(__name__)

#: Scheduler priorities: articles before the next listing page, so that what a page's articles
#: teach (dates older than ``since``) is known before deciding to page on.
ARTICLE_PRIORITY = 10
LISTING_PRIORITY = 0
#: Defaults of ``HBDT_MAX_LISTING_PAGES`` (per run) and ``HBDT_MAX_LISTING_PAGES_PER_START``: an
#: endless pager stops there, and the page not read is recorded in ``failures`` (the next run goes on
#: from it). The whole 2006-2025 political section is some 2,000 pages.
DEFAULT_MAX_LISTING_PAGES = 10_000
DEFAULT_MAX_LISTING_PAGES_PER_START = 3_000


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
        #: listing pages requested this run, in all and per start page (``HBDT_MAX_LISTING_PAGES*``)
        self.listing_count = 0
        self.listing_per_start: dict[str, int] = {}
        self.max_listing_pages = DEFAULT_MAX_LISTING_PAGES
        self.max_listing_pages_per_start = DEFAULT_MAX_LISTING_PAGES_PER_START
        #: item URLs listed by the listing pages read this run (a pager that repeats stops)
        self.listed_seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> HbdtSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, HbdtSpider)
        settings = crawler.settings
        spider.max_listing_pages = settings.getint("HBDT_MAX_LISTING_PAGES", DEFAULT_MAX_LISTING_PAGES)
        spider.max_listing_pages_per_start = settings.getint("HBDT_MAX_LISTING_PAGES_PER_START",
                                                             DEFAULT_MAX_LISTING_PAGES_PER_START)
        return spider

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

    def endpoints(self) -> set[tuple[str, str, int]]:
        """The start URLs' endpoints, the site's (http/https, with or without ``www.``) and those
        of declared mirrors: a redirect anywhere else (another port of the same host included) is
        refused."""
        found = site_endpoints()
        for url in [*self.start_urls, *mirrors()]:
            point = endpoint(url)
            if point is not None:
                found.add(point)
        return found

    def allowed(self, url: str) -> bool:
        if self.allowed_endpoints is not None:
            return endpoint(url) in self.allowed_endpoints
        return host(url) in self.allowed_hosts

    def key_for(self, url: str) -> str | None:
        return canonical_url(url) if self.allowed(url) else None

    def listing_request(self, url: str, start: str | None = None) -> scrapy.Request:
        """The request for a listing page; ``start``: the start page its pager began at."""
        key = canonical_url(url)
        start = start or key
        self.listing_count += 1
        self.listing_per_start[start] = self.listing_per_start.get(start, 0) + 1
        return scrapy.Request(fetch_url(url), callback=self.parse_listing, errback=self.on_listing_error,
                              cb_kwargs={"key": key, "start": start}, priority=LISTING_PRIORITY)

    def listing_bound(self, start: str) -> str | None:
        """Which listing-page cap stops the pager of ``start`` now (the reason), else ``None``."""
        if self.listing_count >= self.max_listing_pages:
            return f"listing page cap reached (HBDT_MAX_LISTING_PAGES={self.max_listing_pages})"
        if self.listing_per_start.get(start, 0) >= self.max_listing_pages_per_start:
            return ("listing page cap reached "
                    f"(HBDT_MAX_LISTING_PAGES_PER_START={self.max_listing_pages_per_start})")
        return None

    def article_request(self, url: str, key: str, depth: int, *, again: bool, near: str | None = None,
                        judge: bool = False) -> scrapy.Request:
        return scrapy.Request(fetch_url(url), callback=self.parse_article, errback=self.on_error,
                              cb_kwargs={"key": key, "depth": depth}, dont_filter=again,
                              priority=ARTICLE_PRIORITY - depth)

    # -- listing pages -------------------------------------------------------------------------

    def parse_listing(self, response: Response, key: str, start: str | None = None) -> Iterator[Any]:
        yield from self.recovered(key)
        try:
            with time_budget(self.parse_timeout):
                page = ListingPage(response.body, url=response.url,
                                   encoding=getattr(response, "encoding", None))
                items = page.items()
                next_url = page.next_page_url()
        except Exception as exc:  # noqa: BLE001 - ParseTimeout or a parser bug: record the page
            self.stat("listing_parse_errors")
            self.stat("failed_requests")
            reason = str(exc) if isinstance(exc, ParseTimeout) else f"parse error: {type(exc).__name__}: {exc}"
            logger.error("listing page %s not parsed: %s", response.url, reason)
            if key in self.start_keys:
                self.start_failures[key] = reason
            yield FetchFailure(url=key, reason=reason[:300], status=None, depth=0)
            return
        self.stat("listing_pages")
        considered = known = old = fresh = 0
        for item in items:
            # dated items older than ``since`` date the undated ones with smaller ids
            if self.date_verdict(iso_day(item.published_at)) == "old":
                self.note_old(item.article_id)
        for item in items:
            if not self.allowed(item.url):
                self.stat("offsite_skipped")
                continue
            considered += 1
            if item.url not in self.listed_seen:
                self.listed_seen.add(item.url)
                fresh += 1
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
        if not next_url or not self.allowed(next_url):
            return
        if considered and not fresh:
            self.stat("listing_repeats")
            logger.warning("paging stops at %s: its items were all on earlier pages of this run", response.url)
        elif considered and old == considered:
            logger.info("paging stops at %s: every item is older than %s", response.url, self.since)
        elif considered and known + old == considered:
            logger.info("paging stops at %s: nothing new since run %s", response.url,
                        self.trusted.run_id if self.trusted else "?")
        elif considered:
            bound = self.listing_bound(start or key)
            if bound is None:
                yield self.listing_request(next_url, start or key)
            else:
                self.stat("listing_cap")
                self.stat("failed_requests")
                logger.warning("paging stops before %s: %s", next_url, bound)
                yield FetchFailure(url=canonical_url(next_url), reason=bound, status=None, depth=0)

    def seen_before(self, article_id: int | None) -> bool:
        """Whether a listed non-congress item was already listed when the trusted run ran."""
        top = self.trusted.max_article_id if self.trusted else None
        return top is not None and article_id is not None and article_id <= top

    def on_listing_error(self, failure: Any) -> Iterator[Any]:
        yield from self.on_error(failure)  # a start page's failure fails the run (see on_error)

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
