"""What the live spider (``hbdt``) and the Wayback spider (``hbdt_wayback``) share.

Routing only: which page to fetch, at which depth, and what to do with the answer. Extraction is
the page objects' job (:mod:`crawler.pages`); no selector lives here or in the spiders.

* **The archive is the record of what is done.** :class:`ArchiveState` reads it (the pipeline is
  the only writer): archived URLs, their "Các tin khác" edges, stored raw pages, pending failures
  and earlier ``crawl_runs``. No JOBDIR: a run killed at any moment (SIGKILL included) leaves a
  consistent archive (each batch is one SQLite transaction) and the next run fetches what is
  missing: listed items not archived, and related items of archived ones not archived yet.
* **Depth.** 0 for a listed item (or a Wayback capture found by CDX), ``d + 1`` for a related item
  of a depth-``d`` article. Related items are followed while ``depth < related_depth``. A URL met
  first as a related item and later as a listed one is upgraded to the smaller depth.
* **Failures.** A request that still fails after Scrapy's retries becomes a
  :class:`~crawler.items.FetchFailure` (the pipeline records it with its depth); the next run
  retries it at that depth and a :class:`~crawler.items.FetchRecovered` clears it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError as TxCancelledError
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefused
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TxTimeoutError

from crawler.archive import archived_urls, open_archive, pending_failures, skipped_urls
from crawler.budget import ParseTimeout, time_budget
from crawler.congress import is_congress
from crawler.items import (
    ArticleRecord,
    CrawledArticle,
    FetchFailure,
    FetchRecovered,
    ListingItem,
    SkippedPage,
    UnparsedPage,
)
from crawler.middlewares import OffEndpointRequest
from crawler.pages import ArticlePage
from crawler.pipelines import LISTING_MAX_ID_KEY
from crawler.timeutil import now_iso
from crawler.urls import set_mirrors

logger = logging.getLogger(__name__)

#: Rank booked for a listed item that was fetched but not archived (out of the window, not congress).
REJECTED_RANK = (99, True)
#: What is remembered of an article archived at depth 0 (it cannot be met at a smaller depth).
NOTHING_KEPT: tuple[tuple[str, ...], None] = ((), None)
#: Statuses that end a crawl run successfully (failed pages are recorded and retried next run).
FINISHED_STATUSES = ("ok", "partial")

#: Default of ``HBDT_PARSE_TIMEOUT``: seconds one page parse may take before it is given up.
DEFAULT_PARSE_TIMEOUT = 30.0
#: Default of ``HBDT_MAX_RELATED_DEPTH``: the deepest ``related_depth`` a run follows.
DEFAULT_MAX_RELATED_DEPTH = 5


def flag(value: Any) -> bool:
    """A spider argument as a boolean (``-a refresh=1``, ``true``, ``yes``, ``on``)."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def day_arg(value: Any) -> date | None:
    """A ``YYYY-MM-DD`` spider argument as a date (``None`` when empty)."""
    if value in (None, "", False):
        return None
    return date.fromisoformat(str(value))


def iso_day(value: str | None) -> date | None:
    """The day of an ISO 8601 date or date-time, ``None`` when unreadable."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


#: Reason recorded for an answer over ``DOWNLOAD_MAXSIZE`` (announced, received or decompressed).
TOO_LARGE = "too large (over DOWNLOAD_MAXSIZE)"


def oversize(exc: BaseException) -> bool:
    """Whether ``exc`` is Scrapy refusing an answer for its size: an announced or received body
    over ``DOWNLOAD_MAXSIZE`` (the download is cancelled) or a compressed body that decompresses
    past it (``HttpCompressionMiddleware`` ignores it)."""
    if isinstance(exc, (DownloadCancelledError, TxCancelledError)):
        return True
    return isinstance(exc, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(exc)


def describe_failure(failure: Any) -> tuple[str, int | None]:
    """A short reason and the HTTP status (if any) for a failed request's Twisted failure."""
    exc = getattr(failure, "value", failure)
    if oversize(exc):
        return TOO_LARGE, None
    if isinstance(exc, OffEndpointRequest):
        return str(exc), None
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"HTTP {status}", status
    if isinstance(exc, (DownloadTimeoutError, TxTimeoutError, TCPTimedOutError)):
        return "timeout", None
    if isinstance(exc, ResponseDataLossError):
        return "truncated body (data loss)", None
    if isinstance(exc, (DownloadConnectionRefusedError, TxConnectionRefused)):
        return "connection refused", None
    if isinstance(exc, (CannotResolveHostError, DNSLookupError)):
        return "DNS lookup failed", None
    if isinstance(exc, IgnoreRequest):
        return f"not fetched: {exc}" if str(exc) else "not fetched", None
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__), None


