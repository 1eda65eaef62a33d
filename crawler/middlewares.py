"""Downloader middlewares of the ``hbdt`` crawl.

:class:`RetryAfterMiddleware`: Scrapy's ``RetryMiddleware`` retries a 429 or 503 at once, ignoring
the server's ``Retry-After`` header. This middleware sits just inside it (order 560, so its
``process_response`` runs first) and, when a retryable answer carries ``Retry-After``, waits that
long (capped by ``HBDT_RETRY_AFTER_MAX`` seconds, default 60) before handing the response on to
``RetryMiddleware``, which then schedules the retry. Other requests keep flowing meanwhile.

:class:`EndpointMiddleware`: Scrapy's offsite check compares host names only, so a redirect to
another port or scheme of an allowed host was followed. This one refuses any request (a redirect
included: Scrapy schedules redirects as new requests) whose ``(scheme, host, port)`` is not among
the spider's ``allowed_endpoints``; the refusal reaches the spider's errback as
:class:`OffEndpointRequest`.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep

from crawler.urls import endpoint

logger = logging.getLogger(__name__)

#: Default cap, in seconds, of a ``Retry-After`` wait.
DEFAULT_RETRY_AFTER_MAX = 60.0
_SECONDS_RE = re.compile(r"^\s*(\d{1,9}(?:\.\d+)?)\s*$")


def retry_after_seconds(value: str | bytes | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds (``"120"``) or an HTTP date.

    ``None`` when the value is missing or unreadable; a date in the past gives ``0.0``.
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    m = _SECONDS_RE.match(text)
    if m:
        return float(m.group(1))
    try:
        when = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now or datetime.now(timezone.utc)
    return max(0.0, (when - current).total_seconds())


class RetryAfterMiddleware:
    """Honour ``Retry-After`` on retryable answers before ``RetryMiddleware`` retries them.

    Settings: ``HBDT_RETRY_AFTER_MAX`` (cap in seconds, default 60; 0 disables waiting),
    ``RETRY_ENABLED``, ``RETRY_TIMES`` and ``RETRY_HTTP_CODES`` (shared with ``RetryMiddleware``:
    no wait when the request will not be retried anyway).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.cap = settings.getfloat("HBDT_RETRY_AFTER_MAX", DEFAULT_RETRY_AFTER_MAX)
        self.codes = {int(c) for c in settings.getlist("RETRY_HTTP_CODES")}
        self.max_retries = settings.getint("RETRY_TIMES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    def wait_for(self, request: Request, response: Response) -> float:
        """How long to wait before ``response`` is retried (0 when it will not be, or no header)."""
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return 0.0
        retries = request.meta.get("retry_times", 0)
        if retries >= request.meta.get("max_retry_times", self.max_retries):
            return 0.0
        seconds = retry_after_seconds(response.headers.get(b"Retry-After"))
        if seconds is None:
            return 0.0
        return min(seconds, self.cap)

    async def process_response(self, request: Request, response: Response) -> Response:
        wait = self.wait_for(request, response)
        if wait > 0:
            logger.info("%s answered %s with Retry-After: waiting %.1f s before retrying",
                        request.url, response.status, wait)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("hbdt/retry_after_waits")
                self.crawler.stats.inc_value("hbdt/retry_after_seconds", round(wait))
            await sleep(wait)
        return response


class OffEndpointRequest(IgnoreRequest):
    """A request to an endpoint (scheme, host, port) the crawl may not fetch; ``url`` is it."""

    def __init__(self, url: str, redirected_from: str | None = None) -> None:
        self.url = url
        self.redirected_from = redirected_from
        what = f"redirected off-site to {url}" if redirected_from else f"off-site URL {url}"
        super().__init__(what)


class EndpointMiddleware:
    """Refuse requests whose endpoint is not in ``spider.allowed_endpoints`` (when it has one).

    Counts ``hbdt/off_endpoint_refused``. Requests the middleware cannot judge (no such attribute on
    the spider) pass untouched.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EndpointMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        allowed = getattr(self.crawler.spider, "allowed_endpoints", None)
        if allowed is None:
            return
        if endpoint(request.url) in allowed:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("hbdt/off_endpoint_refused")
        redirects = request.meta.get("redirect_urls") or []
        logger.warning("refused %s: not an allowed scheme/host/port%s", request.url,
                       f" (redirected from {redirects[0]})" if redirects else "")
        raise OffEndpointRequest(request.url, redirects[0] if redirects else None)
