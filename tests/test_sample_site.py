"""The bundled sample site parses to what its hand-written manifest says (page objects only)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.mirror import sample_site_root
from crawler.pages import ArticlePage, ListingPage

MANIFEST = json.loads((Path(__file__).parent / "fixtures" / "sample_site_expected.json").read_text(encoding="utf-8"))
ROOT = sample_site_root()
BASE = "http://127.0.0.1:8000"
ARTICLES = sorted(MANIFEST["articles"])


def _page(path: str) -> ArticlePage:
    return ArticlePage((ROOT / path.lstrip("/")).read_bytes(), url=BASE + path)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path if parts.netloc == urlsplit(BASE).netloc else url


@pytest.mark.parametrize("path", ARTICLES)
def test_article_matches_manifest(path: str) -> None:
    want = MANIFEST["articles"][path]
    page = _page(path)
    assert page.is_article()
    record = page.to_record(entities=False)
    got = {
        "article_id": record.article_id, "category_id": record.category_id, "title": record.title,
        "lead": record.lead, "published_at": record.published_at, "published_at_raw": record.published_at_raw,
        "byline_raw": record.byline.raw, "authors": record.byline.authors, "source": record.byline.source,
        "is_congress": record.is_congress, "related": [_path(r.url) for r in record.related],
        "images": [{"url": i.url, "caption": i.caption} for i in record.images],
    }
    assert got == {key: want[key] for key in got}


@pytest.mark.parametrize("listing", sorted(MANIFEST["listing_items"]))
def test_listing_items_and_pager(listing: str) -> None:
    page = ListingPage((ROOT / listing.lstrip("/")).read_bytes(), url=BASE + listing)
    items = page.items()
    want = MANIFEST["listing_items"][listing]
    assert [_path(i.url) for i in items] == [w["path"] for w in want]
    assert [i.title for i in items] == [w["title"] for w in want]
    assert [i.lead for i in items] == [w["lead"] for w in want]
    assert [i.published_at[:10] if i.published_at else None for i in items] == [
        _iso_day(w["date"]) for w in want]
    next_url = page.next_page_url()
    assert (_path(next_url) if next_url else None) == MANIFEST["pager"][listing]["next"]


def _iso_day(printed: str | None) -> str | None:
    if not printed:
        return None
    day, month, year = (int(x) for x in printed.split("/"))
    return f"{year:04d}-{month:02d}-{day:02d}"
