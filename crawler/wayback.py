"""The Internet Archive's Wayback Machine as a source: CDX discovery and raw capture URLs.

* CDX API (``{base}/cdx/search/cdx``): one row per captured URL (``collapse=urlkey``), status 200
  only, JSON output whose first row names the fields; big results are paged with
  ``showResumeKey=true``: the array then ends with ``[]`` and ``[resume key]``, passed back as
  ``resumeKey`` for the next page.
* Raw capture: ``{base}/web/{timestamp}id_/{original}`` gives the page as captured, without the
  archive's toolbar or link rewriting; a timestamp with no exact capture redirects to the nearest.

Everything here is pure (no I/O): the spider in :mod:`spiders.wayback` does the fetching.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode, urlsplit

from crawler.urls import SITE_HOST, canonical_url, is_article_url, is_site_host, listing_page, unwayback

logger = logging.getLogger(__name__)

#: The real archive.
DEFAULT_WAYBACK_URL = "https://web.archive.org"
#: What the CDX query asks for: every URL under the site (``www.`` is folded in by SURT keys).
DEFAULT_CDX_TARGET = f"{SITE_HOST}/"
#: Fields of a CDX row, in the order the API returns them by default.
CDX_FIELDS: tuple[str, ...] = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")

_TIMESTAMP_RE = re.compile(r"^\d{4,14}$")


@dataclass(frozen=True)
class CdxRow:
    """One CDX row: a capture of ``original`` at ``timestamp`` (``YYYYMMDDhhmmss``)."""

    timestamp: str
    original: str
    mimetype: str | None = None
    statuscode: str | None = None
    urlkey: str | None = None
    digest: str | None = None
    length: str | None = None


@dataclass
class CdxPage:
    """One page of CDX results and the key of the next page (``None`` on the last page)."""

    rows: list[CdxRow] = field(default_factory=list)
    resume_key: str | None = None


def wayback_base(url: str | None) -> str:
    """The archive base URL without a trailing slash (default: the real archive)."""
    return (url or DEFAULT_WAYBACK_URL).rstrip("/")


def day_timestamp(day: date, *, end_of_day: bool = False) -> str:
    """A 14-digit timestamp at the start (or end) of ``day``: ``20190901000000``."""
    return day.strftime("%Y%m%d") + ("235959" if end_of_day else "000000")


def timestamp_day(timestamp: str | None) -> date | None:
    """The day of a Wayback timestamp (``"20200315123000"`` → 2020-03-15); ``None`` if unreadable."""
    if not timestamp or not _TIMESTAMP_RE.match(timestamp) or len(timestamp) < 8:
        return None
    try:
        return date(int(timestamp[:4]), int(timestamp[4:6]), int(timestamp[6:8]))
    except ValueError:
        return None


def full_timestamp(timestamp: str) -> str:
    """Pad a partial timestamp (``"2020"``) to 14 digits (``"20200101000000"``)."""
    defaults = "00000101000000"
    return timestamp + defaults[len(timestamp):] if len(timestamp) < 14 else timestamp[:14]


def cdx_query_url(base: str, *, since: date | None = None, until: date | None = None, limit: int = 5000,
                  resume_key: str | None = None, target: str = DEFAULT_CDX_TARGET) -> str:
    """The CDX search URL for every capture under ``target`` between ``since`` and ``until``.

    Status 200 HTML captures only, one row per URL (``collapse=urlkey``: the first capture in the
    window), ``limit`` rows a page with a resume key.
    """
    params: list[tuple[str, str]] = [
        ("url", target),
        ("matchType", "prefix"),
        ("output", "json"),
        ("fl", ",".join(CDX_FIELDS)),
        ("filter", "statuscode:200"),
        ("filter", "mimetype:text/html"),
        ("collapse", "urlkey"),
    ]
    if since is not None:
        params.append(("from", since.strftime("%Y%m%d")))
    if until is not None:
        params.append(("to", until.strftime("%Y%m%d")))
    params.append(("limit", str(limit)))
    params.append(("showResumeKey", "true"))
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{wayback_base(base)}/cdx/search/cdx?{urlencode(params)}"


def parse_cdx_json(body: bytes | str) -> CdxPage:
    """Rows and resume key of a CDX JSON answer; an empty page for anything unreadable.

    The first row names the fields; with ``showResumeKey`` the rows end with ``[]`` and
    ``["<key>"]``. Rows missing a timestamp or an original URL are dropped.
    """
    try:
        data = json.loads(body.decode("utf-8", "replace") if isinstance(body, bytes) else body)
    except ValueError:
        logger.warning("CDX answer is not JSON")
        return CdxPage()
    if not isinstance(data, list) or not data or not isinstance(data[0], list):
        return CdxPage()
    header = [str(h) for h in data[0]]
    if "timestamp" not in header or "original" not in header:
        header = list(CDX_FIELDS)
        rows_data = data
    else:
        rows_data = data[1:]
    page = CdxPage()
    for pos, row in enumerate(rows_data):
        if not isinstance(row, list):
            continue
        if not row:
            # the separator before the resume key
            tail = rows_data[pos + 1:]
            if tail and isinstance(tail[0], list) and len(tail[0]) == 1 and tail[0][0]:
                page.resume_key = str(tail[0][0])
            break
        values = dict(zip(header, (str(v) if v is not None else None for v in row), strict=False))
        ts, orig = values.get("timestamp"), values.get("original")
        if not ts or not orig or not _TIMESTAMP_RE.match(ts):
            continue
        page.rows.append(CdxRow(timestamp=ts, original=orig, mimetype=values.get("mimetype"),
                                statuscode=values.get("statuscode"), urlkey=values.get("urlkey"),
                                digest=values.get("digest"), length=values.get("length")))
    return page


def capture_url(base: str, timestamp: str, original: str) -> str:
    """The raw (``id_``) capture URL of ``original`` at ``timestamp``."""
    return f"{wayback_base(base)}/web/{timestamp}id_/{original}"


def split_capture_url(url: str) -> tuple[str, str] | None:
    """``(original, timestamp)`` of a capture URL, or ``None`` if ``url`` is not one."""
    original, timestamp = unwayback(url)
    if timestamp is None:
        return None
    return original, timestamp


def site_url(url: str | None) -> str | None:
    """The canonical ``https://baohoabinh.com.vn/...`` URL of a site link, else ``None``."""
    if not url:
        return None
    hostname = (urlsplit(url).hostname or "").lower()
    if not is_site_host(hostname):
        return None
    return canonical_url(url)


