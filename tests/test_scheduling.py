"""``scripts/``: the scheduled-crawl script (lock, log, exit status) and the cron/systemd files."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from crawler.mirror import Fault
from tests.conftest import LOOPBACK_CLI_SETTINGS, REPO
from tests.test_crawl import MANIFEST, START, archived_paths

SCRIPTS = REPO / "scripts"
SCRIPT = SCRIPTS / "hbdt-scheduled.sh"
EX_TEMPFAIL = 75


def script_env(db: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "HBDT_DB": str(db),
            "HBDT_BIN": f"{shlex.quote(sys.executable)} -m crawler"}


def run_script(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], cwd=REPO, env=script_env(db), capture_output=True,
                          text=True, timeout=timeout, check=False)


def wait_for(path: Path, text: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {path}")


def test_a_second_run_refuses_while_the_first_holds_the_lock(mirror, tmp_path):
    for path in MANIFEST["default_crawl"]:
        mirror.add_fault(path, Fault(delay=0.3, times=None))
    db = tmp_path / "data" / "archive.db"
    log = tmp_path / "data" / "archive.log"
    args = ["--start-url", mirror.url + START, *LOOPBACK_CLI_SETTINGS, "-s", "CONCURRENT_REQUESTS=1"]
    first = subprocess.Popen(["bash", str(SCRIPT), *args], cwd=REPO, env=script_env(db),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(log, "crawl start")
        second = run_script(db, *args)
        assert first.poll() is None, "the first crawl ended before the second one started"
        assert second.returncode == EX_TEMPFAIL
        assert "another crawl holds" in second.stderr
    finally:
        first.communicate(timeout=60)
    assert first.returncode == 0
    text = log.read_text(encoding="utf-8")
    assert text.count("crawl start") == 1
    assert "another crawl holds" in text and "crawl finished (exit 0)" in text
    assert "request_count" in text  # the crawl's own log went to the file
    assert archived_paths(db) == set(MANIFEST["default_crawl"])
    # the lock is free again
    assert run_script(db, *args).returncode == 0


def test_a_failing_crawl_exits_non_zero_and_says_so_in_the_log(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = tmp_path / "archive.db"
    result = run_script(db, "--start-url", f"http://127.0.0.1:{port}{START}", *LOOPBACK_CLI_SETTINGS,
                        "-s", "RETRY_TIMES=0")
    assert result.returncode == 1
    assert "FAILED" in result.stderr
    log = (tmp_path / "archive.log").read_text(encoding="utf-8")
    assert "crawl FAILED (exit 1)" in log and "connection refused" in log


CRON_RE = re.compile(r"^(?P<when>(?:\S+\s+){5})(?P<user>\S+)\s+(?P<cmd>.+)$")


def test_cron_line_runs_the_script_as_a_user():
    lines = [ln for ln in (SCRIPTS / "hbdt.cron").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#") and "=" not in ln.split()[0]]
    assert len(lines) == 1
    m = CRON_RE.match(lines[0])
    assert m, lines[0]
    assert m.group("cmd").strip().endswith("hbdt-scheduled.sh")
    minute, hour = m.group("when").split()[:2]
    assert minute.isdigit() and 0 <= int(minute) < 60
    assert re.fullmatch(r"\*/\d+|\d+(,\d+)*|\*", hour)


def _unit(name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (SCRIPTS / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            out[key.strip()] = value.strip()
    return out


def test_systemd_service_and_timer_point_at_the_script():
    service, timer = _unit("hbdt-crawl.service"), _unit("hbdt-crawl.timer")
    assert service["Type"] == "oneshot"
    assert service["ExecStart"].endswith("hbdt-scheduled.sh")
    assert "75" in service["SuccessExitStatus"].split()
    assert timer["Unit"] == "hbdt-crawl.service" and timer["Persistent"] == "true"
    analyze = shutil.which("systemd-analyze")
    if analyze:
        check = subprocess.run([analyze, "calendar", timer["OnCalendar"]], capture_output=True, text=True,
                               check=False)
        assert check.returncode == 0, check.stderr


def test_script_is_valid_bash_and_executable():
    assert os.access(SCRIPT, os.X_OK)
    assert subprocess.run(["bash", "-n", str(SCRIPT)], check=False).returncode == 0
