"""End-to-end crawls of the sample site over loopback: what is archived, incrementally.

Each crawl is ``python -m crawler crawl`` in its own process against the ``mirror`` fixture.
Expected sets come from the sample site's manifest (``tests/fixtures/sample_site_expected.json``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.congress import is_congress
from crawler.mirror import Mirror
from tests.conftest import FIXTURES, LOOPBACK_CLI_SETTINGS

MANIFEST: dict[str, Any] = json.loads((FIXTURES / "sample_site_expected.json").read_text(encoding="utf-8"))
ARTICLES: dict[str, dict[str, Any]] = MANIFEST["articles"]
START = MANIFEST["listing_pages"][0]
ARTICLE_PATH_RE = re.compile(r"^/\d+/\d+/")


def site_related(path: str) -> list[str]:
    """The on-site related paths of a sample article."""
    return [r for r in ARTICLES[path]["related"] if r.startswith("/")]


def closure(roots: Iterable[str], depth: int) -> set[str]:
    """The roots and their related items to ``depth`` (breadth first: each at its smallest depth)."""
    found = set(roots)
    frontier = set(found)
    for _ in range(depth):
        nxt = {r for p in frontier for r in site_related(p)} - found
        found |= nxt
        frontier = nxt
    return found


def day(path: str) -> str:
    return str(ARTICLES[path]["published_at"])[:10]


def crawl(cli: Callable[..., Any], mirror: Mirror, db: Path, *extra: str, expect: int = 0) -> Any:
    result = cli("-v", "crawl", "--start-url", mirror.url + START, "--db", str(db), *LOOPBACK_CLI_SETTINGS, *extra)
    assert result.returncode == expect, result.stderr[-3000:]
    return result


def archived_paths(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {urlsplit(u).path for (u,) in conn.execute("SELECT url FROM articles")}


def article_requests(paths: list[str]) -> list[str]:
    return [p for p in paths if ARTICLE_PATH_RE.match(p)]


def last_run(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        return dict(row)


def test_default_crawl_archives_listed_congress_items_and_their_related_items(hbdt_cli, mirror, tmp_path):
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    got = archived_paths(db)
    assert got == set(MANIFEST["default_crawl"])
    assert got == closure(MANIFEST["listed_congress"], 1)
    assert not got & set(MANIFEST["listed_other"])
    assert not got & set(MANIFEST["depth2"])
    assert not got & set(MANIFEST["other_related_only"])
    # never fetched: non-congress listed items, depth-2 items, pages only non-congress articles link to
    requested = set(mirror.requests)
    for path in MANIFEST["listed_other"] + MANIFEST["depth2"] + MANIFEST["other_related_only"]:
        assert path not in requested
    assert set(MANIFEST["listing_pages"]) <= requested
    fetched = article_requests(mirror.requests)
    assert sorted(fetched) == sorted(got)  # each archived article fetched once, nothing else


def test_every_related_edge_is_stored_including_unfetched_and_offsite_ones(hbdt_cli, mirror, tmp_path):
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.url, r.url FROM related r JOIN articles a ON a.id = r.article_id ORDER BY a.id, r.position"
        ).fetchall()
    edges: dict[str, list[str]] = {}
    for article, target in rows:
        edges.setdefault(urlsplit(article).path, []).append(target)
    for path in MANIFEST["default_crawl"]:
        expected = [mirror.url + r if r.startswith("/") else r for r in ARTICLES[path]["related"]]
        assert edges.get(path, []) == expected, path
    all_targets = {t for targets in edges.values() for t in targets}
    assert set(MANIFEST["offsite"]) <= all_targets
    assert {mirror.url + p for p in MANIFEST["depth2"]} <= all_targets


def test_run_is_recorded_with_status_and_counts(hbdt_cli, mirror, tmp_path):
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    run = last_run(db)
    assert run["status"] == "ok"
    assert run["started_at"] <= run["ended_at"]
    assert run["started_at"].endswith("+07:00")
    assert run["archived"] == run["new"] == len(MANIFEST["default_crawl"])
    assert run["requests"] == len(mirror.requests)
    assert run["failed"] == 0
    stats = hbdt_cli("stats", "--db", str(db), "--json")
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert data["articles"] == len(MANIFEST["default_crawl"])
    assert data["last_run"]["status"] == "ok"
    assert data["last_run"]["archived"] == len(MANIFEST["default_crawl"])


@pytest.mark.parametrize(
    ("options", "roots", "depth"),
    [
        (["--related-depth", "0"], MANIFEST["listed_congress"], 0),
        (["--related-depth", "2"], MANIFEST["listed_congress"], 2),
        (["--all-topics"], MANIFEST["listed_congress"] + MANIFEST["listed_other"], 1),
    ],
    ids=["depth-0", "depth-2", "all-topics"],
)
def test_depth_and_topic_options(hbdt_cli, mirror, tmp_path, options, roots, depth):
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db, *options)
    got = archived_paths(db)
    assert got == closure(roots, depth)
    assert len(article_requests(mirror.requests)) == len(got)


@pytest.mark.parametrize(
    ("since", "until"),
    [("2019-10-17", None), (None, "2019-10-15"), ("2019-10-15", "2019-10-16")],
)
def test_since_until_bound_the_listed_items(hbdt_cli, mirror, tmp_path, since, until):
    db = tmp_path / "archive.db"
    options = (["--since", since] if since else []) + (["--until", until] if until else [])
    crawl(hbdt_cli, mirror, db, *options)
    roots = [p for p in MANIFEST["listed_congress"]
             if (since is None or day(p) >= since) and (until is None or day(p) <= until)]
    assert roots
    assert archived_paths(db) == closure(roots, 1)


def test_paging_stops_at_a_page_older_than_since(hbdt_cli, mirror, tmp_path):
    db = tmp_path / "archive.db"
    newest = max(date.fromisoformat(day(item["path"])) for item in MANIFEST["listing_items"][START])
    since = (newest + timedelta(days=1)).isoformat()
    crawl(hbdt_cli, mirror, db, "--since", since)
    assert archived_paths(db) == set()
    assert MANIFEST["listing_pages"][1] not in mirror.requests
    assert article_requests(mirror.requests) == []


def test_second_run_fetches_no_article_and_a_new_listed_item_is_picked_up(hbdt_cli, mirror, site_copy, tmp_path):
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    first = len(mirror.requests)
    crawl(hbdt_cli, mirror, db)
    second = mirror.requests[first:]
    assert START in second
    assert article_requests(second) == []
    assert last_run(db)["archived"] == 0 and last_run(db)["status"] == "ok"

    new_path = add_listed_article(site_copy, congress=True)
    third_start = len(mirror.requests)
    crawl(hbdt_cli, mirror, db)
    third = mirror.requests[third_start:]
    assert article_requests(third) == [new_path]
    assert archived_paths(db) == set(MANIFEST["default_crawl"]) | {new_path}
    assert last_run(db)["new"] == 1


def test_a_new_non_congress_item_is_not_fetched(hbdt_cli, mirror, site_copy, tmp_path):
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    add_listed_article(site_copy, congress=False)
    start = len(mirror.requests)
    crawl(hbdt_cli, mirror, db)
    assert article_requests(mirror.requests[start:]) == []
    assert archived_paths(db) == set(MANIFEST["default_crawl"])


def test_refresh_refetches_and_keeps_the_previous_version(hbdt_cli, mirror, site_copy, tmp_path):
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    changed = MANIFEST["listed_congress"][0]
    page = site_copy / changed.lstrip("/")
    html = page.read_text(encoding="utf-8")
    marker = "Bổ sung: Đảng ủy xã đã hoàn thành việc rà soát hồ sơ đảng viên trước ngày khai mạc đại hội."
    page.write_text(_append_paragraph(html, marker), encoding="utf-8")
    with sqlite3.connect(db) as conn:
        old_hash = conn.execute("SELECT content_hash FROM articles WHERE url = ?", [mirror.url + changed]).fetchone()[0]
    start = len(mirror.requests)
    crawl(hbdt_cli, mirror, db, "--refresh")
    assert sorted(article_requests(mirror.requests[start:])) == sorted(MANIFEST["default_crawl"])
    run = last_run(db)
    assert (run["updated"], run["unchanged"], run["new"]) == (1, len(MANIFEST["default_crawl"]) - 1, 0)
    with sqlite3.connect(db) as conn:
        body, new_hash = conn.execute("SELECT body, content_hash FROM articles WHERE url = ?",
                                      [mirror.url + changed]).fetchone()
        revisions = conn.execute("SELECT url, content_hash FROM revisions").fetchall()
    assert marker in body
    assert revisions == [(mirror.url + changed, old_hash)]
    assert new_hash != old_hash


# -- helpers that change the site copy -----------------------------------------------------------

def _append_paragraph(html: str, text: str) -> str:
    """Add a body paragraph right after the article's ``(HBĐT) - `` lead paragraph."""
    close = html.index("</p>", html.index("(HBĐT) - ")) + len("</p>")
    return html[:close] + f"\n<p>{text}</p>" + html[close:]


