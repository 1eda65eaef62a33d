"""``hbdt crawl``, ``hbdt demo`` and ``hbdt reparse``."""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from crawler.cli_errors import fail
from crawler.crawl import LOOPBACK_SETTINGS, SPIDERS, CrawlResult, check_setting, parse_setting, run_crawl
from crawler.urls import DEFAULT_START_URL, SITE_HOST, endpoint, mirror_map
from crawler.wayback import DEFAULT_WAYBACK_URL

logger = logging.getLogger(__name__)


def _progress() -> dict[str, Any]:
    """``HBDT_PROGRESS`` on when stderr is a terminal (a person watching), off in cron/systemd."""
    return {"HBDT_PROGRESS": sys.stderr.isatty()}


def _settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    """The ``-s NAME=VALUE`` overrides, each checked against the type of the setting's default
    (one-line error, exit 2: a bad value must not surface as a traceback inside Scrapy)."""
    out: dict[str, Any] = _progress()
    for pair in pairs:
        try:
            name, value = parse_setting(pair)
            if name == "HBDT_MIRRORS":
                mirror_map(value)
            else:
                check_setting(name, value)
        except ValueError as exc:
            fail(f"-s {pair}: {exc}")
        out[name] = value
    return out


def _check_db(db: str) -> None:
    """Open (create) the archive once before the crawl: a directory, an unwritable path or a file
    that is not an hbdt archive is a one-line error (exit 2) rather than a traceback."""
    from crawler.archive import ArchiveError, open_archive

    try:
        open_archive(db).close()
    except ArchiveError as exc:
        fail(f"--db: {exc}")


#: Scrapy settings naming a directory the crawl writes to (crawl state, HTTP cache), and the
#: file settings whose directory it writes to (Scrapy's log file).
STATE_DIR_SETTINGS: tuple[str, ...] = ("JOBDIR", "HTTPCACHE_DIR")
STATE_FILE_SETTINGS: tuple[str, ...] = ("LOG_FILE",)


def _writable_dir(path: Path) -> str | None:
    """None when ``path`` is (or can be made) a directory this process can write a file in,
    else why not (one line)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        return f"{exc.strerror or exc}: {exc.filename or path}"
    return None


def _check_state_dirs(overrides: dict[str, Any]) -> None:
    """The directories the crawl writes to besides the archive (``-s JOBDIR=``, ``HTTPCACHE_DIR``,
    ``LOG_FILE``) are checked before it starts: one line, exit 2, instead of Scrapy's tracebacks."""
    from scrapy.utils.project import data_path

    for name in STATE_DIR_SETTINGS + STATE_FILE_SETTINGS:
        value = str(overrides.get(name) or "").strip()
        if not value:
            continue
        if name == "HTTPCACHE_DIR":
            value = data_path(value)  # Scrapy's own resolution of a relative cache directory
        directory = Path(value) if name in STATE_DIR_SETTINGS else Path(value).parent
        problem = _writable_dir(directory)
        if problem:
            fail(f"-s {name}={overrides[name]}: cannot write there ({problem})")


def _check_start_urls(urls: tuple[str, ...]) -> None:
    for url in urls:
        if endpoint(url) is None:
            fail(f"--start-url {url!r}: expected an http:// or https:// URL with a host")


def _check_window(since: str | None, until: str | None) -> None:
    if since and until and since > until:
        fail(f"--since {since} is after --until {until}: nothing could be archived")


