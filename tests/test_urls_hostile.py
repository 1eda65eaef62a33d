"""Malformed links (issue 10 part 5) are skipped, never a traceback."""

import pytest

from crawler.urls import absolute, host


@pytest.mark.parametrize(
    ("base", "href", "expected"),
    [
        ("https://baohoabinh.com.vn/11/1/a.htm", "http://[::1", None),
        ("https://baohoabinh.com.vn/11/1/a.htm", "http://[::1/x#y", None),
        ("https://baohoabinh.com.vn/11/1/a.htm", "/11/2/b.htm", "https://baohoabinh.com.vn/11/2/b.htm"),
        ("https://baohoabinh.com.vn/11/1/a.htm", "http://[::1]:8000/11/2/b.htm", "http://[::1]:8000/11/2/b.htm"),
    ],
)
def test_absolute_skips_malformed(base: str, href: str, expected: str | None) -> None:
    assert absolute(base, href) == expected


@pytest.mark.parametrize(("url", "expected"), [("http://[::1", ""), ("https://WWW.Baohoabinh.com.vn/x", "www.baohoabinh.com.vn")])
def test_host_malformed(url: str, expected: str) -> None:
    assert host(url) == expected
