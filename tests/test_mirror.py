"""The loopback mirror used by ``hbdt demo`` and the crawl tests: files, request log, faults."""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from crawler.mirror import Fault, Mirror, sample_site_root, serving

START = "/11/page/1/CHINH-TRI.htm"


def get(mirror: Mirror, path: str, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(mirror.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        try:
            body = resp.read()
        except http.client.IncompleteRead as exc:
            body = exc.partial
            headers["x-incomplete"] = "1"
        return resp.status, headers, body
    finally:
        conn.close()


def test_serves_the_sample_site_on_loopback_and_logs_requests(mirror):
    assert urlsplit(mirror.url).hostname == "127.0.0.1"
    status, headers, body = get(mirror, START)
    assert status == 200 and headers["content-type"] == "text/html"
    assert body == (sample_site_root() / START.lstrip("/")).read_bytes()
    get(mirror, "/robots.txt?x=1")
    assert mirror.requests == [START, "/robots.txt?x=1"]
    times = [t for t, _ in mirror.timed_requests]
    assert times == sorted(times)


@pytest.mark.parametrize("path", ["/khong-co.htm", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"])
def test_missing_or_outside_paths_are_404(mirror, path):
    status, _, body = get(mirror, path)
    assert status == 404
    assert b"root:" not in body


@pytest.mark.parametrize(
    ("fault", "status", "check"),
    [
        (Fault(status=503), 503, lambda h, b: b == b"fault 503\n"),
        (Fault(status=429, retry_after="7"), 429, lambda h, b: h["retry-after"] == "7"),
        (Fault(truncate=100), 200, lambda h, b: len(b) == 100 and int(h["content-length"]) > 100),
    ],
    ids=["503", "429-retry-after", "truncated"],
)
def test_faults_apply_as_many_times_as_asked(mirror, fault, status, check):
    mirror.add_fault(START, replace(fault, times=2))
    for _ in range(2):
        got_status, headers, body = get(mirror, START)
        assert got_status == status
        assert check(headers, body)
    assert get(mirror, START)[0] == 200
    assert get(mirror, START)[2] == (sample_site_root() / START.lstrip("/")).read_bytes()


def test_delay_fault_slows_the_answer_and_clear_faults_drops_them(mirror):
    mirror.add_fault(START, Fault(delay=0.5, times=None))
    began = time.monotonic()
    assert get(mirror, START)[0] == 200
    assert time.monotonic() - began >= 0.45
    mirror.clear_faults()
    began = time.monotonic()
    assert get(mirror, START)[0] == 200
    assert time.monotonic() - began < 0.45


def test_handler_hook_answers_before_files(mirror):
    mirror.state.handler = lambda path: (418, {"Content-Type": "text/plain"}, b"hook") if path.startswith("/h") else None
    assert get(mirror, "/hello?q=1")[0:3:2] == (418, b"hook")
    assert get(mirror, START)[0] == 200


def test_serving_stops_the_server():
    with serving() as mirror:
        port = urlsplit(mirror.url).port
        assert get(mirror, START)[0] == 200
    with socket.socket() as sock:
        sock.settimeout(1)
        assert sock.connect_ex(("127.0.0.1", port)) != 0
