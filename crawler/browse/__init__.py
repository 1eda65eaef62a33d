"""The hbdt datasette plugin: the archive's face in ``hbdt serve`` and in plain ``datasette archive.db``.

Registered by the ``[project.entry-points.datasette]`` entry ``hbdt`` in pyproject.toml, so an
installed hbdt makes any datasette load it. For every database that is an hbdt archive it

* supplies the shipped metadata (titles, descriptions, default facets, canned queries);
* shows a slim articles listing by default (date, title linking to the article page, authors,
  districts, congress as a word); ``?_col=`` / ``?_nocol=`` still choose other columns;
* sends a search typed in the articles page's search box to ranked search (``/-/hbdt/DB/search``,
  :func:`crawler.search.run_search`: bm25, snippets with highlights, marks honoured when typed);
* renders an article's row as a readable page, and pages per unit, author and person;
* shows words instead of codes (dates dd/mm/yyyy, congress yes/no, categories, unit levels and kinds);
* facets authors, units, unit levels, districts, month, congress and category through the link
  tables (``{"hbdt": "authors"}`` in the metadata, ``?_facet_hbdt=authors`` in a URL), filtered by
  ``?_author=``, ``?_unit=`` (unit id), ``?_level=``, ``?_district=``.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import sqlite3
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from datasette import Response, hookimpl
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args
from markupsafe import Markup, escape

from crawler.browse import pages, words
from crawler.search import QueryError

log = logging.getLogger(__name__)

PLUGIN = "hbdt"
"""The plugin name datasette gives the entry point (its static files are under /-/static-plugins/hbdt/)."""
METADATA_FILE = Path(__file__).resolve().parent.parent / "datasette" / "metadata.json"
METADATA_DB_KEY = "archive"
DEFAULT_COLUMNS: tuple[str, ...] = ("published_at", "title", "authors", "districts", "is_congress")
"""The articles listing's columns unless the URL chooses others."""
RAW_ARG = "_raw"
"""``?_raw=1`` keeps datasette's own page (the row as a table, the table with datasette's search)."""
_ARTICLES_PATH_RE = re.compile(r"^/(?P<db>[^/]+)/articles(?:(?P<ext>\.json|\.csv)|/(?P<row>\d+))?$")
_SEARCH_ONLY_ARGS = {"_search", "_col", "_nocol", "_nosuggest", "_size", "_searchmode"}
"""A table request with only these arguments is a plain search: it goes to the ranked search page."""
_RANK_SORTS = {("_sort", "rank"), ("_sort_desc", "rank")}
"""Sorting the table by relevance, which datasette answers with HTTP 500 ("Cannot sort table by rank")."""

_archives: dict[str, bool] = {}
_metadata_cache: dict[str, Any] = {}


def _is_archive_file(path: str) -> bool:
    """Whether the SQLite file at ``path`` is an hbdt archive (cached per path)."""
    if path not in _archives:
        try:
            conn = sqlite3.connect(f"file:{urllib.parse.quote(path)}?mode=ro", uri=True)
            try:
                _archives[path] = pages.is_hbdt_archive(conn)
            finally:
                conn.close()
        except sqlite3.Error as exc:
            log.warning("hbdt plugin: cannot read %s: %s", path, exc)
            _archives[path] = False
    return _archives[path]


def archive_names(datasette: Any) -> list[str]:
    """Names of the attached databases that are hbdt archives."""
    return [
        name for name, db in datasette.databases.items()
        if getattr(db, "path", None) and _is_archive_file(str(db.path))
    ]


def _shipped_database_metadata() -> dict[str, Any]:
    return dict(_metadata_cache["databases"][METADATA_DB_KEY])


@hookimpl
def get_metadata(datasette: Any, key: Any, database: Any, table: Any) -> dict[str, Any]:
    """The shipped metadata for every hbdt archive (a ``--metadata`` file still takes precedence)."""
    names = archive_names(datasette)
    if not names:
        return {}
    if not _metadata_cache:
        _metadata_cache.update(json.loads(METADATA_FILE.read_text(encoding="utf-8")))
    top = {k: v for k, v in _metadata_cache.items() if k != "databases"}
    top.pop("extra_css_urls", None)  # the plugin adds its own stylesheet
    # a copy: datasette merges other metadata into what it is given
    return copy.deepcopy({**top, "databases": {name: _shipped_database_metadata() for name in names}})


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins(PLUGIN, "browse.css")]


