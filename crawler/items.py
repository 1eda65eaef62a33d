"""Typed records produced by the page objects and stored by the archive.

Every field's docstring (the string below it) states its format. Parsers fill what they find and
leave the rest ``None`` or empty; they never raise on messy HTML. ``to_dict()`` gives the JSON
shape printed by ``hbdt parse`` and stored by the archive, with every key always present.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SCALARS: frozenset[type] = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """``value`` with every dataclass turned into a dict and every list copied; the records hold
    only scalars, lists and dataclasses, so nothing else needs copying."""
    if isinstance(value, list):
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    cls = type(value)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        if not dataclasses.is_dataclass(value):
            return value
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(value))
    out = {}
    for name in names:
        v = getattr(value, name)
        out[name] = v if type(v) in _SCALARS else _plain(v)
    return out


def _asdict(obj: Any) -> dict[str, Any]:
    """``dataclasses.asdict(obj)`` for our records, several times faster (no deep copies)."""
    result: dict[str, Any] = _plain(obj)
    return result


@dataclass
class Byline:
    """Who wrote an article, as printed."""

    raw: str | None = None
    """The byline text exactly as printed (NFC, whitespace collapsed), e.g. ``"Bài, ảnh: Việt Lâm"``."""
    authors: list[str] = field(default_factory=list)
    """Author names as printed, in order, e.g. ``["Thanh Sơn"]``; ``[]`` for a pure reprint."""
    source: str | None = None
    """The agency of a reprint (``"TTXVN"`` for ``Theo TTXVN``), else ``None``."""


@dataclass
class Place:
    """A unit's place linked to the administrative gazetteer (``vietnamadminunits``)."""

    province: str | None = None
    """Old (pre-2025) province name, e.g. ``"Tỉnh Hòa Bình"``."""
    district: str | None = None
    """Old district name, e.g. ``"Huyện Lạc Sơn"``; ``None`` for a province-level unit."""
    commune: str | None = None
    """Old commune/ward name, e.g. ``"Xã Văn Nghĩa"``; ``None`` above commune level."""
    province_code: str | None = None
    """Old province code (string of digits) from the gazetteer."""
    district_code: str | None = None
    """Old district code."""
    commune_code: str | None = None
    """Old commune code."""
    new_province: str | None = None
    """Province after the 1 July 2025 merger, e.g. ``"Tỉnh Phú Thọ"``."""
    new_commune: str | None = None
    """Commune after the 2025 merger, e.g. ``"Xã Nhân Nghĩa"``; ``None`` when not applicable."""
    new_province_code: str | None = None
    """Province code in the 2025 two-level map."""
    new_commune_code: str | None = None
    """Commune code in the 2025 two-level map."""


@dataclass
class Unit:
    """An organisational unit named in the article's title, lead or body."""

    name: str
    """Canonical name, NFC, conventional capitalisation, e.g. ``"Đảng bộ huyện Lạc Sơn"``."""
    kind: str
    """One of ``dang-bo, dang-uy, cap-uy, chi-bo, ban, tieu-ban, nha-nuoc, doan-the, truong, other``."""
    level: str
    """One of ``trung-uong, tinh, huyen, xa, co-so, other``."""
    mentions: int = 1
    """How many times the unit (any variant of its name) is named in title, lead and body."""
    place: Place | None = None
    """The unit's place in the gazetteer, or ``None`` when it is not linked."""
    scope: str | None = None
    """For a generic name that does not say whose it is (``Tiểu ban Văn kiện``): the scope the
    article gives it (``Đại hội Đảng bộ huyện Lạc Sơn``); ``None`` when the name is complete."""

    @property
    def full_name(self) -> str:
        """The name with its scope (``Tiểu ban Văn kiện Đại hội Đảng bộ huyện Lạc Sơn``): what the
        archive keys and shows, so that two districts' sub-committees are two units."""
        return f"{self.name} {self.scope}" if self.scope else self.name


@dataclass
class Person:
    """A person named with a position, e.g. ``Đồng chí Bùi Đức Dính, Bí thư Đảng ủy xã Văn Nghĩa``."""

    name: str
    """Full name as printed, NFC, e.g. ``"Bùi Đức Dính"``."""
    position: str | None = None
    """The position without the unit, e.g. ``"Bí thư"``."""
    unit: str | None = None
    """Canonical name of the unit the position belongs to, e.g. ``"Đảng ủy xã Văn Nghĩa"``."""


@dataclass
class Document:
    """A numbered directive, plan or resolution cited in the text."""

    kind: str
    """Document kind as printed, capitalised, e.g. ``"Kế hoạch"``, ``"Chỉ thị"``, ``"Nghị quyết"``."""
    number: str | None = None
    """The number, e.g. ``"236"`` or ``"01"``."""
    code: str | None = None
    """The full symbol, e.g. ``"236-KH/HU"``; ``None`` when only a number is printed."""
    issuer: str | None = None
    """Issuing body when printed or implied by the code (``"Bộ Chính trị"``, ``"Huyện ủy"``), else ``None``."""
    date: str | None = None
    """Issue date as ISO ``YYYY-MM-DD`` when printed with the document, else ``None``."""


@dataclass
class Count:
    """A number attached to a noun, e.g. ``8.021 đảng viên``."""

    value: int
    """The number (thousands dot removed), e.g. ``8021``."""
    noun: str
    """What is counted, e.g. ``"đảng viên"``, ``"chi bộ trực thuộc"``."""
    unit: str | None = None
    """Canonical name of the unit the sentence is about, else ``None``."""


