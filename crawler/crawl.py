"""Running the Scrapy spider in-process (``hbdt crawl`` and ``hbdt demo``)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

logger = logging.getLogger(__name__)

#: Settings for a crawl of a mirror on this machine: no politeness delays are needed there.
LOOPBACK_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_DELAY_JITTER": 0,
}

#: Run statuses (``crawl_runs.status``) of a crawl that did its job; failed pages are recorded and
#: retried by the next run.
SUCCESS_STATUSES = ("ok", "partial")

#: Exit status of ``hbdt crawl``/``hbdt demo`` for each run status: 0 only when nothing went wrong;
#: ``partial`` (some pages failed, recorded for the next run) is 3 so that cron and systemd report
#: it; ``failed`` is 1; an interrupted run (Ctrl-C, ``shutdown``) is 130. Invalid arguments exit 2.
EXIT_CODES = {"ok": 0, "partial": 3, "failed": 1, "shutdown": 130}
#: Exit status of any other ending (Scrapy's own finish reasons, an archive that could not open).
EXIT_OTHER = 1

#: Spider of each ``--source``.
SPIDERS = {"live": "hbdt", "wayback": "hbdt_wayback"}


@dataclass
class CrawlResult:
    """How a crawl ended: Scrapy's finish reason and its stats."""

    finish_reason: str
    stats: dict[str, Any]

    @property
    def status(self) -> str:
        """The run's status as recorded in ``crawl_runs`` (``ok``, ``partial``, ``failed``, ...)."""
        return str(self.stats.get("hbdt/run_status", self.finish_reason))

    @property
    def ok(self) -> bool:
        """Whether the crawl did its job (it may have recorded some failed pages)."""
        return self.finish_reason == "finished" and self.status in SUCCESS_STATUSES

    @property
    def interrupted(self) -> bool:
        """Whether the crawl was stopped by a signal (Ctrl-C, SIGTERM) before it finished."""
        return self.finish_reason == "shutdown"

    @property
    def exit_code(self) -> int:
        """The command's exit status (:data:`EXIT_CODES`)."""
        if self.interrupted:
            return EXIT_CODES["shutdown"]
        if self.finish_reason != "finished":
            return EXIT_OTHER
        return EXIT_CODES.get(self.status, EXIT_OTHER)


def project_settings(db: str, overrides: dict[str, Any] | None = None) -> Settings:
    """The project's settings with ``HBDT_DB`` and ``-s`` style overrides applied."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("HBDT_DB", db, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def _quiet_scrapy() -> None:
    """Scrapy pins its ``scrapy`` logger at DEBUG; make the root handlers (``hbdt -v``'s choice)
    filter at the root level so a crawl logs no more than the command line asked for."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.level == logging.NOTSET:
            handler.setLevel(root.getEffectiveLevel())


def run_crawl(spider: str, db: str, spider_args: dict[str, Any], overrides: dict[str, Any] | None = None) -> CrawlResult:
    """Run ``spider`` to completion in this process (a process can run one crawl: Twisted's reactor
    cannot be restarted) and return its finish reason and stats."""
    settings = project_settings(db, overrides)
    _quiet_scrapy()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_args)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    reason = str(stats.get("finish_reason", "unknown"))
    return CrawlResult(finish_reason=reason, stats=stats)


def parse_setting(pair: str) -> tuple[str, Any]:
    """``NAME=VALUE`` → ``(NAME, VALUE)`` as given on the command line (``-s``)."""
    if "=" not in pair:
        raise ValueError(f"expected NAME=VALUE, got {pair!r}")
    name, value = pair.split("=", 1)
    name = name.strip()
    if not name:
        raise ValueError(f"expected NAME=VALUE, got {pair!r}")
    return name, value


_BOOL_WORDS = {"0", "1", "true", "false", "yes", "no", "on", "off"}


def check_setting(name: str, value: str) -> None:
    """``ValueError`` (one line) when ``value`` does not convert to the type of the default of
    setting ``name`` (project settings first, then Scrapy's); unknown names pass (Scrapy ignores
    them, spiders and extensions may read them)."""
    default = project_settings("archive.db").get(name)
    text = value.strip()
    try:
        if isinstance(default, bool):
            if text.lower() not in _BOOL_WORDS:
                raise ValueError
        elif isinstance(default, int):
            int(text)
        elif isinstance(default, float):
            float(text)
        elif isinstance(default, dict) and text:
            if not isinstance(json.loads(text), dict):
                raise ValueError
        elif isinstance(default, (list, tuple)) and text.startswith("["):
            if not isinstance(json.loads(text), list):
                raise ValueError
    except ValueError:
        kind = {bool: "a boolean (0/1, true/false)", int: "an integer", float: "a number",
                dict: "a JSON object"}.get(type(default), "a JSON list")
        raise ValueError(f"{name} expects {kind}, got {value!r}") from None


@dataclass
class ReparseResult:
    """What ``hbdt reparse`` did: raw pages seen, now archived, still unparsable."""

    total: int
    archived: int
    unparsable: int


def reparse_raw_pages(db: Any, *, batch_size: int = 100) -> ReparseResult:
    """Parse every raw page kept by earlier crawls with the current page object; archive those
    that are articles now (fetch time = when the page was stored) and drop their raw copy."""
    from crawler.archive import ArchiveWriter, delete_raw_page, raw_pages
    from crawler.pages import ArticlePage

    pages = raw_pages(db)
    done: list[str] = []
    with ArchiveWriter(db, batch_size=batch_size) as writer:
        for row in pages:
            page = ArticlePage(row["body"], url=row["url"], encoding=row["encoding"])
            if not page.is_article():
                continue
            record = page.to_record()
            record.url = row["url"]
            writer.add(record, fetched_at=row["stored_at"], source="live")
            done.append(row["url"])
    for url in done:
        delete_raw_page(db, url)
    logger.info("reparse: %d of %d raw pages archived", len(done), len(pages))
    return ReparseResult(total=len(pages), archived=len(done), unparsable=len(pages) - len(done))
