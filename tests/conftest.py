"""Shared fixtures: a mirror of the sample site on 127.0.0.1 with a request log and fault hooks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crawler.mirror import Mirror, sample_site_root, start_mirror

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _private_gazetteer_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The gazetteer's on-disk cache in a directory of this test session (subprocesses inherit it),
    never the user's ``~/.cache/hbdt``."""
    previous = os.environ.get("HBDT_CACHE_DIR")
    os.environ["HBDT_CACHE_DIR"] = str(tmp_path_factory.mktemp("hbdt-cache"))
    yield
    if previous is None:
        os.environ.pop("HBDT_CACHE_DIR", None)
    else:
        os.environ["HBDT_CACHE_DIR"] = previous


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled sample site (tests may add or change pages)."""
    dest = tmp_path / "site"
    shutil.copytree(sample_site_root(), dest)
    return dest


@pytest.fixture
def mirror(site_copy: Path) -> Iterator[Mirror]:
    """The sample site served on 127.0.0.1 at a free port; ``mirror.requests`` logs paths and
    ``mirror.add_fault(path, Fault(...))`` injects errors."""
    server = start_mirror(site_copy)
    try:
        yield server
    finally:
        server.stop()


REPO = Path(__file__).resolve().parents[1]

#: ``-s`` settings for a crawl of a loopback mirror: no politeness delays, short retries/timeouts.
LOOPBACK_CLI_SETTINGS: tuple[str, ...] = (
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "DOWNLOAD_DELAY_JITTER=0",
    "-s", "AUTOTHROTTLE_ENABLED=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "-s", "RETRY_TIMES=2",
    "-s", "DOWNLOAD_TIMEOUT=4",
    "-s", "HBDT_RETRY_AFTER_MAX=3",
)


def run_hbdt(*args: str, timeout: float = 90, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m crawler ARGS...`` (the ``hbdt`` CLI) in a fresh process from the repository
    root (a Twisted reactor cannot be restarted, so every crawl needs its own process)."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env=full_env, check=False)


@pytest.fixture
def hbdt_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """:func:`run_hbdt`: the ``hbdt`` command line in a subprocess."""
    return run_hbdt
