"""A time budget for one page parse: a hostile page must not hold the crawl for ever.

Scrapy runs spider callbacks on the main thread, so the budget is a ``SIGALRM`` interval timer
that raises :class:`ParseTimeout` in the parsing code. Where there is no such timer (another
thread, a platform without ``setitimer``) the budget is not enforced and the code simply runs.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class ParseTimeout(Exception):
    """Parsing one page took longer than its budget."""


def can_enforce() -> bool:
    """Whether :func:`time_budget` can interrupt code here (main thread, ``setitimer`` exists)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ParseTimeout` inside the block once it has run ``seconds`` (``None`` or
    ``<= 0``: no budget). Nested budgets are not supported: the inner one wins."""
    if not seconds or seconds <= 0 or not can_enforce():
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise ParseTimeout(f"parse took longer than {seconds:g} s (HBDT_PARSE_TIMEOUT)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
