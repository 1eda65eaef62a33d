"""``hbdt demo``: the README's first command, end to end (sample site on loopback → archive.db)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


def test_demo_builds_the_archive_then_stats_and_search_read_it(hbdt_cli, tmp_path: Path) -> None:
    manifest = json.loads((FIXTURES / "sample_site_expected.json").read_text(encoding="utf-8"))
    db = tmp_path / "archive.db"
    result = hbdt_cli("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert f"datasette {db}" in result.stdout
    with sqlite3.connect(db) as conn:
        paths = {urlsplit(url).path for (url,) in conn.execute("SELECT url FROM articles")}
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert paths == set(manifest["default_crawl"])
    stats = json.loads(hbdt_cli("stats", "--db", str(db), "--json").stdout)
    assert stats["articles"] == len(manifest["default_crawl"])
    assert stats["runs"] == 1 and stats["failures"] == 0
    found = json.loads(hbdt_cli("search", "dang bo lac son", "--db", str(db), "--json").stdout)
    assert any(urlsplit(hit["url"]).path.startswith("/11/138512/") for hit in found)
