"""URL shapes of baohoabinh.com.vn: articles, category listings, hosts."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

SITE_HOST = "baohoabinh.com.vn"
SITE_HOSTS: frozenset[str] = frozenset({SITE_HOST, "www." + SITE_HOST})
DEFAULT_START_URL = "https://baohoabinh.com.vn/11/page/1/CHINH-TRI.htm"

ARTICLE_PATH_RE = re.compile(r"^/(?P<cat>\d{1,5})/(?P<id>\d{2,9})/(?P<slug>[^/?#]+)\.html?$", re.IGNORECASE)
LISTING_PATH_RE = re.compile(r"^/(?P<cat>\d{1,5})/page/(?P<page>\d{1,6})/(?P<slug>[^/?#]+)\.html?$", re.IGNORECASE)


def article_ids(url: str | None) -> tuple[int, int] | None:
    """``(category_id, article_id)`` of an article URL, or ``None`` if ``url`` is not an article."""
    if not url:
        return None
    m = ARTICLE_PATH_RE.match(urlsplit(url).path)
    if not m:
        return None
    return int(m.group("cat")), int(m.group("id"))


def is_article_url(url: str | None) -> bool:
    """Whether ``url`` has the article shape ``/{cat}/{id}/{slug}.htm``."""
    return article_ids(url) is not None


def listing_page(url: str | None) -> tuple[int, int] | None:
    """``(category_id, page)`` of a listing URL ``/{cat}/page/{n}/{SLUG}.htm``, else ``None``."""
    if not url:
        return None
    m = LISTING_PATH_RE.match(urlsplit(url).path)
    if not m:
        return None
    return int(m.group("cat")), int(m.group("page"))


def absolute(base: str | None, href: str | None) -> str | None:
    """Resolve ``href`` against ``base``; drop the fragment. ``None`` for empty/javascript links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
        return None
    url = urljoin(base or "", href)
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def host(url: str) -> str:
    """Lower-case host name of ``url`` without port."""
    return (urlsplit(url).hostname or "").lower()


def is_site_host(hostname: str) -> bool:
    """Whether ``hostname`` is baohoabinh.com.vn (with or without ``www.``)."""
    return hostname.lower() in SITE_HOSTS
