"""``hbdt crawl`` and ``hbdt demo``."""

from __future__ import annotations

import logging
from typing import Any

import click

from crawler.crawl import LOOPBACK_SETTINGS, parse_setting, run_crawl
from crawler.urls import DEFAULT_START_URL

logger = logging.getLogger(__name__)


def _settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        try:
            name, value = parse_setting(pair)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="-s") from exc
        out[name] = value
    return out


@click.command()
@click.option("--start-url", "start_urls", multiple=True, metavar="URL",
              help=f"Listing or article URL to start from (repeatable). Default: {DEFAULT_START_URL}")
@click.option("--db", default="archive.db", show_default=True, help="SQLite archive to write.")
@click.option("--all-topics", is_flag=True, help="Archive every listed item, not only congress coverage.")
@click.option("--related-depth", default=1, show_default=True, type=click.IntRange(0, 5),
              help="How deep to follow 'Các tin khác' items.")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Skip articles published before this day.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="Skip articles published after this day.")
@click.option("--refresh", is_flag=True, help="Fetch archived articles again (changed ones keep a revision).")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
def crawl(start_urls: tuple[str, ...], db: str, all_topics: bool, related_depth: int, since: str | None,
          until: str | None, refresh: bool, settings: tuple[str, ...]) -> None:
    """Crawl HBĐT listings and their congress articles into the archive.

    Example: hbdt crawl --start-url https://baohoabinh.com.vn/11/page/1/CHINH-TRI.htm --db archive.db
    """
    args = {
        "start_urls": ",".join(start_urls or (DEFAULT_START_URL,)),
        "all_topics": all_topics,
        "related_depth": related_depth,
        "since": since,
        "until": until,
        "refresh": refresh,
    }
    result = run_crawl("hbdt", db, args, _settings(settings))
    _report(result.stats, db)
    if not result.ok:
        raise SystemExit(1)


def _report(stats: dict[str, Any], db: str) -> None:
    click.echo(
        f"requests: {stats.get('downloader/request_count', 0)}, "
        f"items: {stats.get('item_scraped_count', 0)}, "
        f"failed: {stats.get('hbdt/failed_requests', 0)}, "
        f"finish: {stats.get('finish_reason', '?')} → {db}",
        err=True,
    )


@click.command()
@click.option("--db", default="archive.db", show_default=True, help="SQLite archive to write.")
def demo(db: str) -> None:
    """Crawl the bundled sample of the site, served on 127.0.0.1, into the archive.

    For a machine that cannot reach the live site. Example: hbdt demo && datasette archive.db
    """
    from crawler.mirror import serving

    with serving() as mirror:
        start = f"{mirror.url}/11/page/1/CHINH-TRI.htm"
        click.echo(f"Serving the sample site at {mirror.url}; crawling {start}", err=True)
        result = run_crawl("hbdt", db, {"start_urls": start}, dict(LOOPBACK_SETTINGS))
    _report(result.stats, db)
    if not result.ok:
        raise SystemExit(1)
    click.echo(f"Done. Browse the archive with:\n  datasette {db}\nor search it with:\n  hbdt search 'dang bo' --db {db}")


COMMANDS = [crawl, demo]
