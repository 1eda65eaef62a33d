"""Issue 10, hostile pages: work linear in page size, deep nesting and huge text runs, pages in
the wrong (or no) declared encoding, ``hbdt parse`` on things that are not page files, and a
start-up that imports neither Scrapy, sqlite-utils nor datasette."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import LAZY_COMMANDS, main
from crawler.html import decode
from crawler.pages import ArticlePage
from tests.conftest import REPO

URL = "https://baohoabinh.com.vn/11/140123/bai.htm"
HEAD = ("<html><head><meta charset='utf-8'><title>Tiêu đề</title></head><body><h1>Đảng bộ huyện Lạc Sơn "
        "chuẩn bị đại hội</h1><div class='date'>16/10/2019 08:00</div><p>(HBĐT) - Mở đầu bài viết về Đảng bộ.</p>")
TAIL = "<p>Đoạn cuối cùng của bài viết.</p><p>Việt Lâm</p></body></html>"


def date_heavy(paragraphs: int) -> bytes:
    """A page whose every paragraph holds several dates (what made the scan quadratic)."""
    paras = "".join(
        f"<p>Ngày {d % 28 + 1}/{d % 12 + 1}/20{10 + d % 10}, lúc {d % 24}:{d % 60:02d} ngày {d % 28 + 1} tháng "
        f"{d % 12 + 1} năm 2019, Đảng bộ xã họp.</p>" for d in range(paragraphs))
    return (HEAD + paras + TAIL).encode()


def calls(body: bytes) -> int:
    """Python and C function calls made to parse ``body`` into a record (a machine-independent
    measure of work)."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        page = ArticlePage(body, url=URL)
        page.to_record()
    finally:
        sys.setprofile(None)
    return count


def test_work_grows_linearly_with_a_page_full_of_dates():
    small, large = calls(date_heavy(400)), calls(date_heavy(1600))
    # 4x the page: linear work is about 4x; the quadratic scan it replaced was over 12x
    assert large / small < 5.5, (small, large)


def test_a_page_nested_300_deep_keeps_what_follows():
    deep = "<div>" * 300 + "<p>Đoạn nằm sâu nhất.</p>" + "</div>" * 300
    record = ArticlePage((HEAD + deep + TAIL).encode(), url=URL).to_record()
    assert "Đoạn nằm sâu nhất." in record.body
    assert record.body.endswith("Đoạn cuối cùng của bài viết.")
    assert record.byline.authors == ["Việt Lâm"]


def test_a_page_nested_beyond_the_parser_limit_warns(caplog):
    deep = "<div>" * 3000 + "<p>Đoạn nằm sâu nhất.</p>" + "</div>" * 3000
    with caplog.at_level(logging.WARNING):
        page = ArticlePage((HEAD + deep + TAIL).encode(), url=URL)
        page.to_record()
    assert any("nested deeper" in r.getMessage() for r in caplog.records)


def test_a_10_mb_text_run_keeps_the_rest_of_the_page():
    run = "<p>" + "Đảng bộ huyện Lạc Sơn lãnh đạo " * 360_000 + "</p>"
    assert len(run.encode()) > 10_000_000
    record = ArticlePage((HEAD + run + TAIL).encode(), url=URL).to_record()
    assert record.body.endswith("Đoạn cuối cùng của bài viết.")
    assert record.byline.authors == ["Việt Lâm"]


