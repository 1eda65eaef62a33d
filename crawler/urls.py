"""URL shapes of baohoabinh.com.vn: articles, category listings, hosts."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
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


#: Mirror origin (``http://127.0.0.1:8000``) → the canonical origin it mirrors
#: (``https://baohoabinh.com.vn``); filled from the ``HBDT_MIRRORS`` setting while a crawl runs.
_MIRRORS: dict[str, str] = {}


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, lower-cased (``""`` when it has none)."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


_DEFAULT_PORTS = {"http": 80, "https": 443}


def endpoint(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` a request for ``url`` goes to, the port filled in from the scheme
    (``http://x/`` and ``http://x:80/`` are one endpoint); ``None`` for a malformed URL or one with
    no host. What the crawl's origin check compares: a redirect to another scheme or port of the
    same host is another endpoint."""
    try:
        parts = urlsplit(url.strip())
        hostname = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not hostname or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, hostname, port if port is not None else _DEFAULT_PORTS[scheme]


def site_endpoints() -> set[tuple[str, str, int]]:
    """The site's own endpoints: http and https on their default ports, with or without ``www.``
    (the site redirects between them)."""
    return {(scheme, name, port) for scheme, port in _DEFAULT_PORTS.items() for name in SITE_HOSTS}


def mirror_map(value: Mapping[str, str] | str | None) -> dict[str, str]:
    """The ``HBDT_MIRRORS`` setting (a mapping or its JSON text) as ``{mirror origin: canonical
    origin}``; ``ValueError`` with a one-line reason when it is not that."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError as exc:
            raise ValueError(f"HBDT_MIRRORS is not JSON: {exc}") from exc
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError('HBDT_MIRRORS must map origins, e.g. {"http://127.0.0.1:8000": "https://baohoabinh.com.vn"}')
    out: dict[str, str] = {}
    for mirror, canonical in value.items():
        m, c = origin(str(mirror)), origin(str(canonical))
        if not m or not c:
            raise ValueError(f"HBDT_MIRRORS maps an origin to an origin (scheme://host[:port]), got {mirror!r}: {canonical!r}")
        out[m] = c
    return out


def set_mirrors(mapping: Mapping[str, str] | str | None) -> None:
    """Declare which origins mirror which canonical origins (``{}`` or ``None``: none).

    URLs on a mirror origin are archived under the canonical origin (:func:`canonical_url`), and
    canonical URLs are fetched from the mirror (:func:`fetch_url`).
    """
    mirrors = mirror_map(mapping)
    _MIRRORS.clear()
    _MIRRORS.update(mirrors)


def mirrors() -> list[str]:
    """The declared mirror origins (:func:`set_mirrors`)."""
    return list(_MIRRORS)


def fetch_url(url: str) -> str:
    """Where to fetch ``url``: on the mirror when its origin (in any site host form) is mirrored."""
    if not _MIRRORS:
        return url
    canonical = canonical_url(url)
    here = origin(canonical)
    for mirror, target in _MIRRORS.items():
        if target == here:
            return mirror + canonical[len(here):]
    return url


def canonical_url(url: str) -> str:
    """The archive key of an article URL: site hosts (http/https, with or without ``www.``) become
    ``https://baohoabinh.com.vn/...``; a declared mirror's origin (:func:`set_mirrors`) becomes the
    origin it mirrors; any other host is kept as is, minus fragment."""
    url = url.strip()
    if _MIRRORS:
        mirrored = _MIRRORS.get(origin(url))
        if mirrored is not None:
            parts = urlsplit(url)
            url = mirrored + urlunsplit(("", "", parts.path or "/", parts.query, ""))
    parts = urlsplit(url)
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


def unmirror(url: str) -> str:
    """``url`` with a declared mirror's origin replaced by the origin it mirrors; else unchanged."""
    if not _MIRRORS:
        return url
    mirrored = _MIRRORS.get(origin(url))
    if mirrored is None:
        return url
    parts = urlsplit(url.strip())
    return mirrored + urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


_BARE_HOST_RE = re.compile(r"^(?:www\.|en\.)?baohoabinh\.com\.vn/", re.IGNORECASE)
_REF_ID_RE = re.compile(r"^\d{2,9}$")


def article_ref(ref: str) -> tuple[str, int | None]:
    """What a user means by ``ref``: ``(canonical URL, article id or None)``.

    ``ref`` may be a bare article id (``138512``), an article URL in any host form (http/https,
    ``www.``, the English edition ``en.``, no scheme), with any slug and any query (tracking
    parameters), or a Wayback capture URL of one. The id is ``None`` when ``ref`` is no article.
    """
    ref = ref.strip()
    if _REF_ID_RE.match(ref):
        return ref, int(ref)
    url, _ = unwayback(ref)
    if _BARE_HOST_RE.match(url):
        url = "https://" + url
    ids = article_ids(url)
    return canonical_url(url), (ids[1] if ids else None)
