"""The hbdt datasette plugin (crawler.browse) in a real plain ``datasette archive.db`` on loopback:
slim listing, ranked search page, article/unit/author/person pages, words instead of codes,
facets through the link tables; plus the pure helpers behind them."""

from __future__ import annotations

import re
import sqlite3
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler import archive
from crawler.browse import pages, words
from crawler.items import ArticleRecord, Byline, Image, Person, RelatedItem
from crawler.search import has_marks, run_search
from tests.test_datasette import ARTICLES, HOST, SITE, free_port, get, get_json, make_record, running

PREGNANT = ArticleRecord(
    url=f"{SITE}/16/140200/cham-soc-thai-san.htm", article_id=140200, category_id=16,
    title="Chăm sóc phụ nữ đang mang thai ở vùng cao",
    lead="Cán bộ y tế xã đến từng nhà.", body="Nhiều phụ nữ đang mang thai được cán bộ y tế khám miễn phí.",
    published_at="2019-12-01T10:00:00+07:00", byline=Byline(raw="Hải Yến", authors=["Hải Yến"]),
)


def rich_record() -> ArticleRecord:
    """The Lạc Sơn article with images, people and related items (one of them archived)."""
    record = make_record("lacson")
    record.body = "Đoạn một nói về Đảng bộ.\n\nĐoạn hai nói về đảng viên."
    record.images = [Image(f"{SITE}/NewsImg/1_2019/anh.jpg", "Hội nghị Ban Chấp hành")]
    record.people = [Person("Bùi Văn Cửu", "Bí thư Huyện ủy", "Lạc Sơn")]
    record.related = [
        RelatedItem(f"{SITE}/11/140126/maichau_dh.htm", "Mai Châu tổng kết", None),
        RelatedItem(f"{SITE}/11/1/chua-luu.htm", "Tin chưa lưu", None),
    ]
    record.capture_timestamp = None
    return record


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browse") / "archive.db"
    database = archive.open_archive(path)
    with archive.ArchiveWriter(database) as writer:
        for key in ARTICLES:
            writer.add(rich_record() if key == "lacson" else make_record(key))
        writer.add(PREGNANT)
    with archive.ArchiveWriter(database) as writer:  # again: the related item is archived now
        writer.add(rich_record())
    database.close()
    return path


@pytest.fixture(scope="module")
def base(archive_path: Path) -> Iterator[str]:
    """Plain ``datasette archive.db``: the installed plugin is all that makes it hbdt's."""
    port = free_port()
    argv = [sys.executable, "-m", "datasette", "serve", str(archive_path), "-h", HOST, "-p", str(port)]
    with running(argv, port, archive_path.with_suffix(".log")) as url:
        yield url


def row_id(path: Path, article_id: int) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("select id from articles where article_id = ?", [article_id]).fetchone()[0])


def titles_in(html: str) -> list[str]:
    return re.findall(r'class="hbdt-hit-title" href="[^"]*">([^<]*)</a>', html)


def test_plugin_is_loaded_by_plain_datasette(base: str) -> None:
    plugins = get_json(f"{base}/-/plugins.json")
    assert "hbdt" in [p["name"] for p in plugins]
    status, ctype, css = get(f"{base}/-/static-plugins/hbdt/browse.css")
    assert status == 200 and ".col-folded_terms" in css


def test_listing_is_slim_and_readable(base: str) -> None:
    status, _, html = get(f"{base}/archive/articles")
    assert status == 200
    heads = re.findall(r'<th class="col-([a-z_]+)"', html)
    assert heads == ["id", *pages_columns()]
    assert "folded_terms" not in heads and "content_hash" not in heads and "body" not in heads
    assert '<span title="2019-10-16T08:45:00+07:00">16/10/2019</span>' in html
    assert '<td class="col-is_congress type-int">yes</td>' in html
    assert html.index('name="_search"') < html.index("<table class=\"rows-and-columns\"")
    assert 'class="column-descriptions"' not in html  # column notes sit in a closed <details>


def pages_columns() -> list[str]:
    from crawler.browse import DEFAULT_COLUMNS

    return list(DEFAULT_COLUMNS)


