"""The archive in real datasette processes over loopback: plain ``datasette archive.db`` and
``hbdt serve`` (datasette with the shipped metadata)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crawler import archive
from crawler.items import ArticleRecord, Byline, Place, Unit

ROOT = Path(__file__).resolve().parents[1]
SITE = "https://baohoabinh.com.vn"
HOST = "127.0.0.1"
STARTUP_SECONDS = 30.0

LAC_SON = Place(province="Tỉnh Hòa Bình", district="Huyện Lạc Sơn", province_code="17", district_code="157")
MAI_CHAU = Place(province="Tỉnh Hòa Bình", district="Huyện Mai Châu", province_code="17")

# key: (article_id, published_at, congress, author, units, title, lead, body) - written for these tests
ARTICLES: dict[str, tuple[Any, ...]] = {
    "lacson": (
        140123, "2019-10-16T08:45:00+07:00", True, "Việt Lâm",
        [Unit("Đảng bộ huyện Lạc Sơn", "dang-bo", "huyen", 2, LAC_SON)],
        "Lạc Sơn tích cực chuẩn bị đại hội",
        "Huyện ủy Lạc Sơn ban hành kế hoạch chuẩn bị đại hội nhiệm kỳ 2020-2025.",
        "Đảng bộ huyện Lạc Sơn có 56 chi, Đảng bộ trực thuộc với hơn 8 nghìn đảng viên.",
    ),
    "maichau": (
        140124, "2019-11-02T07:30:00+07:00", False, "Thu Hằng", [],
        "Nông dân Mai Châu thu hoạch lúa mùa",
        "Bà con vùng cao phấn khởi vì lúa được mùa.",
        "Cán bộ khuyến nông hướng dẫn, việc chăm sóc trở nên dễ dàng hơn.",
    ),
    "lacthuy": (
        140125, "2019-11-20T15:00:00+07:00", False, "Thu Hằng", [],
        "Lạc Thủy phát triển du lịch cộng đồng",
        "Nhiều hộ đầu tư nhà nghỉ đón khách.",
        "Các đảng viên đi đầu làm mẫu trong phong trào.",
    ),
    "maichau_dh": (
        140126, "2020-03-05T09:00:00+07:00", True, "Việt Lâm",
        [Unit("Đảng bộ huyện Mai Châu", "dang-bo", "huyen", 1, MAI_CHAU)],
        "Mai Châu tổng kết công tác chuẩn bị đại hội",
        "Ban Thường vụ Huyện ủy Mai Châu họp phiên thường kỳ.",
        "Các chi bộ trực thuộc đã hoàn thành đại hội đúng kế hoạch.",
    ),
}
THREE_FORMS = ["dang bo lac son", "Đảng bộ Lạc Sơn", "ĐẢNG BỘ LẠC SƠN"]


def make_record(key: str) -> ArticleRecord:
    article_id, published_at, congress, author, units, title, lead, body = ARTICLES[key]
    return ArticleRecord(
        url=f"{SITE}/11/{article_id}/{key}.htm", article_id=article_id, category_id=11 if congress else 40,
        title=title, lead=lead, body=body, published_at=published_at,
        byline=Byline(raw=author, authors=[author]), units=units, is_congress=congress,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, str, str]:
    """Status, content type and body of a GET (errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers.get("content-type", ""), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read().decode("utf-8")


def get_json(url: str) -> Any:
    status, _, body = get(url)
    assert status == 200, body[:500]
    return json.loads(body)


@contextmanager
def running(argv: list[str], port: int, log: Path) -> Iterator[str]:
    """Run a server, wait until it answers on loopback, and always stop it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                if get(f"{base}/-/versions.json")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {STARTUP_SECONDS}s: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def build_archive(path: Path, keys: list[str]) -> None:
    database = archive.open_archive(path)
    with archive.ArchiveWriter(database) as writer:
        for key in keys:
            writer.add(make_record(key))
    database.close()


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ds") / "archive.db"
    build_archive(path, list(ARTICLES))
    return path


@pytest.fixture(scope="module")
def plain(archive_path: Path) -> Iterator[str]:
    """``datasette archive.db`` with no metadata at all."""
    port = free_port()
    argv = [sys.executable, "-m", "datasette", "serve", str(archive_path), "-h", HOST, "-p", str(port)]
    with running(argv, port, archive_path.with_suffix(".plain.log")) as base:
        yield f"{base}/archive"


@pytest.fixture(scope="module")
def served(archive_path: Path) -> Iterator[str]:
    """``hbdt serve`` (it execs datasette with the shipped metadata)."""
    port = free_port()
    code = "import sys; from crawler.cli_archive import serve; serve(sys.argv[1:], prog_name='hbdt')"
    argv = [sys.executable, "-c", code, "--db", str(archive_path), "--port", str(port), "--host", HOST]
    with running(argv, port, archive_path.with_suffix(".served.log")) as base:
        yield f"{base}/archive"


def search_keys(base: str, query: str) -> list[str]:
    data = get_json(f"{base}/articles.json?" + urllib.parse.urlencode({"_search": query, "_shape": "objects"}))
    return sorted(row["url"].rsplit("/", 1)[1].removesuffix(".htm") for row in data["rows"])


def test_plain_table_page_offers_search(plain: str) -> None:
    status, ctype, html = get(f"{plain}/articles")
    assert status == 200 and ctype.startswith("text/html")
    assert 'name="_search"' in html
    assert "Lạc Sơn tích cực chuẩn bị đại hội" in html


@pytest.mark.parametrize("query", THREE_FORMS)
def test_plain_search_box_ignores_diacritics(plain: str, query: str) -> None:
    assert search_keys(plain, query) == ["lacson"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mai chau", ["maichau", "maichau_dh"]),
        ("Mai Châu đại hội", ["maichau_dh"]),
        ("dai hoi", ["lacson", "maichau_dh"]),
        ("dễ dàng", ["maichau"]),
        ("lac", ["lacson", "lacthuy"]),
        ("khong co", []),
    ],
)
def test_plain_search_results(plain: str, query: str, expected: list[str]) -> None:
    assert search_keys(plain, query) == expected


def test_plain_search_page_and_csv_link(plain: str) -> None:
    status, _, html = get(f"{plain}/articles?_search=dang+bo+lac+son")
    assert status == 200
    assert "Lạc Sơn tích cực chuẩn bị đại hội" in html
    assert "Nông dân Mai Châu" not in html and "Lạc Thủy phát triển" not in html
    assert "articles.csv?_search=dang+bo+lac+son" in html
    status, ctype, text = get(f"{plain}/articles.csv?_search=dang+bo+lac+son&_size=max")
    assert status == 200 and ctype.startswith(("text/plain", "text/csv"))
    lines = text.strip().splitlines()
    assert lines[0].startswith("id,article_id,title,published_at,url")
    assert len(lines) == 2 and f"{SITE}/11/140123/lacson.htm" in lines[1]


def test_plain_facet(plain: str) -> None:
    data = get_json(f"{plain}/articles.json?_facet=is_congress&_facet_array=units")
    congress = {r["value"]: r["count"] for r in data["facet_results"]["is_congress"]["results"]}
    units = {r["value"]: r["count"] for r in data["facet_results"]["units"]["results"]}
    assert congress == {0: 2, 1: 2}
    assert units == {"Đảng bộ huyện Lạc Sơn": 1, "Đảng bộ huyện Mai Châu": 1}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("coverage_by_month", {"2019-10": 1, "2019-11": 2, "2020-03": 1}),
        ("unit_coverage", {"Đảng bộ huyện Lạc Sơn": 1, "Đảng bộ huyện Mai Châu": 1}),
    ],
)
def test_plain_views(plain: str, view: str, expected: dict[str, int]) -> None:
    rows = get_json(f"{plain}/{view}.json?_shape=objects")["rows"]
    first = "month" if view == "coverage_by_month" else "name"
    assert {r[first]: r["articles"] for r in rows} == expected


def test_plain_articles_detail(plain: str) -> None:
    rows = get_json(f"{plain}/articles_detail.json?_shape=objects&article_id=140123")["rows"]
    assert [(r["authors"], r["units"]) for r in rows] == [("Việt Lâm", "Đảng bộ huyện Lạc Sơn")]


def test_served_metadata(served: str) -> None:
    status, _, html = get(served.rsplit("/", 1)[0] + "/")
    assert status == 200 and "HBĐT archive" in html
    status, _, css = get(served.rsplit("/", 1)[0] + "/hbdt/hbdt.css")
    assert status == 200 and ".col-folded_terms" in css
    status, _, html = get(f"{served}/articles")
    assert status == 200 and "/hbdt/hbdt.css" in html and "Articles" in html


def test_served_default_facets_and_sort(served: str) -> None:
    data = get_json(f"{served}/articles.json")
    assert {"category_id", "is_congress", "month", "authors", "units", "unit_levels", "districts"} <= set(
        data["facet_results"]
    )
    authors = {r["value"]: r["count"] for r in data["facet_results"]["authors"]["results"]}
    assert authors == {"Việt Lâm": 2, "Thu Hằng": 2}
    levels = {r["value"]: r["count"] for r in data["facet_results"]["unit_levels"]["results"]}
    assert levels == {"huyen": 2}
    published = [row[data["columns"].index("published_at")] for row in data["rows"]]
    assert published == sorted(published, reverse=True)


@pytest.mark.parametrize("query", THREE_FORMS)
def test_served_search(served: str, query: str) -> None:
    assert search_keys(served, query) == ["lacson"]


@pytest.mark.parametrize(
    ("path", "params", "column", "expected"),
    [
        ("articles_naming_unit", {"unit": "lac son"}, "url", [f"{SITE}/11/140123/lacson.htm"]),
        ("articles_naming_unit", {"unit": "Đảng bộ huyện MAI CHÂU"}, "url", [f"{SITE}/11/140126/maichau_dh.htm"]),
        ("articles_naming_unit", {"unit": ""}, "url", []),
        ("articles_naming_unit", {"unit": '"'}, "url", []),
        ("articles_naming_unit", {"unit": "'; DROP TABLE units; --"}, "url", []),
        ("author_articles", {"author": "viet lam"}, "title",
         ["Mai Châu tổng kết công tác chuẩn bị đại hội", "Lạc Sơn tích cực chuẩn bị đại hội"]),
        ("author_articles", {"author": "Thu Hằng"}, "title",
         ["Lạc Thủy phát triển du lịch cộng đồng", "Nông dân Mai Châu thu hoạch lúa mùa"]),
        ("coverage_by_district_and_month", {}, "district", ["Huyện Lạc Sơn", "Huyện Mai Châu"]),
    ],
)
def test_served_canned_queries(
    served: str, path: str, params: dict[str, str], column: str, expected: list[str]
) -> None:
    query = urllib.parse.urlencode({**params, "_shape": "objects"})
    data = get_json(f"{served}/{path}.json?{query}")
    assert [row[column] for row in data["rows"]] == expected
    status, _, html = get(f"{served}/{path}?" + urllib.parse.urlencode(params))
    assert status == 200


def test_datasette_reads_while_the_archive_is_written(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build_archive(path, ["lacson"])
    port = free_port()
    argv = [sys.executable, "-m", "datasette", "serve", str(path), "-h", HOST, "-p", str(port)]
    errors: list[BaseException] = []
    total = 1 + 20 * 10

    def write() -> None:
        try:
            database = archive.open_archive(path)
            with archive.ArchiveWriter(database, batch_size=10) as writer:
                for i in range(total - 1):
                    writer.add(
                        ArticleRecord(url=f"{SITE}/40/{200_000 + i}/tin-{i}.htm", title=f"Tin số {i}", body="Nội dung " * 50)
                    )
                    if i % 10 == 9:
                        time.sleep(0.02)
            database.close()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    with running(argv, port, tmp_path / "datasette.log") as base:
        writer = threading.Thread(target=write)
        writer.start()
        counts = []
        try:
            while writer.is_alive():
                data = get_json(f"{base}/archive/articles.json?_size=1&_search=noi+dung")
                counts.append(data["filtered_table_rows_count"])
        finally:
            writer.join()
        final = get_json(f"{base}/archive/articles.json?_size=1")["filtered_table_rows_count"]
    assert errors == []
    assert final == total
    assert counts == sorted(counts) and all(c % 10 == 0 for c in counts)  # whole batches only
    assert len(set(counts)) > 2  # datasette saw the archive grow
