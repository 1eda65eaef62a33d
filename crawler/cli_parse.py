"""``hbdt parse``: parse saved pages offline with the same page object as the crawl."""

from __future__ import annotations

import json
import logging
import os
import stat
import sys

import click

logger = logging.getLogger(__name__)

#: Default of ``--max-bytes``: the crawl's DOWNLOAD_MAXSIZE (8 MiB); larger files are refused.
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
#: Seconds one page may take to parse (as the crawl's HBDT_PARSE_TIMEOUT).
PARSE_TIMEOUT = 30.0


class PageFileError(Exception):
    """A path that is not a readable page file (one-line reason)."""


def read_page(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes``.

    A directory, a FIFO, a device such as ``/dev/zero`` or a socket is refused without being
    opened (opening a FIFO would wait for a writer for ever); so is a file over ``max_bytes``
    (also when it grows while being read). Raises :class:`PageFileError`.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise PageFileError(f"cannot read: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise PageFileError("is a directory, not a page file")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode)
                or stat.S_ISBLK(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a file")
        raise PageFileError(f"is {kind}, not a regular page file")
    if info.st_size > max_bytes:
        raise PageFileError(f"is {info.st_size:,} bytes, over the --max-bytes limit of {max_bytes:,}")
    try:
        with open(path, "rb") as fh:
            body = fh.read(max_bytes + 1)
    except OSError as exc:
        raise PageFileError(f"cannot read: {exc.strerror or exc}") from exc
    if len(body) > max_bytes:
        raise PageFileError(f"grew past the --max-bytes limit of {max_bytes:,} while being read")
    return body


def parse_path(path: str, url: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, object]:
    """The record of the page at ``path`` as a dict, or ``{"path", "error"}``."""
    from crawler.budget import ParseTimeout, time_budget
    from crawler.pages import ArticlePage

    try:
        body = read_page(path, max_bytes)
    except PageFileError as exc:
        return {"path": path, "error": str(exc)}
    try:
        with time_budget(PARSE_TIMEOUT):
            page = ArticlePage(body, url=url)
            if not page.is_article():
                return {"path": path, "error": "not an article page"}
            return page.to_record().to_dict()
    except ParseTimeout as exc:
        return {"path": path, "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - a parser bug on one page must not stop the others
        logger.exception("parser error on %s", path)
        return {"path": path, "error": f"parse error: {type(exc).__name__}: {exc}"}


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--url", default=None, help="The page's URL (only with one PATH).")
@click.option("--jsonl", is_flag=True, help="One compact JSON object per line, one per PATH.")
@click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=click.IntRange(1),
              help="Refuse files larger than this (the crawl's DOWNLOAD_MAXSIZE).")
def parse(paths: tuple[str, ...], url: str | None, jsonl: bool, max_bytes: int) -> None:
    """Parse saved article pages and print their records as JSON.

    A path that cannot be parsed (missing, a directory, a FIFO or device, over --max-bytes, not an
    article) gives {"path", "error"} in its place and one line on stderr; the others go on. Exit
    status 1 when any path failed.

    Example: hbdt parse page.html --url https://baohoabinh.com.vn/11/138512/X.htm
    """
    if url and len(paths) > 1:
        raise click.UsageError("--url goes with exactly one PATH")
    failed = False
    out = sys.stdout
    compact = jsonl or len(paths) > 1
    for path in paths:
        record = parse_path(path, url, max_bytes=max_bytes)
        if "error" in record:
            failed = True
            out.flush()
            click.echo(f"hbdt: parse: {path}: {record['error']}", err=True)
        if compact:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        else:
            out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    out.flush()
    if failed:
        raise SystemExit(1)


COMMANDS = [parse]
