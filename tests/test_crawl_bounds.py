"""Crawls meeting hostile servers on 127.0.0.1: size bounds (a gzip bomb, a 200 MB page), an
endless or repeating pager, a redirect to another port, robots.txt, nothing archived; and the
run status and exit code each gives (issue 11)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive import open_archive
from crawler.mirror import sample_site_root
from tests.conftest import LOOPBACK_CLI_SETTINGS, REPO
from tests.hostile import Answer, endless, gzip_bomb, serving
from tests.test_crawl import archived_paths, crawl, last_run

SEED_PATH = "/11/138512/Lac-Son-Chu-Dong-Chuan-Bi-Cho-Dai-Hoi-Dang-Bo-Cac-Cap.htm"
SEED = (sample_site_root() / SEED_PATH.lstrip("/")).read_bytes()
BOMB_PATH = "/11/200001/Bom-Nen.htm"
HUGE_PATH = "/11/200002/Trang-Rat-Lon.htm"
MB = 1 << 20


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def run_measured(*args: str, timeout: float = 240) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``hbdt ARGS`` in a fresh wrapper process whose only child is the crawl; return the
    result and the crawl's peak RSS in KiB (``RUSAGE_CHILDREN`` of the wrapper)."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run([sys.executable, '-m', 'crawler', *sys.argv[1:]])\n"
        "sys.stderr.write('\\nPEAK_RSS_KIB=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(r.returncode)\n"
    )
    result = subprocess.run([sys.executable, "-c", wrapper, *args], cwd=REPO, capture_output=True, text=True,
                            timeout=timeout, check=False, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    peak = int(result.stderr.rsplit("PEAK_RSS_KIB=", 1)[1].split()[0])
    return result, peak


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb(1024 * MB)


def test_gzip_bomb_and_huge_page_are_refused_within_bounded_memory(tmp_path, bomb):
    """1 GB behind 1 MB of gzip, and a 200 MB page with no announced length: both end in
    ``failures`` as too large, the good article is archived, and the crawl stays under 300 MB."""
    assert len(bomb) < 2 * MB

    def route(path: str) -> Answer | None:
        if path == BOMB_PATH:
            return Answer(body=bomb, headers={"Content-Type": "text/html; charset=utf-8",
                                              "Content-Encoding": "gzip"})
        if path == HUGE_PATH:
            return Answer(body=endless(b"<p>" + "Đảng bộ huyện Lạc Sơn. ".encode() * 400 + b"</p>\n", 200 * MB))
        if path == SEED_PATH:
            return Answer(body=SEED)
        return None

    db = tmp_path / "archive.db"
    with serving(route) as site:
        result, peak_kib = run_measured(
            "crawl", "--db", str(db), "--related-depth", "0", *LOOPBACK_CLI_SETTINGS,
            "--start-url", site.url + BOMB_PATH, "--start-url", site.url + HUGE_PATH,
            "--start-url", site.url + SEED_PATH)
    assert peak_kib < 300 * 1024, f"peak RSS {peak_kib / 1024:.0f} MB"
    got = {url.rsplit("/", 1)[1]: reason for url, reason in rows(db, "SELECT url, reason FROM failures")}
    assert got == {BOMB_PATH.rsplit("/", 1)[1]: "too large (over DOWNLOAD_MAXSIZE)",
                   HUGE_PATH.rsplit("/", 1)[1]: "too large (over DOWNLOAD_MAXSIZE)"}, result.stderr[-2000:]
    assert archived_paths(db) == {SEED_PATH}
    assert rows(db, "SELECT count(*) FROM raw_pages") == [(0,)]
    assert last_run(db)["status"] == "partial"
    assert result.returncode == 3, result.stderr[-2000:]


def listing(page: int, *, same_items: bool) -> bytes:
    """A listing page of non-congress items (never fetched) with a link to the next page."""
    items = []
    for i in range(5):
        article_id = 300_000 + i if same_items else 300_000 + page * 10 + i
        items.append(f'<li><a class="title" href="/11/{article_id}/Tin-Kinh-Te-{article_id}.htm">'
                     f"Giá rau xanh tăng nhẹ, tin số {article_id}</a> <span class='date'>17/10/2019</span></li>")
    return (
        "<html><head><meta charset='utf-8'><title>Chính trị</title></head><body><h1>Chính trị</h1>"
        f"<ul class='list-news'>{''.join(items)}</ul>"
        f"<div class='paging'><a href='/11/page/{page + 1}/CHINH-TRI.htm'>Trang sau</a></div></body></html>"
    ).encode()


def pager(same_items: bool):
    def route(path: str) -> Answer | None:
        parts = path.split("/")
        if len(parts) == 5 and parts[2] == "page" and parts[3].isdigit():
            return Answer(body=listing(int(parts[3]), same_items=same_items))
        return None
    return route


def listing_requests(paths: list[str]) -> list[str]:
    return [p for p in paths if "/page/" in p]


def test_endless_pager_stops_at_the_per_start_cap_and_records_where(hbdt_cli, tmp_path):
    db = tmp_path / "archive.db"
    with serving(pager(same_items=False)) as site:
        result = hbdt_cli("crawl", "--db", str(db), "--start-url", site.url + "/11/page/1/CHINH-TRI.htm",
                          *LOOPBACK_CLI_SETTINGS, "-s", "HBDT_MAX_LISTING_PAGES_PER_START=7")
        asked = listing_requests(site.requests)
    assert asked == [f"/11/page/{n}/CHINH-TRI.htm" for n in range(1, 8)]
    assert rows(db, "SELECT url, reason FROM failures") == [
        (site.url + "/11/page/8/CHINH-TRI.htm", "listing page cap reached (HBDT_MAX_LISTING_PAGES_PER_START=7)")]
    assert result.returncode == 3, result.stderr[-2000:]


def test_a_pager_that_repeats_its_items_stops(hbdt_cli, tmp_path):
    db = tmp_path / "archive.db"
    with serving(pager(same_items=True)) as site:
        result = hbdt_cli("crawl", "--db", str(db), "--start-url", site.url + "/11/page/1/CHINH-TRI.htm",
                          *LOOPBACK_CLI_SETTINGS)
        asked = listing_requests(site.requests)
    assert asked == ["/11/page/1/CHINH-TRI.htm", "/11/page/2/CHINH-TRI.htm"]
    assert result.returncode == 0, result.stderr[-2000:]


def test_redirect_to_another_port_of_the_same_host_is_refused_and_recorded(hbdt_cli, tmp_path):
    db = tmp_path / "archive.db"
    with serving(lambda path: Answer(body=SEED) if path == SEED_PATH else None) as other:
        def route(path: str) -> Answer | None:
            if path == SEED_PATH:
                return Answer(302, b"", {"Location": other.url + SEED_PATH})
            return None

        with serving(route) as site:
            result = hbdt_cli("crawl", "--db", str(db), "--start-url", site.url + SEED_PATH,
                              "--related-depth", "0", *LOOPBACK_CLI_SETTINGS)
        assert other.requests == []
    assert rows(db, "SELECT reason FROM failures") == [(f"redirected off-site to {other.url}{SEED_PATH}",)]
    assert rows(db, "SELECT count(*) FROM articles") == [(0,)]
    assert rows(db, "SELECT count(*) FROM raw_pages") == [(0,)]
    assert last_run(db)["status"] == "failed"
    assert result.returncode == 1, result.stderr[-2000:]


def test_robots_txt_forbidding_the_start_page_fails_the_run(hbdt_cli, tmp_path):
    def route(path: str) -> Answer | None:
        if path == "/robots.txt":
            return Answer(body=b"User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"})
        return Answer(body=listing(1, same_items=False))

    db = tmp_path / "archive.db"
    with serving(route) as site:
        result = hbdt_cli("crawl", "--db", str(db), "--start-url", site.url + "/11/page/1/CHINH-TRI.htm",
                          *LOOPBACK_CLI_SETTINGS)
        assert listing_requests(site.requests) == []
    assert last_run(db)["status"] == "failed"
    assert result.returncode == 1, result.stderr[-2000:]


def test_a_run_whose_every_article_fails_is_failed(hbdt_cli, mirror, tmp_path):
    from crawler.mirror import Fault
    from tests.test_crawl import MANIFEST

    for path in MANIFEST["listed_congress"]:
        mirror.add_fault(path, Fault(status=500, times=None))
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db, "-s", "RETRY_TIMES=0", expect=1)
    run = last_run(db)
    assert run["status"] == "failed" and run["archived"] == 0
    assert run["failed"] == len(MANIFEST["listed_congress"])


def test_a_run_whose_every_batch_rolls_back_is_failed(hbdt_cli, mirror, tmp_path):
    db = tmp_path / "archive.db"
    archive = open_archive(db)
    archive.execute("CREATE TRIGGER boom BEFORE INSERT ON articles BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    archive.close()
    crawl(hbdt_cli, mirror, db, expect=1)
    run = last_run(db)
    assert run["status"] == "failed" and run["archived"] == 0
    assert json.loads(run["counts"])["archive_write_errors"] >= 1
