"""The ``hbdt`` command line: a thin click layer over the library.

Commands live in small modules by area and are attached here:
``cli_crawl`` (crawl, demo, reparse), ``cli_parse`` (parse), ``cli_archive`` (stats, show,
search, export, serve), ``cli_report`` (report).
"""

from __future__ import annotations

import logging

import click

from crawler import __version__


@click.group()
@click.version_option(__version__, prog_name="hbdt")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
def main(verbose: int) -> None:
    """hbdt: archive Báo Hòa Bình điện tử (HBĐT) Party-congress coverage in SQLite.

    Example: hbdt demo && datasette archive.db
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s: %(message)s")


def _register() -> None:
    from crawler import cli_archive, cli_crawl, cli_parse, cli_report

    for module in (cli_crawl, cli_parse, cli_archive, cli_report):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
