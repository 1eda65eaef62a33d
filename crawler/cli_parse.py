"""``hbdt parse``: parse saved pages offline with the same page object as the crawl."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from crawler.pages import ArticlePage

logger = logging.getLogger(__name__)


def parse_path(path: str, url: str | None = None) -> dict[str, object]:
    """The record of the page at ``path`` as a dict, or ``{"path", "error"}``."""
    try:
        body = Path(path).read_bytes()
    except OSError as exc:
        return {"path": path, "error": f"cannot read: {exc.strerror or exc}"}
    page = ArticlePage(body, url=url)
    if not page.is_article():
        return {"path": path, "error": "not an article page"}
    return page.to_record().to_dict()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--url", default=None, help="The page's URL (only with one PATH).")
@click.option("--jsonl", is_flag=True, help="One compact JSON object per line, one per PATH.")
def parse(paths: tuple[str, ...], url: str | None, jsonl: bool) -> None:
    """Parse saved article pages and print their records as JSON.

    Example: hbdt parse page.html --url https://baohoabinh.com.vn/11/138512/X.htm
    """
    if url and len(paths) > 1:
        raise click.UsageError("--url goes with exactly one PATH")
    failed = False
    for path in paths:
        record = parse_path(path, url)
        failed = failed or "error" in record
        if jsonl or len(paths) > 1:
            click.echo(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        else:
            click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    if failed:
        raise SystemExit(1)


COMMANDS = [parse]
