"""The Wayback source: CDX helpers, and a crawl of a fake Wayback Machine on 127.0.0.1.

The fake archive answers ``/cdx/search/cdx`` (JSON, filters, ``collapse=urlkey``, ``from``/``to``,
a small page size with resume keys) and ``/web/{timestamp}id_/{original}`` (the capture as
captured; a timestamp without a capture redirects to the nearest one; no capture gives 404). Its
captures are the sample site's pages with their links made absolute
(``https://baohoabinh.com.vn/...``, some ``http://www.``), as the real site printed them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlite_utils

from crawler.crawl import project_settings
from crawler.mirror import Mirror, start_mirror
from crawler.urls import canonical_url, listing_page
from crawler.wayback import (
    CaptureIndex,
    CdxRow,
    capture_url,
    cdx_query_url,
    full_timestamp,
    parse_cdx_json,
    row_kind,
    site_url,
    split_capture_url,
    timestamp_day,
)
from spiders.wayback import WaybackSpider
from tests.conftest import LOOPBACK_CLI_SETTINGS
from tests.test_crawl import MANIFEST

SITE = "https://baohoabinh.com.vn"

# -- unit: CDX and capture URLs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "rows", "resume"),
    [
        ('[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],'
         '["vn,com,baohoabinh)/11/1/a.htm","20191020080000","https://baohoabinh.com.vn/11/101/A.htm",'
         '"text/html","200","X","10"]]', [("20191020080000", "https://baohoabinh.com.vn/11/101/A.htm")], None),
        ('[["urlkey","timestamp","original"],["k","20191020080000","http://www.baohoabinh.com.vn:80/11/101/A.htm"],'
         '[],["vn,com,baohoabinh)/11/2/b.htm 20191021"]]',
         [("20191020080000", "http://www.baohoabinh.com.vn:80/11/101/A.htm")], "vn,com,baohoabinh)/11/2/b.htm 20191021"),
        ('[["timestamp","original"],["2019x","u"],["20191020","https://baohoabinh.com.vn/"],[]]',
         [("20191020", "https://baohoabinh.com.vn/")], None),
        ("<html>Service unavailable</html>", [], None),
        ("[]", [], None),
        ('{"error": "bad"}', [], None),
    ],
    ids=["one-row", "resume-key", "bad-timestamp-and-trailing-separator", "not-json", "empty", "object"],
)
def test_parse_cdx_json(body, rows, resume):
    page = parse_cdx_json(body.encode())
    assert [(r.timestamp, r.original) for r in page.rows] == rows
    assert page.resume_key == resume


def test_cdx_query_url_asks_for_status_200_html_collapsed_and_paged():
    url = cdx_query_url("https://web.archive.org/", since=date(2019, 6, 1), until=date(2020, 12, 31), limit=500,
                        resume_key="k 1")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "web.archive.org", "/cdx/search/cdx")
    q = parse_qs(parts.query)
    assert q["url"] == ["baohoabinh.com.vn/"] and q["matchType"] == ["prefix"]
    assert q["output"] == ["json"] and q["collapse"] == ["urlkey"]
    assert sorted(q["filter"]) == ["mimetype:text/html", "statuscode:200"]
    assert (q["from"], q["to"], q["limit"]) == (["20190601"], ["20201231"], ["500"])
    assert q["showResumeKey"] == ["true"] and q["resumeKey"] == ["k 1"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://web.archive.org/web/20191020080000id_/https://baohoabinh.com.vn/11/101/A.htm",
         ("https://baohoabinh.com.vn/11/101/A.htm", "20191020080000")),
        ("http://127.0.0.1:8080/web/2019id_/http://www.baohoabinh.com.vn/11/101/A.htm",
         ("http://www.baohoabinh.com.vn/11/101/A.htm", "2019")),
        ("https://baohoabinh.com.vn/11/101/A.htm", None),
    ],
)
def test_split_capture_url(url, expected):
    assert split_capture_url(url) == expected


@pytest.mark.parametrize(
    ("original", "kind", "site"),
    [
        ("http://www.baohoabinh.com.vn:80/11/138512/Lac-Son.htm", "article", f"{SITE}/11/138512/Lac-Son.htm"),
        ("https://baohoabinh.com.vn/11/page/3/CHINH-TRI.htm", "listing", f"{SITE}/11/page/3/CHINH-TRI.htm"),
        ("https://baohoabinh.com.vn/", None, f"{SITE}/"),
        ("https://ims.baohoabinh.com.vn/NewsImg/10_2019/1.jpg", None, None),
        ("https://offsite.example.org/11/140001/X.htm", None, None),
    ],
)
def test_row_kind_and_site_url(original, kind, site):
    assert row_kind(CdxRow(timestamp="20191020", original=original)) == kind
    assert site_url(original) == site


def test_capture_index_keeps_the_first_capture_and_falls_back_to_the_nearest():
    index = CaptureIndex()
    index.add(CdxRow("20191020080000", "http://www.baohoabinh.com.vn/11/101/A.htm"))
    index.add(CdxRow("20200101000000", "https://baohoabinh.com.vn/11/101/A.htm"))
    index.add(CdxRow("20191021000000", "https://baohoabinh.com.vn/11/page/1/CHINH-TRI.htm"))
    index.add(CdxRow("20191021000000", "https://baohoabinh.com.vn/robots.txt"))
    assert index.articles == {f"{SITE}/11/101/A.htm": "20191020080000"}
    assert index.listings == {f"{SITE}/11/page/1/CHINH-TRI.htm": "20191021000000"}
    assert index.other == 1
    assert index.timestamp_for("http://baohoabinh.com.vn/11/101/A.htm", "2022") == "20191020080000"
    assert index.timestamp_for(f"{SITE}/11/102/B.htm", "20191020080000") == "20191020080000"
    assert index.timestamp_for("https://offsite.example.org/11/102/B.htm", "2019") is None


@pytest.mark.parametrize(("ts", "day", "full"), [("20191020080000", date(2019, 10, 20), "20191020080000"),
                                                ("2019", None, "20190101000000"),
                                                ("20191340", None, "20191340000000")])
def test_timestamps(ts, day, full):
    assert timestamp_day(ts) == day
    assert full_timestamp(ts) == full


def test_capture_url():
    assert capture_url("http://127.0.0.1:9/", "2019", f"{SITE}/11/101/A.htm") == \
        f"http://127.0.0.1:9/web/2019id_/{SITE}/11/101/A.htm"


def test_at_most_one_request_a_second_to_the_real_archive_by_default():
    settings = project_settings("unused.db")
    WaybackSpider.update_settings(settings)  # what the crawler does with the spider's settings
    slot = settings.getdict("DOWNLOAD_SLOTS")["web.archive.org"]
    assert slot["concurrency"] == 1 and float(slot["delay"]) >= 1.0 and float(slot["jitter"]) == 0
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1.0  # AutoThrottle's floor
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getbool("ROBOTSTXT_OBEY") and "hbdt" in settings.get("USER_AGENT")
    assert "crawler.middlewares.RetryAfterMiddleware" in settings.getdict("DOWNLOADER_MIDDLEWARES")


# -- a fake Wayback Machine ----------------------------------------------------------------------

_LINK_RE = re.compile(r'(href|src)="/(?!/)')
_CAPTURE_RE = re.compile(r"^/web/(?P<ts>\d{1,14})id_/(?P<orig>.+)$")
ERROR_PAGE = ("<html><head><meta charset='utf-8'><title>Lỗi</title></head><body><h1>Không tìm thấy trang</h1>"
              "<p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa.</p></body></html>").encode()


@dataclass
class Capture:
    original: str
    timestamp: str
    body: bytes
    mimetype: str = "text/html"


def surt(original: str) -> str:
    """The CDX URL key: host reversed without ``www.``, then the lower-case path."""
    parts = urlsplit(original)
    host = (parts.hostname or "").removeprefix("www.")
    return ",".join(reversed(host.split("."))) + ")" + parts.path.lower()


@dataclass
class FakeWayback:
    """CDX + raw captures over a list of captures; the handler hook of :class:`crawler.mirror`."""

    captures: list[Capture]
    page_size: int = 5
    cdx_queries: list[dict[str, list[str]]] = field(default_factory=list)

    def __call__(self, raw_path: str) -> tuple[int, dict[str, str], bytes] | None:
        parts = urlsplit(raw_path)
        if parts.path == "/cdx/search/cdx":
            return self.cdx(parse_qs(parts.query))
        m = _CAPTURE_RE.match(raw_path)
        if m:
            return self.replay(m.group("ts"), m.group("orig"))
        return 404, {"Content-Type": "text/plain"}, b"not in the archive\n"

    def cdx(self, q: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        self.cdx_queries.append(q)
        assert q["url"] == ["baohoabinh.com.vn/"] and q["matchType"] == ["prefix"] and q["output"] == ["json"]
        assert q["collapse"] == ["urlkey"] and "statuscode:200" in q["filter"]
        lo = full_timestamp(q["from"][0]) if "from" in q else "0"
        hi = (q["to"][0] + "99999999999999")[:14] if "to" in q else "9"
        first: dict[str, Capture] = {}
        for cap in sorted(self.captures, key=lambda c: c.timestamp):
            if lo <= cap.timestamp <= hi and ("mimetype:text/html" not in q["filter"] or cap.mimetype == "text/html"):
                first.setdefault(surt(cap.original), cap)
        keys = sorted(first)
        if "resumeKey" in q:
            keys = [k for k in keys if k >= q["resumeKey"][0]]
        limit = min(int(q.get("limit", ["100000"])[0]), self.page_size)
        rows: list[list[str]] = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
        for key in keys[:limit]:
            cap = first[key]
            rows.append([key, cap.timestamp, cap.original, cap.mimetype, "200", "D", str(len(cap.body))])
        if len(keys) > limit and q.get("showResumeKey") == ["true"]:
            rows += [[], [keys[limit]]]
        return 200, {"Content-Type": "application/json"}, json.dumps(rows).encode()

    def replay(self, ts: str, original: str) -> tuple[int, dict[str, str], bytes]:
        same = [c for c in self.captures if canonical_url(c.original) == canonical_url(original)]
        if not same:
            return 404, {"Content-Type": "text/html"}, b"<html><body>Wayback Machine has not archived that URL.</body></html>"
        exact = [c for c in same if c.timestamp == ts]
        if exact:
            return 200, {"Content-Type": "text/html; charset=utf-8"}, exact[0].body
        wanted = int(full_timestamp(ts))
        nearest = min(same, key=lambda c: abs(int(c.timestamp) - wanted))
        return 302, {"Location": f"/web/{nearest.timestamp}id_/{nearest.original}"}, b""


def captured(site: Path, path: str, *, www: bool = False) -> bytes:
    """A sample page as the live site served it: links absolute to the site."""
    base = "http://www.baohoabinh.com.vn/" if www else f"{SITE}/"
    html = (site / path.lstrip("/")).read_text(encoding="utf-8")
    return _LINK_RE.sub(lambda m: f'{m.group(1)}="{base}', html).encode()


LISTED = MANIFEST["listed_congress"] + MANIFEST["listed_other"]
OUTSIDE = [r["path"] for r in MANIFEST["related_depth1"] if r["path"] not in LISTED] \
    + MANIFEST["depth2"] + MANIFEST["other_related_only"]
ERROR_CAPTURE = "/11/138999/Trang-Loi.htm"


def build_captures(site: Path, *, listings: bool, missing: str | None) -> list[Capture]:
    caps: list[Capture] = []
    if listings:
        for n, path in enumerate(MANIFEST["listing_pages"]):
            caps.append(Capture(f"{SITE}{path}", f"201910210930{n:02d}", captured(site, path)))
    for n, path in enumerate(sorted(LISTED)):
        www = n % 2 == 1
        original = ("http://www.baohoabinh.com.vn" if www else SITE) + path
        caps.append(Capture(original, f"20191020{8 + n:02d}0000", captured(site, path, www=www)))
        caps.append(Capture(f"{SITE}{path}", f"20210105{n:02d}0000", captured(site, path)))  # a later one
    # pages reached only through links: captured long after, outside the CDX window
    for n, path in enumerate(OUTSIDE):
        if path != missing:
            caps.append(Capture(f"{SITE}{path}", f"20220315{n:02d}0000", captured(site, path)))
    caps.append(Capture(f"{SITE}{ERROR_CAPTURE}", "20191022010000", ERROR_PAGE))
    caps.append(Capture(f"{SITE}/", "20191022000000", captured(site, MANIFEST["listing_pages"][0])))
    caps.append(Capture("https://ims.baohoabinh.com.vn/NewsImg/10_2019/138731_1.jpg", "20191020000000", b"JPEG",
                        mimetype="image/jpeg"))
    return caps


@pytest.fixture
def wayback_server() -> Any:
    servers: list[Mirror] = []

    def start(captures: list[Capture]) -> tuple[Mirror, FakeWayback]:
        fake = FakeWayback(captures)
        server = start_mirror(Path("/nonexistent-empty-root"))
        server.state.handler = fake
        servers.append(server)
        return server, fake

    yield start
    for server in servers:
        server.stop()


def archived(db: Path) -> dict[str, tuple[str, str, str | None]]:
    with sqlite3.connect(db) as conn:
        return {u: (s, t, c) for u, s, t, c in
                conn.execute("SELECT url, source, title, capture_timestamp FROM articles")}


@pytest.mark.parametrize(("listings", "missing"), [(True, None), (False, None), (True, MANIFEST["related_depth1"][-1]["path"])],
                         ids=["listing-and-article-captures", "article-captures-only", "a-related-item-never-captured"])
def test_wayback_crawl_gives_the_same_articles_under_their_original_urls(hbdt_cli, site_copy, tmp_path,
                                                                          wayback_server, listings, missing):
    server, fake = wayback_server(build_captures(site_copy, listings=listings, missing=missing))
    db = tmp_path / "archive.db"
    result = hbdt_cli("-v", "crawl", "--source", "wayback", "--wayback-url", server.url, "--since", "2019-10-01",
                      "--until", "2019-10-31", "--db", str(db), *LOOPBACK_CLI_SETTINGS)
    assert result.returncode == 0, result.stderr[-3000:]
    got = archived(db)
    expected = {SITE + p for p in MANIFEST["default_crawl"]} - ({SITE + missing} if missing else set())
    assert set(got) == expected
    assert {s for s, _, _ in got.values()} == {"wayback"}
    articles = MANIFEST["articles"]
    for url, (_, title, ts) in got.items():
        path = urlsplit(url).path
        assert title == articles[path]["title"]
        # listed items keep the capture CDX found; related items the nearest capture, after a redirect
        assert ts is not None and ts.startswith("201910" if path in LISTED else "20220315")
    # CDX was paged with resume keys, within the capture window
    assert len(fake.cdx_queries) >= 3
    assert all(q["from"] == ["20191001"] and q["to"] == ["20201030"] for q in fake.cdx_queries)
    assert "resumeKey" not in fake.cdx_queries[0] and all("resumeKey" in q for q in fake.cdx_queries[1:])
    # related items were asked for at the referring capture's time and redirected to the nearest one
    redirected = [p for p in server.requests if p.startswith("/web/201910") and any(o in p for o in OUTSIDE)]
    assert redirected
    assert not any(p.startswith("/web/") and d in p for p in server.requests for d in MANIFEST["depth2"])
    with sqlite3.connect(db) as conn:
        run = conn.execute("SELECT status, source, skipped, failed FROM crawl_runs").fetchone()
    # skipped: the non-congress captures CDX listed, the error page captured with status 200,
    # and (when one is missing) the archive's 404 for a related item never captured
    assert run == ("ok", "wayback", len(MANIFEST["listed_other"]) + 1 + (1 if missing else 0), 0)


def test_wayback_discovery_failure_fails_the_run(hbdt_cli, tmp_path, wayback_server):
    server, _ = wayback_server([])
    server.state.handler = lambda path: (503, {"Content-Type": "text/plain"}, b"busy") \
        if path.startswith("/cdx/") else None
    db = tmp_path / "archive.db"
    result = hbdt_cli("crawl", "--source", "wayback", "--wayback-url", server.url, "--db", str(db),
                      *LOOPBACK_CLI_SETTINGS)
    assert result.returncode == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM crawl_runs").fetchone() == ("failed",)


def test_second_wayback_run_fetches_no_archived_capture(hbdt_cli, site_copy, tmp_path, wayback_server):
    server, _ = wayback_server(build_captures(site_copy, listings=True, missing=None))
    db = tmp_path / "archive.db"
    args = ("crawl", "--source", "wayback", "--wayback-url", server.url, "--since", "2019-10-01",
            "--until", "2019-10-31", "--db", str(db), *LOOPBACK_CLI_SETTINGS)
    assert hbdt_cli(*args).returncode == 0
    start = len(server.requests)
    assert hbdt_cli(*args).returncode == 0
    again = [p for p in server.requests[start:] if p.startswith("/web/")]
    archived_paths = {urlsplit(u).path for u in archived(db)}
    assert not [p for p in again if any(p.endswith(a) for a in archived_paths)]
    # nor the captures the first run judged not to be congress coverage: only listings come again
    assert again and all(listing_page(p.split("id_/", 1)[-1]) for p in again)
    skipped = sqlite_utils.Database(db).execute("SELECT count(*) FROM skipped_pages").fetchone()[0]
    assert skipped > 0
