"""Search: query parsing and FTS5 query building, đ folding, ranking, snippets, hostile input."""

from __future__ import annotations

import pytest
import sqlite_utils

from crawler import search as search_module
from crawler.archive import ArchiveWriter, ensure_schema, integrity_problems, search
from crawler.items import ArticleRecord, Byline
from crawler.search import (
    QueryError,
    build_match,
    d_variants,
    fold_keep_d,
    folded_terms,
    parse_query,
)

SITE = "https://baohoabinh.com.vn"

# Lead and first body sentences of A are the real seed article; the others are written for the tests.
ARTICLES: dict[str, dict[str, str]] = {
    "lacson": {
        "title": "Lạc Sơn tích cực chuẩn bị Đại hội Đảng bộ các cấp",
        "lead": "Để làm tốt công tác chuẩn bị trước thềm Đại hội Đảng bộ các cấp, Huyện ủy Lạc Sơn đã ban "
        "hành Kế hoạch số 236-KH/HU, ngày 6/9/2019.",
        "body": "Đảng bộ huyện Lạc Sơn có 56 chi, Đảng bộ trực thuộc, trong đó, có 34 Đảng bộ và 22 chi bộ "
        "cơ sở với 8.021 đảng viên.\n\nHuyện đã thành lập Ban chỉ đạo Đại hội, chọn làm điểm tại Đảng bộ "
        "xã Văn Nghĩa và Trường THPT Lạc Sơn.",
    },
    "vannghia": {
        "title": "Xã Văn Nghĩa hoàn thành đại hội chi bộ điểm",
        "lead": "Chi bộ xóm Mới Nang đã tổ chức thành công đại hội điểm, rút kinh nghiệm cho các chi bộ "
        "còn lại trong xã.",
        "body": "Đại hội đã đánh giá kết quả thực hiện nghị quyết nhiệm kỳ trước, bàn giải pháp phát triển "
        "kinh tế, giữ vững an ninh trật tự trên địa bàn xóm.",
    },
    "maichau": {
        "title": "Nông dân Mai Châu thu hoạch lúa mùa",
        "lead": "Những ngày này, bà con các xã vùng cao huyện Mai Châu tất bật thu hoạch lúa mùa.",
        "body": "Nhờ đưa giống mới vào sản xuất, việc chăm sóc trở nên dễ dàng hơn. Cán bộ khuyến nông "
        "thường xuyên xuống đồng hướng dẫn bà con phòng trừ sâu bệnh.",
    },
    "lacthuy": {
        "title": "Lạc Thủy đẩy mạnh phát triển du lịch cộng đồng",
        "lead": "Huyện Lạc Thủy xác định du lịch cộng đồng là hướng đi mới giúp người dân tăng thu nhập.",
        "body": "Nhiều hộ gia đình đã mạnh dạn đầu tư nhà nghỉ, đón khách tham quan hang động. Các đảng "
        "viên đi đầu làm mẫu.",
    },
    "sonla": {
        "title": "Đoàn công tác Đảng bộ tỉnh Sơn La thăm huyện Lạc Thủy",
        "lead": "Đoàn đã trao đổi kinh nghiệm tổ chức đại hội chi bộ thôn, bản.",
        "body": "Hai bên chia sẻ cách làm hay trong công tác chuẩn bị văn kiện và nhân sự.",
    },
    "bodyonly": {
        "title": "Nhiều hoạt động chào mừng ngày thành lập tỉnh",
        "lead": "Các địa phương tổ chức giải thể thao, văn nghệ quần chúng.",
        "body": "Tại huyện Mai Châu, đoàn viên thanh niên dọn vệ sinh đường làng. Ở Lạc Sơn, Đảng bộ thị "
        "trấn Vụ Bản phát động phong trào trồng cây.",
    },
}


def make_record(key: str, article_id: int) -> ArticleRecord:
    """An ArticleRecord from the table above."""
    text = ARTICLES[key]
    return ArticleRecord(
        url=f"{SITE}/11/{article_id}/{key}.htm",
        article_id=article_id,
        category_id=11,
        title=text["title"],
        lead=text["lead"],
        body=text["body"],
        published_at=f"2019-10-{10 + article_id % 10:02d}T08:00:00+07:00",
        byline=Byline(raw="Thu Hằng", authors=["Thu Hằng"]),
    )