def _check_day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Validate a ``YYYY-MM-DD`` option."""
    if value is None:
        return None
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}") from exc
    return value


@click.command()
@click.option("--start-url", "start_urls", multiple=True, metavar="URL",
              help=f"Listing or article URL to start from (repeatable). Default: {DEFAULT_START_URL}")
@click.option("--db", default="archive.db", show_default=True, help="SQLite archive to write.")
@click.option("--source", type=click.Choice(sorted(SPIDERS)), default="live", show_default=True,
              help="The live site (or a mirror), or the Internet Archive's Wayback Machine.")
@click.option("--wayback-url", default=DEFAULT_WAYBACK_URL, show_default=True, metavar="URL",
              help="Base URL of the Wayback Machine (with --source wayback).")
@click.option("--all-topics", is_flag=True, help="Archive every listed item, not only congress coverage.")
@click.option("--related-depth", default=1, show_default=True, type=click.IntRange(0, 5),
              help="How deep to follow 'Các tin khác' items.")
@click.option("--since", default=None, metavar="YYYY-MM-DD", callback=_check_day,
              help="Skip listed articles published before this day (and stop paging there).")
@click.option("--until", default=None, metavar="YYYY-MM-DD", callback=_check_day,
              help="Skip listed articles published after this day.")
@click.option("--refresh", is_flag=True, help="Fetch archived articles again (changed ones keep a revision).")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2 (repeatable).")
def crawl(start_urls: tuple[str, ...], db: str, source: str, wayback_url: str, all_topics: bool,
          related_depth: int, since: str | None, until: str | None, refresh: bool,
          settings: tuple[str, ...]) -> None:
    """Crawl HBĐT listings, their congress articles and related items into the archive.

    Incremental: articles already archived are not fetched again (unless --refresh); pages that
    failed last time are retried. Exit status: 0 when every page went well; 3 (partial) when some
    pages failed (recorded in the archive's failures table and retried next run); 1 when the run
    failed (start page failed or forbidden, nothing archived); 2 for invalid arguments; 130 when
    interrupted (run the same command to resume).

    Examples: hbdt crawl --db archive.db;
    hbdt crawl --source wayback --since 2019-06-01 --until 2020-12-31
    """
    _check_start_urls(start_urls)
    _check_window(since, until)
    overrides = _settings(settings)
    _check_state_dirs(overrides)
    _check_db(db)
    args: dict[str, Any] = {
        "all_topics": all_topics,
        "related_depth": related_depth,
        "since": since,
        "until": until,
        "refresh": refresh,
    }
    if source == "wayback":
        if start_urls:
            raise click.UsageError("--start-url is for --source live; the Wayback source discovers URLs itself")
        args["wayback_url"] = wayback_url
    else:
        args["start_urls"] = ",".join(start_urls or (DEFAULT_START_URL,))
    result = run_crawl(SPIDERS[source], db, args, overrides)
    _report(result, db)
    _exit(result)


def _exit(result: CrawlResult) -> None:
    """End the command with the run's exit status (:data:`crawler.crawl.EXIT_CODES`)."""
    if result.interrupted:
        click.echo("interrupted: the archive is consistent; run the same command to resume", err=True)
    if result.exit_code:
        raise SystemExit(result.exit_code)


def _report(result: CrawlResult, db: str) -> None:
    stats = result.stats
    click.echo(
        f"run {stats.get('hbdt/run_id', '?')}: {result.status}; "
        f"requests: {stats.get('downloader/request_count', 0)}, "
        f"archived: {stats.get('hbdt/run_archived', 0)} ({stats.get('hbdt/run_new', 0)} new, "
        f"{stats.get('hbdt/run_updated', 0)} updated), skipped: {stats.get('hbdt/run_skipped', 0)}, "
        f"unparsable: {stats.get('hbdt/run_unparsable', 0)}, "
        f"failed: {stats.get('hbdt/failed_requests', 0)} → {db}",
        err=True,
    )


@click.command()
@click.option("--db", default="archive.db", show_default=True, help="SQLite archive to write.")
def demo(db: str) -> None:
    """Crawl the bundled sample of the site, served on 127.0.0.1, into the archive.

    For a machine that cannot reach the live site. Example: hbdt demo && datasette archive.db
    """
    from crawler.mirror import serving

    _check_db(db)
    with serving() as mirror:
        start = f"{mirror.url}/11/page/1/CHINH-TRI.htm"
        click.echo(f"Serving the sample site at {mirror.url}; crawling {start}", err=True)
        settings = {**LOOPBACK_SETTINGS, **_progress(), "HBDT_MIRRORS": {mirror.url: f"https://{SITE_HOST}"}}
        result = run_crawl("hbdt", db, {"start_urls": start}, settings)
    _report(result, db)
    if result.ok:
        click.echo(f"Done. Browse the archive with:\n  datasette {db}\nor search it with:\n  hbdt search 'dang bo' --db {db}")
    _exit(result)


@click.command()
@click.option("--db", default="archive.db", show_default=True, help="SQLite archive to update.")
def reparse(db: str) -> None:
    """Parse again, with the current parser, the pages earlier crawls could not parse.

    Crawls keep such pages raw (table raw_pages); each one that now parses as an article is
    archived and its raw copy dropped. Example: hbdt reparse --db archive.db
    """
    from crawler.archive import ArchiveError, open_archive
    from crawler.crawl import reparse_raw_pages

    try:
        archive = open_archive(db, create=False)
    except ArchiveError as exc:
        fail(str(exc))
    try:
        result = reparse_raw_pages(archive)
    finally:
        archive.close()
    click.echo(f"{result.total} raw pages: {result.archived} archived, {result.unparsable} still unparsable")


COMMANDS = [crawl, demo, reparse]
