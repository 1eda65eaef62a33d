"""Issue 11: the directories ``hbdt crawl`` writes to besides the archive (Scrapy's JOBDIR, HTTP
cache, log file) are checked before the crawl: one line and exit 2, not Scrapy's tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.cli_crawl import _writable_dir

START = "http://127.0.0.1:9/11/page/1/CHINH-TRI.htm"


@pytest.mark.parametrize(
    ("setting", "where"),
    [
        ("JOBDIR", "{file}/job"),
        ("JOBDIR", "/proc/hbdt-nowhere/job"),
        ("HTTPCACHE_DIR", "{file}/cache"),
        ("LOG_FILE", "{file}/crawl.log"),
    ],
    ids=["jobdir-under-a-file", "jobdir-unwritable", "httpcache-under-a-file", "log-file-under-a-file"],
)
def test_crawl_unwritable_state_dir_is_one_line_and_exit_2(tmp_path: Path, setting: str, where: str) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a directory\n", encoding="utf-8")
    value = where.replace("{file}", str(blocker))
    result = CliRunner().invoke(
        main, ["crawl", "--db", str(tmp_path / "archive.db"), "--start-url", START, "-s", f"{setting}={value}"],
        catch_exceptions=False,
    )
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith(f"hbdt: error: -s {setting}="), result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a directory\n"
    assert not (tmp_path / "archive.db").exists()  # refused before anything was created


@pytest.mark.parametrize(
    ("make", "writable"),
    [
        (lambda p: p, True),  # an existing directory
        (lambda p: p / "new" / "deeper", True),  # created on demand, as Scrapy would
        (lambda p: (p / "f").write_text("x") and p / "f", False),  # a file
        (lambda p: (p / "f").write_text("x") and p / "f" / "sub", False),  # below a file
    ],
    ids=["existing", "created", "a-file", "below-a-file"],
)
def test_writable_dir(tmp_path: Path, make, writable: bool) -> None:  # type: ignore[no-untyped-def]
    problem = _writable_dir(make(tmp_path))
    assert (problem is None) is writable, problem
    if problem:
        assert "\n" not in problem