NEW_ITEMS = {
    True: ("/11/138790/Dang-Bo-Xa-Tan-Thanh-To-Chuc-Thanh-Cong-Dai-Hoi-Diem.htm",
           "Đảng bộ xã Tân Thành tổ chức thành công đại hội điểm",
           "Ngày 21/10, Đảng bộ xã Tân Thành (Lương Sơn) tổ chức Đại hội đại biểu lần thứ XXIII, "
           "nhiệm kỳ 2020-2025, là đại hội điểm cấp cơ sở của huyện."),
    False: ("/11/138795/Cao-Phong-Thu-Hoach-Cam-Som.htm",
            "Cao Phong thu hoạch cam sớm",
            "Những ngày này, nhiều nhà vườn ở xã Bắc Phong đã bắt đầu thu hoạch cam sớm để kịp bán "
            "cho thương lái từ các tỉnh miền xuôi."),
}


def add_listed_article(site: Path, *, congress: bool) -> str:
    """Publish a new article on the site copy: its page (from a sample article's template) and a
    listing entry at the top of page 1. Returns its path."""
    path, title, lead = NEW_ITEMS[congress]
    assert is_congress(title, lead, 11) is congress
    template_path = MANIFEST["listed_congress"][-1]
    template = ARTICLES[template_path]
    html = (site / template_path.lstrip("/")).read_text(encoding="utf-8")
    html = html.replace(template["title"], title).replace(template["lead"], lead)
    target = site / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    listing = site / START.lstrip("/")
    page = listing.read_text(encoding="utf-8")
    entry = (f'<table class="list-news" width="100%"><tr><td valign="top"><a class="title" href="{path}">{title}</a> '
             f'<span class="date">21/10/2019</span>\n<div class="sapo">(HBĐT) - {lead}</div></td></tr></table>\n')
    anchor = '<div class="news-focus">'
    assert anchor in page
    listing.write_text(page.replace(anchor, entry + anchor, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("agent", ["*", "hbdt"])
def test_robots_txt_is_obeyed(hbdt_cli, mirror, site_copy, tmp_path, agent):
    forbidden = MANIFEST["related_depth1"][0]["path"]
    (site_copy / "robots.txt").write_text(f"User-agent: {agent}\nDisallow: {forbidden}\n", encoding="utf-8")
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db)
    assert forbidden not in mirror.requests
    assert archived_paths(db) == set(MANIFEST["default_crawl"]) - {forbidden}
    run = last_run(db)
    assert (run["status"], run["skipped"], run["failed"]) == ("ok", 1, 0)


def test_settings_override_and_an_unfinished_run_is_completed_by_the_next(hbdt_cli, mirror, tmp_path):
    db = tmp_path / "archive.db"
    crawl(hbdt_cli, mirror, db, "-s", "CLOSESPIDER_ITEMCOUNT=3", "-s", "CONCURRENT_REQUESTS=1", expect=1)
    run = last_run(db)
    assert run["status"] == "closespider_itemcount"
    first = archived_paths(db)
    assert 3 <= len(first) < len(MANIFEST["default_crawl"])
    start = len(mirror.requests)
    crawl(hbdt_cli, mirror, db)
    assert archived_paths(db) == set(MANIFEST["default_crawl"])
    assert not set(article_requests(mirror.requests[start:])) & first