def test_listing_keeps_columns_asked_for(base: str) -> None:
    status, _, html = get(f"{base}/archive/articles?_col=title&_col=lead")
    assert status == 200
    assert re.findall(r'<th class="col-([a-z_]+)"', html) == ["id", "title", "lead"]
    data = get_json(f"{base}/archive/articles.json?_shape=objects&_size=1")
    assert "folded_terms" in data["rows"][0]  # JSON stays complete


def test_title_links_to_article_page(base: str, archive_path: Path) -> None:
    rid = row_id(archive_path, 140123)
    _, _, html = get(f"{base}/archive/articles")
    assert f'href="/-/hbdt/archive/article/{rid}">Lạc Sơn tích cực chuẩn bị đại hội</a>' in html


def test_article_page(base: str, archive_path: Path) -> None:
    rid = row_id(archive_path, 140123)
    status, _, html = get(f"{base}/archive/articles/{rid}")  # the row page redirects to it
    assert status == 200
    assert "<h1>Lạc Sơn tích cực chuẩn bị đại hội</h1>" in html
    assert "16/10/2019 08:45" in html
    assert "<p>Đoạn một nói về Đảng bộ.</p>" in html and "<p>Đoạn hai nói về đảng viên.</p>" in html
    assert f'href="{SITE}/11/140123/lacson.htm"' in html
    assert f"https://web.archive.org/web/*/{SITE}/11/140123/lacson.htm" in html
    assert "<figcaption>Hội nghị Ban Chấp hành</figcaption>" in html
    assert re.search(r'href="/-/hbdt/archive/author\?id=\d+">Việt Lâm</a>', html)
    assert re.search(r'href="/-/hbdt/archive/unit/\d+">Đảng bộ huyện Lạc Sơn</a>', html)
    assert 'href="/-/hbdt/archive/person?name=B%C3%B9i%20V%C4%83n%20C%E1%BB%ADu">Bùi Văn Cửu</a>' in html
    related = row_id(archive_path, 140126)
    assert f'href="/-/hbdt/archive/article/{related}">Mai Châu tổng kết</a>' in html
    assert "Tin chưa lưu" in html and "not archived" in html
    assert f"Việt Lâm, “Lạc Sơn tích cực chuẩn bị đại hội”, Báo Hòa Bình điện tử, 16/10/2019, {SITE}/11/140123/lacson.htm" in html


@pytest.mark.parametrize(
    ("path", "status", "needle"),
    [
        ("/-/hbdt/archive/article/99999", 404, "No article #99999"),
        ("/-/hbdt/nosuchdb/article/1", 404, "No hbdt archive"),
        ("/-/hbdt/archive/author?name=Nobody", 404, "No author"),
        ("/-/hbdt/archive/unit/99999", 404, "No unit"),
        ("/-/hbdt/archive/person?name=", 404, "No person"),
    ],
)
def test_pages_not_found(base: str, path: str, status: int, needle: str) -> None:
    got, _, html = get(base + path)
    assert got == status and needle in html


def test_raw_row_page_still_available(base: str, archive_path: Path) -> None:
    rid = row_id(archive_path, 140123)
    status, _, html = get(f"{base}/archive/articles/{rid}?_raw=1")
    assert status == 200 and "content_hash" in html


@pytest.mark.parametrize(
    ("path", "name", "expected"),
    [
        ("author?name=" + urllib.parse.quote("Thu Hằng"), "Thu Hằng",
         ["Lạc Thủy phát triển du lịch cộng đồng", "Nông dân Mai Châu thu hoạch lúa mùa"]),
        ("person?name=" + urllib.parse.quote("Bùi Văn Cửu"), "Bùi Văn Cửu", ["Lạc Sơn tích cực chuẩn bị đại hội"]),
    ],
)
def test_author_and_person_pages(base: str, path: str, name: str, expected: list[str]) -> None:
    status, _, html = get(f"{base}/-/hbdt/archive/{path}")
    assert status == 200 and f"<h1>{name}</h1>" in html
    assert re.findall(r'/article/\d+">([^<]+)</a>', html) == expected