@pytest.fixture(scope="module")
def db() -> sqlite_utils.Database:
    database = sqlite_utils.Database(memory=True)
    ensure_schema(database)
    with ArchiveWriter(database) as writer:
        for i, key in enumerate(ARTICLES):
            writer.add(make_record(key, 140_000 + i))
    return database


def keys_of(hits: list[dict]) -> list[str]:
    return [h["url"].rsplit("/", 1)[1].removesuffix(".htm") for h in hits]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Đảng bộ huyện Lạc Sơn",), "dang"),
        (("ĐẢNG BỘ", "đại hội Đảng", "Đoàn"), "dang dai doan"),
        (("Chi bộ xóm Mới Nang",), ""),
        ((None, ""), ""),
        (("Đ-đ", "KT-XH đổi"), "d-d doi"),  # inner punctuation is left to the tokenizer
        (("(Đảng)", "“đổi mới”, Đổi"), "dang doi"),
    ],
)
def test_folded_terms(texts: tuple[str | None, ...], expected: str) -> None:
    assert folded_terms(*texts) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("bo", ["bo"]),
        ("dang", ["dang", "đang"]),
        ("đang", ["đang"]),
        ("dd", ["dd", "đd", "dđ", "đđ"]),
    ],
)
def test_d_variants(token: str, expected: list[str]) -> None:
    assert d_variants(token) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ĐẢNG BỘ Lạc Sơn", "đang bo lac son"), ("Huyện ủy", "huyen uy"), ("dễ dàng", "de dang")],
)
def test_fold_keep_d(text: str, expected: str) -> None:
    assert fold_keep_d(text) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Đảng", '{title lead body} : ("đang")'),
        ("dang", '{title lead body} : (("dang" OR "đang"))'),
        ('"lac son"', '{title lead body} : ("lac son")'),
        ('"dang bo', '{title lead body} : (("dang bo" OR "đang bo"))'),
        ("lac OR son", '{title lead body} : ("lac" OR "son")'),
        ("son -lac", '({title lead body} : ("son")) NOT ({title lead body} : ("lac"))'),
        ("hoi*", '{title lead body} : ("hoi"*)'),
        ("hoi* nghi*", '{title lead body} : (("hoi"* AND "nghi"*))'),
        ("KT-XH", '{title lead body} : ("kt xh")'),
        ('a"b', '{title lead body} : (("a" AND "b" AND ("a b" OR "a")))'),
        ("lac son", '{title lead body} : (("lac" AND "son" AND ("lac son" OR "lac")))'),
        (
            "Đảng bộ",
            '{title lead body} : (("đang" AND "bo" AND ("đang bo" OR "đang")))',
        ),
        (
            "mai chau OR -x van",
            '({title lead body} : (("mai" AND "chau" AND ("mai chau" OR "mai")) OR "van")) NOT ({title lead body} : ("x"))',
        ),
        (
            "NEAR(lac, 2)",
            '{title lead body} : (("near" AND "lac" AND "2" AND ("near lac" OR "lac 2" OR "near")))',
        ),
    ],
)
def test_build_match(query: str, expected: str) -> None:
    assert build_match(query) == expected


@pytest.mark.parametrize(
    "query",
    ["", "   ", '"', '""', "*", "--", "()", "NOT lac", "-lac", "AND OR NOT", "x" * 1001, " ".join(["w"] * 40)],
)
def test_query_errors(query: str) -> None:
    with pytest.raises(QueryError):
        parse_query(query)


