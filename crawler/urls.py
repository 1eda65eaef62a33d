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
    if not href or href.startswith("#") or href[:11].lower().startswith(("javascript:", "mailto:")):
        return None
    if "[" in href or "]" in href:
        try:  # an IPv6 bracket is the one shape urlsplit rejects (``http://[::1``): skip the link
            urlsplit(href)
        except ValueError:
            return None
    if href.startswith(("http://", "https://")) and "#" not in href and "/./" not in href and "/../" not in href:
        return href  # already absolute: the common fast path
    if base and href.startswith("/") and not href.startswith("//") and "#" not in href and "/." not in href:
        parts = urlsplit(base)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}{href}"
    try:
        url = urljoin(base or "", href)
        parts = urlsplit(url)
    except ValueError:  # malformed link: skipped, never a traceback
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def host(url: str) -> str:
    """Lower-case host name of ``url`` without port; ``""`` for a malformed URL."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_site_host(hostname: str) -> bool:
    """Whether ``hostname`` is baohoabinh.com.vn (with or without ``www.``)."""
    return hostname.lower() in SITE_HOSTS


def canonical_url(url: str) -> str:
    """The archive key of an article URL: site hosts (http/https, with or without ``www.``) become
    ``https://baohoabinh.com.vn/...``; any other host (a local mirror) is kept as is, minus fragment."""
    parts = urlsplit(url.strip())
    hostname = (parts.hostname or "").lower()
    if is_site_host(hostname):
        return urlunsplit(("https", SITE_HOST, parts.path, parts.query, ""))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


_WAYBACK_PREFIX_RE = re.compile(r"^(?:https?://[^/]+)?/web/(?P<ts>\d{1,14})(?:[a-z]{2}_)?/(?P<orig>.+)$", re.IGNORECASE)


def unwayback(url: str) -> tuple[str, str | None]:
    """Undo Wayback Machine link rewriting: ``/web/2019...id_/https://x/y`` → ``(https://x/y, ts)``.

    Any other URL comes back unchanged with ``None``.
    """
    m = _WAYBACK_PREFIX_RE.match(url.strip())
    if not m:
        return url, None
    orig = m.group("orig")
    if orig.startswith("//"):
        orig = "https:" + orig
    elif not re.match(r"^[a-z][a-z0-9+.-]*:", orig, re.IGNORECASE):
        orig = "http://" + orig
    orig = re.sub(r"^(https?):/(?!/)", r"\1://", orig)
    return orig, m.group("ts")
