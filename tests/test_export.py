"""Export: CSV for Excel (BOM, header, formula neutralisation), JSON Lines, filters as parameters."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
import sqlite_utils

from crawler import archive
from crawler.export import (
    ARTICLE_COLUMNS,
    UNIT_COLUMNS,
    ExportError,
    ExportFilters,
    build_sql,
    iter_rows,
    neutralise,
    write_export,
)
from crawler.items import ArticleRecord, Byline, Place, Unit

SITE = "https://baohoabinh.com.vn"
LAC_SON = Place(province="Tỉnh Hòa Bình", district="Huyện Lạc Sơn", district_code="157")
VAN_NGHIA = Place(province="Tỉnh Hòa Bình", district="Huyện Lạc Sơn", commune="Xã Văn Nghĩa", commune_code="05281")
MAI_CHAU = Place(province="Tỉnh Hòa Bình", district="Huyện Mai Châu", district_code="158")

# key: (published_at, is_congress, authors, units, title, lead)
ROWS: dict[str, tuple[str | None, bool, list[str], list[Unit], str, str | None]] = {
    "a": (
        "2019-09-01T07:00:00+07:00", True, ["Việt Lâm"],
        [Unit("Đảng bộ huyện Lạc Sơn", "dang-bo", "huyen", 3, LAC_SON),
         Unit("Đảng bộ xã Văn Nghĩa", "dang-bo", "xa", 1, VAN_NGHIA)],
        "Lạc Sơn chuẩn bị đại hội", "Huyện ủy Lạc Sơn ban hành kế hoạch.",
    ),
    "b": (
        "2019-10-15T23:59:00+07:00", True, ["Thu Hằng", "Việt Lâm"],
        [Unit("Đảng bộ huyện Mai Châu", "dang-bo", "huyen", 1, MAI_CHAU)],
        "=HYPERLINK(\"http://example.invalid\",\"bấm vào đây\")", "+84 đại biểu dự đại hội",
    ),
    "c": (
        "2019-10-16T00:00:00+07:00", False, ["Đồng Hương"], [],
        "-Tin vắn: nông dân thu hoạch lúa", "@ngày mùa trên các cánh đồng",
    ),
    "d": (None, True, [], [Unit("Chi bộ xóm Mới Nang", "chi-bo", "co-so", 2, VAN_NGHIA)], "Bài không ghi ngày", None),
}


def make_record(key: str, i: int) -> ArticleRecord:
    published_at, congress, authors, units, title, lead = ROWS[key]
    return ArticleRecord(
        url=f"{SITE}/11/{150_000 + i}/{key}.htm",
        article_id=150_000 + i,
        category_id=11 if congress else 40,
        title=title,
        lead=lead,
        body=f"Nội dung bài {key}. " + " ".join(u.name for u in units),
        published_at=published_at,
        byline=Byline(raw=" - ".join(authors) or None, authors=authors),
        units=units,
        is_congress=congress,
    )


@pytest.fixture(scope="module")
def db() -> sqlite_utils.Database:
    database = sqlite_utils.Database(memory=True)
    archive.ensure_schema(database)
    with archive.ArchiveWriter(database) as writer:
        for i, key in enumerate(ROWS):
            writer.add(make_record(key, i))
    return database


def export_text(db: sqlite_utils.Database, filters: ExportFilters | None = None, **kwargs: Any) -> str:
    out = io.StringIO(newline="")
    write_export(db, out, filters or ExportFilters(), **kwargs)
    return out.getvalue()


def keys(rows: list[dict[str, Any]]) -> list[str]:
    return [r["url"].rsplit("/", 1)[1].removesuffix(".htm") for r in rows]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+84 đại biểu", "'+84 đại biểu"),
        ("-Tin vắn", "'-Tin vắn"),
        ("@ngày mùa", "'@ngày mùa"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Đại hội = thành công", "Đại hội = thành công"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(value: Any, expected: Any) -> None:
    assert neutralise(value) == expected


def test_csv_layout(db: sqlite_utils.Database) -> None:
    text = export_text(db)
    # issue 12: every cell of the header and every text cell is quoted; the added columns come last
    assert text.startswith(
        '\ufeff"url","article_id","title","published_at","authors","units","category_id","is_congress","lead",'
        '"date","month","districts","unit_levels"\r\n'
    )
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert tuple(rows[0]) == ARTICLE_COLUMNS
    by_key = {r["url"].rsplit("/", 1)[1].removesuffix(".htm"): r for r in rows}
    assert by_key["a"]["authors"] == "Việt Lâm"
    assert by_key["b"]["authors"] == "Thu Hằng; Việt Lâm"
    assert by_key["a"]["units"] == "Đảng bộ huyện Lạc Sơn; Đảng bộ xã Văn Nghĩa"
    assert (by_key["a"]["is_congress"], by_key["c"]["is_congress"]) == ("1", "0")
    assert by_key["b"]["title"] == "'=HYPERLINK(\"http://example.invalid\",\"bấm vào đây\")"
    assert by_key["b"]["lead"] == "'+84 đại biểu dự đại hội"
    assert by_key["c"]["title"] == "'-Tin vắn: nông dân thu hoạch lúa"
    assert by_key["c"]["lead"] == "'@ngày mùa trên các cánh đồng"
    assert (by_key["d"]["published_at"], by_key["d"]["lead"], by_key["d"]["authors"]) == ("", "", "")
    assert keys(rows) == ["d", "a", "b", "c"]  # by publication time, undated first


def test_csv_encodes_to_utf8_with_bom(db: sqlite_utils.Database) -> None:
    data = export_text(db).encode("utf-8")
    assert data[:3] == b"\xef\xbb\xbf"
    assert "Đảng bộ huyện Lạc Sơn".encode() in data


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ExportFilters(), ["d", "a", "b", "c"]),
        (ExportFilters(since="2019-10-01"), ["b", "c"]),
        (ExportFilters(until="2019-10-15"), ["a", "b"]),  # inclusive, to 23:59 of that day
        (ExportFilters(since="2019-10-15", until="2019-10-15"), ["b"]),
        (ExportFilters(since="2019-10-16", until="2019-10-16"), ["c"]),
        (ExportFilters(congress_only=True), ["d", "a", "b"]),
        (ExportFilters(unit="Lạc Sơn"), ["a"]),
        (ExportFilters(unit="lac son"), ["a"]),
        (ExportFilters(unit="VĂN NGHĨA"), ["a"]),  # names, not places: d's unit is in Văn Nghĩa
        (ExportFilters(unit="Chi bộ"), ["d"]),
        (ExportFilters(unit="%"), []),
        (ExportFilters(unit="_"), []),
        (ExportFilters(unit="' OR 1=1 --"), []),
        (ExportFilters(author="viet lam"), ["a", "b"]),
        (ExportFilters(author="Đồng Hương"), ["c"]),
        (ExportFilters(author="dong huong", congress_only=True), []),
        (ExportFilters(query="nong dan"), ["c"]),
        (ExportFilters(query="Đảng bộ"), ["a", "b"]),
        (ExportFilters(query="dang bo", since="2019-10-01", unit="mai chau"), ["b"]),
        (ExportFilters(query="'; DROP TABLE articles; --"), []),
    ],
)
def test_filters(db: sqlite_utils.Database, filters: ExportFilters, expected: list[str]) -> None:
    assert keys(list(iter_rows(db, filters))) == expected
    assert db.execute("select count(*) from articles").fetchone()[0] == len(ROWS)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            ExportFilters(),
            [("d", "Chi bộ xóm Mới Nang", "co-so", 2), ("a", "Đảng bộ huyện Lạc Sơn", "huyen", 3),
             ("a", "Đảng bộ xã Văn Nghĩa", "xa", 1), ("b", "Đảng bộ huyện Mai Châu", "huyen", 1),
             ("c", None, None, None)],
        ),
        (ExportFilters(unit="van nghia"), [("a", "Đảng bộ xã Văn Nghĩa", "xa", 1)]),
        (ExportFilters(unit="dang bo"), [("a", "Đảng bộ huyện Lạc Sơn", "huyen", 3), ("a", "Đảng bộ xã Văn Nghĩa", "xa", 1),
                                         ("b", "Đảng bộ huyện Mai Châu", "huyen", 1)]),
        (ExportFilters(congress_only=True, since="2019-10-01"), [("b", "Đảng bộ huyện Mai Châu", "huyen", 1)]),
    ],
)
def test_per_unit_rows(db: sqlite_utils.Database, filters: ExportFilters, expected: list[tuple[Any, ...]]) -> None:
    rows = list(iter_rows(db, filters, per="unit"))
    assert [(k, r["unit"], r["unit_level"], r["mentions"]) for k, r in zip(keys(rows), rows, strict=True)] == expected


def test_per_unit_csv_columns(db: sqlite_utils.Database) -> None:
    text = export_text(db, ExportFilters(unit="Mới Nang"), per="unit")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert tuple(rows[0]) == ARTICLE_COLUMNS + UNIT_COLUMNS
    assert rows[1][len(ARTICLE_COLUMNS):] == ["Chi bộ xóm Mới Nang", "chi-bo", "co-so", "2", "Huyện Lạc Sơn", "Xã Văn Nghĩa"]
    assert len(rows) == 2


def test_jsonl(db: sqlite_utils.Database) -> None:
    lines = export_text(db, ExportFilters(congress_only=True), fmt="jsonl").splitlines()
    objects = [json.loads(line) for line in lines]
    assert keys(objects) == ["d", "a", "b"]
    assert all(tuple(o) == ARTICLE_COLUMNS for o in objects)
    assert objects[2]["authors"] == ["Thu Hằng", "Việt Lâm"]
    assert objects[2]["title"].startswith("=HYPERLINK")  # JSON is data, not a spreadsheet
    assert objects[0]["is_congress"] is True


@pytest.mark.parametrize(
    ("filters", "kwargs"),
    [
        (ExportFilters(since="2019-13-01"), {}),
        (ExportFilters(since="01/10/2019"), {}),
        (ExportFilters(until="2019-10-1"), {}),
        (ExportFilters(query=""), {}),
        (ExportFilters(query="NOT dang"), {}),
        (ExportFilters(), {"fmt": "ods"}),
        (ExportFilters(), {"fmt": "xlsx"}),  # xlsx is binary: never into a text stream
        (ExportFilters(), {"columns": ["title", "nope"]}),
        (ExportFilters(since="2019-10-02", until="2019-10-01"), {}),
        (ExportFilters(), {"per": "author"}),
    ],
)
def test_bad_options(db: sqlite_utils.Database, filters: ExportFilters, kwargs: dict[str, str]) -> None:
    out = io.StringIO()
    with pytest.raises(ExportError):
        write_export(db, out, filters, **kwargs)
    assert out.getvalue() == ""


def test_filters_are_parameters_not_sql() -> None:
    hostile = "x' OR '1'='1"
    sql, params = build_sql(ExportFilters(since="2019-10-01", unit=hostile, author=hostile, query=hostile))
    assert hostile not in sql and "x'" not in sql
    assert params["unit_like"] == "%x' or '1'='1%"
    assert set(params) == {"since", "unit_like", "author_like", "match"}


def test_rows_stream(db: sqlite_utils.Database) -> None:
    rows = iter_rows(db, ExportFilters())
    first = next(rows)
    assert keys([first]) == ["d"]  # one row produced before the rest are read
    assert len(list(rows)) == len(ROWS) - 1