@pytest.mark.parametrize("query", ["Đảng bộ Lạc Sơn", "ĐẢNG BỘ LẠC SƠN", "đảng bộ lạc sơn", "Dang Bo Lac Son"])
def test_three_forms_find_the_same_articles(db: sqlite_utils.Database, query: str) -> None:
    expected = keys_of(search(db, "dang bo lac son"))
    assert set(expected) == {"lacson", "bodyonly", "sonla"}  # every word in each; none elsewhere
    assert keys_of(search(db, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"lac son"', {"lacson", "bodyonly"}),
        ('"dang bo lac son"', set()),
        ('"dang bo huyen lac son"', {"lacson"}),
        ("lac thuy", {"lacthuy", "sonla"}),
        ("lac son -thuy", {"lacson", "bodyonly"}),
        ("lac -thuy", {"lacson", "bodyonly"}),  # excluded from every tier, title ones too
        ("mai chau OR van nghia", {"maichau", "bodyonly", "vannghia", "lacson"}),
        ("de dang", {"maichau", "lacson"}),
        ("nhiem*", {"vannghia"}),
        ("8.021", {"lacson"}),
        ("236-KH/HU", {"lacson"}),
        ("Đảng viên", {"lacson", "lacthuy", "bodyonly"}),
        ("đoàn viên", {"bodyonly"}),
        ("không có từ này", set()),
    ],
)
def test_search_results(db: sqlite_utils.Database, query: str, expected: set[str]) -> None:
    assert set(keys_of(search(db, query))) == expected


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("lac son", "lacson"),  # "Lạc Sơn" side by side, and in the title
        ("de dang", "maichau"),  # "dễ dàng" side by side; the other has "Để" ... "Đảng"
        ("van nghia", "vannghia"),  # in the title of one, the body of another
        ("huyen", "sonla"),  # the only title with the word; five leads or bodies have it
    ],
)
def test_best_first(db: sqlite_utils.Database, query: str, first: str) -> None:
    assert keys_of(search(db, query))[0] == first


@pytest.mark.parametrize(
    ("query", "phrase_hits", "other_hits"),
    [
        ("lac son", {"lacson", "bodyonly"}, {"sonla"}),  # side by side first, then apart
        ("Lạc Thủy", {"lacthuy", "sonla"}, set()),
        ("huyen lac", {"lacson", "sonla", "lacthuy"}, {"bodyonly"}),
    ],
)
def test_phrase_matches_come_first(
    db: sqlite_utils.Database, query: str, phrase_hits: set[str], other_hits: set[str]
) -> None:
    hits = search(db, query)
    found = keys_of(hits)
    assert set(found[: len(phrase_hits)]) == phrase_hits
    assert set(found[len(phrase_hits) :]) == other_hits
    for tier in (hits[: len(phrase_hits)], hits[len(phrase_hits) :]):
        assert_tier_order(tier)


def archived_order(hit: dict) -> int:
    """The article id in the hit's URL (the fixtures are archived in that order)."""
    return int(hit["url"].split("/")[-2])


def assert_tier_order(tier: list[dict]) -> None:
    """Within a tier: title/lead matches first, by bm25 rank; then the others (rank None), last
    archived first."""
    ranked = [h["rank"] for h in tier if h["rank"] is not None]
    assert [h["rank"] for h in tier[: len(ranked)]] == sorted(ranked)
    body_only = tier[len(ranked) :]
    assert all(h["rank"] is None for h in body_only)
    assert [archived_order(h) for h in body_only] == sorted((archived_order(h) for h in body_only), reverse=True)


@pytest.mark.parametrize("limit", [1, 2, 3, 20])
def test_phrase_first_respects_limit(db: sqlite_utils.Database, limit: int) -> None:
    assert keys_of(search(db, "lac son", limit=limit)) == keys_of(search(db, "lac son"))[:limit]


FILLER = "Cán bộ, đảng viên trong toàn huyện tích cực tham gia các phong trào thi đua yêu nước."


@pytest.mark.parametrize(
    ("placements", "expected_order"),
    [
        # the same words, in the same amount of text, placed in title, lead or body
        ({"t": "title", "l": "lead", "b": "body"}, ["t", "l", "b"]),
        ({"b": "body", "t": "title"}, ["t", "b"]),
        ({"b": "body", "l": "lead"}, ["l", "b"]),
    ],
)
def test_title_ranks_above_lead_above_body(placements: dict[str, str], expected_order: list[str]) -> None:
    database = sqlite_utils.Database(memory=True)
    ensure_schema(database)
    with ArchiveWriter(database) as writer:
        for i in range(30):  # a corpus, so that the words searched for are rare
            writer.add(ArticleRecord(url=f"{SITE}/11/{900 + i}/filler.htm", title="Tin tức", lead=FILLER, body=FILLER))
        for key, column in placements.items():
            fields = {"title": "Tin địa phương", "lead": FILLER, "body": FILLER}
            fields[column] = f"Hợp tác xã Tân Lập. {fields[column]}"
            writer.add(
                ArticleRecord(
                    url=f"{SITE}/11/{len(key)}/{key}.htm", title=fields["title"], lead=fields["lead"], body=fields["body"]
                )
            )
    assert keys_of(search(database, "hop tac xa tan lap")) == expected_order


