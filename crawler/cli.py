"""The ``hbdt`` command line: a thin click layer over the library.

Commands live in small modules by area and are attached here:
``cli_crawl`` (crawl, demo, reparse), ``cli_parse`` (parse), ``cli_archive`` (stats, show,
search, export, serve), ``cli_report`` (report).
"""

from __future__ import annotations

import importlib
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


#: Each command → ``module:attribute``. A command's module (and what it needs: Scrapy for crawl,
#: sqlite-utils for the archive commands, ...) is imported only when that command runs, so that
#: ``hbdt parse`` starts without Scrapy, sqlite-utils or datasette. ``hbdt --help`` imports them all.
LAZY_COMMANDS: dict[str, str] = {
    "crawl": "crawler.cli_crawl:crawl",
    "demo": "crawler.cli_crawl:demo",
    "reparse": "crawler.cli_crawl:reparse",
    "parse": "crawler.cli_parse:parse",
    "stats": "crawler.cli_archive:stats",
    "show": "crawler.cli_archive:show",
    "search": "crawler.cli_archive:search",
    "export": "crawler.cli_archive:export",
    "serve": "crawler.cli_archive:serve",
    "report": "crawler.cli_report:report",
}


class LazyGroup(OneLineErrors):
    """A group whose commands are imported on first use (:data:`LAZY_COMMANDS`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module_name, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="hbdt")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
def main(verbose: int) -> None:
    """hbdt: archive Báo Hòa Bình điện tử (HBĐT) Party-congress coverage in SQLite.

    Example: hbdt demo && datasette archive.db
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s: %(message)s")


def _register() -> None:
    for name, target in LAZY_COMMANDS.items():
        main.lazy[name] = target


_register()