@dataclass
class DateMention:
    """A date or period named in the text."""

    text: str
    """The text as printed, e.g. ``"từ ngày 15 - 30/3/2020"``."""
    start: str
    """Start as ISO 8601 at the stated precision: ``2020-03-15``, ``2020-06`` or ``2020``."""
    end: str
    """End, same format; equal to ``start`` for a single date."""
    precision: str
    """One of ``day``, ``month``, ``year``, ``term`` (a term such as ``nhiệm kỳ 2020-2025``)."""


@dataclass
class RelatedItem:
    """One item of the article's "Các tin khác" block."""

    url: str | None
    """Absolute URL of the related article; ``None`` for an item whose link is a script
    placeholder (``href="#"``, ``javascript:``): its title is kept, it is neither archived nor
    followed."""
    title: str | None = None
    """The listed title."""
    lead: str | None = None
    """The listed lead without the ``(HBĐT) - `` prefix, or ``None``."""


@dataclass
class Image:
    """An image of the article body."""

    url: str
    """Absolute image URL."""
    caption: str | None = None
    """Its caption (NFC), or ``None``."""


@dataclass
class ListingItem:
    """One item of a category listing page."""

    url: str
    """Absolute article URL."""
    article_id: int | None = None
    """Numeric id from ``/{cat}/{id}/{slug}.htm``."""
    category_id: int | None = None
    """Numeric category from the URL."""
    title: str | None = None
    """The linked title."""
    lead: str | None = None
    """The lead printed under the title, without ``(HBĐT) - ``."""
    published_at: str | None = None
    """ISO 8601 date-time with ``+07:00`` if the listing prints one, else ``None``."""


@dataclass
class ArticleRecord:
    """The complete record of one article page (the JSON printed by ``hbdt parse``)."""

    url: str | None = None
    """Absolute URL (original ``baohoabinh.com.vn`` URL for Wayback captures), or ``None``."""
    article_id: int | None = None
    """Numeric id from ``/{cat}/{id}/{slug}.htm``."""
    category_id: int | None = None
    """Numeric category id from the URL."""
    title: str | None = None
    """Headline, NFC, whitespace collapsed."""
    lead: str | None = None
    """Standfirst without the ``(HBĐT) - `` prefix (``LTS:`` notes kept)."""
    body: str | None = None
    """Plain text, paragraphs separated by one blank line; no lead, byline, captions, related items."""
    published_at: str | None = None
    """ISO 8601 with offset, e.g. ``2019-10-16T08:45:00+07:00``."""
    published_at_raw: str | None = None
    """The text the publication time was read from."""
    byline: Byline = field(default_factory=Byline)
    """The byline, see :class:`Byline`."""
    units: list[Unit] = field(default_factory=list)
    """Organisational units named in title, lead and body."""
    related: list[RelatedItem] = field(default_factory=list)
    """The "Các tin khác" items in page order."""
    is_congress: bool = False
    """Whether the article is Party-congress coverage (rule in :mod:`crawler.congress`)."""
    images: list[Image] = field(default_factory=list)
    """Body images with captions."""
    people: list[Person] = field(default_factory=list)
    """People named with a position."""
    documents: list[Document] = field(default_factory=list)
    """Documents cited."""
    counts: list[Count] = field(default_factory=list)
    """Numbers attached to nouns."""
    date_mentions: list[DateMention] = field(default_factory=list)
    """Dates and periods named in the text."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: every key present, nested records as dicts."""
        return _asdict(self)


RECORD_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ArticleRecord))
"""The keys of ``hbdt parse`` output, in order."""


@dataclass
class CrawledArticle:
    """What the spider yields to the pipeline: a parsed record plus how it was fetched."""

    record: ArticleRecord
    """The parsed article."""
    fetched_at: str
    """When the page was fetched, ISO 8601 with ``+07:00``."""
    source: str = "live"
    """``live`` (the site or a mirror) or ``wayback`` (an Internet Archive capture)."""
    capture_timestamp: str | None = None
    """The Wayback capture timestamp (14 digits, ``YYYYMMDDhhmmss``), else ``None``."""
    depth: int = 0
    """0 for a listed article, 1 for a related item of a listed one, and so on."""
    raw_html: bytes | None = None
    """The page bytes (kept only when asked, e.g. for revisions)."""


@dataclass
class UnparsedPage:
    """A fetched page that could not be parsed as an article; stored raw for ``hbdt reparse``."""

    url: str
    """The page URL (original site URL for captures)."""
    body: bytes
    """The raw bytes as fetched."""
    reason: str
    """Why it was not parsed, e.g. ``not an article``."""
    encoding: str | None = None
    """The declared encoding of the response, if any."""


@dataclass
class FetchFailure:
    """A request that still failed after its retries: recorded in ``failures``, retried next run."""

    url: str
    """The page URL (original site URL for Wayback captures)."""
    reason: str
    """Why, e.g. ``HTTP 503``, ``timeout``, ``truncated body``, ``connection refused``."""
    status: int | None = None
    """The HTTP status of the last answer, when there was one."""
    depth: int = 0
    """The depth the page was requested at (0 listed or a listing page, 1 a related item, ...)."""


@dataclass
class FetchRecovered:
    """A page recorded in ``failures`` that has now been fetched: its failure is cleared."""

    url: str
    """The page URL, as recorded in the failure."""


@dataclass
class SkippedPage:
    """A fetched page deliberately not archived (a Wayback capture found by CDX that is not congress
    coverage): remembered in ``skipped_pages`` so that the next run does not fetch it again."""

    url: str
    """The page's original site URL."""
    reason: str
    """Why it was not archived, e.g. ``not_congress``."""
    source: str = "live"
    """``live`` or ``wayback``."""
