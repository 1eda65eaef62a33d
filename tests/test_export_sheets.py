"""Issue 12 item 5 / issue 11 item 3: CSV and xlsx that spreadsheets open right; safe output files.

The CLI runs in-process (click's runner) on a small archive written by :class:`ArchiveWriter`;
LibreOffice (``soffice --headless``) round trips are skipped with a reason where it is missing.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from crawler import archive, cli_archive, export
from crawler.export import ARTICLE_COLUMNS, ExportError, ExportFilters, parse_columns
from crawler.items import ArticleRecord, Byline, Place, Unit

SITE = "https://baohoabinh.com.vn"
LAC_SON = Place(province="Tỉnh Hòa Bình", district="Huyện Lạc Sơn", district_code="157")
VAN_NGHIA = Place(province="Tỉnh Hòa Bình", district="Huyện Lạc Sơn", commune="Xã Văn Nghĩa", commune_code="05281")
MAI_CHAU = Place(province="Tỉnh Hòa Bình", district="Huyện Mai Châu", district_code="158")

# (article_id, published_at, congress, authors, units, title, lead)
ARTICLES: list[tuple[int, str | None, bool, list[str], list[Unit], str, str | None]] = [
    (
        150001, "2019-09-01T07:05:00+07:00", True, ["Việt Lâm", "Thu Hằng"],
        [Unit("Đảng bộ huyện Lạc Sơn", "dang-bo", "huyen", 3, LAC_SON),
         Unit("Đảng bộ xã Văn Nghĩa", "dang-bo", "xa", 1, VAN_NGHIA)],
        "Lạc Sơn chuẩn bị đại hội; các chi bộ họp", "Huyện ủy ban hành kế hoạch; giao chỉ tiêu, \"đúng hạn\".",
    ),
    (
        150002, "2019-10-15T23:59:00+07:00", True, ["Đồng Hương"],
        [Unit("Đảng bộ huyện Mai Châu", "dang-bo", "huyen", 1, MAI_CHAU),
         Unit("Đảng bộ huyện Lạc Sơn", "dang-bo", "huyen", 1, LAC_SON)],
        "=HYPERLINK(\"http://example.invalid\",\"bấm\")", "Dòng một\r\nDòng hai, có dấu phẩy",
    ),
    (150003, None, False, [], [], "Bài không ghi ngày", "#N/A"),
]


def make_record(article_id: int, published_at: str | None, congress: bool, authors: list[str],
                units: list[Unit], title: str, lead: str | None) -> ArticleRecord:
    return ArticleRecord(
        url=f"{SITE}/11/{article_id}/bai-{article_id}.htm", article_id=article_id,
        category_id=11 if congress else 40, title=title, lead=lead, body=f"Nội dung {title}",
        published_at=published_at, byline=Byline(raw=" - ".join(authors) or None, authors=authors),
        units=units, is_congress=congress,
    )


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sheets") / "archive.db"
    database = archive.open_archive(path)
    with archive.ArchiveWriter(database) as writer:
        for row in ARTICLES:
            writer.add(make_record(*row))
    database.close()
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli_archive.export, list(args), catch_exceptions=False)


def assert_one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hbdt: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export_csv(db_path: Path, tmp_path: Path, *args: str) -> list[list[str]]:
    out = tmp_path / "out.csv"
    result = invoke("--db", str(db_path), "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return read_csv(out)


# -- CSV


@pytest.mark.parametrize("per", ["article", "unit"])
def test_every_text_cell_is_quoted(db_path: Path, tmp_path: Path, per: str) -> None:
    out = tmp_path / "q.csv"
    assert invoke("--db", str(db_path), "--out", str(out), "--per", per).exit_code == 0
    text = out.read_bytes().decode("utf-8-sig")
    # QUOTE_NONNUMERIC reading turns every unquoted cell into a float and fails on bare text:
    # so only the numbers are bare, every text cell (empty ones too) is quoted
    rows = list(csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC))
    header = rows[0]
    assert header == list(export.columns_for(per))
    numeric = {"article_id", "category_id", "is_congress", "mentions"}
    for row in rows[1:]:
        for column, cell in zip(header, row, strict=True):
            if column in numeric and cell != "":
                assert isinstance(cell, float), (column, cell)
            else:
                assert isinstance(cell, str), (column, cell)


def test_csv_cells(db_path: Path, tmp_path: Path) -> None:
    rows = export_csv(db_path, tmp_path)
    header, body = rows[0], rows[1:]
    assert len(body) == 3 and all(len(r) == len(header) for r in body)
    by_id = {r[header.index("article_id")]: dict(zip(header, r, strict=True)) for r in body}
    a, b, c = by_id["150001"], by_id["150002"], by_id["150003"]
    assert (a["published_at"], a["date"], a["month"]) == ("2019-09-01T07:05:00+07:00", "2019-09-01", "2019-09")
    assert (b["date"], b["month"]) == ("2019-10-15", "2019-10")  # local day, not UTC's 2019-10-15T16:59
    assert (c["published_at"], c["date"], c["month"]) == ("", "", "")
    assert a["authors"] == "Việt Lâm; Thu Hằng"
    assert a["districts"] == "Huyện Lạc Sơn" and a["unit_levels"] == "huyen; xa"
    assert b["districts"] == "Huyện Mai Châu; Huyện Lạc Sơn" and b["unit_levels"] == "huyen"
    assert a["title"] == "Lạc Sơn chuẩn bị đại hội; các chi bộ họp"
    assert a["lead"] == "Huyện ủy ban hành kế hoạch; giao chỉ tiêu, \"đúng hạn\"."
    assert b["lead"] == "Dòng một\r\nDòng hai, có dấu phẩy"
    assert b["title"].startswith("'=HYPERLINK")


@pytest.mark.parametrize(
    ("columns", "per", "expected"),
    [
        ("date,title", "article", ("date", "title")),
        (" month , districts ,url", "article", ("month", "districts", "url")),
        ("unit,unit_level,title", "unit", ("unit", "unit_level", "title")),
        (None, "article", ARTICLE_COLUMNS),
        (None, "unit", ARTICLE_COLUMNS + export.UNIT_COLUMNS),
    ],
)
def test_parse_columns(columns: str | None, per: str, expected: tuple[str, ...]) -> None:
    assert parse_columns(columns, per) == expected


@pytest.mark.parametrize(
    ("columns", "per", "message"),
    [
        ("title,nope", "article", "unknown column 'nope'"),
        ("unit", "article", "need --per unit"),
        ("", "article", "--columns is empty"),
        (",", "article", "--columns is empty"),
        ("title,title", "article", "'title' given twice"),
        ("Title", "article", "unknown column 'Title'"),
    ],
)
def test_parse_columns_errors(columns: str, per: str, message: str) -> None:
    with pytest.raises(ExportError, match=message.replace("(", r"\(")):
        parse_columns(columns, per)


@pytest.mark.parametrize(
    ("args", "header", "first"),
    [
        (["--columns", "date,title"], ["date", "title"], ["2019-09-01", "Lạc Sơn chuẩn bị đại hội; các chi bộ họp"]),
        (["--columns", "month,article_id", "--congress-only"], ["month", "article_id"], ["2019-09", "150001"]),
        (["--per", "unit", "--columns", "unit,district,date"], ["unit", "district", "date"],
         ["Đảng bộ huyện Lạc Sơn", "Huyện Lạc Sơn", "2019-09-01"]),
    ],
)
def test_cli_columns(db_path: Path, tmp_path: Path, args: list[str], header: list[str], first: list[str]) -> None:
    rows = export_csv(db_path, tmp_path, "--since", "2019-01-01", *args)
    assert rows[0] == header
    assert rows[1] == first


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--columns", "title,bogus"], "unknown column 'bogus'"),
        (["--columns", "unit"], "--per unit"),
        (["--columns", ""], "empty"),
        (["--since", "2019-10-02", "--until", "2019-10-01"], "after --until"),
    ],
)
def test_cli_columns_errors(db_path: Path, tmp_path: Path, args: list[str], needle: str) -> None:
    out = tmp_path / "never.csv"
    assert_one_line_error(invoke("--db", str(db_path), "--out", str(out), *args), needle)
    assert not out.exists()


# -- xlsx


def export_xlsx(db_path: Path, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "out.xlsx"
    result = invoke("--db", str(db_path), "--out", str(out), "--format", "xlsx", *args)
    assert result.exit_code == 0, result.output
    assert "3 rows written" in result.stderr or "rows written" in result.stderr
    return out


def test_xlsx_read_back(db_path: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(export_xlsx(db_path, tmp_path))
    sheet = book.active
    assert sheet is not None and sheet.title == "articles"
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header == list(ARTICLE_COLUMNS)
    assert all(c.font.b for c in rows[0])
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}4"
    for i, column in enumerate(header, 1):
        assert sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width == export.XLSX_WIDTHS[column]
    cells = {r[header.index("article_id")].value: {h: c for h, c in zip(header, r, strict=True)} for r in rows[1:]}
    a, b, c = cells[150001], cells[150002], cells[150003]
    assert a["published_at"].is_date and a["published_at"].value == datetime(2019, 9, 1, 7, 5)
    assert b["published_at"].value == datetime(2019, 10, 15, 23, 59)
    assert a["date"].is_date and a["date"].value == datetime(2019, 9, 1)  # xlsx stores days as datetimes
    assert a["date"].number_format == export.XLSX_DATE_FORMAT
    assert a["month"].value == "2019-09"
    assert c["published_at"].value is None and c["date"].value is None
    assert c["lead"].value == "#N/A" and c["lead"].data_type == "s"  # text, not an error value
    assert a["authors"].value == "Việt Lâm; Thu Hằng"
    assert a["districts"].value == "Huyện Lạc Sơn"
    assert b["title"].value == "=HYPERLINK(\"http://example.invalid\",\"bấm\")" and b["title"].data_type == "s"
    assert b["lead"].value == "Dòng một\nDòng hai, có dấu phẩy"  # a cell's line break is \n
    assert a["is_congress"].value == 1 and c["is_congress"].value == 0


def test_xlsx_columns_and_per_unit(db_path: Path, tmp_path: Path) -> None:
    path = export_xlsx(db_path, tmp_path, "--per", "unit", "--columns", "date,unit,unit_level,mentions")
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["date", "unit", "unit_level", "mentions"]
    assert values[1] == [None, None, None, None]  # the undated article names no unit
    assert values[2:4] == [
        [datetime(2019, 9, 1), "Đảng bộ huyện Lạc Sơn", "huyen", 3],
        [datetime(2019, 9, 1), "Đảng bộ xã Văn Nghĩa", "xa", 1],
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x00b\x1fc", "a\ufffdb\ufffdc"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("CRLF\r\nline", "CRLF\nline"),
        ("x" * 40_000, "x" * (export.XLSX_MAX_CELL - 1) + "…"),
    ],
)
def test_xlsx_text_cells(text: str, expected: str) -> None:
    assert export._xlsx_text(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-09-01T07:05:00+07:00", datetime(2019, 9, 1, 7, 5)),
        ("2019-09-01T07:05+07:00", datetime(2019, 9, 1, 7, 5)),
        ("2019-09-01", datetime(2019, 9, 1)),
        ("2019-02-30T07:00:00+07:00", None),
        ("hôm qua", None),
        (None, None),
    ],
)
def test_published_datetime(value: str | None, expected: datetime | None) -> None:
    assert export.published_datetime(value) == expected


# -- safe output (issue 11 item 3)


def archive_fingerprint(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("select count(*) from articles").fetchone()[0], path.stat().st_size
    finally:
        conn.close()


@pytest.fixture
def own_db(db_path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "mine.db"
    src = sqlite3.connect(db_path)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
@pytest.mark.parametrize("how", ["same-path", "other-spelling", "symlink", "hardlink", "wal", "other-sqlite"])
def test_export_never_writes_over_sqlite(own_db: Path, tmp_path: Path, how: str, fmt: str) -> None:
    before = archive_fingerprint(own_db)
    if how == "same-path":
        out = own_db
    elif how == "other-spelling":
        (tmp_path / "sub").mkdir()
        out = tmp_path / "sub" / ".." / own_db.name
    elif how == "symlink":
        out = tmp_path / "export.csv"
        out.symlink_to(own_db)
    elif how == "hardlink":
        out = tmp_path / "export.csv"
        os.link(own_db, out)
    elif how == "wal":
        out = own_db.with_name(own_db.name + "-wal")
    else:
        out = tmp_path / "other.sqlite"
        conn = sqlite3.connect(out)
        conn.execute("create table notes (t text)")
        conn.execute("insert into notes values ('giữ nguyên')")
        conn.commit()
        conn.close()
    other_before = out.read_bytes() if how == "other-sqlite" else b""
    result = invoke("--db", str(own_db), "--out", str(out), "--format", fmt)
    assert_one_line_error(result, "refusing to write over")
    assert archive_fingerprint(own_db) == before
    if how == "other-sqlite":
        assert out.read_bytes() == other_before
    assert not list(tmp_path.glob(".*.part"))


def test_export_into_symlinked_csv_updates_its_target(db_path: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert invoke("--db", str(db_path), "--out", str(link)).exit_code == 0
    assert link.is_symlink() and read_csv(real)[0] == list(ARTICLE_COLUMNS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_failed_export_keeps_the_old_file(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          fmt: str) -> None:
    out = tmp_path / f"good.{fmt}"
    out.write_bytes(b"the previous good export")
    real_iter = export.iter_rows

    def failing(*args: Any, **kwargs: Any) -> Any:
        rows = real_iter(*args, **kwargs)
        yield next(rows)
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(export, "iter_rows", failing)
    result = invoke("--db", str(db_path), "--out", str(out), "--format", fmt)
    assert_one_line_error(result, "malformed")
    assert out.read_bytes() == b"the previous good export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_failed_export_leaves_no_file(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "iter_rows", lambda *a, **k: iter([{"url": None}]))  # a broken row
    out = tmp_path / "new.csv"
    with pytest.raises(KeyError):
        CliRunner().invoke(cli_archive.export, ["--db", str(db_path), "--out", str(out)], catch_exceptions=False)
    assert list(tmp_path.iterdir()) == []


def test_export_file_mode_and_replace(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    assert invoke("--db", str(db_path), "--out", str(out)).exit_code == 0
    assert (out.stat().st_mode & 0o777) == 0o640
    assert read_csv(out)[0] == list(ARTICLE_COLUMNS)
    fresh = tmp_path / "fresh.csv"
    assert invoke("--db", str(db_path), "--out", str(fresh)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert (fresh.stat().st_mode & 0o777) == 0o666 & ~umask


@pytest.mark.parametrize(
    ("out", "needle"),
    [("{tmp}", "is a directory"), ("{tmp}/missing/x.csv", "no directory")],
)
def test_export_bad_out_paths(db_path: Path, tmp_path: Path, out: str, needle: str) -> None:
    assert_one_line_error(invoke("--db", str(db_path), "--out", out.format(tmp=tmp_path)), needle)


def test_check_output_path_allows_a_plain_file(db_path: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("url\n", encoding="utf-8")
    assert export.check_output_path(plain, db_path) == plain.resolve()
    with pytest.raises(export.UnsafeOutput):
        export.check_output_path(db_path, None)  # an SQLite file even when no archive is named


def test_write_export_xlsx_needs_binary(db_path: Path) -> None:
    db = archive.open_archive(db_path, create=False)
    try:
        with pytest.raises(ExportError, match="binary"):
            export.write_export(db, io.StringIO(), ExportFilters(), fmt="xlsx")
        buf = io.BytesIO()
        assert export.write_export(db, buf, ExportFilters(congress_only=True), fmt="xlsx") == 2
        assert buf.getvalue()[:2] == b"PK"
    finally:
        db.close()


# -- LibreOffice round trips

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui) - no round trip",
)
# LibreOffice's own defaults for its CSV import dialog (officecfg Calc/Dialogs/CSVImport): separators
# comma, semicolon and tab, text delimiter ", quoted fields not forced to text, no special numbers;
# character set detected, which for our file's BOM is UTF-8 (76).
DIALOG_DEFAULTS = "44/59/9,34,76,1,,0,false,false"
TEXT_COLUMNS = ("url", "title", "authors", "units", "lead", "month", "districts", "unit_levels")


def soffice_convert(src: Path, target: str, outdir: Path, infilter: str | None = None) -> Path:
    assert SOFFICE is not None
    profile = outdir / "profile"
    argv = [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]
    if infilter is not None:
        argv.append(f"--infilter={infilter}")
    argv += ["--convert-to", target, "--outdir", str(outdir), str(src)]
    subprocess.run(argv, check=True, capture_output=True, timeout=120)
    produced = outdir / (src.stem + "." + target.split(":")[0])
    assert produced.is_file(), f"soffice produced no {produced.name}"
    return produced


def sheet_values(path: Path) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


@needs_soffice
@pytest.mark.parametrize(
    ("infilter", "check_text"),
    [
        (f"Text - txt - csv (StarCalc):{DIALOG_DEFAULTS}", True),
        (None, False),  # headless, no options: comma only and the system charset (LibreOffice ignores the BOM)
    ],
)
def test_libreoffice_opens_the_csv(db_path: Path, tmp_path: Path, infilter: str | None, check_text: bool) -> None:
    src = tmp_path / "articles.csv"
    assert invoke("--db", str(db_path), "--out", str(src)).exit_code == 0
    expected = read_csv(src)
    outdir = tmp_path / "lo"
    got = sheet_values(soffice_convert(src, "xlsx", outdir, infilter))
    assert len(got) == len(expected)
    assert [len([v for v in row]) for row in got] == [len(ARTICLE_COLUMNS)] * len(expected)
    if check_text:
        header = expected[0]
        assert got[0] == header
        for want, row in zip(expected[1:], got[1:], strict=True):
            for column in TEXT_COLUMNS:
                i = header.index(column)
                assert str(row[i]).replace("\r\n", "\n") == want[i].replace("\r\n", "\n"), column


@needs_soffice
def test_libreoffice_opens_the_xlsx(db_path: Path, tmp_path: Path) -> None:
    src = export_xlsx(db_path, tmp_path)
    mine = sheet_values(src)
    outdir = tmp_path / "lo"
    ods = soffice_convert(src, "ods", outdir)
    again = sheet_values(soffice_convert(ods, "xlsx", outdir / "back"))  # xlsx -> ods -> xlsx
    assert len(again) == len(mine) and all(len(r) == len(ARTICLE_COLUMNS) for r in again)
    header = list(ARTICLE_COLUMNS)
    assert again[0] == header
    by_id = {r[header.index("article_id")]: r for r in again[1:]}
    for row in mine[1:]:
        back = by_id[row[header.index("article_id")]]
        for column in (*TEXT_COLUMNS, "published_at", "date"):
            i = header.index(column)
            assert back[i] == row[i], column
    first = by_id[150001]
    assert first[header.index("date")] == datetime(2019, 9, 1)  # still a date cell after LibreOffice
    assert isinstance(first[header.index("published_at")], datetime)
    assert date(2019, 9, 1) == first[header.index("published_at")].date()


def test_xlsx_to_stdout(db_path: Path) -> None:
    result = CliRunner().invoke(cli_archive.export, ["--db", str(db_path), "--format", "xlsx", "--congress-only"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    sheet = openpyxl.load_workbook(io.BytesIO(result.stdout_bytes)).active
    assert sheet is not None and sheet.max_row == 3  # header + two congress articles
