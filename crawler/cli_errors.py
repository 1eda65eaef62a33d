"""The command line's one-line errors: ``hbdt: error: ...`` on stderr, exit status 2."""

from __future__ import annotations

import sys
from typing import NoReturn

import click


def fail(message: str) -> NoReturn:
    """Print ``hbdt: error: message`` on stderr and exit with status 2."""
    click.echo(f"hbdt: error: {message}", err=True)
    sys.exit(2)
