"""Unit tests of the crawl's small parts: Retry-After, failure reasons, run bookkeeping, routing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import date, datetime, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.archive import finish_run, open_archive, start_run
from crawler.budget import time_budget
from crawler.items import FetchFailure, UnparsedPage
from crawler.middlewares import (
    EndpointMiddleware,
    OffEndpointRequest,
    RetryAfterMiddleware,
    retry_after_seconds,
)
from crawler.pipelines import LISTING_MAX_ID_KEY, run_counts, run_status, stale_runs
from spiders.base import ArchiveState, describe_failure, run_args_cover
from spiders.hbdt import HbdtSpider

NOW = datetime(2020, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (b" 5 ", 5.0),
        ("1.5", 1.5),
        ("Sun, 01 Mar 2020 12:00:30 GMT", 30.0),
        ("Sun, 01 Mar 2020 11:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value, expected):
    assert retry_after_seconds(value, now=NOW) == expected


def _middleware(**settings: Any) -> RetryAfterMiddleware:
    base = {"RETRY_ENABLED": True, "RETRY_TIMES": 2, "RETRY_HTTP_CODES": [429, 503], "HBDT_RETRY_AFTER_MAX": 10}
    crawler: Any = SimpleNamespace(settings=Settings({**base, **settings}), stats=None)
    return RetryAfterMiddleware(crawler)


@pytest.mark.parametrize(
    ("status", "header", "meta", "expected"),
    [
        (429, "3", {}, 3.0),
        (503, "120", {}, 10.0),  # capped
        (429, None, {}, 0.0),
        (404, "3", {}, 0.0),  # not retried anyway
        (429, "3", {"retry_times": 2}, 0.0),  # retries exhausted: no point waiting
        (429, "3", {"dont_retry": True}, 0.0),
    ],
)
def test_retry_after_middleware_waits_only_before_a_retry(status, header, meta, expected):
    request = Request("http://127.0.0.1:9/x", meta=meta)
    headers = {"Retry-After": header} if header else {}
    response = Response(request.url, status=status, headers=headers, request=request)
    assert _middleware().wait_for(request, response) == expected


def _failure(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:  # noqa: BLE001 - building a Failure from the active exception
        return Failure()


@pytest.mark.parametrize(
    ("exc", "reason", "status"),
    [
        (HttpError(Response("http://x/", status=503), "bad"), "HTTP 503", 503),
        (DownloadTimeoutError("took too long"), "timeout", None),
        (ResponseDataLossError("lost"), "truncated body (data loss)", None),
        (DownloadConnectionRefusedError("refused"), "connection refused", None),
        (IgnoreRequest("Forbidden by robots.txt"), "not fetched: Forbidden by robots.txt", None),
        (ValueError("odd\nsecond line"), "ValueError: odd", None),
    ],
)
def test_describe_failure(exc, reason, status):
    assert describe_failure(_failure(exc)) == (reason, status)


@pytest.mark.parametrize(
    ("reason", "fatal", "failed", "archived", "tried", "status"),
    [("finished", None, 0, 5, 5, "ok"), ("finished", None, 0, 0, 0, "ok"), ("finished", None, 2, 5, 7, "partial"),
     ("finished", "start page", 1, 5, 6, "failed"), ("shutdown", None, 0, 5, 5, "shutdown"),
     # articles tried, none archived, pages failed or batches rolled back: the run failed
     ("finished", None, 3, 0, 3, "failed"),
     # no article tried (a listing bound was hit): partial
     ("finished", None, 1, 0, 0, "partial")],
)
def test_run_status(reason, fatal, failed, archived, tried, status):
    assert run_status(reason, fatal, failed, archived, tried) == status


def test_run_counts():
    stats = {"downloader/request_count": 14, "hbdt/failed_requests": 1, "hbdt/not_congress": 2,
             "hbdt/out_of_range_old": 1, "hbdt/unparsed_pages": 1}
    assert run_counts(stats, {"new": 3, "updated": 1, "unchanged": 5}) == {
        "requests": 14, "archived": 9, "new": 3, "updated": 1, "unchanged": 5, "failed": 1, "skipped": 3,
        "unparsable": 1}


BASE_ARGS = {"start_urls": ["http://127.0.0.1:9/11/page/1/CHINH-TRI.htm"], "since": None, "until": None,
             "related_depth": 1, "all_topics": False}


@pytest.mark.parametrize(
    ("previous", "current", "covers"),
    [
        ({}, {}, True),
        ({"since": "2019-01-01"}, {"since": "2019-06-01"}, True),
        ({"since": "2019-06-01"}, {"since": "2019-01-01"}, False),
        ({"since": "2019-06-01"}, {}, False),
        ({"until": "2020-12-31"}, {"until": "2020-06-30"}, True),
        ({"until": "2020-06-30"}, {}, False),
        ({"related_depth": 2}, {}, True),
        ({"related_depth": 0}, {}, False),
        ({"all_topics": True}, {}, True),
        ({}, {"all_topics": True}, False),
        ({}, {"start_urls": ["http://127.0.0.1:10/11/page/1/CHINH-TRI.htm"]}, False),
    ],
)
def test_run_args_cover(previous, current, covers):
    assert run_args_cover({**BASE_ARGS, **previous}, {**BASE_ARGS, **current}) is covers


def test_trusted_run_is_the_latest_finished_run_covering_the_arguments(tmp_path):
    db = open_archive(tmp_path / "a.db")
    ok = start_run(db, source="live", args={**BASE_ARGS, "since": "2019-01-01"})
    finish_run(db, ok, status="ok", counts={"archived": 3, LISTING_MAX_ID_KEY: 138731})
    start_run(db, source="live", args=BASE_ARGS)  # killed: still running
    failed = start_run(db, source="live", args=BASE_ARGS)
    finish_run(db, failed, status="failed", counts={})
    db.close()
    state = ArchiveState(str(tmp_path / "a.db"))
    try:
        trusted = state.trusted_run("live", {**BASE_ARGS, "since": "2019-05-01"})
        assert trusted is not None and (trusted.run_id, trusted.max_article_id) == (ok, 138731)
        assert state.trusted_run("live", BASE_ARGS) is None  # a wider window than any finished run
        assert state.trusted_run("wayback", {**BASE_ARGS, "since": "2019-05-01"}) is None
    finally:
        state.close()


def test_stale_runs_are_those_whose_process_is_gone(tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead_pid = int(gone.stdout)
    db = open_archive(tmp_path / "a.db")
    dead = start_run(db, source="live", args={"pid": dead_pid, "host": socket.gethostname()})
    start_run(db, source="live", args={"pid": dead_pid, "host": "another-host"})
    parent = start_run(db, source="live", args={"pid": os.getppid(), "host": socket.gethostname()})
    finished = start_run(db, source="live", args={"pid": dead_pid, "host": socket.gethostname()})
    finish_run(db, finished, status="ok", counts={})
    assert stale_runs(db) == [dead]
    assert parent not in stale_runs(db)
    db.close()


def spider(**kwargs: Any) -> HbdtSpider:
    return HbdtSpider(start_urls="http://127.0.0.1:9/11/page/1/CHINH-TRI.htm", **kwargs)


def test_claim_books_each_url_once_and_upgrades_to_a_smaller_depth():
    s = spider(related_depth=1)
    key = "http://127.0.0.1:9/11/138205/X.htm"
    assert s.claim(key, 1) == "new"
    assert s.claim(key, 1) is None
    assert s.claim(key, 2) is None
    assert s.claim(key, 0) == "pending"  # not answered yet: it will be handled at depth 0
    s.handled.add(key)
    s.kept[key] = (("http://127.0.0.1:9/11/138120/Y.htm",), None)
    s.requested[key] = (1, False)
    assert s.claim(key, 0) == "expand"  # archived at depth 1 this run: follow its related items
    other = "http://127.0.0.1:9/11/138150/Z.htm"
    assert s.claim(other, 0, judge=True) == "new"
    s.handled.add(other)
    s.requested[other] = (99, True)  # answered, not archived
    assert s.claim(other, 1) == "again"
    assert s.related_wish == {key: 1, other: 1}


@pytest.mark.parametrize(
    ("since", "until", "day", "article_id", "floor", "verdict"),
    [
        ("2019-10-17", None, date(2019, 10, 16), None, None, "old"),
        ("2019-10-17", None, date(2019, 10, 17), None, None, None),
        (None, "2019-10-15", date(2019, 10, 16), None, None, "new"),
        ("2019-10-17", None, None, 138500, 138512, "old"),
        ("2019-10-17", None, None, 138600, 138512, None),
        (None, None, None, 138500, 138512, None),
    ],
)
def test_date_verdict(since, until, day, article_id, floor, verdict):
    s = spider(since=since, until=until)
    s.old_id_floor = floor
    assert s.date_verdict(day, article_id) == verdict


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (DownloadCancelledError("Received 9000000 bytes which is larger than download max size (8388608)"),
         "too large (over DOWNLOAD_MAXSIZE)"),
        (IgnoreRequest("Ignored response <200 http://x/> because its body (1048576 B compressed, 8388609 B "
                       "decompressed so far) exceeded DOWNLOAD_MAXSIZE (8388608 B) during decompression."),
         "too large (over DOWNLOAD_MAXSIZE)"),
        (OffEndpointRequest("http://127.0.0.1:9/a.htm", "http://127.0.0.1:8/a.htm"),
         "redirected off-site to http://127.0.0.1:9/a.htm"),
    ],
)
def test_describe_failure_of_bounds(exc, reason):
    assert describe_failure(_failure(exc)) == (reason, None)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000/11/1/a.htm", True),
        ("http://127.0.0.1:80/11/1/a.htm", False),  # another port of the same host
        ("https://127.0.0.1:8000/11/1/a.htm", False),  # another scheme
        ("http://127.0.0.1:8001/11/1/a.htm", False),
        ("https://baohoabinh.com.vn/11/1/a.htm", True),
        ("http://www.baohoabinh.com.vn:80/11/1/a.htm", True),
        ("https://baohoabinh.com.vn:8443/11/1/a.htm", False),
        ("http://[::1/11/1/a.htm", False),
    ],
)
def test_endpoint_middleware_compares_scheme_host_and_port(url, allowed):
    spider = HbdtSpider(start_urls="http://127.0.0.1:8000/11/page/1/CHINH-TRI.htm")
    spider.allowed_endpoints = spider.endpoints()
    crawler: Any = SimpleNamespace(spider=spider, stats=None)
    middleware = EndpointMiddleware(crawler)
    request = Request("http://127.0.0.1:8000/") if "[" in url else Request(url)
    if "[" in url:  # Scrapy refuses to build such a request; the check itself must say no
        assert spider.allowed(url) is False
        return
    if allowed:
        assert middleware.process_request(request) is None
    else:
        with pytest.raises(OffEndpointRequest):
            middleware.process_request(request)
    assert spider.allowed(url) is allowed


def _article_spider() -> HbdtSpider:
    spider = HbdtSpider(start_urls="http://127.0.0.1:8000/11/page/1/CHINH-TRI.htm")
    spider.crawler = SimpleNamespace(stats=None)  # type: ignore[assignment]
    return spider


def test_a_parser_crash_keeps_the_page_raw_with_its_reason(monkeypatch):
    class Exploding:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("spiders.base.ArticlePage", Exploding)
    items = list(_article_spider().handle_article(b"<html>x</html>", page_url="http://127.0.0.1:8000/11/1/a.htm",
                                                  key="http://127.0.0.1:8000/11/1/a.htm", depth=0, encoding=None))
    assert [type(i) for i in items] == [UnparsedPage]
    assert items[0].reason == "parse error: RecursionError: maximum recursion depth exceeded"
    assert items[0].body == b"<html>x</html>"


def test_a_parse_over_its_time_budget_is_a_recorded_failure(monkeypatch):
    class Slow:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            while True:  # a parse that never ends; only the budget stops it
                pass

    monkeypatch.setattr("spiders.base.ArticlePage", Slow)
    spider = _article_spider()
    spider.parse_timeout = 0.2
    items = list(spider.handle_article(b"<html>x</html>", page_url="http://127.0.0.1:8000/11/1/a.htm",
                                       key="http://127.0.0.1:8000/11/1/a.htm", depth=1, encoding=None))
    assert [type(i) for i in items] == [FetchFailure]
    assert items[0].reason == "parse took longer than 0.2 s (HBDT_PARSE_TIMEOUT)"
    assert items[0].depth == 1


def test_time_budget_leaves_fast_code_alone_and_restores_the_handler():
    import signal

    before = signal.getsignal(signal.SIGALRM)
    with time_budget(5):
        total = sum(range(1000))
    assert total == 499500
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_project_settings_bound_a_crawl_and_keep_telnet_off():
    from crawler.crawl import project_settings

    settings = project_settings("archive.db")
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False  # Scrapy 2.19 listens on a port otherwise
    assert settings.getint("DOWNLOAD_MAXSIZE") == 8 * 1024 * 1024
    assert 0 < settings.getint("DOWNLOAD_WARNSIZE") < settings.getint("DOWNLOAD_MAXSIZE")
    assert settings.getint("HBDT_MAX_LISTING_PAGES_PER_START") <= settings.getint("HBDT_MAX_LISTING_PAGES")
    assert settings.getfloat("HBDT_PARSE_TIMEOUT") > 0
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["crawler.middlewares.EndpointMiddleware"] < 600
