"""Shared fixtures: a mirror of the sample site on 127.0.0.1 with a request log and fault hooks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mirror import Mirror, sample_site_root, start_mirror

FIXTURES = Path(__file__).parent / "fixtures"


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