def test_unit_page_in_words(base: str, archive_path: Path) -> None:
    with sqlite3.connect(archive_path) as conn:
        unit_id = conn.execute("select id from units where name = 'Đảng bộ huyện Lạc Sơn'").fetchone()[0]
    status, _, html = get(f"{base}/-/hbdt/archive/unit/{unit_id}")
    assert status == 200
    assert "đảng bộ (Party organisation)" in html and "huyện (district)" in html
    assert "Huyện Lạc Sơn, Tỉnh Hòa Bình" in html
    assert re.findall(r'/article/\d+">([^<]+)</a>', html) == ["Lạc Sơn tích cực chuẩn bị đại hội"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang bo lac son", ["Lạc Sơn tích cực chuẩn bị đại hội"]),
        ("Đảng bộ", ["Lạc Sơn tích cực chuẩn bị đại hội"]),  # never "đang mang thai ... cán bộ"
        ("dang mang thai", ["Chăm sóc phụ nữ đang mang thai ở vùng cao"]),
        ("đang mang", ["Chăm sóc phụ nữ đang mang thai ở vùng cao"]),
        ('"dai hoi"', ["Lạc Sơn tích cực chuẩn bị đại hội", "Mai Châu tổng kết công tác chuẩn bị đại hội"]),
        ('"đại hội" Mai Châu', ["Mai Châu tổng kết công tác chuẩn bị đại hội"]),
        ("khong co gi", []),
    ],
)
def test_search_page(base: str, query: str, expected: list[str]) -> None:
    status, _, html = get(f"{base}/archive/articles?" + urllib.parse.urlencode({"_search": query}))
    assert status == 200
    assert titles_in(html) == expected


def test_search_page_ranks_and_highlights(base: str) -> None:
    status, _, html = get(f"{base}/-/hbdt/archive/search?q=dang+bo")
    assert status == 200
    found = titles_in(html)
    assert found[0] == "Lạc Sơn tích cực chuẩn bị đại hội"  # "Đảng bộ" side by side ranks first
    assert "<mark>Đảng bộ</mark>" in html
    assert "articles.csv?_search=dang+bo" in html


@pytest.mark.parametrize("query", ["", '"', "-xa", "   "])
def test_search_page_bad_queries(base: str, query: str) -> None:
    status, _, html = get(f"{base}/-/hbdt/archive/search?" + urllib.parse.urlencode({"q": query}))
    assert status == 200 and "Traceback" not in html
    assert titles_in(html) == []


def facet(data: dict, name: str) -> dict:
    return {r["label"]: r["count"] for r in data["facet_results"][name]["results"]}


def test_default_facets_in_words(base: str) -> None:
    data = get_json(f"{base}/archive/articles.json")
    assert facet(data, "is_congress") == {"yes": 2, "no": 3}
    assert list(facet(data, "month")) == ["03/2020", "12/2019", "11/2019", "10/2019"]  # by month, newest first
    assert facet(data, "authors") == {"Việt Lâm": 2, "Thu Hằng": 2, "Hải Yến": 1}
    assert facet(data, "unit_levels") == {"huyện (district)": 2}
    assert facet(data, "districts") == {"Huyện Lạc Sơn": 1, "Huyện Mai Châu": 1}
    assert facet(data, "category_id") == {"Chính trị": 2, "Mục 40": 2, "Văn hóa (tên chưa kiểm chứng)": 1}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"_author": "Thu Hằng"}, [140124, 140125]),
        ({"_level": "huyen"}, [140123, 140126]),
        ({"_district": "Huyện Mai Châu"}, [140126]),
        ({"_author": "Việt Lâm", "_district": "Huyện Lạc Sơn"}, [140123]),
        ({"_author": "Nobody"}, []),
    ],
)
def test_link_filters(base: str, params: dict[str, str], expected: list[int]) -> None:
    data = get_json(f"{base}/archive/articles.json?_shape=objects&" + urllib.parse.urlencode(params))
    assert sorted(r["article_id"] for r in data["rows"]) == expected


def test_facet_counts_follow_filters_and_toggle(base: str) -> None:
    data = get_json(f"{base}/archive/articles.json?is_congress=1")
    assert facet(data, "authors") == {"Việt Lâm": 2}
    thu = next(r for r in get_json(f"{base}/archive/articles.json")["facet_results"]["authors"]["results"]
               if r["value"] == "Thu Hằng")
    rows = get_json(thu["toggle_url"].replace(".json?", ".json?_shape=objects&"))["rows"]
    assert sorted(r["article_id"] for r in rows) == [140124, 140125]


