"""CSV and JSON Lines export of the archive for spreadsheets and reports.

Rows are streamed from one SQL cursor (nothing is loaded whole). Every filter is a bound SQL
parameter. CSV is UTF-8 with a BOM (so Excel shows Vietnamese correctly), CRLF line ends and a
header row; text cells a spreadsheet would run as a formula are neutralised with a leading ``'``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TextIO

import sqlite_utils

from crawler.search import build_match, matching_ids_sql
from crawler.text import fold

ARTICLE_COLUMNS: tuple[str, ...] = (
    "url",
    "article_id",
    "title",
    "published_at",
    "authors",
    "units",
    "category_id",
    "is_congress",
    "lead",
)
UNIT_COLUMNS: tuple[str, ...] = ("unit", "unit_kind", "unit_level", "mentions", "district", "commune")
FORMATS: tuple[str, ...] = ("csv", "jsonl")
PER: tuple[str, ...] = ("article", "unit")
LIST_SEPARATOR = "; "
BOM = "\ufeff"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ExportError(ValueError):
    """Bad export options (an unreadable date, an empty query...)."""


@dataclass
class ExportFilters:
    """What to export. Dates are ``YYYY-MM-DD`` (inclusive); names match folded substrings."""

    since: str | None = None
    until: str | None = None
    unit: str | None = None
    author: str | None = None
    query: str | None = None
    congress_only: bool = False


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to a text cell starting with ``= + - @`` (or tab/CR), as OWASP advises for CSV."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _parse_day(value: str, option: str) -> date:
    if not _DATE_RE.match(value):
        raise ExportError(f"{option} must be YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ExportError(f"{option}: {exc}") from exc


def _like(text: str) -> str:
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def build_sql(filters: ExportFilters, per: str = "article") -> tuple[str, dict[str, Any]]:
    """The export query and its parameters; raises :class:`ExportError` for bad options."""
    if per not in PER:
        raise ExportError(f"--per must be one of {', '.join(PER)}")
    where: list[str] = []
    params: dict[str, Any] = {}
    if filters.since:
        params["since"] = _parse_day(filters.since, "--since").isoformat()
        where.append("a.published_at >= :since")
    if filters.until:
        params["until_next"] = (_parse_day(filters.until, "--until") + timedelta(days=1)).isoformat()
        where.append("a.published_at < :until_next")
    if filters.congress_only:
        where.append("a.is_congress = 1")
    if filters.author:
        params["author_like"] = _like(filters.author)
        where.append(
            "EXISTS (SELECT 1 FROM article_authors aa JOIN authors au ON au.id = aa.author_id "
            "WHERE aa.article_id = a.id AND au.name_folded LIKE :author_like ESCAPE '\\')"
        )
    if filters.unit:
        params["unit_like"] = _like(filters.unit)
        where.append(
            "EXISTS (SELECT 1 FROM article_units ux JOIN units uu ON uu.id = ux.unit_id "
            "WHERE ux.article_id = a.id AND uu.name_folded LIKE :unit_like ESCAPE '\\')"
        )
    if filters.query is not None:
        try:
            params["match"] = build_match(filters.query)
        except ValueError as exc:
            raise ExportError(f"--query: {exc}") from exc
        where.append(f"a.id IN ({matching_ids_sql('match')})")
    cols = "a.url, a.article_id, a.title, a.published_at, a.authors, a.units, a.category_id, a.is_congress, a.lead"
    if per == "unit":
        unit_cond = " AND u.name_folded LIKE :unit_like ESCAPE '\\'" if filters.unit else ""
        sql = (
            f"SELECT {cols}, u.name, u.kind, u.level, x.mentions, u.district, u.commune FROM articles a "
            "LEFT JOIN article_units x ON x.article_id = a.id "
            f"LEFT JOIN units u ON u.id = x.unit_id{unit_cond}"
        )
        order = " ORDER BY a.published_at, a.id, x.position"
    else:
        sql = f"SELECT {cols} FROM articles a"
        order = " ORDER BY a.published_at, a.id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if per == "unit" and filters.unit:
        sql += (" AND " if where else " WHERE ") + "u.id IS NOT NULL"
    return sql + order, params


def _names(value: str | None) -> list[str]:
    if not value:
        return []
    try:
        names = json.loads(value)
    except ValueError:
        return [value]
    return [str(n) for n in names] if isinstance(names, list) else [str(names)]


def iter_rows(
    db: sqlite_utils.Database, filters: ExportFilters, per: str = "article"
) -> Iterator[dict[str, Any]]:
    """Stream export rows as dicts (``authors``/``units`` as lists, ``is_congress`` as bool)."""
    sql, params = build_sql(filters, per)
    cursor = db.conn.execute(sql, params)
    for row in cursor:
        out: dict[str, Any] = {
            "url": row[0],
            "article_id": row[1],
            "title": row[2],
            "published_at": row[3],
            "authors": _names(row[4]),
            "units": _names(row[5]),
            "category_id": row[6],
            "is_congress": bool(row[7]),
            "lead": row[8],
        }
        if per == "unit":
            out.update(zip(UNIT_COLUMNS, row[9:15], strict=True))
        yield out


def columns_for(per: str) -> tuple[str, ...]:
    """Output columns for ``--per article`` or ``--per unit``."""
    return ARTICLE_COLUMNS + (UNIT_COLUMNS if per == "unit" else ())


def _csv_cell(column: str, value: Any) -> Any:
    if value is None:
        return ""
    if column in ("authors", "units"):
        return neutralise(LIST_SEPARATOR.join(value))
    if column == "is_congress":
        return 1 if value else 0
    return neutralise(value)


def write_export(
    db: sqlite_utils.Database,
    out: TextIO,
    filters: ExportFilters,
    *,
    fmt: str = "csv",
    per: str = "article",
) -> int:
    """Write the export to ``out`` (opened with ``newline=""``); return the number of data rows.

    The options are checked (and :class:`ExportError` raised) before anything is written.
    """
    if fmt not in FORMATS:
        raise ExportError(f"--format must be one of {', '.join(FORMATS)}")
    columns = columns_for(per)
    rows = iter_rows(db, filters, per)
    build_sql(filters, per)  # validate before the header is written
    count = 0
    if fmt == "csv":
        out.write(BOM)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(c, row[c]) for c in columns])
            count += 1
    else:
        for row in rows:
            out.write(json.dumps({c: row[c] for c in columns}, ensure_ascii=False) + "\n")
            count += 1
    out.flush()
    return count
