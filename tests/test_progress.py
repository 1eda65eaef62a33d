"""The crawl's live status line: drawn on a terminal (a pseudo-terminal here), absent in cron;
Ctrl-C says how to resume, and the same command then completes the archive."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.progress import status_line
from tests.conftest import LOOPBACK_CLI_SETTINGS, REPO
from tests.test_crawl import MANIFEST, START, archived_paths, crawl, last_run


@pytest.mark.parametrize(
    ("stats", "queued", "elapsed", "line"),
    [
        ({}, 0, 0.0, "fetched 0 · archived 0 · failed 0 · queue 0 · 0/min · 0:00"),
        ({"downloader/response_count": 30, "hbdt/archived_depth_0": 7, "hbdt/archived_depth_1": 5,
          "hbdt/failed_requests": 2}, 4, 90.0, "fetched 30 · archived 12 · failed 2 · queue 4 · 20/min · 1:30"),
        ({"downloader/response_count": 1}, None, 3661.0, "fetched 1 · archived 0 · failed 0 · queue ? · 0/min · 61:01"),
    ],
)
def test_status_line(stats, queued, elapsed, line):
    assert status_line(stats, queued, elapsed) == line


def _read_until(fd: int, needle: re.Pattern[bytes] | None, timeout: float) -> bytes:
    """Read the pty master until ``needle`` matches (``None``: until EOF), or ``timeout`` seconds."""
    out = b""
    end = time.monotonic() + timeout
    while not (needle and needle.search(out)) and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    return out


def test_terminal_shows_progress_and_ctrl_c_says_how_to_resume(mirror, tmp_path: Path):
    db = tmp_path / "archive.db"
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "--db", str(db), "--start-url", mirror.url + START,
         *LOOPBACK_CLI_SETTINGS, "-s", "DOWNLOAD_DELAY=0.7"],
        cwd=REPO, stdin=slave, stdout=slave, stderr=slave, env={**os.environ, "PYTHONPATH": str(REPO)},
        start_new_session=True)
    os.close(slave)
    try:
        seen = _read_until(master, re.compile(rb"archived [1-9]"), 60)
        assert b"fetched " in seen and b"queue " in seen, seen[-500:]
        proc.send_signal(signal.SIGINT)
        rest = _read_until(master, None, 60)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    text = (seen + rest).decode("utf-8", "replace")
    assert "run the same command to resume" in text, text[-1500:]
    assert code == 130
    assert last_run(db)["status"] == "shutdown"
    partial = archived_paths(db)
    assert 1 <= len(partial) < len(MANIFEST["default_crawl"])

    # the same command (no terminal now: no status line) completes the archive, no duplicates
    again = crawl(lambda *a: subprocess.run([sys.executable, "-m", "crawler", *a], cwd=REPO, capture_output=True,
                                            text=True, timeout=120,
                                            env={**os.environ, "PYTHONPATH": str(REPO)}), mirror, db)
    assert "fetched " not in again.stderr and "\r" not in again.stderr
    assert archived_paths(db) == set(MANIFEST["default_crawl"])
    assert last_run(db)["status"] == "ok"
