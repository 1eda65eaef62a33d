"""A live one-line status of a running crawl, on stderr when it is a terminal.

``hbdt crawl`` and ``hbdt demo`` turn it on (setting ``HBDT_PROGRESS``) only when stderr is a TTY,
so cron and systemd logs stay quiet. The line shows pages fetched, articles archived, failures,
the queue, the rate and the elapsed time::

    fetched 412 · archived 388 · failed 2 · queue 37 · 41/min · 10:03

The line is redrawn in place (carriage return, erase to end of line) and cut to the terminal's
width. tqdm was tried for it and wrote nothing on a pseudo-terminal that reports no size (as under
``script`` or a test's pty), so the few lines here do it.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

#: Seconds between two redraws.
INTERVAL = 0.5


def status_line(stats: dict[str, Any], queued: int | None, elapsed: float) -> str:
    """The status text from Scrapy's stats, the scheduler's queue length and the elapsed seconds."""
    fetched = int(stats.get("downloader/response_count", 0))
    archived = sum(int(v) for k, v in stats.items() if k.startswith("hbdt/archived_depth_"))
    failed = int(stats.get("hbdt/failed_requests", 0))
    rate = fetched / elapsed * 60 if elapsed > 0 else 0.0
    minutes, seconds = divmod(int(elapsed), 60)
    queue = "?" if queued is None else str(queued)
    return (f"fetched {fetched} · archived {archived} · failed {failed} · queue {queue} · "
            f"{rate:.0f}/min · {minutes}:{seconds:02d}")


class Progress:
    """Scrapy extension drawing :func:`status_line` every :data:`INTERVAL` seconds."""

    def __init__(self, crawler: Crawler, stream: TextIO | None = None) -> None:
        self.crawler = crawler
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.drawn = False
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("HBDT_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.draw)
        self.loop.start(INTERVAL, now=True)

    def queued(self) -> int | None:
        engine = self.crawler.engine
        scheduler = getattr(engine, "scheduler", None) if engine is not None else None
        try:
            return len(scheduler) if scheduler is not None else None
        except TypeError:
            return None

    def draw(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        line = status_line(stats, self.queued(), time.monotonic() - self.started)
        width = shutil.get_terminal_size((100, 24)).columns  # 0 columns reported → the fallback
        self.stream.write("\r" + line[: max(width - 1, 20)] + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.drawn:
            self.draw()
            self.stream.write("\n")  # the last status stays on screen above what follows
            self.stream.flush()
            self.drawn = False