@pytest.mark.parametrize(
    ("query", "key", "fragment"),
    [
        ("dang bo lac son", "lacson", "[Đảng bộ] huyện [Lạc Sơn] có 56 chi"),
        ("de dang", "maichau", "trở nên [dễ dàng] hơn"),
        ("phong trao", "bodyonly", "phát động [phong trào] trồng cây"),
        ("kinh nghiem", "vannghia", "rút [kinh nghiệm] cho"),  # the lead highlights both words
    ],
)
def test_snippet_highlights_original_words(
    db: sqlite_utils.Database, query: str, key: str, fragment: str
) -> None:
    hit = next(h for h in search(db, query) if h["url"].endswith(f"/{key}.htm"))
    assert fragment in hit["snippet"]


def test_limit(db: sqlite_utils.Database) -> None:
    assert len(search(db, "huyen", limit=2)) == 2
    assert len(search(db, "huyen", limit=50)) == 5


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE articles; --",
        '"unbalanced',
        "NEAR(",
        "a AND OR NOT b",
        "lac*son**",
        "(lac",
        "{title} : lac",
        "title:lac",
        "^lac",
        "\x00lac",
        "lac\nson",
    ],
)
def test_hostile_queries_are_safe(db: sqlite_utils.Database, query: str) -> None:
    hits = search(db, query)
    assert isinstance(hits, list)
    assert db.execute("select count(*) from articles").fetchone()[0] == len(ARTICLES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("van nghia -nhiem", ["lacson"]),  # the title match has the excluded word in its body
        ("van nghia -nghi", ["lacson"]),
        ("xa van nghia -vu", ["vannghia", "lacson"]),
    ],
)
def test_excluded_words_count_in_the_body_for_title_matches(
    db: sqlite_utils.Database, query: str, expected: list[str]
) -> None:
    assert keys_of(search(db, query)) == expected


def without_head_index(database: sqlite_utils.Database) -> None:
    """Make ``database`` look like an archive built before the title/lead index existed."""
    for trigger in ("articles_head_fts_ai", "articles_head_fts_ad", "articles_head_fts_au"):
        database.execute(f"DROP TRIGGER {trigger}")
    database.execute("DROP TABLE articles_head_fts")


@pytest.mark.parametrize("query", ["dang bo lac son", "van nghia", "huyen", "lac -thuy", "Lạc Thủy"])
def test_an_archive_without_the_head_index_is_migrated(db: sqlite_utils.Database, query: str) -> None:
    old = sqlite_utils.Database(memory=True)
    db.conn.backup(old.conn)
    without_head_index(old)
    ensure_schema(old)
    assert search(old, query) == search(db, query)
    assert integrity_problems(old) == []
    with ArchiveWriter(old) as writer:  # the triggers keep it up to date from then on
        writer.add(ArticleRecord(url=f"{SITE}/11/1/new.htm", title="Văn Nghĩa mở lớp bồi dưỡng", lead="Tin mới."))
    hits = search(old, "van nghia")
    assert "new" in keys_of(hits) and next(h for h in hits if h["url"].endswith("/new.htm"))["rank"] is not None


@pytest.mark.parametrize(("candidates", "total"), [(1, 12), (5, 12), (50, 12), (5, 3)])
def test_ranking_is_bounded_to_the_newest_title_matches(
    monkeypatch: pytest.MonkeyPatch, candidates: int, total: int
) -> None:
    monkeypatch.setattr(search_module, "HEAD_CANDIDATES", candidates)
    database = sqlite_utils.Database(memory=True)
    ensure_schema(database)
    with ArchiveWriter(database) as writer:
        for i in range(total):
            writer.add(ArticleRecord(url=f"{SITE}/11/{100 + i}/t.htm", title=f"Hợp tác xã Tân Lập số {i}", body=FILLER))
    hits = search(database, "tan lap", limit=total)
    ids = [archived_order(h) for h in hits]
    assert sorted(ids) == list(range(100, 100 + total))  # every match, none twice
    ranked = min(candidates, total)
    assert all(h["rank"] is not None for h in hits[:ranked]) and all(h["rank"] is None for h in hits[ranked:])
    assert set(ids[:ranked]) == set(range(100 + total - ranked, 100 + total))  # the newest are ranked
    assert_tier_order(hits)