def run_args_cover(previous: dict[str, Any], current: dict[str, Any]) -> bool:
    """Whether a finished run with ``previous`` arguments covered everything a run with
    ``current`` arguments would archive (same start URLs, a window at least as wide, at least the
    same depth and topics)."""
    if sorted(previous.get("start_urls") or []) != sorted(current.get("start_urls") or []):
        return False
    if previous.get("wayback_url") != current.get("wayback_url"):
        return False
    p_since, c_since = day_arg(previous.get("since")), day_arg(current.get("since"))
    if p_since is not None and (c_since is None or c_since < p_since):
        return False
    p_until, c_until = day_arg(previous.get("until")), day_arg(current.get("until"))
    if p_until is not None and (c_until is None or c_until > p_until):
        return False
    if int(previous.get("related_depth") or 0) < int(current.get("related_depth") or 0):
        return False
    return flag(previous.get("all_topics", False)) or not flag(current.get("all_topics", False))


def _json_dict(text: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass
class TrustedRun:
    """The latest finished run whose arguments cover this one: what it saw is known."""

    run_id: int
    ended_at: str
    max_article_id: int | None
    """The highest article id listed on the listing pages that run read (ids are one sequence
    growing with time, so every item with a smaller id was already on those pages then)."""


class ArchiveState:
    """Read-only view of the archive for routing decisions (the pipeline does all writing)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.db = open_archive(path) if path else None
        self.archived: set[str] = archived_urls(self.db) if self.db is not None else set()
        self.raw: set[str] = set()
        self.failures: dict[str, int | None] = {}
        #: pages an earlier run fetched and chose not to archive → the reason (not fetched again)
        self.skipped: dict[str, str] = {}
        if self.db is not None:
            self.raw = {row[0] for row in self.db.execute("SELECT url FROM raw_pages")}
            for row in pending_failures(self.db):
                self.failures[row["url"]] = row["depth"]
            self.skipped = skipped_urls(self.db)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def related_of(self, url: str) -> list[str]:
        """Canonical URLs of the "Các tin khác" items recorded for the archived article ``url``."""
        if self.db is None:
            return []
        rows = self.db.execute(
            "SELECT r.url FROM related r JOIN articles a ON a.id = r.article_id WHERE a.url = ? ORDER BY r.position",
            [url],
        ).fetchall()
        return [row[0] for row in rows]

    def has_parent(self, url: str) -> bool:
        """Whether some archived article lists ``url`` among its related items."""
        if self.db is None:
            return False
        return self.db.execute("SELECT 1 FROM related WHERE url = ? LIMIT 1", [url]).fetchone() is not None

    def failure_depth(self, url: str) -> int:
        """The depth to retry a recorded failure at: the recorded one, else 1 when an archived
        article lists it as related (a related item), else 0 (a listed item or a listing page)."""
        depth = self.failures.get(url)
        if depth is not None:
            return depth
        return 1 if self.has_parent(url) else 0

    def trusted_run(self, source: str, args: dict[str, Any]) -> TrustedRun | None:
        """The latest finished (``ok``/``partial``) run of ``source`` whose arguments cover ``args``.

        Paging may stop at already-known items only when such a run exists: after a killed or
        failed run nothing below the point it reached is known to be done.
        """
        if self.db is None:
            return None
        rows = self.db.execute(
            "SELECT id, ended_at, args, counts FROM crawl_runs WHERE status IN (?, ?) AND source = ? "
            "AND ended_at IS NOT NULL ORDER BY id DESC LIMIT 50",
            [*FINISHED_STATUSES, source],
        ).fetchall()
        for run_id, ended_at, raw_args, raw_counts in rows:
            previous, counts = _json_dict(raw_args), _json_dict(raw_counts)
            if previous is not None and run_args_cover(previous, args):
                top = (counts or {}).get(LISTING_MAX_ID_KEY)
                return TrustedRun(run_id=int(run_id), ended_at=str(ended_at),
                                  max_article_id=int(top) if isinstance(top, int) else None)
        return None


class ArchiveSpider(scrapy.Spider):
    """Base of the hbdt spiders: arguments, depth bookkeeping, article handling, failures.

    Subclasses define :meth:`key_for` (the archive key of a URL they may fetch, ``None`` if not)
    and :meth:`article_request`.
    """

    source = "live"
    def __init__(self, all_topics: Any = False, related_depth: Any = 1, since: Any = None, until: Any = None,
                 refresh: Any = False, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.all_topics = flag(all_topics)
        self.related_depth = int(related_depth)
        self.since = day_arg(since)
        self.until = day_arg(until)
        self.refresh = flag(refresh)
        self.state = ArchiveState(None)
        #: canonical key → (depth, judge) of the strongest request made this run
        self.requested: dict[str, tuple[int, bool]] = {}
        #: keys whose answer has been handled this run
        self.handled: set[str] = set()
        #: key → (related URLs, capture timestamp) of each article archived this run
        self.kept: dict[str, tuple[tuple[str, ...], str | None]] = {}
        #: key → smallest depth at which it was wanted as a related item (a listed item out of the
        #: date window, or not congress, is still archived when an archived article relates it)
        self.related_wish: dict[str, int] = {}
        #: highest article id seen older than ``since`` (ids grow with time)
        self.old_id_floor: int | None = None
        #: set when the run could not do its job (discovery failed); see :attr:`fatal`
        self._fatal: str | None = None
        #: start page key → why it failed (every start page failing fails the run)
        self.start_failures: dict[str, str] = {}
        #: highest article id shown by the listing pages read this run (kept in the run's counts)
        self.listing_max_id: int | None = None
        #: canonical keys of the start pages (a start page that fails fails the run)
        self.start_keys: set[str] = set()
        #: ``(scheme, host, port)`` the crawl may fetch (``EndpointMiddleware``); None: no check
        self.allowed_endpoints: set[tuple[str, str, int]] | None = None
        #: seconds one page parse may take (``HBDT_PARSE_TIMEOUT``)
        self.parse_timeout: float = DEFAULT_PARSE_TIMEOUT

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, ArchiveSpider)
        spider.state = ArchiveState(crawler.settings.get("HBDT_DB"))
        spider.parse_timeout = crawler.settings.getfloat("HBDT_PARSE_TIMEOUT", DEFAULT_PARSE_TIMEOUT)
        max_depth = crawler.settings.getint("HBDT_MAX_RELATED_DEPTH", DEFAULT_MAX_RELATED_DEPTH)
        if spider.related_depth > max_depth:
            logger.warning("related_depth %d is over HBDT_MAX_RELATED_DEPTH: following related items %d deep",
                           spider.related_depth, max_depth)
            spider.related_depth = max_depth
        # a mirror's pages are archived under the canonical URLs of the site it mirrors
        set_mirrors(crawler.settings.get("HBDT_MIRRORS"))
        spider.allowed_endpoints = spider.endpoints()
        return spider

    @property
    def fatal(self) -> str | None:
        """Why the run could not do its job (``None`` when it could): discovery failed, or every
        start page failed or was refused (one failed start page among others makes it partial)."""
        if self._fatal:
            return self._fatal
        if self.start_keys and self.start_keys <= set(self.start_failures):
            return "; ".join(f"start page {key}: {why}" for key, why in sorted(self.start_failures.items()))
        return None

    @fatal.setter
    def fatal(self, reason: str | None) -> None:
        self._fatal = reason

    def endpoints(self) -> set[tuple[str, str, int]] | None:
        """The ``(scheme, host, port)`` this spider may fetch (``None``: no check)."""
        return None

    def closed(self, reason: str) -> None:
        self.state.close()
        set_mirrors(None)

    def run_args(self) -> dict[str, Any]:
        """The arguments recorded in ``crawl_runs`` (and compared by :func:`run_args_cover`)."""
        return {
            "start_urls": list(getattr(self, "start_urls", [])),
            "all_topics": self.all_topics,
            "related_depth": self.related_depth,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "refresh": self.refresh,
        }

    # -- subclass hooks -------------------------------------------------------------------------

    def key_for(self, url: str) -> str | None:
        """The archive key (canonical URL) of ``url``, or ``None`` when it may not be fetched."""
        raise NotImplementedError

    def article_request(self, url: str, key: str, depth: int, *, again: bool, near: str | None = None,
                        judge: bool = False) -> scrapy.Request:
        """The request for the article at ``url`` (``again``: bypass the duplicate filter)."""
        raise NotImplementedError

    # -- bookkeeping -----------------------------------------------------------------------------

    def stat(self, name: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"hbdt/{name}", count)

    def done(self, key: str) -> bool:
        """Whether ``key`` needs no fetching: archived (or kept raw for ``hbdt reparse``), unless
        ``refresh``."""
        return not self.refresh and (key in self.state.archived or key in self.state.raw)

    def claim(self, key: str, depth: int, judge: bool = False) -> str | None:
        """Book ``key`` at ``depth``. Returns what to do:

        ``"new"``: request it; ``"pending"``: its request is on its way and will be handled at
        this depth; ``"expand"``: it was archived this run at a greater depth: follow its related
        items from here; ``"again"``: it was answered but not archived (out of the window, not
        congress, failed): request it again past the duplicate filter; ``None``: already covered.
        """
        rank = (depth, judge)
        if depth > 0:
            self.related_wish[key] = min(self.related_wish.get(key, depth), depth)
        previous = self.requested.get(key)
        if previous is not None and previous <= rank:
            return None
        self.requested[key] = rank
        if previous is None:
            return "new"
        if key not in self.handled:
            return "pending"
        return "expand" if key in self.kept else "again"

    def want_article(self, url: str, depth: int, *, near: str | None = None,
                     judge: bool = False) -> Iterator[scrapy.Request]:
        """Request the article at ``url`` at ``depth`` unless it is off-site, done or booked.

        For an article archived by an earlier run, its recorded related items are followed
        instead (so that a crawl killed between an article and its related items completes next
        time); for one archived by this run at a greater depth, its related items are followed
        from the smaller depth without fetching it again.
        """
        key = self.key_for(url)
        if key is None:
            self.stat("offsite_skipped")
            return
        if self.done(key):
            if self.claim(key, depth, judge) is not None:
                self.handled.add(key)
                yield from self.expand_archived(key, depth)
            return
        booked = self.claim(key, depth, judge)
        if booked in ("new", "again"):
            self.stat("article_requests")
            yield self.article_request(url, key, depth, again=booked == "again", near=near, judge=judge)
        elif booked == "expand":
            related, capture_timestamp = self.kept[key]
            yield from self.follow(related, depth, near=capture_timestamp)

    def follow(self, related: Iterable[str], depth: int, *, near: str | None = None) -> Iterator[scrapy.Request]:
        """Request the related items of an article archived at ``depth``, if that is not too deep."""
        if depth >= self.related_depth:
            return
        for url in related:
            yield from self.want_article(url, depth + 1, near=near)

    def expand_archived(self, key: str, depth: int) -> Iterator[scrapy.Request]:
        """Follow the recorded related items of the archived article ``key`` (at ``depth``)."""
        if depth < self.related_depth:
            yield from self.follow(self.state.related_of(key), depth)

    # -- dates -------------------------------------------------------------------------------

    def date_verdict(self, day: date | None, article_id: int | None = None) -> str | None:
        """``"old"`` (before ``since``), ``"new"`` (after ``until``) or ``None`` (in range or
        unknown). An article id at or below the highest id already seen older than ``since`` is old."""
        if day is not None:
            if self.since and day < self.since:
                return "old"
            if self.until and day > self.until:
                return "new"
            return None
        if self.since and article_id is not None and self.old_id_floor is not None \
                and article_id <= self.old_id_floor:
            return "old"
        return None

    def note_old(self, article_id: int | None) -> None:
        if article_id is not None:
            self.old_id_floor = max(self.old_id_floor or 0, article_id)

    def listed_qualifies(self, item: ListingItem) -> bool:
        """Whether a listed item is archived: congress coverage by its listed title and lead (the
        rule of :func:`crawler.congress.is_congress`), or anything with ``all_topics``."""
        return self.all_topics or is_congress(item.title, item.lead, item.category_id)

    # -- answers -----------------------------------------------------------------------------

    def recovered(self, key: str) -> Iterator[FetchRecovered]:
        if key in self.state.failures:
            del self.state.failures[key]
            yield FetchRecovered(url=key)

    def handle_article(self, body: bytes, *, page_url: str, key: str, depth: int, encoding: str | None,
                       capture_timestamp: str | None = None, judge: bool = False) -> Iterator[Any]:
        """Parse an article answer and yield its item and the requests for its related items.

        ``depth``/``judge`` are those of the request; an upgrade booked meanwhile wins. At depth 0
        the ``since``/``until`` window applies (related items are kept whatever their date: they
        are the context of an in-range article); ``judge`` (a Wayback capture found by CDX, not
        by a listing) archives it only if the article itself is congress coverage.
        """
        depth, judge = self.requested.get(key, (depth, judge))
        self.handled.add(key)
        yield from self.recovered(key)
        try:
            with time_budget(self.parse_timeout):
                page = ArticlePage(body, url=page_url, encoding=encoding)
                record = page.to_record() if page.is_article() else None
        except ParseTimeout as exc:
            self.stat("parse_timeouts")
            self.stat("failed_requests")
            logger.error("gave up parsing %s: %s", page_url, exc)
            yield FetchFailure(url=key, reason=str(exc), status=None, depth=depth)
            return
        except Exception as exc:  # noqa: BLE001 - a parser bug must not lose the page: it is kept raw
            self.stat("parse_errors")
            self.stat("unparsed_pages")
            logger.exception("parser error on %s: kept raw for hbdt reparse", page_url)
            yield UnparsedPage(url=page_url, body=body, reason=f"parse error: {type(exc).__name__}: {exc}"[:300],
                               encoding=encoding)
            return
        if record is None:
            yield from self.not_an_article(body, page_url=page_url, encoding=encoding)
            return
        record.url = page_url
        rejection = self.rejection(record, depth, judge)
        if rejection is not None:
            wish = self.related_wish.get(key)
            if wish is None:
                self.stat(rejection)
                if rejection == "not_congress":
                    yield SkippedPage(url=key, reason=rejection, source=self.source)
                # a later related link to it books it again (and fetches it past the duplicate filter)
                self.requested[key] = REJECTED_RANK
                return
            depth = wish  # an archived article relates it: archived as that related item
        self.requested[key] = (depth, False)
        related = tuple(rel.url for rel in record.related if rel.url)
        # only a related item can be met again at a smaller depth: keep the others' links short
        self.kept[key] = (related, capture_timestamp) if depth > 0 else NOTHING_KEPT
        yield CrawledArticle(record=record, fetched_at=now_iso(), source=self.source,
                             capture_timestamp=capture_timestamp, depth=depth)
        self.stat(f"archived_depth_{depth}")
        yield from self.follow(related, depth, near=capture_timestamp)

    def rejection(self, record: ArticleRecord, depth: int, judge: bool) -> str | None:
        """Why a parsed article is not archived at ``depth`` (the stat to count), else ``None``:
        the date window and, for ``judge``, the topic apply at depth 0 only."""
        if depth > 0:
            return None
        verdict = self.date_verdict(iso_day(record.published_at))
        if verdict == "old":
            self.note_old(record.article_id)
        if verdict is not None:
            return f"out_of_range_{verdict}"
        if judge and not (self.all_topics or record.is_congress):
            return "not_congress"
        return None

    def not_an_article(self, body: bytes, *, page_url: str, encoding: str | None) -> Iterator[Any]:
        """What to do with an answer that is not an article (subclasses add to this)."""
        logger.warning("not an article page: %s", page_url)
        return iter(())

    def on_error(self, failure: Any) -> Iterator[Any]:
        """Errback: a request failed after its retries; record it with its depth.

        A request Scrapy refused to send because robots.txt forbids it is not a failure: it is
        skipped and counted (``not_fetched``). An answer over ``DOWNLOAD_MAXSIZE`` and a redirect
        to another scheme, host or port are failures (recorded, with their reason)."""
        request = failure.request
        key = request.cb_kwargs.get("key") or request.url
        depth = self.requested.get(key, (request.cb_kwargs.get("depth", 0), False))[0]
        self.handled.add(key)
        reason, status = describe_failure(failure)
        exc = failure.value
        if key in self.start_keys:
            self.start_failures[key] = reason
        if oversize(exc):
            self.stat("too_large")
        elif isinstance(exc, IgnoreRequest) and not isinstance(exc, HttpError) and not (
                isinstance(exc, OffEndpointRequest) and exc.redirected_from):
            self.stat("not_fetched")
            logger.info("not fetched: %s (%s)", request.url, reason)
            return
        self.stat("failed_requests")
        logger.error("request failed after retries: %s (%s)", request.url, reason)
        yield FetchFailure(url=key, reason=reason, status=status, depth=depth)
