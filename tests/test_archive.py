"""The archive: schema, batched upserts, revisions, child rows, related links, bookkeeping, WAL."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from crawler import archive
from crawler.items import (
    RECORD_KEYS,
    ArticleRecord,
    Byline,
    Count,
    DateMention,
    Document,
    Image,
    Person,
    Place,
    RelatedItem,
    Unit,
)

SITE = "https://baohoabinh.com.vn"
ARCHIVE_FIELDS = {"fetched_at", "first_fetched_at", "content_hash", "capture_timestamp", "source", "revisions"}

LAC_SON = Place(
    province="Tỉnh Hòa Bình", district="Huyện Lạc Sơn", province_code="17", district_code="157",
    new_province="Tỉnh Phú Thọ",
)
VAN_NGHIA = Place(
    province="Tỉnh Hòa Bình", district="Huyện Lạc Sơn", commune="Xã Văn Nghĩa", province_code="17",
    district_code="157", commune_code="05281", new_province="Tỉnh Phú Thọ", new_commune="Xã Nhân Nghĩa",
)


def make_record(article_id: int = 140123, **overrides: Any) -> ArticleRecord:
    """A full record (every list filled) in the shape the page parser produces."""
    fields: dict[str, Any] = {
        "url": f"{SITE}/11/{article_id}/Lac-Son-chuan-bi-Dai-hoi.htm",
        "article_id": article_id,
        "category_id": 11,
        "title": "Lạc Sơn tích cực chuẩn bị Đại hội Đảng bộ các cấp",
        "lead": "Huyện ủy Lạc Sơn đã ban hành Kế hoạch số 236-KH/HU, ngày 6/9/2019.",
        "body": "Đảng bộ huyện Lạc Sơn có 56 chi, Đảng bộ trực thuộc với 8.021 đảng viên.\n\n"
        "Đồng chí Bùi Đức Dính, Bí thư Đảng ủy xã Văn Nghĩa cho biết xã đã sẵn sàng.",
        "published_at": "2019-10-16T08:45:00+07:00",
        "published_at_raw": "Thứ Tư, 16/10/2019 | 08:45",
        "byline": Byline(raw="Việt Lâm - Thu Hằng", authors=["Việt Lâm", "Thu Hằng"]),
        "units": [
            Unit("Đảng bộ huyện Lạc Sơn", "dang-bo", "huyen", 2, LAC_SON),
            Unit("Đảng ủy xã Văn Nghĩa", "dang-uy", "xa", 1, VAN_NGHIA),
            Unit("Trường THPT Lạc Sơn", "truong", "co-so", 1, None),
        ],
        "related": [
            RelatedItem(f"{SITE}/11/140200/Van-Nghia.htm", "Văn Nghĩa đại hội điểm", "Chi bộ xóm Mới Nang"),
            RelatedItem("http://www.baohoabinh.com.vn/11/140201/Tan-Lap.htm", "Tân Lập", None),
        ],
        "is_congress": True,
        "images": [Image("https://ims.baohoabinh.com.vn/NewsImg/10_2019/1_a.jpg", "Cán bộ chuẩn bị tài liệu. Ảnh: PV")],
        "people": [Person("Bùi Đức Dính", "Bí thư", "Đảng ủy xã Văn Nghĩa")],
        "documents": [Document("Kế hoạch", "236", "236-KH/HU", "Huyện ủy", "2019-09-06")],
        "counts": [Count(8021, "đảng viên", "Đảng bộ huyện Lạc Sơn"), Count(56, "chi, Đảng bộ trực thuộc", None)],
        "date_mentions": [DateMention("ngày 6/9/2019", "2019-09-06", "2019-09-06", "day")],
    }
    fields.update(overrides)
    return ArticleRecord(**fields)


@pytest.fixture
def db() -> sqlite_utils.Database:
    database = sqlite_utils.Database(memory=True)
    archive.ensure_schema(database)
    return database


def add(db: sqlite_utils.Database, *records: ArticleRecord, **kwargs: Any) -> dict[str, int]:
    writer = archive.ArchiveWriter(db)
    for record in records:
        writer.add(record, **kwargs)
    return writer.flush()


def count(db: sqlite_utils.Database, table: str) -> int:
    return db.execute(f"select count(*) from [{table}]").fetchone()[0]


EXPECTED_TABLES = {
    "articles", "authors", "article_authors", "units", "article_units", "related", "images", "people",
    "documents", "counts", "date_mentions", "revisions", "failures", "raw_pages", "crawl_runs",
    "articles_fts", "units_fts", "authors_fts",
}
EXPECTED_VIEWS = {"articles_detail", "unit_coverage", "coverage_by_month", "coverage_by_district_month", "author_coverage"}


def schema_snapshot(database: sqlite_utils.Database) -> list[tuple[str, str]]:
    return sorted(database.execute("select type, name from sqlite_master").fetchall())


def test_ensure_schema_is_idempotent(db: sqlite_utils.Database) -> None:
    before = schema_snapshot(db)
    archive.ensure_schema(db)
    db.execute("pragma user_version = 0")  # forces the full script again
    archive.ensure_schema(db)
    assert schema_snapshot(db) == before
    assert EXPECTED_TABLES <= set(db.table_names())
    assert EXPECTED_VIEWS <= set(db.view_names())
    assert db.execute("pragma user_version").fetchone()[0] == archive.SCHEMA_VERSION


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("articles", "published_at"), ("articles", "month"), ("articles", "category_id"),
        ("articles", "is_congress"), ("articles", "article_id"), ("units", "level"), ("units", "district"),
        ("authors", "name"), ("article_units", "unit_id"), ("article_authors", "author_id"), ("related", "url"),
        ("people", "unit"), ("documents", "code"),
    ],
)
def test_indexes_for_facets_and_filters(db: sqlite_utils.Database, table: str, column: str) -> None:
    leading = {
        db.execute(f"pragma index_info([{name}])").fetchone()[2]
        for (name,) in db.execute(f"select name from pragma_index_list('{table}')")
    }
    assert column in leading


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("article_authors", "articles"), ("article_authors", "authors"), ("article_units", "units"),
        ("related", "articles"), ("images", "articles"), ("people", "articles"), ("documents", "articles"),
        ("counts", "articles"), ("date_mentions", "articles"), ("revisions", "articles"),
        ("failures", "crawl_runs"),
    ],
)
def test_foreign_keys_declared(db: sqlite_utils.Database, child: str, parent: str) -> None:
    assert parent in {fk.other_table for fk in db[child].foreign_keys}


def test_open_archive_settings(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    database = archive.open_archive(path)
    assert database.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert database.execute("pragma foreign_keys").fetchone()[0] == 1
    assert database.execute("pragma busy_timeout").fetchone()[0] == archive.BUSY_TIMEOUT_MS
    database.close()
    assert archive.open_archive(path, create=False)["articles"].exists()


@pytest.mark.parametrize("content", [None, b"this is not a database at all, just some bytes " * 50])
def test_open_archive_errors(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "archive.db"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(archive.ArchiveError):
        archive.open_archive(path, create=False)


def test_round_trip_keeps_every_field(db: sqlite_utils.Database) -> None:
    record = make_record()
    add(db, record, fetched_at="2020-01-02T03:04:05+07:00", capture_timestamp="20200102030405", source="wayback")
    got = archive.get_article(db, record.url or "")
    assert got is not None
    assert set(got) == set(RECORD_KEYS) | ARCHIVE_FIELDS
    expected = record.to_dict()
    expected["related"][1]["url"] = f"{SITE}/11/140201/Tan-Lap.htm"  # stored canonical
    for unit in expected["units"]:  # the archive folds a unit's scope into its name (issue 12)
        assert unit.pop("scope") is None
    assert {k: got[k] for k in RECORD_KEYS} == expected
    assert got["fetched_at"] == got["first_fetched_at"] == "2020-01-02T03:04:05+07:00"
    assert (got["capture_timestamp"], got["source"], got["revisions"]) == ("20200102030405", "wayback", 0)
    assert got["content_hash"] == archive.content_hash(record.title, record.lead, record.body, record.published_at)


def test_article_columns(db: sqlite_utils.Database) -> None:
    add(db, make_record())
    row = next(db.query("select * from articles"))
    assert row["month"] == "2019-10"
    assert row["is_congress"] == 1
    assert row["authors"] == '["Việt Lâm", "Thu Hằng"]'
    assert row["units"] == '["Đảng bộ huyện Lạc Sơn", "Đảng ủy xã Văn Nghĩa", "Trường THPT Lạc Sơn"]'
    assert row["unit_levels"] == '["huyen", "xa", "co-so"]'
    assert row["districts"] == '["Huyện Lạc Sơn"]'
    assert row["folded_terms"] == "dai dang da dong duc"  # "Dính" has a plain D
    assert row["fetched_at"].endswith("+07:00")


@pytest.mark.parametrize(
    ("change", "expected", "revisions"),
    [
        ({}, {"new": 0, "updated": 0, "unchanged": 1}, 0),
        ({"title": "  Lạc Sơn tích cực  chuẩn bị Đại hội Đảng bộ các cấp "}, {"new": 0, "updated": 0, "unchanged": 1}, 0),
        ({"body": "Nội dung đã được biên tập lại."}, {"new": 0, "updated": 1, "unchanged": 0}, 1),
        ({"published_at": "2019-10-17T08:45:00+07:00"}, {"new": 0, "updated": 1, "unchanged": 0}, 1),
        ({"units": [], "is_congress": False}, {"new": 0, "updated": 0, "unchanged": 1}, 0),
    ],
)
def test_new_updated_unchanged(
    db: sqlite_utils.Database, change: dict[str, Any], expected: dict[str, int], revisions: int
) -> None:
    original = make_record()
    assert add(db, original, fetched_at="2020-01-01T00:00:00+07:00") == {"new": 1, "updated": 0, "unchanged": 0}
    assert add(db, make_record(**change), fetched_at="2020-02-01T00:00:00+07:00") == expected
    assert count(db, "articles") == 1
    assert count(db, "revisions") == revisions
    got = archive.get_article(db, "140123")
    assert got is not None
    assert got["fetched_at"] == "2020-02-01T00:00:00+07:00"
    assert got["first_fetched_at"] == "2020-01-01T00:00:00+07:00"
    assert got["revisions"] == revisions
    if revisions:
        old = next(db.query("select * from revisions"))
        assert (old["body"], old["title"], old["published_at"]) == (original.body, original.title, original.published_at)
        assert old["content_hash"] == archive.content_hash(original.title, original.lead, original.body, original.published_at)
        assert (old["fetched_at"], old["replaced_at"]) == ("2020-01-01T00:00:00+07:00", "2020-02-01T00:00:00+07:00")
    assert archive.integrity_problems(db) == []


@pytest.mark.parametrize(
    ("table", "per_add"),
    [
        ("article_authors", 2), ("article_units", 3), ("related", 2), ("images", 1), ("people", 1),
        ("documents", 1), ("counts", 2), ("date_mentions", 1),
    ],
)
def test_readding_replaces_child_rows(db: sqlite_utils.Database, table: str, per_add: int) -> None:
    for _ in range(3):
        add(db, make_record())
    assert count(db, table) == per_add
    add(db, make_record(body="Bài viết đã được cập nhật nội dung."))
    assert count(db, table) == per_add


def test_lookup_tables_are_shared(db: sqlite_utils.Database) -> None:
    add(db, make_record(140123), make_record(140124))
    assert count(db, "authors") == 2
    assert count(db, "units") == 3
    assert count(db, "article_units") == 6
    coverage = {r["name"]: r["articles"] for r in db.query("select * from unit_coverage")}
    assert coverage == {"Đảng bộ huyện Lạc Sơn": 2, "Đảng ủy xã Văn Nghĩa": 2, "Trường THPT Lạc Sơn": 2}


@pytest.mark.parametrize(
    ("units", "unit_rows", "links"),
    [
        # the same name in two places is two units; the same name and place is one, mentions summed
        ([Unit("Đảng bộ xã Tân Lập", "dang-bo", "xa", 1, Place(district_code="157", commune_code="1")),
          Unit("Đảng bộ xã Tân Lập", "dang-bo", "xa", 1, Place(district_code="158", commune_code="2"))], 2, 2),
        ([Unit("Đảng bộ xã Tân Lập", "dang-bo", "xa", 2, None),
          Unit("Đảng bộ xã Tân Lập", "dang-bo", "xa", 3, None)], 1, 1),
    ],
)
def test_unit_identity(db: sqlite_utils.Database, units: list[Unit], unit_rows: int, links: int) -> None:
    add(db, make_record(units=units))
    assert count(db, "units") == unit_rows
    assert count(db, "article_units") == links
    assert db.execute("select sum(mentions) from article_units").fetchone()[0] == sum(u.mentions for u in units)


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/11/140123/Lac-Son-chuan-bi-Dai-hoi.htm",
        "http://baohoabinh.com.vn/11/140123/Lac-Son-chuan-bi-Dai-hoi.htm",
        "https://www.baohoabinh.com.vn/11/140123/Lac-Son-chuan-bi-Dai-hoi.htm#top",
        "140123",
        " 140123 ",
    ],
)
def test_get_article_accepts_any_form(db: sqlite_utils.Database, url: str) -> None:
    add(db, make_record(url="http://www.baohoabinh.com.vn/11/140123/Lac-Son-chuan-bi-Dai-hoi.htm"))
    got = archive.get_article(db, url)
    assert got is not None
    assert got["url"] == f"{SITE}/11/140123/Lac-Son-chuan-bi-Dai-hoi.htm"
    assert archive.is_archived(db, f"{SITE}/11/140123/Lac-Son-chuan-bi-Dai-hoi.htm")


@pytest.mark.parametrize("ref", ["140999", f"{SITE}/11/140999/Khac.htm", "not a url", ""])
def test_get_article_unknown(db: sqlite_utils.Database, ref: str) -> None:
    add(db, make_record())
    assert archive.get_article(db, ref) is None


def test_host_forms_are_one_article(db: sqlite_utils.Database) -> None:
    add(db, make_record(url="http://baohoabinh.com.vn/11/140123/a.htm"))
    add(db, make_record(url="https://www.baohoabinh.com.vn/11/140123/a.htm"))
    assert archive.archived_urls(db) == {f"{SITE}/11/140123/a.htm"}


@pytest.mark.parametrize("order", ["related first", "article first"])
def test_related_article_link_and_backfill(db: sqlite_utils.Database, order: str) -> None:
    target = make_record(140200, url=f"{SITE}/11/140200/Van-Nghia.htm", related=[])
    source = make_record(140123)
    if order == "related first":
        add(db, target)
        add(db, source)
    else:
        add(db, source)
        linked = {r["url"]: r["related_article"] for r in db.query("select * from related")}
        assert set(linked.values()) == {None}
        add(db, target)
    target_id = db.execute("select id from articles where article_id = 140200").fetchone()[0]
    linked = {r["url"]: r["related_article"] for r in db.query("select * from related")}
    assert linked == {f"{SITE}/11/140200/Van-Nghia.htm": target_id, f"{SITE}/11/140201/Tan-Lap.htm": None}


def test_delete_cascades_and_keeps_index_sound(db: sqlite_utils.Database) -> None:
    add(db, make_record(140123), make_record(140200, url=f"{SITE}/11/140200/Van-Nghia.htm"))
    db.conn.execute("pragma foreign_keys = on")
    with db.conn:
        db.execute("delete from articles where article_id = 140200")
    assert count(db, "articles") == 1
    assert db.execute("select count(*) from images").fetchone()[0] == 1
    assert {r["related_article"] for r in db.query("select * from related")} == {None}
    assert archive.search(db, "Đảng bộ") and len(archive.search(db, "Đảng bộ")) == 1
    assert archive.integrity_problems(db) == []


def test_one_transaction_per_batch(db: sqlite_utils.Database) -> None:
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    writer = archive.ArchiveWriter(db, batch_size=50)
    for i in range(120):
        writer.add(make_record(150_000 + i))
    assert count(db, "articles") == 100  # two full batches written, 20 queued
    writer.close()
    db.conn.set_trace_callback(None)
    assert count(db, "articles") == 120
    assert sum(s.startswith("BEGIN") for s in statements) == 3
    assert sum(s.startswith("COMMIT") for s in statements) == 3
    assert writer.counts == {"new": 120, "updated": 0, "unchanged": 0}


def test_same_url_twice_in_one_batch(db: sqlite_utils.Database) -> None:
    writer = archive.ArchiveWriter(db)
    writer.add(make_record())
    writer.add(make_record(body="Phiên bản thứ hai của bài viết."))
    writer.close()
    assert writer.counts == {"new": 1, "updated": 1, "unchanged": 0}
    assert count(db, "articles") == 1
    assert count(db, "revisions") == 1


def test_failed_batch_rolls_back(db: sqlite_utils.Database) -> None:
    add(db, make_record(140123))
    writer = archive.ArchiveWriter(db)
    writer.add(make_record(140124))
    writer.add(make_record(140125, counts=[Count(None, "đảng viên")]))  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):
        writer.flush()
    assert archive.archived_urls(db) == {f"{SITE}/11/140123/Lac-Son-chuan-bi-Dai-hoi.htm"}
    assert archive.integrity_problems(db) == []
    add(db, make_record(140124))  # the writer is usable again
    assert count(db, "articles") == 2


def test_record_without_url(db: sqlite_utils.Database) -> None:
    with pytest.raises(ValueError):
        archive.ArchiveWriter(db).add(ArticleRecord(title="Không có địa chỉ"))


@pytest.mark.parametrize(
    ("title", "lead", "body", "published_at", "same_as_base"),
    [
        ("Tiêu đề", "Sa pô", "Nội dung", "2020-01-01T00:00:00+07:00", True),
        (" Tiêu  đề ", "Sa pô\n", "Nội\u00a0dung", "2020-01-01T00:00:00+07:00", True),
        ("Tiêu đề", "Sa pô", "Nội dung", "2020-01-02T00:00:00+07:00", False),
        ("Tiêu đề", "Sa", "pô Nội dung", "2020-01-01T00:00:00+07:00", False),
        ("Tiêu đề", None, "Sa pô Nội dung", "2020-01-01T00:00:00+07:00", False),
    ],
)
def test_content_hash(title: str, lead: str | None, body: str, published_at: str, same_as_base: bool) -> None:
    base = archive.content_hash("Tiêu đề", "Sa pô", "Nội dung", "2020-01-01T00:00:00+07:00")
    assert (archive.content_hash(title, lead, body, published_at) == base) is same_as_base


def test_failures(db: sqlite_utils.Database) -> None:
    run = archive.start_run(db, source="live", args={})
    archive.record_failure(db, "http://www.baohoabinh.com.vn/11/1/a.htm", "HTTP 503", status=503, run_id=run)
    archive.record_failure(db, f"{SITE}/11/1/a.htm", "timeout")
    archive.record_failure(db, f"{SITE}/11/2/b.htm", "truncated body", status=200)
    pending = archive.pending_failures(db)
    assert [(f["url"], f["reason"], f["attempts"], f["run_id"]) for f in pending] == [
        (f"{SITE}/11/1/a.htm", "timeout", 2, run),
        (f"{SITE}/11/2/b.htm", "truncated body", 1, None),
    ]
    assert [f["url"] for f in archive.pending_failures(db, max_attempts=2)] == [f"{SITE}/11/2/b.htm"]
    assert pending[0]["first_seen"] <= pending[0]["last_seen"]
    archive.clear_failure(db, "https://www.baohoabinh.com.vn/11/1/a.htm")
    assert [f["url"] for f in archive.pending_failures(db)] == [f"{SITE}/11/2/b.htm"]


def test_raw_pages(db: sqlite_utils.Database) -> None:
    body = "<html><body>Trang lỗi</body></html>".encode()
    archive.store_raw_page(db, f"{SITE}/11/3/c.htm", body, "no title", encoding="utf-8")
    archive.store_raw_page(db, f"{SITE}/11/3/c.htm", body + b"<!-- 2 -->", "no body")
    archive.store_raw_page(db, f"{SITE}/11/4/d.htm", b"\xff\xfe\x00", "undecodable")
    pages = archive.raw_pages(db)
    assert [(p["url"], p["reason"], p["body"], p["size"]) for p in pages] == [
        (f"{SITE}/11/3/c.htm", "no body", body + b"<!-- 2 -->", len(body) + 10),
        (f"{SITE}/11/4/d.htm", "undecodable", b"\xff\xfe\x00", 3),
    ]
    archive.delete_raw_page(db, f"{SITE}/11/3/c.htm")
    assert [p["url"] for p in archive.raw_pages(db)] == [f"{SITE}/11/4/d.htm"]


def test_runs_and_stats(db: sqlite_utils.Database) -> None:
    add(db, make_record(140123), make_record(140124, is_congress=False, url=f"{SITE}/40/140124/x.htm"))
    for i in range(12):
        run = archive.start_run(db, source="wayback" if i % 2 else "live", args={"since": "2019-09-01", "n": i})
        archive.finish_run(db, run, status="ok", counts={"requests": 10 + i, "archived": i, "failed": 1, "retried": 2})
    data = archive.stats(db)
    expected = {
        "articles": 2, "congress_articles": 1, "authors": 2, "units": 3, "related": 4, "runs": 12,
        "failures": 0, "people": 2, "documents": 2, "counts": 4, "date_mentions": 2, "images": 2,
        "revisions": 0, "raw_pages": 0,
    }
    assert {k: data[k] for k in expected} == expected
    assert len(data["crawl_runs"]) == 10
    last = data["last_run"]
    assert last == data["crawl_runs"][0]
    assert (last["status"], last["source"], last["requests"], last["archived"], last["failed"]) == ("ok", "wayback", 21, 11, 1)
    assert last["args"] == {"since": "2019-09-01", "n": 11}
    assert last["counts"]["retried"] == 2
    assert last["started_at"] <= last["ended_at"]


def test_views(db: sqlite_utils.Database) -> None:
    add(
        db,
        make_record(140123),
        make_record(140124, published_at="2019-11-02T07:00:00+07:00", is_congress=False),
        make_record(140125, published_at=None, units=[]),
    )
    assert list(db.query("select month, articles, congress_articles from coverage_by_month order by month")) == [
        {"month": "2019-10", "articles": 1, "congress_articles": 1},
        {"month": "2019-11", "articles": 1, "congress_articles": 0},
    ]
    by_district = list(db.query("select district, month, articles from coverage_by_district_month order by 1, 2"))
    assert by_district == [
        {"district": "(unlinked)", "month": "2019-10", "articles": 1},
        {"district": "(unlinked)", "month": "2019-11", "articles": 1},
        {"district": "Huyện Lạc Sơn", "month": "2019-10", "articles": 1},
        {"district": "Huyện Lạc Sơn", "month": "2019-11", "articles": 1},
    ]
    detail = next(db.query("select * from articles_detail where article_id = 140123"))
    assert detail["authors"] == "Việt Lâm; Thu Hằng"
    assert detail["units"] == "Đảng bộ huyện Lạc Sơn; Đảng ủy xã Văn Nghĩa; Trường THPT Lạc Sơn"
    assert detail["related_items"] == 2
    authors = {r["name"]: r["articles"] for r in db.query("select * from author_coverage")}
    assert authors == {"Việt Lâm": 3, "Thu Hằng": 3}


def test_integrity_check_passes_after_updates_and_deletes(db: sqlite_utils.Database) -> None:
    for i in range(30):
        add(db, make_record(160_000 + i))
    for i in range(0, 30, 3):
        add(db, make_record(160_000 + i, title=f"Bài đã sửa số {i}", body="Đổi nội dung."))
    with db.conn:
        db.execute("delete from articles where article_id % 5 = 0")
    assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert archive.integrity_problems(db) == []
    db.execute("insert into articles_fts(articles_fts) values ('rebuild')")
    assert archive.integrity_problems(db) == []
    assert len(archive.search(db, "bai da sua", limit=100)) == 8  # 10 edited, 2 of them deleted


def test_integrity_problems_detects_a_stale_index(db: sqlite_utils.Database) -> None:
    add(db, make_record())
    with db.conn:
        db.execute("drop trigger articles_fts_au")
        db.execute("update articles set body = 'Nội dung khác hẳn' where article_id = 140123")
    assert any("articles_fts" in p for p in archive.integrity_problems(db))


def test_wal_readers_while_writing(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    archive.open_archive(path).close()
    errors: list[BaseException] = []
    seen: list[int] = []
    done = threading.Event()

    def write() -> None:
        try:
            database = archive.open_archive(path)
            with archive.ArchiveWriter(database, batch_size=25) as writer:
                for i in range(400):
                    writer.add(make_record(170_000 + i))
            database.close()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)
        finally:
            done.set()

    reader = sqlite3.connect(path, timeout=0.05)  # a short timeout: readers must never wait
    thread = threading.Thread(target=write)
    thread.start()
    try:
        while not done.is_set():
            seen.append(reader.execute("select count(*) from articles").fetchone()[0])
            reader.execute("select count(*) from articles_fts where articles_fts match 'lac'").fetchone()
            time.sleep(0.001)
    finally:
        thread.join()
    seen.append(reader.execute("select count(*) from articles").fetchone()[0])
    reader.close()
    assert errors == []
    assert seen == sorted(seen)
    assert seen[-1] == 400
    assert len(set(seen)) > 2  # the reader saw the archive grow batch by batch
    assert all(n % 25 == 0 for n in seen)  # and only whole batches


def test_bench_smoke(tmp_path: Path) -> None:
    """bench/archive.py runs end to end on a small archive and reports every figure."""
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, str(root / "bench" / "archive.py"), "--n", "300", "--queries", "8", "--like-queries", "2",
         "--plain-n", "100", "--workdir", str(tmp_path), "--json"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    result = json.loads(out.stdout)
    assert result["n"] == 300
    assert result["ingest"]["ours_records_per_s"] > 0 and result["ingest"]["ratio"] > 0 and result["ingest"]["ratio_rows_ready"] > 0
    assert result["search"]["queries"] == 8 and result["search"]["fts_mean_hits"] > 0
    assert result["search"]["like_queries"] == 2
    assert result["size"]["bytes_per_article"] > 0
    assert list(tmp_path.glob("*.db")) == []  # cleaned up without --keep


def test_failure_depth_and_skipped_pages_round_trip() -> None:
    db = sqlite_utils.Database(memory=True)
    archive.ensure_schema(db)
    record_failure, record_skipped, skipped_urls = archive.record_failure, archive.record_skipped, archive.skipped_urls
    record_failure(db, "https://baohoabinh.com.vn/11/1/A.htm", "HTTP 503", status=503, depth=2)
    record_failure(db, "http://www.baohoabinh.com.vn/11/1/A.htm", "timeout", depth=1)
    rows = archive.pending_failures(db)
    assert [(r["url"], r["reason"], r["attempts"], r["depth"]) for r in rows] == [
        ("https://baohoabinh.com.vn/11/1/A.htm", "timeout", 2, 1)]
    record_skipped(db, "http://baohoabinh.com.vn/11/2/B.htm", "not_congress", source="wayback")
    record_skipped(db, "https://baohoabinh.com.vn/11/3/C.htm", "not_article", source="live")
    assert skipped_urls(db, source="wayback") == {"https://baohoabinh.com.vn/11/2/B.htm": "not_congress"}
    assert len(skipped_urls(db)) == 2


def test_an_archive_without_the_depth_column_is_migrated() -> None:
    db = sqlite_utils.Database(memory=True)
    archive.ensure_schema(db)
    db.execute("ALTER TABLE failures DROP COLUMN depth")
    db.execute("PRAGMA user_version = 0")
    archive.ensure_schema(db)
    assert "depth" in db["failures"].columns_dict


# --------------------------------------------------------------------------- background writer


@pytest.fixture
def file_db(tmp_path: Path) -> sqlite_utils.Database:
    database = archive.open_archive(tmp_path / "archive.db")
    yield database
    database.close()


BOOM_TRIGGER = (
    "CREATE TRIGGER boom BEFORE INSERT ON articles WHEN new.title = 'BOOM' "
    "BEGIN SELECT RAISE(ABORT, 'boom'); END"
)


@pytest.mark.parametrize(("background", "expected"), [(None, True), (True, True), (False, False)])
def test_background_on_files(file_db: sqlite_utils.Database, background: bool | None, expected: bool) -> None:
    writer = archive.ArchiveWriter(file_db, batch_size=7, background=background)
    for i in range(30):
        writer.add(make_record(180_000 + i))
    assert writer.flush() == {"new": 30, "updated": 0, "unchanged": 0}
    assert count(file_db, "articles") == 30  # flush() returns once all is committed
    for i in range(5):
        writer.add(make_record(180_000 + i, body=f"Bản sửa {i}."))
    writer.add(make_record(180_010))
    writer.close()
    assert writer.background is expected
    assert writer.flush() == {"new": 0, "updated": 0, "unchanged": 0}  # nothing since close()
    assert writer.counts == {"new": 30, "updated": 5, "unchanged": 1}
    assert count(file_db, "revisions") == 5
    assert count(file_db, "images") == 30
    assert archive.integrity_problems(file_db) == []
    assert not any(t.name == "hbdt-archive-writer" for t in threading.enumerate())


def test_background_needs_a_file(db: sqlite_utils.Database) -> None:
    assert archive.ArchiveWriter(db).background is False
    with pytest.raises(ValueError, match="in-memory"):
        archive.ArchiveWriter(db, background=True)


def test_background_batches_follow_each_other(file_db: sqlite_utils.Database) -> None:
    """The same article in consecutive batches: the later version wins, the earlier is a revision."""
    writer = archive.ArchiveWriter(file_db, batch_size=3, background=True)
    for version in range(4):
        writer.add(make_record(140_123, body=f"Phiên bản {version}."))
    writer.close()
    assert file_db.execute("select body from articles").fetchall() == [("Phiên bản 3.",)]
    assert [r[0] for r in file_db.execute("select body from revisions order by id")] == [
        "Phiên bản 0.", "Phiên bản 1.", "Phiên bản 2."]


@pytest.mark.parametrize("background", [True, False])
def test_failed_batch_is_reported_and_writer_goes_on(file_db: sqlite_utils.Database, background: bool) -> None:
    file_db.execute(BOOM_TRIGGER)
    new_unit = Unit("Chi bộ xóm Mới Nang", "chi-bo", "co-so", 1, VAN_NGHIA)
    writer = archive.ArchiveWriter(file_db, batch_size=2, background=background)
    writer.add(make_record(190_001, units=[new_unit]))
    with pytest.raises(sqlite3.IntegrityError, match="boom"):  # from add() if written in-thread
        writer.add(make_record(190_002, title="BOOM"))  # this batch fails: both records are dropped
        writer.flush()
    writer.add(make_record(190_003, units=[new_unit]))  # the unit made in the failed batch is gone
    writer.close()
    assert archive.archived_urls(file_db) == {f"{SITE}/11/190003/Lac-Son-chuan-bi-Dai-hoi.htm"}
    assert file_db.execute(
        "select u.name from article_units x join units u on u.id = x.unit_id").fetchall() == [("Chi bộ xóm Mới Nang",)]
    assert archive.integrity_problems(file_db) == []


def test_background_error_reaches_add(file_db: sqlite_utils.Database) -> None:
    file_db.execute(BOOM_TRIGGER)
    writer = archive.ArchiveWriter(file_db, batch_size=1, background=True)
    writer.add(make_record(190_010, title="BOOM"))
    with pytest.raises(sqlite3.IntegrityError):
        for i in range(200):  # the error is raised by a later add(), once the batch has failed
            writer.add(make_record(190_100 + i))
            time.sleep(0.005)
    writer.close()  # the error was reported once; the rest is written
    assert count(file_db, "articles") == i + 1


@pytest.mark.parametrize(("flush_seconds", "visible"), [(None, 0), (3600.0, 0), (0.0, 2)])
def test_flush_seconds(db: sqlite_utils.Database, flush_seconds: float | None, visible: int) -> None:
    writer = archive.ArchiveWriter(db, batch_size=100, flush_seconds=flush_seconds)
    writer.add(make_record(190_201))
    writer.add(make_record(190_202))
    assert count(db, "articles") == visible
    writer.close()
    assert count(db, "articles") == 2


def test_unit_rows_follow_changes_across_batches(db: sqlite_utils.Database) -> None:
    writer = archive.ArchiveWriter(db, batch_size=1)
    writer.add(make_record(190_301, units=[Unit("Đảng ủy xã Văn Nghĩa", "dang-uy", None, 1, VAN_NGHIA)]))
    writer.add(make_record(190_302, units=[Unit("Đảng ủy xã Văn Nghĩa", "dang-uy", "xa", 1, VAN_NGHIA)]))
    writer.add(make_record(190_303, units=[Unit("Đảng ủy xã Văn Nghĩa", "dang-uy", "xa", 2, VAN_NGHIA)]))
    writer.close()
    assert db.execute("select name, level from units").fetchall() == [("Đảng ủy xã Văn Nghĩa", "xa")]
    assert [r[0] for r in db.execute("select mentions from article_units order by article_id")] == [1, 1, 2]


def test_pipeline_counts_a_failed_batch_and_goes_on(tmp_path: Path) -> None:
    """A batch the archive cannot write is logged, counted, makes the run ``partial``, and the
    crawl goes on; the lost articles are not archived, so the next run fetches them again."""
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from crawler.items import CrawledArticle
    from crawler.pipelines import ARCHIVE_ERRORS_STAT, ArchivePipeline

    path = tmp_path / "archive.db"
    crawler = get_crawler(Spider, {"HBDT_DB": str(path), "HBDT_BATCH_SIZE": 2})
    pipeline = ArchivePipeline.from_crawler(crawler)
    spider = Spider(name="hbdt")
    pipeline.open_spider(spider)
    assert pipeline.db is not None
    pipeline.db.execute(BOOM_TRIGGER)
    titles = ["Bài 1", "BOOM", "Bài 3", "Bài 4", "Bài 5"]
    for i, title in enumerate(titles):
        record = make_record(191_000 + i, title=title)
        pipeline.process_item(CrawledArticle(record, fetched_at="2020-01-01T00:00:00+07:00"), spider)
    pipeline.close_spider(spider)
    pipeline.spider_closed(spider, "finished")
    assert crawler.stats.get_value(ARCHIVE_ERRORS_STAT) == 1
    db = archive.open_archive(path)
    assert sorted(r[0] for r in db.execute("select title from articles")) == ["Bài 3", "Bài 4", "Bài 5"]
    status, counts = db.execute("select status, counts from crawl_runs").fetchone()
    assert status == "partial"
    assert json.loads(counts)["archive_write_errors"] == 1


@pytest.mark.parametrize(
    "record",
    [make_record(), ArticleRecord(), make_record(units=[], related=[], byline=Byline())],
    ids=["full", "empty", "no-lists"],
)
def test_to_dict_matches_dataclasses_asdict(record: ArticleRecord) -> None:
    import dataclasses

    d = record.to_dict()
    assert d == dataclasses.asdict(record)
    assert tuple(d) == RECORD_KEYS
    d["units"].append("x")  # a copy, not the record's own lists
    assert "x" not in record.units


def test_generic_units_of_two_districts_are_two_units(db: sqlite_utils.Database) -> None:
    """Issue 12 item 6: ``Tiểu ban Văn kiện`` of Lạc Sơn and of Kim Bôi are two units, named with scope."""
    add(
        db,
        make_record(140123, units=[Unit("Tiểu ban Văn kiện", "tieu-ban", "huyen", 2, None,
                                        scope="Đại hội Đảng bộ huyện Lạc Sơn")]),
        make_record(140124, units=[Unit("Tiểu ban Văn kiện", "tieu-ban", "huyen", 1, None,
                                        scope="Đại hội Đảng bộ huyện Kim Bôi")]),
        make_record(140125, units=[Unit("Tiểu ban Văn kiện", "tieu-ban", "huyen", 1, None,
                                        scope="Đại hội Đảng bộ huyện Kim Bôi")]),
    )
    names = sorted(r["name"] for r in db.query("select name from units"))
    assert names == ["Tiểu ban Văn kiện Đại hội Đảng bộ huyện Kim Bôi", "Tiểu ban Văn kiện Đại hội Đảng bộ huyện Lạc Sơn"]
    got = archive.get_article(db, "140124")
    assert got is not None and [u["name"] for u in got["units"]] == ["Tiểu ban Văn kiện Đại hội Đảng bộ huyện Kim Bôi"]
    assert set(got["units"][0]) == {"name", "kind", "level", "mentions", "place"}


def test_a_related_item_without_a_link_is_not_stored(db: sqlite_utils.Database) -> None:
    rec = make_record(related=[RelatedItem(None, "Tin không có đường dẫn", None),
                               RelatedItem(f"{SITE}/11/140200/Van-Nghia.htm", "Văn Nghĩa đại hội điểm", None)])
    add(db, rec)
    assert [r["url"] for r in db["related"].rows] == [f"{SITE}/11/140200/Van-Nghia.htm"]
