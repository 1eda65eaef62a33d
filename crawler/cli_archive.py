"""``hbdt stats | show | search | export | serve``: the archive from the command line.

Errors the user can fix (a missing archive, an unknown article, a query with nothing to search)
print one line on stderr and exit with status 2, never a traceback.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click
import sqlite_utils

from crawler import archive
from crawler.cli_errors import fail
from crawler.export import (
    FORMATS,
    PER,
    ExportError,
    ExportFilters,
    atomic_output,
    build_sql,
    check_output_path,
    parse_columns,
    write_export,
)
from crawler.search import QueryError

log = logging.getLogger(__name__)

DEFAULT_DB = "archive.db"
DATASETTE_DIR = Path(__file__).resolve().parent / "datasette"
METADATA_FILE = DATASETTE_DIR / "metadata.json"
METADATA_DB_KEY = "archive"
"""The database name the shipped metadata is written for (renamed to the file's stem at serve)."""
STATIC_MOUNT = "hbdt"

_db_option = click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive (SQLite file).",
)




@contextmanager
def _archive(db_path: Path) -> Iterator[sqlite_utils.Database]:
    """Open an existing archive read-only, or fail with one line (exit 2)."""
    try:
        db = archive.open_archive_readonly(db_path)
    except archive.ArchiveError as exc:
        fail(str(exc))
    try:
        yield db
    except sqlite3.DatabaseError as exc:
        fail(f"{db_path}: {exc}")
    finally:
        db.close()


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


STAT_LABELS: tuple[tuple[str, str], ...] = (
    ("articles", "Articles"),
    ("congress_articles", "Congress articles"),
    ("wayback_articles", "From the Wayback Machine"),
    ("authors", "Authors"),
    ("units", "Units"),
    ("related", "Related items"),
    ("related_archived", "Related items archived"),
    ("images", "Images"),
    ("people", "People"),
    ("documents", "Documents"),
    ("counts", "Counts"),
    ("date_mentions", "Date mentions"),
    ("revisions", "Revisions"),
    ("runs", "Crawl runs"),
    ("failures", "Failures to retry"),
    ("raw_pages", "Unparsed pages"),
    ("first_published", "First published"),
    ("last_published", "Last published"),
)
RUN_COLUMNS: tuple[str, ...] = ("id", "started_at", "ended_at", "status", "source", "archived", "updated", "failed")


def format_stats(data: dict[str, Any]) -> str:
    """The readable ``hbdt stats`` table."""
    width = max(len(label) for _, label in STAT_LABELS)
    lines = [f"{label:<{width}}  {'' if data.get(key) is None else data[key]}" for key, label in STAT_LABELS]
    runs = data.get("crawl_runs") or []
    if runs:
        table = [list(RUN_COLUMNS)] + [["" if r.get(c) is None else str(r.get(c)) for c in RUN_COLUMNS] for r in runs]
        widths = [max(len(row[i]) for row in table) for i in range(len(RUN_COLUMNS))]
        lines += ["", "Last crawl runs:"]
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table]
    return "\n".join(lines)


@click.command()
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def stats(db_path: Path, as_json: bool) -> None:
    """Counts of what the archive holds, and the last crawl runs.

    Example: hbdt stats --db archive.db --json
    """
    with _archive(db_path) as db:
        data = archive.stats(db)
    click.echo(_dump(data) if as_json else format_stats(data))


@click.command()
@click.argument("url")
@_db_option
def show(url: str, db_path: Path) -> None:
    """Print one archived article as JSON (the parse record plus archive fields).

    URL may use any host form (http, www.) or be a bare article id.

    Example: hbdt show https://baohoabinh.com.vn/11/140123/Lac-Son.htm
    """
    with _archive(db_path) as db:
        record = archive.get_article(db, url)
    if record is None:
        fail(f"not in the archive: {url}")
    click.echo(_dump(record))


