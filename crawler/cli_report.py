"""``hbdt report``: a self-contained HTML coverage report (see :mod:`crawler.report`)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from crawler.cli_archive import _archive, _db_option, fail
from crawler.export import ExportError, ExportFilters, atomic_output, check_output_path, where_clause
from crawler.report import render_report

log = logging.getLogger(__name__)


@click.command()
@_db_option
@click.option("--since", help="First publication day, YYYY-MM-DD.")
@click.option("--until", help="Last publication day, YYYY-MM-DD (inclusive).")
@click.option("--congress-only", is_flag=True, help="Only Party-congress coverage.")
@click.option("--out", default="report.html", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (replaced atomically; never the archive).")
def report(db_path: Path, since: str | None, until: str | None, congress_only: bool, out: Path) -> None:
    """Write a self-contained HTML coverage report: counts, charts, top units and authors, articles.

    The file has no scripts and loads nothing from the network, so it opens offline and prints.

    Example: hbdt report --since 2019-09-01 --until 2020-10-31 --congress-only --db archive.db --out report.html
    """
    filters = ExportFilters(since=since, until=until, congress_only=congress_only)
    try:
        where_clause(filters)
        check_output_path(out, db_path)
    except ExportError as exc:
        fail(str(exc))
    with _archive(db_path) as db:
        page = render_report(db, filters)
        try:
            with atomic_output(out, db_path=db_path) as fh:
                fh.write(page)
        except ExportError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
    log.info("report written to %s", out)
    click.echo(f"report written to {out} ({len(page.encode('utf-8')):,} bytes)", err=True)


COMMANDS = [report]
