"""CSV, JSON Lines and xlsx export of the archive for spreadsheets and reports.

Rows are streamed from one SQL cursor (nothing is loaded whole). Every filter is a bound SQL
parameter. CSV is UTF-8 with a BOM (so Excel shows Vietnamese correctly), CRLF line ends and a
header row; every text cell is quoted (so the ``; `` inside list cells never splits a cell in a
spreadsheet's default import, whatever separators it guesses) and text cells a spreadsheet would run
as a formula are neutralised with a leading ``'``. xlsx (openpyxl, write-only, streamed) has real
date cells, a frozen bold header row, set column widths and an autofilter; its text cells are typed
as text, so nothing in them is ever a formula.

A file export goes through :func:`atomic_output`: :func:`check_output_path` first refuses the
archive itself, its ``-wal``/``-shm``/``-journal`` files and any SQLite file (by header, by path and
by file identity, so symlinks and hard links are caught), then the data is written to a temporary
file in the target directory and renamed into place only when complete.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any, BinaryIO

import sqlite_utils

from crawler.search import build_match, matching_ids_sql
from crawler.text import fold

log = logging.getLogger(__name__)

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
    "date",
    "month",
    "districts",
    "unit_levels",
)
"""Default article columns: the original nine first (users rely on them), then the added ones."""
UNIT_COLUMNS: tuple[str, ...] = ("unit", "unit_kind", "unit_level", "mentions", "district", "commune")
FORMATS: tuple[str, ...] = ("csv", "jsonl", "xlsx")
TEXT_FORMATS: tuple[str, ...] = ("csv", "jsonl")
PER: tuple[str, ...] = ("article", "unit")
LIST_SEPARATOR = "; "
BOM = "\ufeff"
LIST_COLUMNS: tuple[str, ...] = ("authors", "units", "districts", "unit_levels")
SQLITE_HEADER = b"SQLite format 3\x00"
WAL_HEADERS: tuple[bytes, ...] = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
SIDE_FILES: tuple[str, ...] = ("-wal", "-shm", "-journal")
XLSX_MAX_CELL = 32_767
"""Longest text a spreadsheet cell holds (Excel's limit); longer text is cut with a log line."""
XLSX_WIDTHS: dict[str, float] = {
    "url": 48, "article_id": 11, "title": 60, "published_at": 17, "authors": 28, "units": 50,
    "category_id": 11, "is_congress": 11, "lead": 80, "date": 11, "month": 9, "districts": 30,
    "unit_levels": 18, "unit": 40, "unit_kind": 12, "unit_level": 11, "mentions": 10, "district": 22,
    "commune": 22,
}
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_DATE_FORMAT = "yyyy-mm-dd"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PUBLISHED_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_ILLEGAL_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


def where_clause(filters: ExportFilters, alias: str = "a") -> tuple[list[str], dict[str, Any]]:
    """SQL conditions (on ``articles`` as ``alias``) and bound parameters for ``filters``.

    Raises :class:`ExportError` for a bad date or query. Shared by the export, the charts and
    ``hbdt report``, so that all three count the same articles.
    """
    a = alias
    where: list[str] = []
    params: dict[str, Any] = {}
    if filters.since:
        params["since"] = _parse_day(filters.since, "--since").isoformat()
        where.append(f"{a}.published_at >= :since")
    if filters.until:
        params["until_next"] = (_parse_day(filters.until, "--until") + timedelta(days=1)).isoformat()
        where.append(f"{a}.published_at < :until_next")
    if filters.since and filters.until and params["since"] >= params["until_next"]:
        raise ExportError(f"--since {filters.since} is after --until {filters.until}")
    if filters.congress_only:
        where.append(f"{a}.is_congress = 1")
    if filters.author:
        params["author_like"] = _like(filters.author)
        where.append(
            "EXISTS (SELECT 1 FROM article_authors aa JOIN authors au ON au.id = aa.author_id "
            f"WHERE aa.article_id = {a}.id AND au.name_folded LIKE :author_like ESCAPE '\\')"
        )
    if filters.unit:
        params["unit_like"] = _like(filters.unit)
        where.append(
            "EXISTS (SELECT 1 FROM article_units ux JOIN units uu ON uu.id = ux.unit_id "
            f"WHERE ux.article_id = {a}.id AND uu.name_folded LIKE :unit_like ESCAPE '\\')"
        )
    if filters.query is not None:
        try:
            params["match"] = build_match(filters.query)
        except ValueError as exc:
            raise ExportError(f"--query: {exc}") from exc
        where.append(f"{a}.id IN ({matching_ids_sql('match')})")
    return where, params


_ARTICLE_SQL_COLUMNS = (
    "a.url, a.article_id, a.title, a.published_at, a.authors, a.units, a.category_id, a.is_congress, "
    "a.lead, a.month, a.districts, a.unit_levels"
)


def build_sql(filters: ExportFilters, per: str = "article") -> tuple[str, dict[str, Any]]:
    """The export query and its parameters; raises :class:`ExportError` for bad options."""
    if per not in PER:
        raise ExportError(f"--per must be one of {', '.join(PER)}")
    where, params = where_clause(filters)
    cols = _ARTICLE_SQL_COLUMNS
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


def day_of(published_at: str | None) -> str | None:
    """``yyyy-mm-dd`` of an ISO ``published_at`` (its local, ``+07:00`` day), or None."""
    m = _PUBLISHED_RE.match(published_at or "")
    return m.group(1) if m else None


def iter_rows(
    db: sqlite_utils.Database, filters: ExportFilters, per: str = "article"
) -> Iterator[dict[str, Any]]:
    """Stream export rows as dicts (list columns as lists, ``is_congress`` as bool)."""
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
            "date": day_of(row[3]),
            "month": row[9],
            "districts": _names(row[10]),
            "unit_levels": _names(row[11]),
        }
        if per == "unit":
            out.update(zip(UNIT_COLUMNS, row[12:18], strict=True))
        yield out


