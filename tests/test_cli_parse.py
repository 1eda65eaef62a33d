"""``hbdt parse``: offline parsing of saved pages, pretty or JSON lines, errors per path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli_parse import parse
from crawler.items import RECORD_KEYS
from crawler.mirror import sample_site_root

SEED = sample_site_root() / "11" / "138512"


@pytest.fixture
def article() -> Path:
    return next(SEED.glob("*.htm"))


def test_one_path_prints_pretty_record(article: Path) -> None:
    result = CliRunner().invoke(parse, [str(article)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("{\n")
    record = json.loads(result.output)
    assert tuple(record) == RECORD_KEYS
    assert record["article_id"] == 138512
    assert record["published_at"].endswith("+07:00")
    assert record["byline"]["authors"] == ["Thanh Sơn"]


def test_url_option_overrides(article: Path) -> None:
    url = "https://baohoabinh.com.vn/11/999999/Khac.htm"
    record = json.loads(CliRunner().invoke(parse, [str(article), "--url", url]).output)
    assert record["url"] == url
    assert (record["category_id"], record["article_id"]) == (11, 999999)


def test_jsonl_keeps_order_and_reports_errors(article: Path, tmp_path: Path) -> None:
    listing = sample_site_root() / "11" / "page" / "1" / "CHINH-TRI.htm"
    missing = tmp_path / "nope.html"
    junk = tmp_path / "junk.html"
    junk.write_bytes(b"\x00\x01 not html")
    result = CliRunner().invoke(parse, ["--jsonl", str(article), str(listing), str(missing), str(junk)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["article_id"] == 138512
    assert lines[1] == {"path": str(listing), "error": "not an article page"}
    assert lines[2]["path"] == str(missing) and lines[2]["error"].startswith("cannot read")
    assert lines[3]["path"] == str(junk) and "error" in lines[3]


def test_url_with_several_paths_is_a_usage_error(article: Path) -> None:
    result = CliRunner().invoke(parse, [str(article), str(article), "--url", "https://x/1/2/a.htm"])
    assert result.exit_code == 2
