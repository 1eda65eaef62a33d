"""Issue 12 item 6: mirrors archived under canonical URLs; ``hbdt show`` by id, slug, query, host
form, English edition, Wayback capture."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from crawler import archive
from crawler.mirror import Fault, Mirror
from crawler.urls import article_ref, canonical_url, fetch_url, mirror_map, set_mirrors, unmirror
from tests.conftest import LOOPBACK_CLI_SETTINGS, run_hbdt

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE_PATHS: list[str] = json.loads((FIXTURES / "sample_site_expected.json").read_text(encoding="utf-8"))[
    "default_crawl"]

MIRROR = "http://127.0.0.1:8123"
SITE = "https://baohoabinh.com.vn"


@pytest.fixture
def mirrored() -> Iterator[None]:
    set_mirrors({MIRROR: SITE})
    try:
        yield
    finally:
        set_mirrors(None)


@pytest.mark.parametrize(("url", "expected"), [
    (f"{MIRROR}/11/138512/A.htm", f"{SITE}/11/138512/A.htm"),
    (f"{MIRROR}/11/page/1/CHINH-TRI.htm#top", f"{SITE}/11/page/1/CHINH-TRI.htm"),
    (f"{MIRROR}/11/1/A.htm?x=1", f"{SITE}/11/1/A.htm?x=1"),
    ("HTTP://127.0.0.1:8123/11/2/B.htm", f"{SITE}/11/2/B.htm"),
    ("http://127.0.0.1:8124/11/2/B.htm", "http://127.0.0.1:8124/11/2/B.htm"),  # another port: no mirror
    ("http://www.baohoabinh.com.vn/11/3/C.htm", f"{SITE}/11/3/C.htm"),
])
def test_canonical_url_maps_a_declared_mirror(mirrored: None, url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(("url", "expected"), [
    (f"{SITE}/11/138512/A.htm", f"{MIRROR}/11/138512/A.htm"),
    ("http://www.baohoabinh.com.vn/11/3/C.htm?p=2", f"{MIRROR}/11/3/C.htm?p=2"),
    (f"{MIRROR}/11/3/C.htm", f"{MIRROR}/11/3/C.htm"),
    ("https://ims.baohoabinh.com.vn/NewsImg/1.jpg", "https://ims.baohoabinh.com.vn/NewsImg/1.jpg"),
])
def test_fetch_url_goes_to_the_mirror(mirrored: None, url: str, expected: str) -> None:
    assert fetch_url(url) == expected


@pytest.mark.parametrize(("url", "expected"), [
    (f"{MIRROR}/images/a.jpg", f"{SITE}/images/a.jpg"),
    ("https://ims.baohoabinh.com.vn/NewsImg/1.jpg", "https://ims.baohoabinh.com.vn/NewsImg/1.jpg"),
])
def test_unmirror(mirrored: None, url: str, expected: str) -> None:
    assert unmirror(url) == expected


def test_without_mirrors_urls_are_kept() -> None:
    set_mirrors(None)
    assert canonical_url(f"{MIRROR}/11/1/A.htm") == f"{MIRROR}/11/1/A.htm"
    assert fetch_url(f"{SITE}/11/1/A.htm") == f"{SITE}/11/1/A.htm"


@pytest.mark.parametrize("bad", [{"127.0.0.1:8000": SITE}, {MIRROR: "baohoabinh.com.vn"}])
def test_set_mirrors_rejects_what_is_no_origin(bad: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="origin"):
        set_mirrors(bad)
    set_mirrors(None)


@pytest.mark.parametrize(("ref", "expected"), [
    ("138512", ("138512", 138512)),
    (" 138512 ", ("138512", 138512)),
    (f"{SITE}/11/138512/Other-Slug.htm?utm_source=fb", (f"{SITE}/11/138512/Other-Slug.htm?utm_source=fb", 138512)),
    ("baohoabinh.com.vn/11/138512/X.htm", (f"{SITE}/11/138512/X.htm", 138512)),
    ("www.baohoabinh.com.vn/11/138512/X.htm", (f"{SITE}/11/138512/X.htm", 138512)),
    ("http://en.baohoabinh.com.vn/11/138512/Xx.htm", ("http://en.baohoabinh.com.vn/11/138512/Xx.htm", 138512)),
    ("https://web.archive.org/web/20200101000000/https://baohoabinh.com.vn/11/138512/X.htm",
     (f"{SITE}/11/138512/X.htm", 138512)),
    ("http://web.archive.org/web/2020id_/http://www.baohoabinh.com.vn/11/138512/X.htm",
     (f"{SITE}/11/138512/X.htm", 138512)),
    (f"{SITE}/11/page/1/CHINH-TRI.htm", (f"{SITE}/11/page/1/CHINH-TRI.htm", None)),
    ("no such thing", ("no such thing", None)),
])
def test_article_ref(ref: str, expected: tuple[str, int | None]) -> None:
    assert article_ref(ref) == expected


# -- end to end: two demos, then ``hbdt show`` -------------------------------------------------


@pytest.fixture(scope="module")
def demo_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """An archive built by ``hbdt demo`` run twice, and its article count after each run."""
    db = tmp_path_factory.mktemp("demo") / "archive.db"
    counts = []
    for _ in range(2):
        result = run_hbdt("demo", "--db", str(db))
        assert result.returncode == 0, result.stderr
        with sqlite3.connect(db) as conn:
            counts.append(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    return db, counts


def test_second_demo_adds_no_duplicate(demo_twice: tuple[Path, list[int]]) -> None:
    db, counts = demo_twice
    assert counts[0] > 0 and counts[0] == counts[1]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(DISTINCT article_id) FROM articles").fetchone()[0] == counts[0]


@pytest.mark.parametrize(("table", "column"), [
    ("articles", "url"), ("related", "url"), ("images", "url"), ("failures", "url"),
    ("raw_pages", "url"), ("skipped_pages", "url"),
])
def test_demo_stores_no_loopback_url(demo_twice: tuple[Path, list[int]], table: str, column: str) -> None:
    db, _ = demo_twice
    with sqlite3.connect(db) as conn:
        urls = [u for (u,) in conn.execute(f"SELECT {column} FROM {table}")]  # noqa: S608 (fixed names)
    assert not [u for u in urls if "127.0.0.1" in u or "localhost" in u]
    if table == "articles":
        assert urls and all(u.startswith(f"{SITE}/") for u in urls)
    if table == "related":  # the sample's related items include off-site links, kept as they are
        assert sum(u.startswith(f"{SITE}/") for u in urls) > len(urls) // 2


@pytest.mark.parametrize("ref", [
    "138512",
    f"{SITE}/11/138512/Another-Slug.htm",
    f"{SITE}/11/138512/X.htm?utm_source=facebook&utm_medium=social",
    "http://baohoabinh.com.vn/11/138512/X.htm?fbclid=IwAR0abc",
    "http://www.baohoabinh.com.vn/11/138512/X.htm",
    "https://en.baohoabinh.com.vn/11/138512/Dang-bo-xx.htm",
    "https://web.archive.org/web/20200716000000/https://baohoabinh.com.vn/11/138512/X.htm",
])
def test_show_finds_the_article(demo_twice: tuple[Path, list[int]], ref: str) -> None:
    db, _ = demo_twice
    result = run_hbdt("show", ref, "--db", str(db))
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["article_id"] == 138512
    assert record["url"].startswith(f"{SITE}/11/138512/")


@pytest.mark.parametrize("ref", ["999999", f"{SITE}/11/999999/X.htm", f"{SITE}/11/page/1/CHINH-TRI.htm", "nonsense"])
def test_show_not_found_is_one_line(demo_twice: tuple[Path, list[int]], ref: str) -> None:
    db, _ = demo_twice
    result = run_hbdt("show", ref, "--db", str(db))
    assert result.returncode != 0
    assert "not in the archive" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(("value", "expected"), [
    ('{"http://127.0.0.1:8000/": "https://baohoabinh.com.vn"}', {"http://127.0.0.1:8000": SITE}),
    ({"HTTP://LOCALHOST:9": "https://baohoabinh.com.vn/"}, {"http://localhost:9": SITE}),
    ("", {}),
    (None, {}),
])
def test_mirror_map(value: object, expected: dict[str, str]) -> None:
    assert mirror_map(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "message"), [
    ('{"127.0.0.1:1": "x"}', "maps an origin to an origin"),
    ("notjson", "is not JSON"),
    ("[1]", "must map origins"),
])
def test_crawl_rejects_a_bad_mirror_setting_in_one_line(tmp_path: Path, value: str, message: str) -> None:
    # port 1 on loopback: nothing is fetched anyway, the setting is refused first
    result = run_hbdt("crawl", "--db", str(tmp_path / "a.db"), "-s", f"HBDT_MIRRORS={value}",
                      "--start-url", "http://127.0.0.1:1/11/page/1/CHINH-TRI.htm")
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()


def test_a_failed_page_is_recorded_canonical_and_retried_on_the_mirror(mirror: Mirror, tmp_path: Path) -> None:
    """``hbdt crawl -s HBDT_MIRRORS=...`` on any mirror: a failure is kept under the canonical URL
    and the next run fetches it again from the mirror (not from the real site)."""
    paths = [p for p in ARTICLE_PATHS if p.startswith("/11/138512/")]
    assert paths, "sample site lacks article 138512"
    target = paths[0]
    mirror.add_fault(target, Fault(status=404, times=None))
    db = tmp_path / "a.db"
    args = ("crawl", "--db", str(db), "--start-url", f"{mirror.url}/11/page/1/CHINH-TRI.htm",
            *LOOPBACK_CLI_SETTINGS, "-s", f'HBDT_MIRRORS={{"{mirror.url}": "{SITE}"}}')
    first = run_hbdt(*args)
    assert first.returncode == 3, first.stderr  # partial: one page failed
    with sqlite3.connect(db) as conn:
        assert [u for (u,) in conn.execute("SELECT url FROM failures")] == [f"{SITE}{target}"]
    mirror.clear_faults()
    second = run_hbdt(*args)
    assert second.returncode == 0, second.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
        urls = [u for (u,) in conn.execute("SELECT url FROM articles")]
    assert f"{SITE}{target}" in urls and all(u.startswith(f"{SITE}/") for u in urls)
    assert mirror.requests.count(target) >= 2


@pytest.mark.parametrize(("table", "write"), [
    ("raw_pages", lambda db, url: archive.store_raw_page(db, url, b"<html></html>", "no title")),
    ("failures", lambda db, url: archive.record_failure(db, url, "HTTP 500", status=500)),
    ("skipped_pages", lambda db, url: archive.record_skipped(db, url, "not congress")),
])
def test_bookkeeping_rows_are_keyed_canonical(mirrored: None, table: str, write: Any) -> None:
    db = sqlite_utils.Database(memory=True)
    archive.ensure_schema(db)
    write(db, f"{MIRROR}/11/138512/X.htm")
    assert [u for (u,) in db.execute(f"SELECT url FROM {table}").fetchall()] == [f"{SITE}/11/138512/X.htm"]  # noqa: S608