def columns_for(per: str) -> tuple[str, ...]:
    """All output columns for ``--per article`` or ``--per unit`` (the default selection)."""
    return ARTICLE_COLUMNS + (UNIT_COLUMNS if per == "unit" else ())


def parse_columns(text: str | None, per: str = "article") -> tuple[str, ...]:
    """The ``--columns`` choice (comma-separated names, in the order given) or every column.

    Raises :class:`ExportError` naming unknown or repeated columns and listing the valid ones.
    """
    allowed = columns_for(per)
    if text is None:
        return allowed
    names = [n.strip() for n in text.split(",")]
    if not any(names):
        raise ExportError(f"--columns is empty; choose from: {','.join(allowed)}")
    unknown = [n for n in names if n not in allowed]
    if unknown:
        where = " (unit columns need --per unit)" if per != "unit" and set(unknown) & set(UNIT_COLUMNS) else ""
        raise ExportError(
            f"--columns: unknown column {', '.join(repr(n) for n in unknown)}{where}; "
            f"choose from: {','.join(allowed)}"
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ExportError(f"--columns: column {', '.join(repr(n) for n in repeated)} given twice")
    return tuple(names)


def _csv_cell(column: str, value: Any) -> Any:
    if value is None:
        return ""
    if column in LIST_COLUMNS:
        return neutralise(LIST_SEPARATOR.join(value))
    if column == "is_congress":
        return 1 if value else 0
    return neutralise(value)


def _check_format(fmt: str, per: str, columns: Sequence[str] | None) -> tuple[str, ...]:
    if fmt not in FORMATS:
        raise ExportError(f"--format must be one of {', '.join(FORMATS)}")
    if per not in PER:
        raise ExportError(f"--per must be one of {', '.join(PER)}")
    if columns is None:
        return columns_for(per)
    return parse_columns(",".join(columns), per)


def write_export(
    db: sqlite_utils.Database,
    out: IO[Any],
    filters: ExportFilters,
    *,
    fmt: str = "csv",
    per: str = "article",
    columns: Sequence[str] | None = None,
) -> int:
    """Write the export to ``out`` and return the number of data rows.

    ``out`` is a text stream opened with ``newline=""`` for csv/jsonl, a binary stream for xlsx.
    The options are checked (and :class:`ExportError` raised) before anything is written.
    """
    cols = _check_format(fmt, per, columns)
    build_sql(filters, per)  # validate before the header is written
    if fmt == "xlsx":
        if isinstance(out, io.TextIOBase):
            raise ExportError("xlsx is binary: write it to a file (--out FILE.xlsx)")
        return write_xlsx(db, out, filters, per=per, columns=cols)
    rows = iter_rows(db, filters, per)
    count = 0
    if fmt == "csv":
        out.write(BOM)
        writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(cols)
        for row in rows:
            writer.writerow([_csv_cell(c, row[c]) for c in cols])
            count += 1
    else:
        for row in rows:
            out.write(json.dumps({c: row[c] for c in cols}, ensure_ascii=False) + "\n")
            count += 1
    out.flush()
    return count


# -- xlsx


def _xlsx_text(text: str) -> str:
    clean = _ILLEGAL_XML_RE.sub("\ufffd", text.replace("\r\n", "\n"))  # a spreadsheet line break is \n
    if len(clean) > XLSX_MAX_CELL:
        log.warning("xlsx: a cell of %d characters was cut to %d", len(clean), XLSX_MAX_CELL)
        clean = clean[: XLSX_MAX_CELL - 1] + "…"
    return clean


def published_datetime(published_at: str | None) -> datetime | None:
    """The local (Vietnam, ``+07:00``) wall time of ``published_at`` as a naive datetime, or None.

    Spreadsheets have no time zones; the archive's times are all ``+07:00``, so the wall time is
    what a reader of the paper saw.
    """
    m = _PUBLISHED_RE.match(published_at or "")
    if not m:
        return None
    try:
        day = date.fromisoformat(m.group(1))
        hour, minute, second = (int(g) if g else 0 for g in m.group(2, 3, 4))
        return datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        return None


def _xlsx_value(column: str, value: Any) -> tuple[Any, str | None]:
    """The cell value and its number format (None for the default)."""
    if value is None:
        return None, None
    if column == "published_at":
        when = published_datetime(value)
        return (when, XLSX_DATETIME_FORMAT) if when else (_xlsx_text(str(value)), None)
    if column == "date":
        return date.fromisoformat(value), XLSX_DATE_FORMAT
    if column in LIST_COLUMNS:
        return _xlsx_text(LIST_SEPARATOR.join(value)), None
    if column == "is_congress":
        return (1 if value else 0), None
    if isinstance(value, str):
        return _xlsx_text(value), None
    return value, None


def write_xlsx(
    db: sqlite_utils.Database,
    out: BinaryIO | IO[bytes],
    filters: ExportFilters,
    *,
    per: str = "article",
    columns: Sequence[str] | None = None,
) -> int:
    """Write an xlsx workbook (one sheet, ``articles``) to the binary stream ``out``; return the rows.

    Streamed (openpyxl write-only mode): dates are date cells, the header row is bold and frozen,
    widths are set per column, an autofilter covers the table, text is never a formula.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    cols = _check_format("xlsx", per, columns)
    rows = iter_rows(db, filters, per)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("articles")
    sheet.freeze_panes = "A2"
    for i, column in enumerate(cols, 1):
        sheet.column_dimensions[get_column_letter(i)].width = XLSX_WIDTHS.get(column, 14)
    bold = Font(bold=True)
    header = []
    for column in cols:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    try:
        for row in rows:
            cells: list[Any] = []
            for column in cols:
                value, number_format = _xlsx_value(column, row[column])
                if number_format or (isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES)):
                    cell = WriteOnlyCell(sheet, value=value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # text, even "=..." or "#N/A": never a formula or an error
                    if number_format:
                        cell.number_format = number_format
                    value = cell
                cells.append(value)  # plain values are written as they are (numbers, text)
            sheet.append(cells)
            count += 1
    except BaseException:
        sheet.close()  # ends openpyxl's half-written sheet stream cleanly before the error goes on
        raise
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{count + 1}"
    book.save(out)
    return count


# -- safe output files


class UnsafeOutput(ExportError):
    """The output path is the archive, one of its side files, or an SQLite file."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _protected_paths(db_path: Path) -> list[Path]:
    base = Path(os.path.abspath(db_path))
    real = Path(os.path.realpath(db_path))
    return [p.with_name(p.name + side) for p in dict.fromkeys((base, real)) for side in ("", *SIDE_FILES)]


def check_output_path(out: Path, db_path: Path | None = None) -> Path:
    """The real path to write ``out`` to, or :class:`UnsafeOutput` / :class:`ExportError`.

    Refused: the archive ``db_path`` itself or its ``-wal``/``-shm``/``-journal`` files (by path and
    by file identity, so a symlink or a hard link to them is refused too), any existing file that
    starts with an SQLite database or WAL header, a directory, and a missing directory.
    """
    target = Path(os.path.realpath(out))
    if db_path is not None:
        for protected in _protected_paths(db_path):
            if target == protected or _same_file(out, protected):
                raise UnsafeOutput(f"refusing to write over the archive: {out} is {protected}")
    if target.is_dir():
        raise ExportError(f"{out} is a directory")
    if not target.parent.is_dir():
        raise ExportError(f"no directory {target.parent} for {out}")
    if target.exists():
        try:
            with open(target, "rb") as fh:
                head = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise ExportError(f"cannot read {out} to check it: {exc.strerror}") from exc
        if head.startswith(SQLITE_HEADER):
            raise UnsafeOutput(f"refusing to write over {out}: it is an SQLite database")
        if head[:4] in WAL_HEADERS:
            raise UnsafeOutput(f"refusing to write over {out}: it is an SQLite write-ahead log")
    return target


def _new_file_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_output(out: Path, *, db_path: Path | None = None, binary: bool = False) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``out`` and rename it to ``out`` when the block succeeds.

    ``out`` is checked with :func:`check_output_path` first (and again just before the rename).
    When the block raises (or exits), the temporary file is removed and any existing ``out`` is
    left as it was. Text streams are UTF-8 with ``newline=""``.
    """
    target = check_output_path(out, db_path)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        stream: IO[Any]
        if binary:
            stream = os.fdopen(fd, "wb")
        else:
            stream = os.fdopen(fd, "w", encoding="utf-8", newline="")
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, _new_file_mode(target))
        check_output_path(out, db_path)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
