"""What the hbdt pages in datasette show: plain functions over a SQLite connection (run in
datasette's read-only connection via ``execute_fn``)."""

from __future__ import annotations

import html
import re
import sqlite3
from typing import Any

import sqlite_utils

from crawler import archive
from crawler.browse import words
from crawler.search import run_search

WAYBACK = "https://web.archive.org/web/{stamp}/{url}"
SITE_NAME = "Báo Hòa Bình điện tử"
SEARCH_LIMIT = 50
MAX_SEARCH_LIMIT = 1000
ENTITY_LIMIT = 500
_PARAGRAPH_RE = re.compile(r"\n\s*\n")
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"


def is_hbdt_archive(conn: sqlite3.Connection) -> bool:
    """Whether the database is an hbdt archive (it has the articles table and the title index)."""
    names = {row[0] for row in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
    return {"articles", "article_authors", "article_units", "articles_head_fts"} <= names


def paragraphs(body: str | None) -> list[str]:
    """The body's paragraphs (separated by a blank line in the archive)."""
    return [p.strip() for p in _PARAGRAPH_RE.split(body or "") if p.strip()]


def wayback_url(url: str, capture_timestamp: str | None) -> str:
    """The Internet Archive capture of ``url`` (the stored capture, else the capture list)."""
    return WAYBACK.format(stamp=capture_timestamp or "*", url=url)


def citation(authors: list[str], title: str | None, published_at: str | None, url: str, fetched_at: str | None) -> str:
    """A citation line: ``Việt Lâm, "Title", Báo Hòa Bình điện tử, 16/10/2019, URL (archived 05/12/2026).``"""
    parts = [", ".join(authors)] if authors else []
    parts.append(f"“{title or '(untitled)'}”")
    parts.append(SITE_NAME)
    day = words.day_month_year(published_at)
    if day:
        parts.append(day)
    parts.append(url)
    line = ", ".join(parts)
    archived = words.day_month_year(fetched_at)
    return line + (f" (archived {archived})." if archived else ".")


def highlighted(snippet: str) -> str:
    """A snippet cut with the private marks, as HTML with ``<mark>``."""
    return html.escape(snippet).replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>")


def article(conn: sqlite3.Connection, row_id: int) -> dict[str, Any] | None:
    """Everything the article page shows, or ``None`` when there is no such row."""
    found = conn.execute("select url from articles where id = ?", [row_id]).fetchone()
    if found is None:
        return None
    db = sqlite_utils.Database(conn)
    record = archive.get_article(db, found[0])
    if record is None:
        return None
    record["id"] = row_id
    record["paragraphs"] = paragraphs(record["body"])
    record["date"] = words.day_month_year_time(record["published_at"])
    record["fetched_day"] = words.day_month_year_time(record["fetched_at"]) or record["fetched_at"]
    record["author_links"] = [
        {"name": name, "id": author_id}
        for name, author_id in conn.execute(
            "select au.name, au.id from article_authors x join authors au on au.id = x.author_id "
            "where x.article_id = ? order by x.position",
            [row_id],
        )
    ]
    record["unit_links"] = [
        {"id": r[0], "name": r[1], "kind": words.kind_word(r[2]), "level": words.level_word(r[3]),
         "district": r[4], "mentions": r[5]}
        for r in conn.execute(
            "select u.id, u.name, u.kind, u.level, u.district, x.mentions from article_units x "
            "join units u on u.id = x.unit_id where x.article_id = ? order by x.position",
            [row_id],
        )
    ]
    record["related_links"] = [
        {"url": r[0], "title": r[1], "lead": r[2], "archived": r[3]}
        for r in conn.execute(
            "select url, title, lead, related_article from related where article_id = ? order by position", [row_id]
        )
    ]
    record["category"] = words.category_name(record["category_id"]) if record["category_id"] is not None else None
    record["congress"] = words.congress_word(int(record["is_congress"]))
    record["wayback"] = wayback_url(record["url"], record["capture_timestamp"])
    record["citation"] = citation(
        record["byline"]["authors"], record["title"], record["published_at"], record["url"], record["fetched_at"]
    )
    return record


_LISTING_SQL = """
select a.id, a.title, a.published_at, a.is_congress, a.lead,
       (select group_concat(au.name, ', ') from article_authors x join authors au on au.id = x.author_id
        where x.article_id = a.id) as authors
from articles a where a.id in ({ids})
order by a.published_at desc, a.id desc
"""


def _listing(conn: sqlite3.Connection, id_sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """The articles whose ids ``id_sql`` selects, newest first (at most ``ENTITY_LIMIT``)."""
    sql = _LISTING_SQL.format(ids=id_sql) + f" limit {ENTITY_LIMIT}"
    out = []
    for r in conn.execute(sql, params):
        out.append({"id": r[0], "title": r[1], "date": words.day_month_year(r[2]),
                    "congress": words.congress_word(r[3]), "lead": r[4], "authors": r[5]})
    return out


def unit(conn: sqlite3.Connection, unit_id: int) -> dict[str, Any] | None:
    """A unit with the articles naming it, newest first."""
    row = conn.execute(
        "select id, name, kind, level, province, district, commune, new_province, new_commune from units where id = ?",
        [unit_id],
    ).fetchone()
    if row is None:
        return None
    place = ", ".join(p for p in (row[6], row[5], row[4]) if p)
    new_place = ", ".join(p for p in (row[8], row[7]) if p)
    total = conn.execute("select count(*) from article_units where unit_id = ?", [unit_id]).fetchone()[0]
    return {
        "kind_of_page": "Unit", "name": row[1],
        "facts": [("Kind", words.kind_word(row[2])), ("Level", words.level_word(row[3])),
                  ("Place (before 2025)", place or None), ("Place (after 2025)", new_place or None),
                  ("Articles", total)],
        "articles": _listing(conn, "select article_id from article_units where unit_id = ?", [unit_id]),
        "total": total, "filter": ("_unit", str(unit_id)),
    }


def author(conn: sqlite3.Connection, author_id: int) -> dict[str, Any] | None:
    """An author with their articles, newest first."""
    row = conn.execute("select id, name from authors where id = ?", [author_id]).fetchone()
    if row is None:
        return None
    total = conn.execute("select count(*) from article_authors where author_id = ?", [author_id]).fetchone()[0]
    return {
        "kind_of_page": "Author", "name": row[1], "facts": [("Articles", total)],
        "articles": _listing(conn, "select article_id from article_authors where author_id = ?", [author_id]),
        "total": total, "filter": ("_author", row[1]),
    }


def person(conn: sqlite3.Connection, name: str) -> dict[str, Any] | None:
    """A person (by name as printed) with their positions and the articles naming them."""
    positions = [
        (r[0], r[1], r[2])
        for r in conn.execute(
            "select position, unit, count(*) from people where name = ? group by position, unit order by 3 desc",
            [name],
        )
    ]
    if not positions:
        return None
    total = conn.execute("select count(distinct article_id) from people where name = ?", [name]).fetchone()[0]
    facts: list[tuple[str, Any]] = [
        ("Position", " ".join(p for p in (pos, unit_) if p) + f" ({count})") for pos, unit_, count in positions[:8]
    ]
    facts.append(("Articles", total))
    return {
        "kind_of_page": "Person", "name": name, "facts": facts,
        "articles": _listing(conn, "select article_id from people where name = ?", [name]),
        "total": total,
    }


def search(conn: sqlite3.Connection, query: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """Ranked hits of :func:`crawler.search.run_search` (marks honoured when typed), each with
    the article's row id, date in words, authors and an HTML snippet with ``<mark>``.
    Raises :class:`crawler.search.QueryError` for a query with nothing to search."""
    hits = run_search(conn, query, limit=limit, marks=(_MARK_OPEN, _MARK_CLOSE), exact_marks=True)
    if not hits:
        return []
    for hit in hits:
        hit["snippet_html"] = highlighted(hit["snippet"])
        hit["snippet"] = hit["snippet"].replace(_MARK_OPEN, "[").replace(_MARK_CLOSE, "]")
    urls = [h["url"] for h in hits]
    sql = (
        "select a.url, a.id, a.is_congress, (select group_concat(au.name, ', ') from article_authors x "
        "join authors au on au.id = x.author_id where x.article_id = a.id) from articles a "
        f"where a.url in ({', '.join('?' for _ in urls)})"
    )
    extra = {r[0]: r[1:] for r in conn.execute(sql, urls)}
    out = []
    for position, hit in enumerate(hits, 1):
        row_id, congress, authors = extra.get(hit["url"], (None, None, None))
        out.append({**hit, "position": position, "id": row_id, "date": words.day_month_year(hit["published_at"]),
                    "congress": words.congress_word(congress), "authors": authors})
    return out