#: A search word that looks like a long option (``--limt``): a mistyped option, not a query.
LONG_OPTION_RE = re.compile(r"^--[A-Za-z][\w-]*(=.*)?$")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@_db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000), help="Most results.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of {url, title, published_at, snippet}.")
def search(query: tuple[str, ...], db_path: Path, limit: int, as_json: bool) -> None:
    """Full-text search, best first; with or without Vietnamese diacritics (đ too).

    Words are all required; "quoted words" must be adjacent; OR between words gives
    alternatives; -word or NOT word excludes; word* matches a prefix.

    Example: hbdt search dang bo lac son --limit 5
    """
    for word in query:
        if LONG_OPTION_RE.match(word):
            fail(f"no such option: {word.split('=', 1)[0]} (hbdt search takes --db, --limit and --json)")
    text = " ".join(query)
    with _archive(db_path) as db:
        try:
            hits = archive.search(db, text, limit=limit)
        except QueryError as exc:
            fail(str(exc))
    if as_json:
        keys = ("url", "title", "published_at", "snippet")
        click.echo(json.dumps([{k: h[k] for k in keys} for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("No results.", err=True)
        return
    for i, hit in enumerate(hits, 1):
        click.echo(f"{i}. {hit['title'] or '(no title)'}")
        click.echo(f"   {hit['published_at'] or 'undated'}  {hit['url']}")
        if hit["snippet"]:
            click.echo(f"   {hit['snippet']}")


@contextmanager
def _output(out: str, db_path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """stdout for ``-``, else :func:`~crawler.export.atomic_output` (never over the archive)."""
    if out == "-":
        if binary:
            if sys.stdout.isatty():
                fail("xlsx is binary: give --out FILE.xlsx (or redirect stdout)")
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
            return
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
    else:
        with atomic_output(Path(out), db_path=db_path, binary=binary) as fh:
            yield fh


@click.command()
@_db_option
@click.option("--out", default="-", show_default=True, help="Output file, or - for stdout.")
@click.option("--since", help="First publication day, YYYY-MM-DD.")
@click.option("--until", help="Last publication day, YYYY-MM-DD (inclusive).")
@click.option("--unit", help="Only articles naming a unit whose name contains this (diacritics optional).")
@click.option("--author", help="Only articles by an author whose name contains this (diacritics optional).")
@click.option("--query", help="Only articles matching this full-text query (as in hbdt search).")
@click.option("--congress-only", is_flag=True, help="Only Party-congress coverage.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv (every text cell quoted), jsonl, or xlsx (date cells, frozen header).")
@click.option("--per", type=click.Choice(PER), default="article", show_default=True,
              help="One row per article, or per article and unit (for pivot tables).")
@click.option("--columns", "columns_text", metavar="A,B,...",
              help="Only these columns, in this order (e.g. date,title,url,districts); default all.")
def export(
    db_path: Path,
    out: str,
    since: str | None,
    until: str | None,
    unit: str | None,
    author: str | None,
    query: str | None,
    congress_only: bool,
    fmt: str,
    per: str,
    columns_text: str | None,
) -> None:
    """Export articles as CSV (UTF-8 with BOM, every text cell quoted), JSON Lines or xlsx.

    CSV and xlsx carry ``date`` (yyyy-mm-dd) and ``month`` columns beside the ISO ``published_at``,
    and the districts and unit levels each article names. The output file is written through a
    temporary file renamed into place; the archive and other SQLite files are never overwritten.

    Example: hbdt export --since 2019-09-01 --until 2020-10-31 --congress-only --per unit --out units.csv

    Example: hbdt export --congress-only --format xlsx --columns date,title,districts,url --out dh.xlsx
    """
    filters = ExportFilters(since, until, unit, author, query, congress_only)
    try:
        columns = parse_columns(columns_text, per)
        build_sql(filters, per)  # bad options fail before an output file is created
        if out != "-":
            check_output_path(Path(out), db_path)
    except ExportError as exc:
        fail(str(exc))
    with _archive(db_path) as db:
        try:
            with _output(out, db_path, binary=fmt == "xlsx") as stream:
                count = write_export(db, stream, filters, fmt=fmt, per=per, columns=columns)
        except ExportError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
    log.info("exported %d rows", count)
    if out != "-":
        click.echo(f"{count} rows written to {out}", err=True)


def metadata_for(db_path: Path) -> dict[str, Any]:
    """The shipped datasette metadata, keyed by the database name datasette derives from the file."""
    meta: dict[str, Any] = json.loads(METADATA_FILE.read_text(encoding="utf-8"))
    databases = meta.get("databases", {})
    if METADATA_DB_KEY in databases:
        databases[db_path.stem] = databases.pop(METADATA_DB_KEY)
    return meta


def datasette_command(db_path: Path, *, host: str, port: int, metadata_path: Path) -> list[str]:
    """The argv that runs the installed datasette on ``db_path`` with the hbdt metadata.

    An archive in a directory this user cannot write (a read-only mount, an archivist's copy) is
    served immutable (``-i``): SQLite could not create the WAL index beside it otherwise."""
    writable = os.access(db_path.resolve().parent, os.W_OK) and (not db_path.exists() or os.access(db_path, os.W_OK))
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        *([str(db_path)] if writable else ["-i", str(db_path)]),
        "--metadata",
        str(metadata_path),
        "--static",
        f"{STATIC_MOUNT}:{DATASETTE_DIR}",
        "--host",
        host,
        "--port",
        str(port),
    ]


def write_metadata(db_path: Path) -> Path:
    """Write :func:`metadata_for` to ``hbdt-datasette-<name>.json`` in the temp directory
    (replaced atomically, so that two servers never read half a file) and return its path."""
    target = Path(tempfile.gettempdir()) / f"hbdt-datasette-{db_path.stem}.json"
    fd, name = tempfile.mkstemp(prefix=target.stem + "-", suffix=".tmp", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(metadata_for(db_path), fh, ensure_ascii=False, indent=2)
    os.replace(name, target)
    return target


@click.command()
@_db_option
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
def serve(db_path: Path, port: int, host: str) -> None:
    """Browse the archive in datasette with titles, facets and canned queries.

    Example: hbdt serve --db archive.db --port 8001   (then open http://127.0.0.1:8001/)
    """
    with _archive(db_path):
        pass  # refuses anything but a current hbdt archive, read-only: nothing is written
    metadata_path = write_metadata(db_path)
    argv = datasette_command(db_path, host=host, port=port, metadata_path=metadata_path)
    log.info("exec %s", " ".join(argv))
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)


COMMANDS = [stats, show, search, export, serve]