def test_unit_query_lists_each_article_once(base: str) -> None:
    rows = get_json(f"{base}/archive/articles_naming_unit.json?_shape=objects&unit=huyen")["rows"]
    assert sorted(r["url"] for r in rows) == [f"{SITE}/11/140123/lacson.htm", f"{SITE}/11/140126/maichau_dh.htm"]


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (words.day_month_year, "2019-10-16T08:45:00+07:00", "16/10/2019"),
        (words.day_month_year, "garbage", None),
        (words.day_month_year, None, None),
        (words.day_month_year_time, "2019-10-16T08:45:00+07:00", "16/10/2019 08:45"),
        (words.day_month_year_time, "2019-10-16", "16/10/2019"),
        (words.month_words, "2019-10", "10/2019"),
        (words.congress_word, 1, "yes"),
        (words.congress_word, "0", "no"),
        (words.congress_word, None, None),
        (words.category_name, 11, "Chính trị"),
        (words.category_name, "291", "Mục 291"),
        (words.category_name, "x", None),
        (words.level_word, "xa", "xã (commune)"),
        (words.level_word, "new-level", "new-level"),
        (words.kind_word, "tieu-ban", "tiểu ban (sub-committee)"),
        (words.json_list, '["a", "", null, "b"]', ["a", "b"]),
        (words.json_list, "[broken", []),
        (words.json_list, None, []),
    ],
)
def test_words(func: object, value: object, expected: object) -> None:
    assert func(value) == expected  # type: ignore[operator]


@pytest.mark.parametrize(
    ("body", "expected"),
    [("A.\n\nB.\n \nC.", ["A.", "B.", "C."]), ("", []), (None, []), ("One line\nwrapped", ["One line\nwrapped"])],
)
def test_paragraphs(body: str | None, expected: list[str]) -> None:
    assert pages.paragraphs(body) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Đảng bộ", True), ("đang", False), ("dang bo", False), ("ĐẢNG", True), ("Lạc", True)],
)
def test_has_marks(query: str, expected: bool) -> None:
    assert has_marks(query) is expected


@pytest.mark.parametrize(
    ("query", "exact", "expected"),
    [
        ("Đảng bộ", True, [140123]),
        ("Đảng bộ", False, [140123, 140200]),
        ("dang bo", True, [140123, 140124, 140200]),  # "dễ dàng ... cán bộ" too: no marks typed
        ("ĐANG MANG", True, [140200]),
        ("lạc", True, [140123, 140125]),
        ("lác", True, []),
    ],
)
def test_run_search_exact_marks(archive_path: Path, query: str, exact: bool, expected: list[int]) -> None:
    with sqlite3.connect(archive_path) as conn:
        hits = run_search(conn, query, exact_marks=exact)
    ids = sorted(int(h["url"].split("/")[4]) for h in hits)
    assert ids == expected


@pytest.mark.parametrize(
    "path",
    [
        "/archive/articles.json?_search=dang+bo&_sort=rank",
        "/archive/articles.json?_search=dang+bo&_sort_desc=rank",
        "/archive/articles?_search=dang+bo&_sort=rank",
        "/archive/articles?_search=dang+bo&_sort=rank&_raw=1",
        "/archive/articles.csv?_search=dang+bo&_sort=rank",
        "/archive/articles.json?_sort=rank",
    ],
)
def test_sort_by_relevance_never_fails(base: str, path: str) -> None:
    status, _, body = get(base + path)
    assert status == 200, body[:300]
    assert "lacson" in body or "Lạc Sơn tích cực" in body


def test_search_json_is_ranked(base: str) -> None:
    data = get_json(f"{base}/archive/articles.json?_search=dang+bo&_sort=rank")
    assert data["ok"] is True and data["query"] == "dang bo"
    assert data["rows"][0]["url"] == f"{SITE}/11/140123/lacson.htm"
    assert "[Đảng bộ]" in data["rows"][0]["snippet"]
    status, _, body = get(f"{base}/-/hbdt/archive/search.json?q=%22")
    assert status == 400 and "no word to search" in body


@pytest.mark.parametrize(("limit", "shown"), [("1", 1), ("2", 2), ("0", 3), ("abc", 3)])
def test_search_page_limit(base: str, limit: str, shown: int) -> None:
    _, _, html = get(f"{base}/-/hbdt/archive/search?" + urllib.parse.urlencode({"q": "dai hoi OR mai", "limit": limit}))
    assert len(titles_in(html)) == shown
    assert ("More results" in html) is (shown < 3)


