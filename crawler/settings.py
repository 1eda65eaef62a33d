"""Scrapy settings for the ``hbdt`` crawl (``scrapy crawl hbdt`` and ``hbdt crawl`` use them).

Polite by default on real hosts: robots.txt obeyed, a User-Agent naming the project, AutoThrottle,
one request at a time per host, a delay of one second. Everything is overridable with ``-s``.
"""

from crawler import __version__

BOT_NAME = "hbdt"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = f"hbdt/{__version__} (+https://github.com/hbdt-archive/hbdt; archival crawler)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_FAIL_ON_DATALOSS = True

# -- resource bounds: an answer or a page over a bound is recorded in ``failures`` with the reason
#: Largest answer accepted, in bytes, before and after decompression (Scrapy's
#: HttpCompressionMiddleware applies it to the decompressed body, so a gzip bomb stops here).
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
#: Answers over this many bytes are logged as unusually large (still fetched).
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
#: Listing pages (or Wayback CDX result pages) read per run, and per start page: an endless pager
#: stops there; the next page is recorded as a failure, so the next run goes on from it.
HBDT_MAX_LISTING_PAGES = 10_000
HBDT_MAX_LISTING_PAGES_PER_START = 3_000
#: The deepest ``related_depth`` followed (``hbdt crawl --related-depth`` allows 0-5).
HBDT_MAX_RELATED_DEPTH = 5
#: Seconds one page parse may take before it is given up (0: no budget).
HBDT_PARSE_TIMEOUT = 30.0

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
#: Scrapy 2.19's remote-control HTTP server (the telnet console's successor) listens on a port of
#: its own: off, as the telnet console is.
REMOTE_CONTROL_ENABLED = False
HTTPCACHE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # refuses requests and redirects to any scheme/host/port the spider does not allow
    "crawler.middlewares.EndpointMiddleware": 55,
    # waits for a 429/503 answer's Retry-After before the retry (capped by HBDT_RETRY_AFTER_MAX)
    "crawler.middlewares.RetryAfterMiddleware": 560,
}
#: At most one request a second, one at a time, to the real Internet Archive.
DOWNLOAD_SLOTS = {"web.archive.org": {"concurrency": 1, "delay": 1.0, "jitter": 0}}

EXTENSIONS = {
    # the live status line on a terminal (HBDT_PROGRESS)
    "crawler.progress.Progress": 500,
}
#: Draw a one-line live status on stderr (``hbdt crawl``/``demo`` set it when stderr is a TTY).
HBDT_PROGRESS = False

ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}

#: Path of the SQLite archive the pipeline writes.
HBDT_DB = "archive.db"
#: Records per write transaction (written by a background thread, see ``ArchiveWriter``).
HBDT_BATCH_SIZE = 500
#: A batch is written after this many seconds even if it is not full, so that a slow, polite
#: crawl shows its articles in datasette as it goes.
HBDT_FLUSH_SECONDS = 30.0
#: Mirror origin → the canonical origin it mirrors, e.g. ``{"http://127.0.0.1:8000":
#: "https://baohoabinh.com.vn"}``: pages fetched from the mirror are archived under canonical URLs
#: (articles, related items, images, raw pages, failures) and canonical URLs are fetched from it.
HBDT_MIRRORS: dict[str, str] = {}