TEXT = ("<html><head>{meta}<title>Đại hội Đảng bộ huyện Lạc Sơn</title></head><body><p>(HBĐT) - Chi bộ xóm "
        "Mới Nang tổ chức đại hội nhiệm kỳ 2020-2022, bầu Ban Chấp hành mới. Đồng chí Bí thư phát biểu.</p>"
        "</body></html>")
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """``text`` as a legacy Vietnamese page: precomposed letters where the code page has them,
    else the base letter and a combining tone mark (how windows-1258 writes Vietnamese)."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
        out += base.encode("cp1258") + "".join(c for c in nfd if c in _TONES).encode("cp1258")
    return out


ENCODINGS = {
    "utf8-declared-1258-meta": (TEXT.format(meta="<meta charset='windows-1258'>").encode(), None),
    "utf8-declared-1258-http": (TEXT.format(meta="").encode(), "windows-1258"),
    "1258-declared-utf8-meta": (windows_1258(TEXT.format(meta="<meta charset='utf-8'>")), None),
    "1258-declared-utf8-http": (windows_1258(TEXT.format(meta="")), "utf-8"),
    "1258-undeclared": (windows_1258(TEXT.format(meta="")), None),
    "1258-declared-1258": (windows_1258(TEXT.format(meta="<meta charset='windows-1258'>")), None),
    "utf8-declared-utf8": (TEXT.format(meta="<meta charset='utf-8'>").encode(), None),
    "utf8-undeclared": (TEXT.format(meta="").encode(), None),
}


@pytest.mark.parametrize(("body", "declared"), list(ENCODINGS.values()), ids=list(ENCODINGS))
def test_the_decoding_that_yields_valid_vietnamese_wins(body, declared):
    text = unicodedata.normalize("NFC", decode(body, declared))
    assert "Chi bộ xóm Mới Nang tổ chức đại hội nhiệm kỳ 2020-2022" in text
    assert "Đại hội Đảng bộ huyện Lạc Sơn" in text


def test_a_western_page_stays_western():
    body = "<html><head><meta charset='windows-1252'></head><body><p>Café crème à Noël, façade.</p></body></html>"
    assert "Café crème à Noël, façade." in decode(body.encode("cp1252"))


def _special(tmp_path: Path, kind: str) -> str:
    if kind == "fifo":
        path = tmp_path / "pipe.html"
        os.mkfifo(path)
        return str(path)
    if kind == "directory":
        return str(tmp_path)
    if kind == "too-large":
        path = tmp_path / "big.html"
        path.write_bytes(b"<p>" + b"x" * 2000 + b"</p>")
        return str(path)
    return "/dev/zero"


@pytest.mark.parametrize(("kind", "needle"), [("fifo", "FIFO"), ("device", "device"), ("directory", "directory"),
                                              ("too-large", "--max-bytes")])
def test_parse_refuses_what_is_not_a_page_file_and_goes_on(tmp_path, kind, needle):
    good = tmp_path / "good.html"
    good.write_bytes((HEAD + TAIL).encode())
    bad = _special(tmp_path, kind)
    result = CliRunner().invoke(main, ["parse", "--jsonl", "--max-bytes", "1000", bad, str(good)])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["path"] == bad and needle in records[0]["error"]
    assert records[1]["title"]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"hbdt: parse: {bad}: ")


def test_parse_keeps_a_page_with_a_malformed_link(tmp_path):
    page = tmp_path / "a.html"
    page.write_bytes((HEAD + "<p>Xem <a href='http://[::1'>liên kết hỏng</a> ở đây.</p>" + TAIL).encode())
    result = CliRunner().invoke(main, ["parse", str(page), "--url", URL])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["byline"]["authors"] == ["Việt Lâm"]


def test_parse_starts_without_scrapy_sqlite_utils_or_datasette(tmp_path):
    page = tmp_path / "a.html"
    page.write_bytes((HEAD + TAIL).encode())
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "crawler", "parse", str(page)], cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=False,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "crawler.pages" in imported
    for heavy in ("scrapy", "sqlite_utils", "datasette", "twisted"):
        assert heavy not in imported


def test_every_command_module_is_registered_lazily():
    from crawler import cli_archive, cli_crawl, cli_parse, cli_report

    names = {c.name for m in (cli_archive, cli_crawl, cli_parse, cli_report) for c in m.COMMANDS}
    assert names == set(LAZY_COMMANDS)
