"""Saved pages with expected JSON side by side (tests/fixtures/pages): every field, every page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.items import RECORD_KEYS
from crawler.pages import ArticlePage

PAGES = Path(__file__).parent / "fixtures" / "pages"
CASES = sorted(p for p in PAGES.glob("*.html")) if PAGES.exists() else []
#: Fields the page corpus pins (the entity fields are checked against the gold set instead).
FIELDS = ("url", "article_id", "category_id", "title", "lead", "body", "published_at",
          "published_at_raw", "byline", "related", "is_congress", "images")


def _expected(page: Path) -> dict:
    return json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))


def test_corpus_is_there() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("page", CASES, ids=[p.stem for p in CASES])
@pytest.mark.parametrize("field", FIELDS)
def test_field(page: Path, field: str) -> None:
    expected = _expected(page)
    if expected.get("_not_article"):
        pytest.skip("not an article page")
    url = expected["url"] if expected.get("_given_url") else None
    record = ArticlePage(page.read_bytes(), url=url).to_record(entities=False).to_dict()
    assert record[field] == expected[field]


@pytest.mark.parametrize("page", CASES, ids=[p.stem for p in CASES])
def test_kind_and_keys(page: Path) -> None:
    expected = _expected(page)
    url = expected.get("url") if expected.get("_given_url") else None
    parsed = ArticlePage(page.read_bytes(), url=url)
    assert parsed.is_article() is not bool(expected.get("_not_article"))
    if parsed.is_article():
        assert tuple(parsed.to_record().to_dict()) == RECORD_KEYS


#: Tags kept when a page is flattened; every other element of the body becomes a bare ``<div>``.
INLINE_KEPT = {"a", "img", "br", "b", "strong", "i", "em"}


def _perturbed(body: bytes, flatten: bool) -> str:
    """The page with every class and id removed and, with ``flatten``, every body element but
    links, images, breaks and emphasis renamed ``div``: markup we have never seen."""
    import lxml.html

    from crawler.html import decode

    root = lxml.html.document_fromstring(decode(body))
    body_el = root.find("body")
    for el in root.iter():
        if isinstance(el.tag, str):
            el.attrib.pop("class", None)
            el.attrib.pop("id", None)
    if flatten and body_el is not None:
        for el in body_el.iter():
            if isinstance(el.tag, str) and el is not body_el and el.tag not in INLINE_KEPT | {"script", "style"}:
                el.tag = "div"
    return lxml.html.tostring(root, encoding="unicode")


@pytest.mark.parametrize("flatten", [False, True], ids=["no-class-id", "all-divs"])
@pytest.mark.parametrize("page", CASES, ids=[p.stem for p in CASES])
def test_textual_signals_survive_unknown_markup(page: Path, flatten: bool) -> None:
    """Site-specific hints removed (and, flattened, the tag names too): the record stays the same."""
    expected = _expected(page)
    if expected.get("_not_article"):
        pytest.skip("not an article page")
    record = ArticlePage(_perturbed(page.read_bytes(), flatten), url=expected["url"]).to_record(entities=False)
    got = record.to_dict()
    assert {f: got[f] for f in FIELDS if f != "url"} == {f: expected[f] for f in FIELDS if f != "url"}
