"""Running the Scrapy spider in-process (``hbdt crawl`` and ``hbdt demo``)."""

from __future__ import annotations

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
    "RANDOMIZE_DOWNLOAD_DELAY": False,
}


@dataclass
class CrawlResult:
    """How a crawl ended: Scrapy's finish reason and its stats."""

    finish_reason: str
    stats: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.finish_reason == "finished"


def project_settings(db: str, overrides: dict[str, Any] | None = None) -> Settings:
    """The project's settings with ``HBDT_DB`` and ``-s`` style overrides applied."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("HBDT_DB", db, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(spider: str, db: str, spider_args: dict[str, Any], overrides: dict[str, Any] | None = None) -> CrawlResult:
    """Run ``spider`` to completion in this process (a process can run one crawl: Twisted's reactor
    cannot be restarted) and return its finish reason and stats."""
    settings = project_settings(db, overrides)
    process = CrawlerProcess(settings, install_root_handler=False)
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
    return name.strip(), value