def test_units_table_in_words(base: str) -> None:
    status, _, html = get(f"{base}/archive/units")
    assert status == 200
    assert '<span title="huyen">huyện (district)</span>' in html
    assert '<span title="dang-bo">đảng bộ (Party organisation)</span>' in html
    assert re.search(r'href="/-/hbdt/archive/unit/\d+">Đảng bộ huyện Lạc Sơn</a>', html)


@pytest.mark.parametrize(
    ("params", "ranked_page"),
    [
        ({"_search": "mai chau"}, True),
        ({"_search": "mai chau", "_size": "5"}, True),
        ({"_search": "mai chau", "_sort_desc": "published_at"}, False),
        ({"_search": "mai chau", "is_congress": "1"}, False),
        ({"_search": "mai chau", "_author": "Việt Lâm"}, False),
    ],
)
def test_search_with_filters_stays_in_the_table(base: str, params: dict[str, str], ranked_page: bool) -> None:
    status, _, html = get(f"{base}/archive/articles?" + urllib.parse.urlencode(params))
    assert status == 200
    assert ("hbdt-hits" in html) is ranked_page
    if not ranked_page:  # the slim table, filtered
        assert re.findall(r'<th class="col-([a-z_]+)"', html) == ["id", *pages_columns()]
        assert "Mai Châu tổng kết công tác chuẩn bị đại hội" in html


def test_author_page_links_filtered_table(base: str) -> None:
    _, _, html = get(f"{base}/-/hbdt/archive/author?" + urllib.parse.urlencode({"name": "Thu Hằng"}))
    link = re.search(r'href="([^"]+)">These articles in the table', html)
    assert link is not None
    data = get_json(base + link.group(1).replace("&amp;", "&").replace("/archive/articles?", "/archive/articles.json?_shape=objects&"))
    assert sorted(r["article_id"] for r in data["rows"]) == [140124, 140125]


@pytest.mark.parametrize(
    ("params", "districts", "levels"),
    [
        ({"is_congress": "1"}, {"Huyện Lạc Sơn": 1, "Huyện Mai Châu": 1}, {"huyện (district)": 2}),
        ({"_author": "Thu Hằng"}, {}, {}),
        ({"_district": "Huyện Mai Châu"}, {"Huyện Mai Châu": 1}, {"huyện (district)": 1}),
        ({"_search": "lac son"}, {"Huyện Lạc Sơn": 1}, {"huyện (district)": 1}),
    ],
)
def test_list_facets_follow_filters(
    base: str, params: dict[str, str], districts: dict[str, int], levels: dict[str, int]
) -> None:
    data = get_json(f"{base}/archive/articles.json?" + urllib.parse.urlencode(params))
    assert facet(data, "districts") == districts
    assert facet(data, "unit_levels") == levels


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Đảng bộ", ["b", "a"]),  # typed marks: "Đảng bờ" in a title is not the phrase
        ("dang bo", ["a", "b"]),  # no marks: the title's "Đảng bờ" is the phrase, folded
    ],
)
def test_exact_marks_rank_the_exact_phrase_first(tmp_path: Path, query: str, expected: list[str]) -> None:
    database = archive.open_archive(tmp_path / "archive.db")
    with archive.ArchiveWriter(database) as writer:
        writer.add(ArticleRecord(url=f"{SITE}/11/1/a.htm", title="Đảng bờ sông Đà", body="Người dân trên bộ đi chợ."))
        writer.add(ArticleRecord(url=f"{SITE}/11/2/b.htm", title="Tin tức trong tuần", body="Đảng bộ xã họp."))
    hits = run_search(database.conn, query, exact_marks=True)
    database.close()
    assert [h["url"].rsplit("/", 1)[1].removesuffix(".htm") for h in hits] == expected


@pytest.mark.parametrize(("extra", "suggested"), [({}, False), ({"_suggest": "1"}, True)])
def test_json_skips_facet_suggestions_unless_asked(base: str, extra: dict[str, str], suggested: bool) -> None:
    data = get_json(f"{base}/archive/articles.json?" + urllib.parse.urlencode({"_author": "Thu Hằng", **extra}))
    assert sorted(r[data["columns"].index("article_id")] for r in data["rows"]) == [140124, 140125]
    assert bool(data["suggested_facets"]) is suggested