# --------------------------------------------------------------------------- requests


def _query_pairs(scope: dict[str, Any]) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)


def _wants_html(scope: dict[str, Any]) -> bool:
    return scope.get("type") == "http" and scope.get("method", "GET") in ("GET", "HEAD")


def _redirect(location: str) -> Callable[[Any, Any], Awaitable[None]]:
    async def app(receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 302,
                    "headers": [(b"location", location.encode("utf-8")), (b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b""})

    return app


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    """Route the articles table's HTML pages to the hbdt pages (see the module docstring)."""

    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            m = _ARTICLES_PATH_RE.match(scope.get("path", "")) if _wants_html(scope) else None
            if m is None or urllib.parse.unquote(m.group("db")) not in archive_names(datasette):
                await app(scope, receive, send)
                return
            db = urllib.parse.unquote(m.group("db"))
            pairs = _query_pairs(scope)
            keys = {k for k, _ in pairs}
            search = next((v for k, v in pairs if k == "_search"), "").strip()
            by_rank = any(pair in _RANK_SORTS for pair in pairs)
            if by_rank and search and m.group("ext") == ".json":
                target = datasette.urls.path(f"/-/hbdt/{urllib.parse.quote(db)}/search.json?" + urllib.parse.urlencode({"q": search}))
                await _redirect(target)(receive, send)
                return
            if by_rank:  # otherwise datasette's default order rather than an error
                pairs = [pair for pair in pairs if pair not in _RANK_SORTS]
                scope = {**scope, "query_string": urllib.parse.urlencode(pairs).encode("latin-1")}
            if m.group("ext") == ".json" and not keys & {"_nosuggest", "_suggest"}:
                # facet suggestions cost about 2 s at 200,000 articles; ?_suggest=1 asks for them
                pairs.append(("_nosuggest", "1"))
                scope = {**scope, "query_string": urllib.parse.urlencode(pairs).encode("latin-1")}
            if RAW_ARG in keys or m.group("ext"):
                await app(scope, receive, send)
                return
            if m.group("row"):
                target = datasette.urls.path(f"/-/hbdt/{urllib.parse.quote(db)}/article/{m.group('row')}")
                await _redirect(target)(receive, send)
                return
            if search and not keys - _SEARCH_ONLY_ARGS:  # with filters or a sort, stay in the table
                target = datasette.urls.path(f"/-/hbdt/{urllib.parse.quote(db)}/search?" + urllib.parse.urlencode({"q": search}))
                await _redirect(target)(receive, send)
                return
            added = [] if keys & {"_col", "_nocol"} else [("_col", c) for c in DEFAULT_COLUMNS]
            if "_nosuggest" not in keys:  # suggestions are not shown (CSS) and cost seconds at 200,000 rows
                added.append(("_nosuggest", "1"))
            if added:
                qs = scope.get("query_string", b"").decode("latin-1")
                extra = urllib.parse.urlencode(added)
                scope = {**scope, "query_string": ((qs + "&" if qs else "") + extra).encode("latin-1")}
            await app(scope, receive, send)

        return wrapped

    return wrap


# --------------------------------------------------------------------------- cells


_EMPTY = Markup('<span class="hbdt-empty"></span>')
"""An empty cell (datasette shows its own rendering, ``[]``, for an empty string)."""


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>'


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    """Words instead of codes, and links to the hbdt pages, in the archive's tables."""
    if table not in ("articles", "units", "unit_coverage") or database not in archive_names(datasette):
        return None
    base = datasette.urls.path(f"/-/hbdt/{urllib.parse.quote(database)}")
    if table == "articles":
        if column == "published_at" and value:
            day = words.day_month_year(value)
            return Markup(f'<span title="{escape(value)}">{escape(day)}</span>') if day else None
        if column == "title":
            try:
                row_id = row["id"]
            except (KeyError, IndexError):
                return None
            return Markup(_link(f"{base}/article/{row_id}", value or "(untitled)"))
        if column == "authors":
            names = words.json_list(value)
            return Markup(", ".join(_link(f"{base}/author?" + urllib.parse.urlencode({"name": n}), n) for n in names)) or _EMPTY
        if column in ("districts", "units"):
            return Markup(escape(", ".join(words.json_list(value)))) or _EMPTY
        if column == "unit_levels":
            return Markup(escape(", ".join(words.level_word(v) or v for v in words.json_list(value)))) or _EMPTY
        if column == "is_congress":
            return Markup(escape(words.congress_word(value) or ""))
        if column == "category_id" and value is not None:
            return Markup(f'<span title="{escape(value)}">{escape(words.category_name(value) or value)}</span>')
        return None
    if column == "kind" and value:
        return Markup(f'<span title="{escape(value)}">{escape(words.kind_word(value))}</span>')
    if column == "level" and value:
        return Markup(f'<span title="{escape(value)}">{escape(words.level_word(value))}</span>')
    if column == "name" and value:
        key = "id" if table == "units" else "unit_id"
        try:
            unit_id = row[key]
        except (KeyError, IndexError):
            return None
        return Markup(_link(f"{base}/unit/{unit_id}", value))
    return None


# --------------------------------------------------------------------------- facets and filters


class LinkFacet(Facet):
    """Facets of the articles table counted through the link tables (fast at 200,000 articles),
    with words for labels. Config: ``{"hbdt": "authors"}``; URL: ``?_facet_hbdt=authors``."""

    type = "hbdt"

    # unit_levels and districts: the articles' JSON lists (kept by the writer, indexed) counted per
    # distinct list, then per value in Python: an index-only scan of a few hundred lists at most
    COMBOS = "select {column} as combo, count(*) as count from {source} group by {column}"

    # name → (SQL counting articles per value; {restrict} is empty or "and x.article_id in (...)",
    #         the URL argument that filters by a value)
    QUERIES: dict[str, tuple[str, str]] = {
        "authors": (
            "select au.name as value, au.name as label, count(*) as count from article_authors x "
            "join authors au on au.id = x.author_id where 1 {restrict} group by x.author_id "
            "order by count desc, value limit {limit}",
            "_author",
        ),
        "units": (
            "select u.id as value, u.name || coalesce(' · ' || u.district, '') as label, count(*) as count "
            "from article_units x join units u on u.id = x.unit_id where 1 {restrict} group by x.unit_id "
            "order by count desc, label limit {limit}",
            "_unit",
        ),
        "unit_levels": (COMBOS, "_level"),
        "districts": (COMBOS, "_district"),
        "month": (
            "select month as value, month as label, count(*) as count from {source} "
            "where month is not null group by month order by month desc limit {limit}",
            "month",
        ),
        "is_congress": (
            "select is_congress as value, is_congress as label, count(*) as count from {source} "
            "group by is_congress order by count desc limit {limit}",
            "is_congress",
        ),
        "category_id": (
            "select category_id as value, category_id as label, count(*) as count from {source} "
            "where category_id is not null group by category_id order by count desc limit {limit}",
            "category_id",
        ),
    }
    TITLES: dict[str, str] = {
        "is_congress": "Congress coverage",
        "month": "Month",
        "authors": "Author",
        "districts": "District",
        "unit_levels": "Unit level",
        "units": "Unit named",
        "category_id": "Category",
    }
    LABELS: dict[str, Callable[[Any], str | None]] = {
        "unit_levels": words.level_word,
        "month": words.month_words,
        "is_congress": words.congress_word,
        "category_id": words.category_name,
    }

    def _filtered(self) -> bool:
        """Whether the page's table is filtered (else the counts are over the whole table)."""
        return " where " in f" {self.sql.lower()} ".replace("\n", " ")

    def _restrict(self) -> str:
        """The clause limiting link-table counts to the page's filtered rows ('' when unfiltered)."""
        return f"and x.article_id in (select id from ({self.sql}))" if self._filtered() else ""

    @staticmethod
    def _expand(rows: Any, limit: int) -> list[dict[str, Any]]:
        """Counts per distinct JSON list → counts per value, most first (then by value)."""
        counts: dict[str, int] = {}
        for row in rows:
            for value in words.json_list(row["combo"]):
                counts[value] = counts.get(value, 0) + row["count"]
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [{"value": v, "label": v, "count": c} for v, c in ranked]

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        if self.table != "articles":
            return results, timed_out
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for order, source_and_config in enumerate(self.get_configs()):
            config = source_and_config["config"]
            name = config.get("simple") or config.get("column")
            if name not in self.QUERIES:
                continue
            template, arg = self.QUERIES[name]
            # the page's filtered rows, or the whole table (index-only scans of the facet indexes)
            source = f"({self.sql})" if self._filtered() else "articles"
            if template is self.COMBOS:
                sql = template.format(column=name, source=source)
            else:
                sql = template.format(restrict=self._restrict(), source=source, limit=size + 1)
            try:
                rows = await self.ds.execute(
                    self.database, sql, self.params, truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except Exception as exc:  # noqa: BLE001 - datasette raises QueryInterrupted and sqlite errors
                if type(exc).__name__ != "QueryInterrupted":
                    log.warning("hbdt facet %s failed: %s", name, exc)
                timed_out.append(name)
                continue
            found = rows.rows if template is not self.COMBOS else self._expand(rows.rows, size + 1)
            label_of = self.LABELS.get(name)
            values = []
            for row in found[:size]:
                value = row["value"]
                selected = (arg, str(value)) in pairs
                toggle = (path_with_removed_args if selected else path_with_added_args)(self.request, {arg: str(value)})
                label = row["label"]
                values.append({
                    "value": value,
                    "label": (label_of(label) if label_of else None) or str(label),
                    "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, toggle),
                    "selected": selected,
                })
            results.append({
                "name": name,
                "type": self.type,
                "title": self.TITLES[name],
                "order": order,
                "results": values,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_hbdt": name})),
                "truncated": len(found) > size,
            })
        return results, timed_out


@hookimpl
def register_facet_classes() -> list[type]:
    return [LinkFacet]


FILTERS: dict[str, tuple[str, str]] = {
    "_author": (
        "id in (select article_id from article_authors where author_id in "
        "(select id from authors where name = :{p}))",
        "author is {v}",
    ),
    "_unit": ("id in (select article_id from article_units where unit_id = :{p})", "names unit #{v}"),
    "_level": (
        "id in (select x.article_id from units u join article_units x on x.unit_id = u.id where u.level = :{p})",
        "names a unit of level {v}",
    ),
    "_district": (
        "id in (select x.article_id from units u join article_units x on x.unit_id = u.id where u.district = :{p})",
        "names a unit in {v}",
    ),
}
"""URL arguments that filter articles through the link tables: (where clause, description)."""


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> FilterArguments | None:
    if table != "articles" or database not in archive_names(datasette):
        return None
    clauses, params, described = [], {}, []
    pairs = [(k, v) for k in FILTERS for v in request.args.getlist(k)]
    for i, (arg, value) in enumerate(pairs):
        sql, human = FILTERS[arg]
        p = f"hbdt_{arg.strip('_')}_{i}"
        clauses.append(sql.format(p=p))
        params[p] = value
        label = words.level_word(value) if arg == "_level" else value
        described.append(human.format(v=f'"{label}"'))
    if not clauses:
        return None
    return FilterArguments(clauses, params=params, human_descriptions=described)


# --------------------------------------------------------------------------- pages


async def _page(datasette: Any, request: Any, template: str, context: dict[str, Any], status: int = 200) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


def _database(datasette: Any, request: Any) -> tuple[str, Any] | None:
    name = request.url_vars["db"]
    if name not in archive_names(datasette):
        return None
    return name, datasette.get_database(name)


async def _not_found(datasette: Any, request: Any, what: str) -> Response:
    return await _page(datasette, request, "hbdt_message.html", {"title": "Not found", "message": what}, 404)


async def search_page(datasette: Any, request: Any) -> Response:
    found = _database(datasette, request)
    if found is None:
        return await _not_found(datasette, request, "No hbdt archive of that name.")
    name, db = found
    query = (request.args.get("q") or "").strip()
    raw_limit = request.args.get("limit") or ""
    limit = min(int(raw_limit), pages.MAX_SEARCH_LIMIT) if raw_limit.isdigit() and int(raw_limit) > 0 else pages.SEARCH_LIMIT
    hits: list[dict[str, Any]] = []
    error = None
    if query:
        try:
            hits = await db.execute_fn(lambda conn: pages.search(conn, query, limit))
        except QueryError as exc:
            error = str(exc)
    context = {
        "database": name, "query": query, "hits": hits, "error": error,
        "limit": limit,
        "more_url": datasette.urls.path(f"/-/hbdt/{urllib.parse.quote(name)}/search?")
        + urllib.parse.urlencode({"q": query, "limit": min(limit * 4, pages.MAX_SEARCH_LIMIT)}),
        "table_url": datasette.urls.table(name, "articles") + "?" + urllib.parse.urlencode(
            {"_search": query, "_sort_desc": "published_at"}
        ),
        "csv_url": datasette.urls.table(name, "articles", format="csv") + "?" + urllib.parse.urlencode({"_search": query}),
        "base": datasette.urls.path(f"/-/hbdt/{urllib.parse.quote(name)}"),
    }
    return await _page(datasette, request, "hbdt_search.html", context)


async def search_json(datasette: Any, request: Any) -> Response:
    """``/-/hbdt/DB/search.json?q=...&limit=N``: the ranked hits as JSON (as ``hbdt search --json``,
    plus ``id`` and ``rank``); a query with nothing to search gives HTTP 400 and one message."""
    found = _database(datasette, request)
    if found is None:
        return Response.json({"ok": False, "error": "no hbdt archive of that name"}, status=404)
    _, db = found
    query = request.args.get("q") or ""
    raw_limit = request.args.get("limit") or ""
    limit = min(int(raw_limit), pages.MAX_SEARCH_LIMIT) if raw_limit.isdigit() else pages.SEARCH_LIMIT
    try:
        hits = await db.execute_fn(lambda conn: pages.search(conn, query, limit))
    except QueryError as exc:
        return Response.json({"ok": False, "error": str(exc)}, status=400)
    keys = ("id", "url", "title", "published_at", "snippet", "rank")
    return Response.json({"ok": True, "query": query, "rows": [{k: h[k] for k in keys} for h in hits]})


async def article_page(datasette: Any, request: Any) -> Response:
    found = _database(datasette, request)
    if found is None:
        return await _not_found(datasette, request, "No hbdt archive of that name.")
    name, db = found
    row_id = int(request.url_vars["id"])
    record = await db.execute_fn(lambda conn: pages.article(conn, row_id))
    if record is None:
        return await _not_found(datasette, request, f"No article #{row_id} in {name}.")
    context = {
        "database": name, "a": record,
        "base": datasette.urls.path(f"/-/hbdt/{urllib.parse.quote(name)}"),
        "raw_url": datasette.urls.row(name, "articles", str(row_id)) + f"?{RAW_ARG}=1",
        "json_url": datasette.urls.row(name, "articles", str(row_id), format="json"),
    }
    return await _page(datasette, request, "hbdt_article.html", context)


async def _entity_page(datasette: Any, request: Any, load: Callable[[sqlite3.Connection], Any], what: str) -> Response:
    found = _database(datasette, request)
    if found is None:
        return await _not_found(datasette, request, "No hbdt archive of that name.")
    name, db = found
    entity = await db.execute_fn(load)
    if entity is None:
        return await _not_found(datasette, request, f"No {what} in {name}.")
    context = {"database": name, "e": entity, "base": datasette.urls.path(f"/-/hbdt/{urllib.parse.quote(name)}"),
               "limit": pages.ENTITY_LIMIT, "table_url": None}
    if entity.get("filter"):
        context["table_url"] = datasette.urls.table(name, "articles") + "?" + urllib.parse.urlencode([entity["filter"]])
    return await _page(datasette, request, "hbdt_entity.html", context)


async def unit_page(datasette: Any, request: Any) -> Response:
    unit_id = int(request.url_vars["id"])
    return await _entity_page(datasette, request, lambda conn: pages.unit(conn, unit_id), f"unit #{unit_id}")


async def author_page(datasette: Any, request: Any) -> Response:
    name = request.args.get("name") or ""
    raw_id = request.args.get("id") or ""

    def load(conn: sqlite3.Connection) -> Any:
        if raw_id.isdigit():
            return pages.author(conn, int(raw_id))
        row = conn.execute("select id from authors where name = ?", [name]).fetchone()
        return pages.author(conn, row[0]) if row else None

    return await _entity_page(datasette, request, load, f"author {name or raw_id!r}")


async def person_page(datasette: Any, request: Any) -> Response:
    name = request.args.get("name") or ""
    return await _entity_page(datasette, request, lambda conn: pages.person(conn, name), f"person {name!r}")


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Awaitable[Response]]]]:
    prefix = r"^/-/hbdt/(?P<db>[^/]+)"
    return [
        (prefix + r"/search$", search_page),
        (prefix + r"/search\.json$", search_json),
        (prefix + r"/article/(?P<id>\d+)$", article_page),
        (prefix + r"/unit/(?P<id>\d+)$", unit_page),
        (prefix + r"/author$", author_page),
        (prefix + r"/person$", person_page),
    ]
