"""The ``hbdt`` command line: a thin click layer over the library.

Commands live in small modules by area and are attached here:
``cli_crawl`` (crawl, demo, reparse), ``cli_parse`` (parse), ``cli_archive`` (stats, show,
search, export, serve), ``cli_report`` (report).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from crawler import __version__


class OneLineErrors(click.Group):
    """The ``hbdt`` group: a usage error (unknown option, bad value) is one line on stderr,
    ``hbdt: error: ...``, exit status 2, instead of click's usage block."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "hbdt"
            command = "hbdt" + command[len(exc.ctx.find_root().info_name or ""):] if exc.ctx is not None else command
            click.echo(f"hbdt: error: {exc.format_message()} (see: {command} --help)", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)


@click.group(cls=OneLineErrors)
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
