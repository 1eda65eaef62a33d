"""``hbdt stats | show | search | export | serve``: output, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from crawler import archive, cli_archive
from crawler.items import ArticleRecord, Byline, Place, Unit

SITE = "https://baohoabinh.com.vn"

ARTICLES = [
    (
        140123, True, "Lạc Sơn tích cực chuẩn bị Đại hội Đảng bộ các cấp",
        "Huyện ủy Lạc Sơn đã ban hành Kế hoạch số 236-KH/HU, ngày 6/9/2019.",
        "Đảng bộ huyện Lạc Sơn có 56 chi, Đảng bộ trực thuộc với 8.021 đảng viên.",
    ),
    (
        140200, True, "Văn Nghĩa tổ chức đại hội điểm",
        "Chi bộ xóm Mới Nang hoàn thành đại hội điểm trước thời hạn.",
        "Đại hội đã bầu Ban Chấp hành Chi bộ gồm 5 đồng chí.",
    ),
    (
        140300, False, "=Nông dân Mai Châu vào vụ thu hoạch",
        "Bà con vùng cao phấn khởi vì lúa được mùa.",
        "Việc chăm sóc trở nên dễ dàng hơn nhờ giống mới.",
    ),
]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "archive.db"
    database = archive.open_archive(path)
    with archive.ArchiveWriter(database) as writer:
        for article_id, congress, title, lead, body in ARTICLES:
            writer.add(
                ArticleRecord(
                    url=f"{SITE}/11/{article_id}/bai-{article_id}.htm",
                    article_id=article_id,
                    category_id=11,
                    title=title,
                    lead=lead,
                    body=body,
                    published_at=f"2019-10-{article_id % 100 // 10 + 10}T08:00:00+07:00",
                    byline=Byline(raw="Việt Lâm", authors=["Việt Lâm"]),
                    units=[Unit("Đảng bộ huyện Lạc Sơn", "dang-bo", "huyen", 1, Place(district="Huyện Lạc Sơn"))]
                    if congress
                    else [],
                    is_congress=congress,
                )
            )
    run = archive.start_run(database, source="live", args={"since": "2019-09-01"})
    archive.finish_run(database, run, status="ok", counts={"requests": 9, "archived": 3, "failed": 0})
    database.close()
    return path


def invoke(command: click.Command, *args: str) -> Result:
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def assert_one_line_error(result: Result) -> None:
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hbdt: error: ")
    assert "Traceback" not in result.output


def test_commands_are_exposed() -> None:
    assert [c.name for c in cli_archive.COMMANDS] == ["stats", "show", "search", "export", "serve"]
    for command in cli_archive.COMMANDS:
        assert command.help and "Example: hbdt " + command.name in command.help


def test_stats_json(db_path: Path) -> None:
    result = invoke(cli_archive.stats, "--db", str(db_path), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    expected = {"articles": 3, "congress_articles": 2, "authors": 1, "units": 1, "related": 0, "runs": 1, "failures": 0}
    assert {k: data[k] for k in expected} == expected
    assert data["last_run"]["archived"] == 3 and data["last_run"]["status"] == "ok"


def test_stats_table(db_path: Path) -> None:
    result = invoke(cli_archive.stats, "--db", str(db_path))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    pairs = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in lines[:18])
    assert (pairs["Articles"], pairs["Congress articles"], pairs["Crawl runs"]) == ("3", "2", "1")
    assert any(line.startswith("id") and "status" in line for line in lines)
    assert any(" ok " in f" {line} " and "live" in line for line in lines)


@pytest.mark.parametrize(
    "ref",
    [
        f"{SITE}/11/140200/bai-140200.htm",
        "http://www.baohoabinh.com.vn/11/140200/bai-140200.htm",
        "140200",
    ],
)
def test_show(db_path: Path, ref: str) -> None:
    result = invoke(cli_archive.show, ref, "--db", str(db_path))
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["article_id"] == 140200
    assert record["title"] == "Văn Nghĩa tổ chức đại hội điểm"
    assert record["revisions"] == 0 and record["source"] == "live" and len(record["content_hash"]) == 64


@pytest.mark.parametrize("ref", ["999999", f"{SITE}/11/1/khong-co.htm", "không phải địa chỉ"])
def test_show_unknown(db_path: Path, ref: str) -> None:
    assert_one_line_error(invoke(cli_archive.show, ref, "--db", str(db_path)))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["dang", "bo", "lac", "son"], ["Lạc Sơn tích cực chuẩn bị Đại hội Đảng bộ các cấp"]),
        (["ĐẢNG BỘ LẠC SƠN"], ["Lạc Sơn tích cực chuẩn bị Đại hội Đảng bộ các cấp"]),
        (["dai hoi", "--limit", "1"], ["Văn Nghĩa tổ chức đại hội điểm"]),
        (["de dang"], ["=Nông dân Mai Châu vào vụ thu hoạch"]),
        (["-lac", "dai", "hoi"], ["Văn Nghĩa tổ chức đại hội điểm"]),
        (["khong", "co", "tu", "nay"], []),
    ],
)
def test_search_json(db_path: Path, args: list[str], expected: list[str]) -> None:
    result = invoke(cli_archive.search, *args, "--db", str(db_path), "--json")
    assert result.exit_code == 0
    hits = json.loads(result.stdout)
    assert [h["title"] for h in hits] == expected
    assert all(set(h) == {"url", "title", "published_at", "snippet"} for h in hits)


def test_search_text(db_path: Path) -> None:
    result = invoke(cli_archive.search, "Mới Nang", "--db", str(db_path))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "1. Văn Nghĩa tổ chức đại hội điểm",
        f"   2019-10-10T08:00:00+07:00  {SITE}/11/140200/bai-140200.htm",
        "   Chi bộ xóm [Mới Nang] hoàn thành đại hội điểm trước thời hạn.",
    ]


@pytest.mark.parametrize(
    "query",
    [
        '"', "'; DROP TABLE articles; --", "AND OR NOT", "NEAR(", "*", "dang*", "(", '"lac son',
        "title:lac", "{body}:x", "--", "", "   ", "-lac", "x" * 5000, "\x00",
    ],
)
def test_search_any_input_is_safe(db_path: Path, query: str) -> None:
    result = invoke(cli_archive.search, query, "--db", str(db_path), "--json")
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert_one_line_error(result)
    else:
        assert isinstance(json.loads(result.stdout), list)
    assert archive.stats(archive.open_archive(db_path, create=False))["articles"] == 3


def test_search_without_words(db_path: Path) -> None:
    assert_one_line_error(invoke(cli_archive.search, "--db", str(db_path)))


def test_export_to_file(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    result = invoke(cli_archive.export, "--db", str(db_path), "--out", str(out), "--congress-only")
    assert result.exit_code == 0
    assert "2 rows written" in result.stderr
    data = out.read_bytes()
    assert data.startswith(b'\xef\xbb\xbf"url","article_id","title"')  # issue 12: quoted cells
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["article_id"] for r in rows] == ["140200", "140123"]
    assert rows[0]["units"] == "Đảng bộ huyện Lạc Sơn"


def test_export_stdout_jsonl_and_csv(db_path: Path) -> None:
    result = invoke(cli_archive.export, "--db", str(db_path), "--format", "jsonl", "--query", "de dang")
    assert result.exit_code == 0
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["title"] for o in objects] == ["=Nông dân Mai Châu vào vụ thu hoạch"]
    result = invoke(cli_archive.export, "--db", str(db_path), "--per", "unit", "--unit", "lac son")
    text = result.stdout_bytes.decode("utf-8")
    assert text.startswith('\ufeff"url",') and text.count("\r\n") == 3
    assert ',"unit","unit_kind","unit_level","mentions","district","commune"\r\n' in text
    result = invoke(cli_archive.export, "--db", str(db_path), "--query", "de dang")
    assert "'=Nông dân Mai Châu" in result.stdout_bytes.decode("utf-8")


@pytest.mark.parametrize(
    "args",
    [["--since", "2019-02-30"], ["--until", "tomorrow"], ["--query", "NOT x"], ["--query", " "]],
)
def test_export_bad_options(db_path: Path, tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "never.csv"
    assert_one_line_error(invoke(cli_archive.export, "--db", str(db_path), "--out", str(out), *args))
    assert not out.exists()


@pytest.mark.parametrize(
    ("command", "args"),
    [
        (cli_archive.stats, []),
        (cli_archive.stats, ["--json"]),
        (cli_archive.show, ["140123"]),
        (cli_archive.search, ["dang bo"]),
        (cli_archive.export, []),
        (cli_archive.serve, []),
    ],
)
def test_missing_database(tmp_path: Path, command: click.Command, args: list[str]) -> None:
    missing = tmp_path / "nowhere" / "archive.db"
    result = invoke(command, *args, "--db", str(missing))
    assert_one_line_error(result)
    assert str(missing) in result.stderr
    assert not missing.exists()


def test_serve_metadata_and_command(tmp_path: Path) -> None:
    db = tmp_path / "my-archive.db"
    meta = cli_archive.metadata_for(db)
    assert list(meta["databases"]) == ["my-archive"]
    tables = meta["databases"]["my-archive"]["tables"]
    assert tables["articles"]["sort_desc"] == "published_at"
    # issue 12: every default facet counts through the link tables (the hbdt plugin's facet type)
    assert {"category_id", "is_congress", "month", "authors", "units", "unit_levels", "districts"} == {
        f["hbdt"] for f in tables["articles"]["facets"]
    }
    queries = meta["databases"]["my-archive"]["queries"]
    assert {q["title"] for q in queries.values()} >= {
        "Articles naming a unit", "An author's articles", "Coverage by district and month",
    }
    path = cli_archive.write_metadata(db)
    try:
        assert json.loads(path.read_text(encoding="utf-8")) == meta
    finally:
        path.unlink()
    argv = cli_archive.datasette_command(db, host="127.0.0.1", port=8123, metadata_path=path)
    assert argv[1:5] == ["-m", "datasette", "serve", str(db)]
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and argv[argv.index("--port") + 1] == "8123"
    assert argv[argv.index("--metadata") + 1] == str(path)
    mount, directory = argv[argv.index("--static") + 1].split(":", 1)
    assert mount == "hbdt" and (Path(directory) / "hbdt.css").is_file()
