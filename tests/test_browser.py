"""The archive as a researcher sees it: a real headless Chromium (Debian's ``chromium``) at
1366x900 against plain ``datasette archive.db`` (with the installed hbdt plugin) on loopback,
on the archive ``hbdt demo`` crawls from the bundled sample site.

Screenshots go to ``$HBDT_ARTEFACTS`` if set, else to a ``screenshots`` directory under pytest's
temporary directory (never into the repository)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chromium import Browser, find_chromium
from tests.conftest import run_hbdt
from tests.test_datasette import HOST, free_port, running

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install -y chromium)"
)
WIDTH, HEIGHT = 1366, 900
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("HBDT_ARTEFACTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("browser") / "archive.db"
    done = run_hbdt("demo", "--db", str(path), timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    port = free_port()
    argv = [sys.executable, "-m", "datasette", "serve", str(path), "-h", HOST, "-p", str(port)]
    with running(argv, port, path.with_suffix(".log")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    b = Browser(CHROMIUM, WIDTH, HEIGHT)
    try:
        yield b
    finally:
        b.close()


def shoot(browser: Browser, artefacts: Path, name: str) -> None:
    png = browser.screenshot(artefacts / f"{name}.png")
    assert png.read_bytes()[:8] == PNG_MAGIC


VISIBLE_ROWS = """[...document.querySelectorAll('table.rows-and-columns tbody tr')]
  .filter(r => r.getBoundingClientRect().top < innerHeight).length"""
PAGE_HEIGHT = "document.documentElement.scrollHeight"


def test_first_screen_of_articles_shows_rows(base: str, browser: Browser, artefacts: Path) -> None:
    browser.open(f"{base}/archive/articles")
    shoot(browser, artefacts, "articles")
    assert browser.evaluate("innerWidth") == WIDTH and browser.evaluate("innerHeight") == HEIGHT
    assert browser.evaluate(VISIBLE_ROWS) >= 5
    search_top = browser.evaluate("document.querySelector('input[name=_search]').getBoundingClientRect().top")
    first_row = browser.evaluate("document.querySelector('table.rows-and-columns tbody tr').getBoundingClientRect().top")
    assert 0 < search_top < first_row < HEIGHT
    heads = browser.evaluate(  # the headings shown are words (CSS over the column names)
        "[...document.querySelectorAll('table.rows-and-columns th a')].map(a => getComputedStyle(a, '::before').content)"
    )
    assert heads[1:] == ['"Date"', '"Title"', '"Authors"', '"Districts"', '"Congress"']
    tallest = browser.evaluate(
        "Math.max(...[...document.querySelectorAll('table.rows-and-columns tbody tr')].map(r => r.offsetHeight))"
    )
    assert tallest < 120  # no body, JSON or bookkeeping column blows a row up
    assert browser.evaluate(PAGE_HEIGHT) < 4 * HEIGHT


def test_search_dang_bo_is_ranked_with_highlights(base: str, browser: Browser, artefacts: Path) -> None:
    browser.open(f"{base}/archive/articles?_search=dang+bo")
    shoot(browser, artefacts, "search-dang-bo")
    assert "/-/hbdt/archive/search" in browser.evaluate("location.pathname")
    hits = browser.evaluate("[...document.querySelectorAll('.hbdt-hit')].map(h => h.getBoundingClientRect().top)")
    assert len(hits) >= 3 and hits[0] < HEIGHT
    marks = browser.evaluate("[...document.querySelectorAll('.hbdt-hit mark')].map(m => m.innerText)")
    assert any(m.lower() in ("đảng bộ", "đảng", "bộ") for m in marks)
    background = browser.evaluate("getComputedStyle(document.querySelector('.hbdt-hit mark')).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    first = browser.evaluate("document.querySelector('.hbdt-hit-title').innerText")
    assert "Đảng bộ" in first  # the words side by side in the title rank first


def test_article_page_shows_body_and_original_link(base: str, browser: Browser, artefacts: Path) -> None:
    browser.open(f"{base}/archive/articles")
    href = browser.evaluate("document.querySelector('td.col-title a').href")
    browser.open(href)
    shoot(browser, artefacts, "article")
    assert browser.evaluate("document.querySelector('h1').getBoundingClientRect().top") < 200
    paragraphs = browser.evaluate("[...document.querySelectorAll('.hbdt-article > p')].map(p => p.innerText)")
    assert sum(len(p) > 80 for p in paragraphs) >= 2
    original = browser.evaluate("document.querySelector('a.hbdt-original').href")
    assert original.endswith(".htm") and "/-/" not in original
    first_link = browser.evaluate("[...document.querySelectorAll('a')].find(a => a.innerText == 'Original page').getBoundingClientRect().top")
    assert first_link < HEIGHT  # the way to the source is on the first screen


CHARTS_MODULE = "crawler.datasette_charts"


def test_charts_page_renders_svg(base: str, browser: Browser, artefacts: Path) -> None:
    """h12-export's charts page (``/-/hbdt-charts``), when that plugin is in the tree."""
    import importlib.util

    if importlib.util.find_spec(CHARTS_MODULE) is None:
        pytest.skip(f"{CHARTS_MODULE} (the charts page) is not in this tree")
    browser.open(f"{base}/-/hbdt-charts")
    shoot(browser, artefacts, "charts")
    sizes = browser.evaluate(
        "[...document.querySelectorAll('svg')].map(s => { const r = s.getBoundingClientRect();"
        " return [r.width, r.height, s.querySelectorAll('rect, path, circle, line, polyline').length]; })"
    )
    assert sizes, "no SVG on the charts page"
    assert any(w > 100 and h > 50 and marks > 0 for w, h, marks in sizes)
