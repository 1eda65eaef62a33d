"""The SQLite archive: schema, batched writer, crawl bookkeeping and queries.

One file, browsable with plain ``datasette archive.db``:

* ``articles`` holds one row per article (``url`` is the canonical URL, ``id`` the FTS rowid),
  every scalar field of :class:`~crawler.items.ArticleRecord`, the archive fields (``fetched_at``,
  ``content_hash``, ``capture_timestamp``, ``source``), ``month`` for facets, and JSON arrays
  ``authors``, ``units``, ``unit_levels``, ``districts`` that datasette can facet as arrays.
* Lookup tables ``authors``/``article_authors`` and ``units``/``article_units`` (with the gazetteer
  place columns), and per-article child tables ``related``, ``images``, ``people``, ``documents``,
  ``counts``, ``date_mentions``; ``revisions`` keeps earlier versions of changed articles.
* Crawl bookkeeping: ``failures``, ``raw_pages``, ``crawl_runs``.
* ``articles_fts`` (FTS5, ``content="articles"``, so datasette offers a search box on
  ``articles``), ``units_fts`` and ``authors_fts`` (over the names and their folded forms); see :mod:`crawler.search` for how the
  folded copy makes search diacritic-insensitive including ``đ``.
  ``articles_head_fts`` (FTS5, contentless, title and lead only) is the small index ``hbdt search``
  ranks with; it stays out of datasette's search box (no ``content=``).
* Views ``articles_detail``, ``unit_coverage``, ``coverage_by_month``,
  ``coverage_by_district_month``, ``author_coverage``.

The database runs in WAL mode so that datasette reads while a crawl writes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import sqlite_utils

from crawler.items import ArticleRecord, Place, Unit
from crawler.search import folded_terms_of_words, run_search
from crawler.text import clean, fold
from crawler.urls import SITE_HOST, article_ref, canonical_url, unmirror

log = logging.getLogger(__name__)

SCHEMA_VERSION = 6
VN_TZ = timezone(timedelta(hours=7))
BUSY_TIMEOUT_MS = 30_000
PAGE_SIZE = 16_384
_MONTH_RE = re.compile(r"^(\d{4}-\d{2})")
_DIGITS_RE = re.compile(r"^\d{1,12}$")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\ufeff]")
_CANONICAL_PREFIX = f"https://{SITE_HOST}/"
_SQL_VARS = 500
"""Most bound variables put in one ``IN (...)`` list."""

PLACE_FIELDS: tuple[str, ...] = (
    "province",
    "district",
    "commune",
    "province_code",
    "district_code",
    "commune_code",
    "new_province",
    "new_commune",
    "new_province_code",
    "new_commune_code",
)

RUN_COUNT_FIELDS: tuple[str, ...] = (
    "requests",
    "archived",
    "new",
    "updated",
    "unchanged",
    "failed",
    "skipped",
    "unparsable",
)
"""``crawl_runs`` count columns; any other key given to :func:`finish_run` is kept in ``counts``."""

CHILD_TABLES: tuple[str, ...] = (
    "article_authors",
    "article_units",
    "related",
    "images",
    "people",
    "documents",
    "counts",
    "date_mentions",
)

_PLACE_COLUMNS_DDL = ",\n    ".join(f"{name} TEXT" for name in PLACE_FIELDS)

def _name_fts_sql(table: str) -> str:
    """An FTS5 index over ``name`` and ``name_folded`` of ``table`` (units, authors), kept in step by
    triggers: what datasette's search box and the canned queries search."""
    return f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5(
    name, name_folded,
    content="{table}", content_rowid="id",
    tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER IF NOT EXISTS {table}_fts_ai AFTER INSERT ON {table} BEGIN
    INSERT INTO {table}_fts(rowid, name, name_folded) VALUES (new.id, new.name, new.name_folded);
END;
CREATE TRIGGER IF NOT EXISTS {table}_fts_ad AFTER DELETE ON {table} BEGIN
    INSERT INTO {table}_fts({table}_fts, rowid, name, name_folded)
    VALUES ('delete', old.id, old.name, old.name_folded);
END;
CREATE TRIGGER IF NOT EXISTS {table}_fts_au AFTER UPDATE OF name, name_folded ON {table}
WHEN old.name IS NOT new.name OR old.name_folded IS NOT new.name_folded
BEGIN
    INSERT INTO {table}_fts({table}_fts, rowid, name, name_folded)
    VALUES ('delete', old.id, old.name, old.name_folded);
    INSERT INTO {table}_fts(rowid, name, name_folded) VALUES (new.id, new.name, new.name_folded);
END;

"""


SCHEMA_SQL = f"""
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    article_id INTEGER,
    title TEXT,
    published_at TEXT,
    url TEXT NOT NULL UNIQUE,
    category_id INTEGER,
    is_congress INTEGER NOT NULL DEFAULT 0 CHECK (is_congress IN (0, 1)),
    authors TEXT NOT NULL DEFAULT '[]',
    units TEXT NOT NULL DEFAULT '[]',
    lead TEXT,
    month TEXT,
    unit_levels TEXT NOT NULL DEFAULT '[]',
    districts TEXT NOT NULL DEFAULT '[]',
    byline_raw TEXT,
    byline_source TEXT,
    published_at_raw TEXT,
    source TEXT NOT NULL DEFAULT 'live',
    capture_timestamp TEXT,
    fetched_at TEXT NOT NULL,
    first_fetched_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    body TEXT,
    folded_terms TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_articles_article_id ON articles(article_id);
CREATE INDEX IF NOT EXISTS idx_articles_published_at ON articles(published_at);
CREATE INDEX IF NOT EXISTS idx_articles_month ON articles(month);
CREATE INDEX IF NOT EXISTS idx_articles_category_id ON articles(category_id);
CREATE INDEX IF NOT EXISTS idx_articles_is_congress ON articles(is_congress, published_at);
CREATE INDEX IF NOT EXISTS idx_articles_unit_levels ON articles(unit_levels);
CREATE INDEX IF NOT EXISTS idx_articles_districts ON articles(districts);
CREATE INDEX IF NOT EXISTS idx_articles_facets
    ON articles(is_congress, month, category_id, unit_levels, districts);

CREATE TABLE IF NOT EXISTS authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    name_folded TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_authors_name_folded ON authors(name_folded);

CREATE TABLE IF NOT EXISTS article_authors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES authors(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX IF NOT EXISTS idx_article_authors_author_id ON article_authors(author_id);

CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT,
    level TEXT,
    {_PLACE_COLUMNS_DDL},
    name_folded TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS idx_units_name ON units(name);
CREATE INDEX IF NOT EXISTS idx_units_level ON units(level);
CREATE INDEX IF NOT EXISTS idx_units_kind ON units(kind);
CREATE INDEX IF NOT EXISTS idx_units_district ON units(district);

CREATE TABLE IF NOT EXISTS article_units (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    position INTEGER NOT NULL,
    mentions INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (article_id, unit_id)
);
CREATE INDEX IF NOT EXISTS idx_article_units_unit_id ON article_units(unit_id);
CREATE INDEX IF NOT EXISTS idx_article_units_unit_article ON article_units(unit_id, article_id);

CREATE TABLE IF NOT EXISTS related (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    title TEXT,
    lead TEXT,
    related_article INTEGER REFERENCES articles(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS idx_related_article_id ON related(article_id);
CREATE INDEX IF NOT EXISTS idx_related_url ON related(url);
CREATE INDEX IF NOT EXISTS idx_related_related_article ON related(related_article);

CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    caption TEXT
);
CREATE INDEX IF NOT EXISTS idx_images_article_id ON images(article_id);

CREATE TABLE IF NOT EXISTS people (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    position TEXT,
    unit TEXT
);
CREATE INDEX IF NOT EXISTS idx_people_article_id ON people(article_id);
CREATE INDEX IF NOT EXISTS idx_people_name ON people(name);
CREATE INDEX IF NOT EXISTS idx_people_unit ON people(unit);

CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    number TEXT,
    code TEXT,
    issuer TEXT,
    date TEXT
);
CREATE INDEX IF NOT EXISTS idx_documents_article_id ON documents(article_id);
CREATE INDEX IF NOT EXISTS idx_documents_code ON documents(code);
CREATE INDEX IF NOT EXISTS idx_documents_kind ON documents(kind);

CREATE TABLE IF NOT EXISTS counts (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    value INTEGER NOT NULL,
    noun TEXT NOT NULL,
    unit TEXT
);
CREATE INDEX IF NOT EXISTS idx_counts_article_id ON counts(article_id);
CREATE INDEX IF NOT EXISTS idx_counts_noun ON counts(noun);

CREATE TABLE IF NOT EXISTS date_mentions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    start TEXT,
    "end" TEXT,
    precision TEXT
);
CREATE INDEX IF NOT EXISTS idx_date_mentions_article_id ON date_mentions(article_id);
CREATE INDEX IF NOT EXISTS idx_date_mentions_start ON date_mentions(start);

CREATE TABLE IF NOT EXISTS revisions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    fetched_at TEXT,
    replaced_at TEXT NOT NULL,
    title TEXT,
    lead TEXT,
    body TEXT,
    published_at TEXT
);
CREATE INDEX IF NOT EXISTS idx_revisions_article_id ON revisions(article_id);

CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    source TEXT,
    args TEXT,
    requests INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    unparsable INTEGER NOT NULL DEFAULT 0,
    counts TEXT
);
CREATE INDEX IF NOT EXISTS idx_crawl_runs_started_at ON crawl_runs(started_at);

CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    status INTEGER,
    attempts INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    run_id INTEGER REFERENCES crawl_runs(id) ON DELETE SET NULL,
    depth INTEGER
);

CREATE TABLE IF NOT EXISTS skipped_pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'live',
    seen_at TEXT NOT NULL,
    run_id INTEGER REFERENCES crawl_runs(id) ON DELETE SET NULL
);

CREATE TABLE IF NOT EXISTS raw_pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    encoding TEXT,
    size INTEGER NOT NULL,
    stored_at TEXT NOT NULL,
    body BLOB NOT NULL
);

CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, lead, body, folded_terms,
    content="articles", content_rowid="id",
    tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, lead, body, folded_terms)
    VALUES (new.id, new.title, new.lead, new.body, new.folded_terms);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, lead, body, folded_terms)
    VALUES ('delete', old.id, old.title, old.lead, old.body, old.folded_terms);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, lead, body, folded_terms ON articles
WHEN old.title IS NOT new.title OR old.lead IS NOT new.lead OR old.body IS NOT new.body
     OR old.folded_terms IS NOT new.folded_terms
BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, lead, body, folded_terms)
    VALUES ('delete', old.id, old.title, old.lead, old.body, old.folded_terms);
    INSERT INTO articles_fts(rowid, title, lead, body, folded_terms)
    VALUES (new.id, new.title, new.lead, new.body, new.folded_terms);