def row_kind(row: CdxRow) -> str | None:
    """``"article"``, ``"listing"`` or ``None`` (anything else on the site) for a CDX row."""
    url = site_url(row.original)
    if url is None:
        return None
    if is_article_url(url):
        return "article"
    if listing_page(url):
        return "listing"
    return None


@dataclass
class CaptureIndex:
    """What CDX discovery found: the chosen capture timestamp of each article and listing URL.

    Keys are canonical site URLs; the first capture seen for a URL is kept (CDX returns the
    earliest capture in the window first when collapsing by URL key).
    """

    articles: dict[str, str] = field(default_factory=dict)
    listings: dict[str, str] = field(default_factory=dict)
    other: int = 0

    def add(self, row: CdxRow) -> str | None:
        """Record ``row``; return its kind (``article``/``listing``) or ``None`` if it is neither."""
        kind = row_kind(row)
        url = site_url(row.original)
        if kind is None or url is None:
            self.other += 1
            return None
        target = self.articles if kind == "article" else self.listings
        target.setdefault(url, row.timestamp)
        return kind

    def timestamp_for(self, url: str, near: str | None) -> str | None:
        """The known capture timestamp of ``url``, else ``near`` (the archive redirects to the
        nearest capture), else ``None``."""
        key = site_url(url)
        if key is None:
            return None
        return self.articles.get(key) or self.listings.get(key) or near