END;
CREATE VIRTUAL TABLE IF NOT EXISTS articles_head_fts USING fts5(
    title, lead,
    content="",
    tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER IF NOT EXISTS articles_head_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_head_fts(rowid, title, lead) VALUES (new.id, new.title, new.lead);
END;
CREATE TRIGGER IF NOT EXISTS articles_head_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_head_fts(articles_head_fts, rowid, title, lead)
    VALUES ('delete', old.id, old.title, old.lead);
END;
CREATE TRIGGER IF NOT EXISTS articles_head_fts_au AFTER UPDATE OF title, lead ON articles
WHEN old.title IS NOT new.title OR old.lead IS NOT new.lead
BEGIN
    INSERT INTO articles_head_fts(articles_head_fts, rowid, title, lead)
    VALUES ('delete', old.id, old.title, old.lead);
    INSERT INTO articles_head_fts(rowid, title, lead) VALUES (new.id, new.title, new.lead);
END;
CREATE TRIGGER IF NOT EXISTS articles_related_backfill AFTER INSERT ON articles BEGIN
    UPDATE related SET related_article = new.id WHERE url = new.url AND related_article IS NULL;
END;

{_name_fts_sql("units")}{_name_fts_sql("authors")}
CREATE VIEW IF NOT EXISTS articles_detail AS
SELECT a.id, a.article_id, a.title, a.published_at, a.url, a.category_id, a.is_congress,
       (SELECT group_concat(name, '; ') FROM (
            SELECT au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id
            WHERE aa.article_id = a.id ORDER BY aa.position)) AS authors,
       (SELECT group_concat(name, '; ') FROM (
            SELECT u.name FROM article_units x JOIN units u ON u.id = x.unit_id
            WHERE x.article_id = a.id ORDER BY x.position)) AS units,
       (SELECT count(*) FROM related r WHERE r.article_id = a.id) AS related_items,
       a.lead, a.source, a.fetched_at
FROM articles a;

CREATE VIEW IF NOT EXISTS unit_coverage AS
SELECT u.id AS unit_id, u.name, u.kind, u.level, u.province, u.district, u.commune,
       u.new_province, u.new_commune,
       count(x.article_id) AS articles,
       sum(a.is_congress) AS congress_articles,
       sum(x.mentions) AS mentions,
       min(a.published_at) AS first_published,
       max(a.published_at) AS last_published
FROM units u
JOIN article_units x ON x.unit_id = u.id
JOIN articles a ON a.id = x.article_id
GROUP BY u.id;

CREATE VIEW IF NOT EXISTS coverage_by_month AS
SELECT month, count(*) AS articles, sum(is_congress) AS congress_articles,
       count(DISTINCT category_id) AS categories
FROM articles
WHERE month IS NOT NULL
GROUP BY month;

CREATE VIEW IF NOT EXISTS coverage_by_district_month AS
SELECT coalesce(u.district, '(unlinked)') AS district, a.month,
       count(DISTINCT a.id) AS articles,
       count(DISTINCT CASE WHEN a.is_congress = 1 THEN a.id END) AS congress_articles,
       count(DISTINCT u.id) AS units
FROM articles a
JOIN article_units x ON x.article_id = a.id
JOIN units u ON u.id = x.unit_id
WHERE a.month IS NOT NULL
GROUP BY coalesce(u.district, '(unlinked)'), a.month;

CREATE VIEW IF NOT EXISTS author_coverage AS
SELECT au.id AS author_id, au.name, count(*) AS articles, sum(a.is_congress) AS congress_articles,
       min(a.published_at) AS first_published, max(a.published_at) AS last_published
FROM authors au
JOIN article_authors aa ON aa.author_id = au.id
JOIN articles a ON a.id = aa.article_id
GROUP BY au.id;
"""


FTS_TABLES: tuple[str, ...] = ("articles_fts", "articles_head_fts", "units_fts", "authors_fts")
HEAD_FTS = "articles_head_fts"
"""The title/lead search index (contentless; see :mod:`crawler.search`)."""


class ArchiveError(Exception):
    """The archive cannot be opened or is not an hbdt archive."""


def now_iso() -> str:
    """Current time, ISO 8601 with ``+07:00`` (Vietnam time), to the second."""
    return datetime.now(VN_TZ).isoformat(timespec="seconds")


def _connection_pragmas(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")


def _database_file(db: sqlite_utils.Database) -> str:
    """The file behind ``db``'s main database, or ``""`` for an in-memory one."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return str(row[2] or "")
    return ""


def _writer_connection(path: str) -> sqlite3.Connection:
    """A second connection to the archive at ``path``, set up like :func:`open_archive`'s."""
    conn = sqlite3.connect(path)
    _connection_pragmas(conn)
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


#: Tables every hbdt archive has (what tells it from any other SQLite database).
ARCHIVE_TABLES = ("articles", "crawl_runs", "failures")


def _check_file(p: Path, *, may_be_missing: bool) -> bool:
    """Refuse what cannot be an archive file; return whether ``p`` exists with content."""
    if not p.exists():
        if may_be_missing:
            return False
        raise ArchiveError(f"no archive at {p}")
    if p.is_dir():
        raise ArchiveError(f"{p} is a directory, not an archive file")
    if not p.is_file():
        raise ArchiveError(f"{p} is not a regular file")
    if p.stat().st_size == 0:
        if may_be_missing:
            return False
        raise ArchiveError(f"{p} is empty, not an hbdt archive")
    # The file is never opened here to look at its header: closing any descriptor of a file drops
    # every POSIX lock this process holds on it, SQLite's included. SQLite says what it is.
    return True


def _database_error(p: Path, exc: sqlite3.DatabaseError) -> ArchiveError:
    """A one-line :class:`ArchiveError` for an SQLite error on ``p``."""
    if "file is not a database" in str(exc):
        return ArchiveError(f"{p} is not an SQLite database, so not an hbdt archive")
    return ArchiveError(f"{p}: {exc}")


def _check_archive_tables(conn: sqlite3.Connection, p: Path) -> None:
    """Refuse an SQLite database that is not an hbdt archive (an empty one is accepted)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and not set(ARCHIVE_TABLES) <= tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise ArchiveError(f"{p} is an SQLite database but not an hbdt archive (tables: {shown}); "
                           "it is left untouched")


def open_archive_readonly(path: str | os.PathLike[str]) -> sqlite_utils.Database:
    """Open an existing archive for reading only, for ``search``, ``show``, ``stats``, ``export``,
    ``report`` and ``serve``: nothing is written to it (no schema, no journal mode change).

    A SQLite ``mode=ro`` connection; when its directory is read-only and SQLite cannot make the
    WAL index there, ``immutable=1`` (safe only when no ``-wal`` file holds unmerged writes: then
    a one-line error says so). Raises :class:`ArchiveError` for a missing, empty, non-SQLite or
    non-hbdt file, or an archive older than this hbdt's schema (``hbdt reparse`` upgrades it).
    """
    p = Path(path)
    _check_file(p, may_be_missing=False)
    uri = "file:" + quote(str(p.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            wal = Path(str(p) + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise ArchiveError(
                    f"{p}: its directory is read-only and {wal.name} holds writes not yet merged; "
                    "copy the archive with its -wal file to a writable directory and open the copy"
                ) from None
            conn = sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False)
        _check_archive_tables(conn, p)
        if not all(conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [t]).fetchone()
                   for t in ARCHIVE_TABLES):
            raise ArchiveError(f"{p} is an empty SQLite database, not an hbdt archive")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            raise ArchiveError(f"{p} is an hbdt archive of schema v{version}, older than this hbdt's "
                               f"v{SCHEMA_VERSION}: run `hbdt reparse --db {p}` once to upgrade it")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.DatabaseError as exc:
        raise _database_error(p, exc) from exc
    return sqlite_utils.Database(conn)


def open_archive(path: str | os.PathLike[str], *, create: bool = True) -> sqlite_utils.Database:
    """Open (create) the archive: WAL journal, foreign_keys=ON, busy_timeout, :func:`ensure_schema`.

    For the commands that write (``crawl``, ``demo``, ``reparse``): the only ones that create an
    archive or migrate its schema. With ``create=False`` a missing file raises
    :class:`ArchiveError` instead of being created. Another SQLite database (one with tables but
    not an archive's) is refused untouched.
    """
    p = Path(path)
    if not create and not p.is_file():
        raise ArchiveError(f"no archive at {p}")
    new = not _check_file(p, may_be_missing=True)
    try:
        db = sqlite_utils.Database(p)
        if not new:  # before anything is written: someone else's database is left as it is
            try:
                _check_archive_tables(db.conn, p)
            except ArchiveError:
                db.close()
                raise
        if new:  # larger pages hold an article row each with less waste; only settable when empty
            db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        _connection_pragmas(db.conn)
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        ensure_schema(db)
    except sqlite3.DatabaseError as exc:
        raise _database_error(p, exc) from exc
    return db


#: Columns added after the first schema: ``(table, column, declaration)``, added when missing.
_ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("failures", "depth", "INTEGER"),
)


def _add_missing_columns(db: sqlite_utils.Database) -> None:
    for table, column, decl in _ADDED_COLUMNS:
        if column not in db[table].columns_dict:
            db.execute(f"ALTER TABLE [{table}] ADD COLUMN [{column}] {decl}")


FTS_OPTIONS: dict[str, int] = {"pgsz": 16_000, "automerge": 16}
"""FTS5 options of the article indexes. ``pgsz`` (default 4050): leaves that nearly fill one
16 KiB database page, so a batch's index segment is written as fewer, fuller pages.
``automerge`` (default 4): segments of one size are merged 16 at a time instead of 4, which
halves the merge work of a growing index; a query then reads a few more segments (measured in
``bench/archive.py``)."""


def _configure_fts(db: sqlite_utils.Database) -> None:
    """Persistent FTS5 options (kept in each index's ``_config`` table); idempotent."""
    for table in ("articles_fts", HEAD_FTS):
        for option, value in FTS_OPTIONS.items():
            db.execute(f"INSERT INTO {table}({table}, rank) VALUES (?, ?)", [option, value])


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create every table, index, trigger and view that is missing; idempotent, cheap when done."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    head_index = db[HEAD_FTS].exists()
    if version >= SCHEMA_VERSION and db["articles"].exists() and head_index:
        return
    db.conn.executescript(SCHEMA_SQL)
    _add_missing_columns(db)
    if not head_index:  # an archive from before the title/lead index: fill it once
        with db.conn:
            db.execute(f"INSERT INTO {HEAD_FTS}(rowid, title, lead) SELECT id, title, lead FROM articles")
    _configure_fts(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    _connection_pragmas(db.conn)


# --------------------------------------------------------------------------- writer


def _words(text: str | None) -> list[str]:
    """NFC words of ``text`` split on whitespace and zero-width characters (what
    :func:`crawler.text.clean` keeps, as a list; faster on long bodies)."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", text)
    if "\u200b" in text or "\u200c" in text or "\u200d" in text or "\ufeff" in text:
        text = _ZERO_WIDTH_RE.sub(" ", text)
    return text.split()


def _hash_words(parts: Sequence[list[str]]) -> str:
    joined = "\x1f".join(" ".join(words) for words in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def content_hash(title: str | None, lead: str | None, body: str | None, published_at: str | None) -> str:
    """sha256 of the normalised (NFC, whitespace-collapsed) title, lead, body and publication time."""
    return _hash_words([_words(part) for part in (title, lead, body, published_at)])


def _canonical(url: str) -> str:
    """:func:`canonical_url`, with a fast path for a URL that is canonical already."""
    if url.startswith(_CANONICAL_PREFIX) and "#" not in url and "?" not in url and not url[-1:].isspace():
        return url
    return canonical_url(url)


def _month(published_at: str | None) -> str | None:
    m = _MONTH_RE.match(published_at or "")
    return m.group(1) if m else None


def _unit_key(unit: Unit) -> str:
    place = unit.place
    codes = (
        (place.province_code, place.district_code, place.commune_code) if place else (None, None, None)
    )
    return "|".join([clean(unit.full_name), *(c or "" for c in codes)])


def _json(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _chunks(items: Sequence[Any], size: int = _SQL_VARS) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Prepared:
    """One record turned into rows, before it gets an article id."""

    __slots__ = ("record", "row", "authors", "units")

    def __init__(
        self, record: ArticleRecord, row: dict[str, Any], authors: list[str], units: list[tuple[str, Unit]]
    ):
        self.record = record
        self.row = row
        self.authors = authors
        self.units = units


_ARTICLE_COLUMNS: tuple[str, ...] = (
    "article_id",
    "title",
    "published_at",
    "url",
    "category_id",
    "is_congress",
    "authors",
    "units",
    "lead",
    "month",
    "unit_levels",
    "districts",
    "byline_raw",
    "byline_source",
    "published_at_raw",
    "source",
    "capture_timestamp",
    "fetched_at",
    "first_fetched_at",
    "content_hash",
    "body",
    "folded_terms",
)
_UPSERT_ROW = "(" + ", ".join("?" for _ in _ARTICLE_COLUMNS) + ")"
_UPSERT_HEAD = f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) VALUES "
_UPSERT_TAIL = " ON CONFLICT(url) DO UPDATE SET " + ", ".join(
    f"{c} = excluded.{c}" for c in _ARTICLE_COLUMNS if c not in ("url", "first_fetched_at")
)
_UPSERT_ROWS = 200
"""Articles per multi-row upsert statement. FTS5 flushes its pending terms at every statement
(savepoint), so one statement for many rows makes fewer, larger index segments: it halves the
cost of full-text indexing compared with ``executemany`` of one row at a time."""


def _upsert_articles(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    per = max(1, min(_UPSERT_ROWS, _max_variables(conn) // len(_ARTICLE_COLUMNS)))
    for chunk in _chunks(rows, per):
        sql = _UPSERT_HEAD + ", ".join([_UPSERT_ROW] * len(chunk)) + _UPSERT_TAIL
        conn.execute(sql, [row[c] for row in chunk for c in _ARTICLE_COLUMNS])


def _max_variables(conn: sqlite3.Connection) -> int:
    try:
        return int(conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    except (AttributeError, sqlite3.Error):  # Python < 3.11: assume the old default
        return 999


_UNIT_UPSERT_SQL = (
    "INSERT INTO units (name, kind, level, {place}, name_folded, key) VALUES (?, ?, ?, {qs}, ?, ?) "
    "ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, level = excluded.level, {upd}".format(
        place=", ".join(PLACE_FIELDS),
        qs=", ".join("?" for _ in PLACE_FIELDS),
        upd=", ".join(f"{f} = coalesce(excluded.{f}, units.{f})" for f in PLACE_FIELDS),
    )
)


def _zero_counts() -> dict[str, int]:
    """The writer's outcome counts, all zero."""
    return {"new": 0, "updated": 0, "unchanged": 0}


class ArchiveWriter:
    """Batched upserts of :class:`ArticleRecord` into the archive.

    ``add()`` queues a record; every ``batch_size`` records (or, with ``flush_seconds``, the records
    added since the first of the batch that many seconds ago) make a batch, written in one
    transaction (``BEGIN IMMEDIATE`` … ``COMMIT``) of multi-row statements. An article whose
    ``content_hash`` changed moves its previous version into ``revisions`` and counts as
    ``updated``; an identical one counts as ``unchanged`` (no revision, and the full-text index is
    left alone; ``fetched_at``, the source fields and the extracted child rows are refreshed).
    Child rows are always replaced, never duplicated. Use as a context manager or call
    :meth:`close`.

    On an archive file, full batches are written by a background thread on its own connection
    (``background=None`` chooses this for files, the caller's connection for in-memory
    databases): SQLite releases the GIL while it indexes and writes, so turning the next records
    into rows overlaps with writing the last batch. At most ``MAX_QUEUED`` batches wait; ``add()``
    blocks beyond that. :meth:`flush` and :meth:`close` return only once everything queued is
    committed, so what follows them sees it. A batch that fails is rolled back and its records
    are dropped (a rerun fetches them again); the error is raised by the next ``add()``,
    :meth:`flush` or :meth:`close`.
    """

    MAX_QUEUED = 2
    """Full batches that may wait for the background thread."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        batch_size: int = 200,
        *,
        background: bool | None = None,
        flush_seconds: float | None = None,
    ) -> None:
        self.db = db
        self.batch_size = max(1, int(batch_size))
        self.flush_seconds = flush_seconds
        self._batch_started = 0.0
        self.counts = _zero_counts()
        self._pending: list[_Prepared] = []
        self._pending_urls: set[str] = set()
        self._lookup = _LookupIds()
        self._since_flush = _zero_counts()
        self._lock = threading.Lock()
        path = _database_file(db)
        if background and not path:
            raise ValueError("a background writer needs an archive file, not an in-memory database")
        self._path = path if (background is None or background) else ""
        self._queue: queue.Queue[list[_Prepared] | None] = queue.Queue(maxsize=self.MAX_QUEUED)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self._pending)

    @property
    def background(self) -> bool:
        """Whether full batches are written by the background thread."""
        return bool(self._path)

    def add(
        self,
        record: ArticleRecord,
        *,
        fetched_at: str | None = None,
        capture_timestamp: str | None = None,
        source: str = "live",
        raw_html: bytes | None = None,
    ) -> None:
        """Queue ``record``; hand the batch over when it is full. Raises ``ValueError`` without a
        url, and the error of an earlier batch that failed (``record`` is queued all the same).

        ``raw_html`` is accepted for the pipeline's convenience but not stored for parsed
        articles (unparsable pages go to :func:`store_raw_page`).
        """
        del raw_html
        prepared = self._prepare(record, fetched_at or now_iso(), capture_timestamp, source)
        url = prepared.row["url"]
        if url in self._pending_urls:  # the same article twice: batches are written in order
            self._submit()
        if not self._pending:
            self._batch_started = time.monotonic()
        self._pending.append(prepared)
        self._pending_urls.add(url)
        if len(self._pending) >= self.batch_size or (
            self.flush_seconds is not None and time.monotonic() - self._batch_started >= self.flush_seconds
        ):
            self._submit()
        elif self._thread is not None and self._queue.unfinished_tasks:
            # let the writer thread take the GIL back now (it waits for it between SQLite calls),
            # rather than after the interpreter's switch interval (5 ms)
            time.sleep(0)
        self._raise_error()

    def flush(self) -> dict[str, int]:
        """Write everything queued and wait until it is committed; return the new/updated/unchanged
        counts of what was written since the last ``flush()``."""
        self._submit()
        if self._thread is not None:
            self._queue.join()
        with self._lock:
            result, self._since_flush = self._since_flush, _zero_counts()
        self._raise_error()
        return result

    def close(self) -> None:
        """Flush what is queued and stop the background thread."""
        try:
            self.flush()
        finally:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(None)
                thread.join()

    # -- handing batches over

    def _submit(self) -> None:
        batch, self._pending, self._pending_urls = self._pending, [], set()
        if not batch:
            return
        if not self.background:
            self._write_batch(self.db.conn, batch)
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="hbdt-archive-writer", daemon=True)
            self._thread.start()
        self._queue.put(batch)

    def _run(self) -> None:
        """The background thread: write each batch on this thread's own connection."""
        conn: sqlite3.Connection | None = None
        try:
            while True:
                batch = self._queue.get()
                try:
                    if batch is None:
                        return
                    if conn is None:
                        conn = _writer_connection(self._path)
                    self._write_batch(conn, batch)
                except Exception as exc:  # noqa: BLE001 - handed to the caller's thread
                    log.error("archive batch of %d records failed: %s", len(batch or ()), exc)
                    with self._lock:
                        if self._error is None:
                            self._error = exc
                finally:
                    self._queue.task_done()
        finally:
            if conn is not None:
                conn.close()

    def _raise_error(self) -> None:
        if self._error is None:  # the common case: read without the lock (it is written under it)
            return
        with self._lock:
            error, self._error = self._error, None
        if error is not None:
            raise error

    def _write_batch(self, conn: sqlite3.Connection, batch: list[_Prepared]) -> None:
        """One batch in one transaction; rolled back (and raised) if anything fails."""
        result = _zero_counts()
        if conn.in_transaction:
            conn.commit()
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._write(conn, batch, result)
        except BaseException:
            conn.rollback()
            self._lookup.clear()
            raise
        conn.commit()
        with self._lock:
            for key, value in result.items():
                self.counts[key] += value
                self._since_flush[key] += value
        log.debug("archive batch: %s", result)

    @staticmethod
    def _prepare(
        record: ArticleRecord, fetched_at: str, capture_timestamp: str | None, source: str
    ) -> _Prepared:
        if not record.url:
            raise ValueError("cannot archive a record without a url")
        authors = list(dict.fromkeys(a for a in (clean(x) for x in record.byline.authors) if a))
        units: dict[str, Unit] = {}
        for unit in record.units:
            if not clean(unit.name):
                continue
            key = _unit_key(unit)
            if key in units:
                units[key].mentions += unit.mentions
            else:
                units[key] = Unit(unit.full_name, unit.kind, unit.level, unit.mentions, unit.place)
        unit_list = list(units.values())
        keyed = list(units.items())
        words = [_words(record.title), _words(record.lead), _words(record.body)]
        row = {
            "article_id": record.article_id,
            "title": record.title,
            "published_at": record.published_at,
            "url": _canonical(record.url),
            "category_id": record.category_id,
            "is_congress": 1 if record.is_congress else 0,
            "authors": _json(authors),
            "units": _json(dict.fromkeys(clean(u.name) for u in unit_list)),
            "lead": record.lead,
            "month": _month(record.published_at),
            "unit_levels": _json(dict.fromkeys(u.level for u in unit_list if u.level)),
            "districts": _json(
                dict.fromkeys(u.place.district for u in unit_list if u.place and u.place.district)
            ),
            "byline_raw": record.byline.raw,
            "byline_source": record.byline.source,
            "published_at_raw": record.published_at_raw,
            "source": source,
            "capture_timestamp": capture_timestamp,
            "fetched_at": fetched_at,
            "first_fetched_at": fetched_at,
            "content_hash": _hash_words([*words, _words(record.published_at)]),
            "body": record.body,
            "folded_terms": folded_terms_of_words(w for part in words for w in part),
        }
        return _Prepared(record, row, authors, keyed)

    # -- the batch, inside the transaction

    def _write(self, conn: sqlite3.Connection, batch: list[_Prepared], result: dict[str, int]) -> None:
        urls = [p.row["url"] for p in batch]
        existing: dict[str, tuple[Any, ...]] = {}
        for chunk in _chunks(urls):
            sql = (
                "SELECT url, id, content_hash, fetched_at, title, lead, body, published_at "
                f"FROM articles WHERE url IN ({', '.join('?' for _ in chunk)})"
            )
            for row in conn.execute(sql, list(chunk)):
                existing[row[0]] = row
        revisions = []
        replaced_ids = []
        for p in batch:
            old = existing.get(p.row["url"])
            if old is None:
                result["new"] += 1
                continue
            replaced_ids.append(old[1])
            if old[2] == p.row["content_hash"]:
                result["unchanged"] += 1
            else:
                result["updated"] += 1
                revisions.append((old[1], old[0], old[2], old[3], p.row["fetched_at"], *old[4:]))
        if revisions:
            conn.executemany(
                "INSERT INTO revisions (article_id, url, content_hash, fetched_at, replaced_at, "
                "title, lead, body, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                revisions,
            )
        _upsert_articles(conn, [p.row for p in batch])
        ids: dict[str, int] = {}
        if replaced_ids:
            for table in CHILD_TABLES:
                conn.executemany(f"DELETE FROM {table} WHERE article_id = ?", [(i,) for i in replaced_ids])
            for url, old in existing.items():
                ids[url] = old[1]
        missing = [u for u in urls if u not in ids]
        for chunk in _chunks(missing):
            sql = f"SELECT url, id FROM articles WHERE url IN ({', '.join('?' for _ in chunk)})"
            ids.update(conn.execute(sql, list(chunk)).fetchall())
        _write_children(conn, batch, ids, self._lookup)


def _lookup_ids(conn: sqlite3.Connection, table: str, column: str, values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in _chunks(values):
        sql = f"SELECT {column}, id FROM {table} WHERE {column} IN ({', '.join('?' for _ in chunk)})"
        out.update(conn.execute(sql, list(chunk)).fetchall())
    return out


def _place_values(place: Place | None) -> list[str | None]:
    return [getattr(place, f) if place else None for f in PLACE_FIELDS]


class _LookupIds:
    """Ids of the author and unit rows this writer has written, so that a batch only upserts the
    names and units it has not written before (or whose kind, level or place changed).

    Cleared when a batch is rolled back: ids made inside it are gone.
    """

    __slots__ = ("authors", "units")

    def __init__(self) -> None:
        self.authors: dict[str, int] = {}
        self.units: dict[str, tuple[int, tuple[Any, ...]]] = {}

    def clear(self) -> None:
        self.authors.clear()
        self.units.clear()

    def author_ids(self, conn: sqlite3.Connection, names: list[str]) -> dict[str, int]:
        known = self.authors
        new = [a for a in names if a not in known]
        if new:
            conn.executemany(
                "INSERT OR IGNORE INTO authors (name, name_folded) VALUES (?, ?)", [(a, fold(a)) for a in new]
            )
            known.update(_lookup_ids(conn, "authors", "name", new))
        return known

    def unit_ids(self, conn: sqlite3.Connection, units: dict[str, Unit]) -> dict[str, int]:
        known = self.units
        changed = []
        for key, u in units.items():
            values = (clean(u.name), u.kind, u.level, *_place_values(u.place))
            cached = known.get(key)
            if cached is None or cached[1] != values:
                changed.append((key, values))
        if changed:
            conn.executemany(_UNIT_UPSERT_SQL, [(*values, fold(values[0]), key) for key, values in changed])
            ids = _lookup_ids(conn, "units", "key", [key for key, _ in changed])
            for key, values in changed:
                known[key] = (ids[key], values)
        return {key: known[key][0] for key in units}


def _write_children(
    conn: sqlite3.Connection, batch: list[_Prepared], ids: dict[str, int], lookup: _LookupIds
) -> None:
    author_ids = lookup.author_ids(conn, list(dict.fromkeys(a for p in batch for a in p.authors)))
    unit_rows: dict[str, Unit] = {}
    for p in batch:
        for key, unit in p.units:
            unit_rows[key] = unit
    unit_ids = lookup.unit_ids(conn, unit_rows)

    rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in CHILD_TABLES}
    for p in batch:
        aid = ids[p.row["url"]]
        rec = p.record
        rows["article_authors"] += [(aid, author_ids[a], i) for i, a in enumerate(p.authors)]
        rows["article_units"] += [
            (aid, unit_ids[key], i, u.mentions) for i, (key, u) in enumerate(p.units)
        ]
        for i, item in enumerate(r for r in rec.related if r.url):
            url = _canonical(item.url or "")
            rows["related"].append((aid, i, url, item.title, item.lead, url))
        rows["images"] += [(aid, i, unmirror(im.url), im.caption) for i, im in enumerate(x for x in rec.images if x.url)]
        rows["people"] += [(aid, i, pe.name, pe.position, pe.unit) for i, pe in enumerate(rec.people)]
        rows["documents"] += [
            (aid, i, d.kind, d.number, d.code, d.issuer, d.date) for i, d in enumerate(rec.documents)
        ]
        rows["counts"] += [(aid, i, c.value, c.noun, c.unit) for i, c in enumerate(rec.counts)]
        rows["date_mentions"] += [
            (aid, i, d.text, d.start, d.end, d.precision) for i, d in enumerate(rec.date_mentions)
        ]
    for table in CHILD_TABLES:
        if rows[table]:
            head, template = _CHILD_INSERTS[table]
            _insert_rows(conn, head, template, rows[table])


_CHILD_INSERTS: dict[str, tuple[str, str]] = {
    "article_authors": ("INSERT INTO article_authors (article_id, author_id, position) VALUES ", "(?, ?, ?)"),
    "article_units": (
        "INSERT INTO article_units (article_id, unit_id, position, mentions) VALUES ",
        "(?, ?, ?, ?)",
    ),
    "related": (
        "INSERT INTO related (article_id, position, url, title, lead, related_article) VALUES ",
        "(?, ?, ?, ?, ?, (SELECT id FROM articles WHERE url = ?))",
    ),
    "images": ("INSERT INTO images (article_id, position, url, caption) VALUES ", "(?, ?, ?, ?)"),
    "people": ("INSERT INTO people (article_id, seq, name, position, unit) VALUES ", "(?, ?, ?, ?, ?)"),
    "documents": (
        "INSERT INTO documents (article_id, position, kind, number, code, issuer, date) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?)",
    ),
    "counts": ("INSERT INTO counts (article_id, position, value, noun, unit) VALUES ", "(?, ?, ?, ?, ?)"),
    "date_mentions": (
        'INSERT INTO date_mentions (article_id, position, text, start, "end", precision) VALUES ',
        "(?, ?, ?, ?, ?, ?)",
    ),
}
"""Per child table: the statement head and one row's placeholders."""


def _insert_rows(conn: sqlite3.Connection, head: str, template: str, rows: list[tuple[Any, ...]]) -> None:
    """Multi-row INSERTs (one statement per up to ``_UPSERT_ROWS`` rows): fewer statements than
    ``executemany``, each with its own savepoint and trigger setup."""
    per = max(1, min(_UPSERT_ROWS, _max_variables(conn) // len(rows[0])))
    for chunk in _chunks(rows, per):
        conn.execute(head + ", ".join([template] * len(chunk)), [v for row in chunk for v in row])


# --------------------------------------------------------------------------- crawl bookkeeping


def archived_urls(db: sqlite_utils.Database) -> set[str]:
    """Canonical URLs of every archived article."""
    return {row[0] for row in db.execute("SELECT url FROM articles")}


def is_archived(db: sqlite_utils.Database, url: str) -> bool:
    """Whether the article at ``url`` (any host form) is archived."""
    return db.execute("SELECT 1 FROM articles WHERE url = ?", [canonical_url(url)]).fetchone() is not None


def record_failure(
    db: sqlite_utils.Database, url: str, reason: str, *, status: int | None = None, run_id: int | None = None,
    depth: int | None = None,
) -> None:
    """Record (or count one more attempt of) a request that failed after its retries; ``depth`` is
    the depth it was requested at (0 listed, 1 related, ...), so the next run retries it there."""
    now = now_iso()
    with db.conn:
        db.execute(
            "INSERT INTO failures (url, reason, status, attempts, first_seen, last_seen, run_id, depth) "
            "VALUES (?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET reason = excluded.reason, "
            "status = excluded.status, attempts = failures.attempts + 1, last_seen = excluded.last_seen, "
            "run_id = coalesce(excluded.run_id, failures.run_id), "
            "depth = min(coalesce(excluded.depth, failures.depth), coalesce(failures.depth, excluded.depth))",
            [canonical_url(url), reason, status, now, now, run_id, depth],
        )


def clear_failure(db: sqlite_utils.Database, url: str) -> None:
    """Forget the failure of ``url`` (it has now been fetched)."""
    with db.conn:
        db.execute("DELETE FROM failures WHERE url = ?", [canonical_url(url)])


def pending_failures(db: sqlite_utils.Database, *, max_attempts: int | None = None) -> list[dict[str, Any]]:
    """Failures to retry next run, oldest first; ``max_attempts`` leaves out hopeless ones."""
    sql = "SELECT url, reason, status, attempts, first_seen, last_seen, run_id, depth FROM failures"
    params: list[Any] = []
    if max_attempts is not None:
        sql += " WHERE attempts < ?"
        params.append(max_attempts)
    sql += " ORDER BY last_seen, id"
    return list(db.query(sql, params))


def record_skipped(db: sqlite_utils.Database, url: str, reason: str, *, source: str = "live",
                   run_id: int | None = None) -> None:
    """Remember a fetched page that was deliberately not archived (e.g. a Wayback capture found by
    CDX that is not congress coverage), so the next run does not fetch it again."""
    with db.conn:
        db.execute(
            "INSERT INTO skipped_pages (url, reason, source, seen_at, run_id) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET reason = excluded.reason, source = excluded.source, "
            "seen_at = excluded.seen_at, run_id = coalesce(excluded.run_id, skipped_pages.run_id)",
            [canonical_url(url), reason, source, now_iso(), run_id],
        )


def skipped_urls(db: sqlite_utils.Database, *, source: str | None = None) -> dict[str, str]:
    """Pages remembered as skipped: canonical URL → reason, optionally of one source."""
    sql = "SELECT url, reason FROM skipped_pages"
    params: list[Any] = []
    if source is not None:
        sql += " WHERE source = ?"
        params.append(source)
    return {row[0]: row[1] for row in db.execute(sql, params).fetchall()}


def store_raw_page(
    db: sqlite_utils.Database, url: str, body: bytes, reason: str, *, encoding: str | None = None
) -> None:
    """Keep an unparsable page as fetched, for ``hbdt reparse``; replaces an earlier copy."""
    with db.conn:
        db.execute(
            "INSERT INTO raw_pages (url, reason, encoding, size, stored_at, body) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET reason = excluded.reason, encoding = excluded.encoding, "
            "size = excluded.size, stored_at = excluded.stored_at, body = excluded.body",
            [canonical_url(url), reason, encoding, len(body), now_iso(), sqlite3.Binary(body)],
        )


def raw_pages(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Stored unparsable pages: url, reason, encoding, size, stored_at, body (bytes)."""
    rows = db.query("SELECT url, reason, encoding, size, stored_at, body FROM raw_pages ORDER BY id")
    return [{**row, "body": bytes(row["body"])} for row in rows]


def delete_raw_page(db: sqlite_utils.Database, url: str) -> None:
    """Drop a stored raw page (it has been re-parsed)."""
    with db.conn:
        db.execute("DELETE FROM raw_pages WHERE url = ?", [canonical_url(url)])


def start_run(db: sqlite_utils.Database, *, source: str, args: dict[str, Any]) -> int:
    """Open a ``crawl_runs`` row (status ``running``) and return its id."""
    with db.conn:
        cur = db.execute(
            "INSERT INTO crawl_runs (started_at, status, source, args) VALUES (?, 'running', ?, ?)",
            [now_iso(), source, json.dumps(args, ensure_ascii=False, sort_keys=True, default=str)],
        )
    run_id = cur.lastrowid
    assert run_id is not None
    return int(run_id)


def finish_run(db: sqlite_utils.Database, run_id: int, *, status: str, counts: dict[str, int]) -> None:
    """Close a run: end time, status and counts (known keys to columns, all of them as JSON)."""
    known = {k: int(v) for k, v in counts.items() if k in RUN_COUNT_FIELDS}
    sets = ", ".join(f"{k} = :{k}" for k in known)
    sql = "UPDATE crawl_runs SET ended_at = :ended_at, status = :status, counts = :counts"
    sql += (", " + sets if sets else "") + " WHERE id = :id"
    with db.conn:
        db.execute(
            sql,
            {
                **known,
                "ended_at": now_iso(),
                "status": status,
                "counts": json.dumps(counts, ensure_ascii=False, sort_keys=True, default=str),
                "id": run_id,
            },
        )


# --------------------------------------------------------------------------- queries


def _run_dict(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("args", "counts"):
        if out.get(key):
            try:
                out[key] = json.loads(out[key])
            except ValueError:
                log.warning("crawl_runs %s: %s is not JSON", out.get("id"), key)
    return out


def stats(db: sqlite_utils.Database) -> dict[str, Any]:
    """Counts for ``hbdt stats``: articles, congress_articles, authors, units, related, runs,
    failures, people, documents, ..., the date range, ``last_run`` and the last 10 ``crawl_runs``."""

    def one(sql: str) -> Any:
        return db.execute(sql).fetchone()[0]

    out: dict[str, Any] = {
        "articles": one("SELECT count(*) FROM articles"),
        "congress_articles": one("SELECT count(*) FROM articles WHERE is_congress = 1"),
        "authors": one("SELECT count(*) FROM authors"),
        "units": one("SELECT count(*) FROM units"),
        "related": one("SELECT count(*) FROM related"),
        "related_archived": one("SELECT count(*) FROM related WHERE related_article IS NOT NULL"),
        "runs": one("SELECT count(*) FROM crawl_runs"),
        "failures": one("SELECT count(*) FROM failures"),
        "raw_pages": one("SELECT count(*) FROM raw_pages"),
        "skipped_pages": one("SELECT count(*) FROM skipped_pages"),
        "revisions": one("SELECT count(*) FROM revisions"),
        "images": one("SELECT count(*) FROM images"),
        "people": one("SELECT count(*) FROM people"),
        "documents": one("SELECT count(*) FROM documents"),
        "counts": one("SELECT count(*) FROM counts"),
        "date_mentions": one("SELECT count(*) FROM date_mentions"),
        "first_published": one("SELECT min(published_at) FROM articles"),
        "last_published": one("SELECT max(published_at) FROM articles"),
        "wayback_articles": one("SELECT count(*) FROM articles WHERE source = 'wayback'"),
    }
    runs = [_run_dict(r) for r in db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 10")]
    out["last_run"] = runs[0] if runs else None
    out["crawl_runs"] = runs
    return out


def find_article_row(db: sqlite_utils.Database, ref: str) -> dict[str, Any] | None:
    """The ``articles`` row for ``ref``: its exact URL in any host form, else the article id in it
    (a bare id, any slug or query, the English edition's form, a Wayback capture URL; see
    :func:`~crawler.urls.article_ref`). Among rows with that id, one on the same host comes first."""
    url, article_id = article_ref(ref)
    rows = list(db.query("SELECT * FROM articles WHERE url = ?", [url]))
    if not rows and article_id is not None:
        same_host = urlsplit(url).netloc or None
        rows = list(db.query(
            "SELECT * FROM articles WHERE article_id = ? ORDER BY (url LIKE '%://' || ? || '/%') DESC, id LIMIT 1",
            [article_id, same_host],
        ))
    return rows[0] if rows else None


def _place_from(row: dict[str, Any]) -> dict[str, Any] | None:
    place = {f: row[f] for f in PLACE_FIELDS}
    return place if any(v is not None for v in place.values()) else None


def get_article(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """The archived record: the parse record's keys plus ``fetched_at``, ``first_fetched_at``,
    ``content_hash``, ``capture_timestamp``, ``source`` and ``revisions`` (a count).

    ``url`` may be in any host form or a bare article id; ``None`` if it is not archived.
    """
    row = find_article_row(db, url)
    if row is None:
        return None
    aid = row["id"]

    def q(sql: str) -> list[dict[str, Any]]:
        return list(db.query(sql, [aid]))

    authors = [r["name"] for r in q(
        "SELECT a.name FROM article_authors x JOIN authors a ON a.id = x.author_id "
        "WHERE x.article_id = ? ORDER BY x.position"
    )]
    units = [
        {
            "name": r["name"],
            "kind": r["kind"],
            "level": r["level"],
            "mentions": r["mentions"],
            "place": _place_from(r),
        }
        for r in q(
            "SELECT u.*, x.mentions FROM article_units x JOIN units u ON u.id = x.unit_id "
            "WHERE x.article_id = ? ORDER BY x.position"
        )
    ]
    return {
        "url": row["url"],
        "article_id": row["article_id"],
        "category_id": row["category_id"],
        "title": row["title"],
        "lead": row["lead"],
        "body": row["body"],
        "published_at": row["published_at"],
        "published_at_raw": row["published_at_raw"],
        "byline": {"raw": row["byline_raw"], "authors": authors, "source": row["byline_source"]},
        "units": units,
        "related": q("SELECT url, title, lead FROM related WHERE article_id = ? ORDER BY position"),
        "is_congress": bool(row["is_congress"]),
        "images": q("SELECT url, caption FROM images WHERE article_id = ? ORDER BY position"),
        "people": q("SELECT name, position, unit FROM people WHERE article_id = ? ORDER BY seq"),
        "documents": q(
            "SELECT kind, number, code, issuer, date FROM documents WHERE article_id = ? ORDER BY position"
        ),
        "counts": q("SELECT value, noun, unit FROM counts WHERE article_id = ? ORDER BY position"),
        "date_mentions": q(
            'SELECT text, start, "end", precision FROM date_mentions WHERE article_id = ? ORDER BY position'
        ),
        "fetched_at": row["fetched_at"],
        "first_fetched_at": row["first_fetched_at"],
        "content_hash": row["content_hash"],
        "capture_timestamp": row["capture_timestamp"],
        "source": row["source"],
        "revisions": db.execute("SELECT count(*) FROM revisions WHERE article_id = ?", [aid]).fetchone()[0],
    }


def search(db: sqlite_utils.Database, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Full-text search, diacritic-insensitive (``đ`` too); best first.

    Each hit: url, title, published_at, snippet, rank. Raises :class:`crawler.search.QueryError`
    (a ``ValueError``) for a query with nothing to search.
    """
    return run_search(db.conn, query, limit=limit)


def integrity_problems(db: sqlite_utils.Database) -> list[str]:
    """What ``PRAGMA integrity_check``, ``foreign_key_check`` and the FTS5 content checks report
    (an empty list when the archive is sound)."""
    problems = [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
    problems += [f"foreign key: {tuple(r)}" for r in db.execute("PRAGMA foreign_key_check")]
    for table in FTS_TABLES:
        try:
            db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            problems.append(f"{table}: {exc}")
    return problems
