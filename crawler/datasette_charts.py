"""A datasette plugin serving the coverage charts of :mod:`crawler.charts` (server-side SVG, no JS).

Registered as the ``hbdt_charts`` entry point of the ``datasette`` group, so it is active in
``hbdt serve`` and in plain ``datasette archive.db`` once hbdt is installed. Routes:

* ``/-/hbdt-charts`` — the charts of every hbdt archive served (``?db=NAME`` for one), with a
  form for ``since``, ``until`` (``YYYY-MM-DD``) and ``congress=1``;
* ``/-/hbdt-charts/<db>/<chart>.svg`` — one chart as ``image/svg+xml`` (``month``,
  ``district_month``, ``level``), same query parameters;
* ``/-/hbdt-charts/<db>/report.html`` — the ``hbdt report`` page for the same filters, as a
  download.

A database counts as an hbdt archive when its ``articles`` table has ``month``, ``districts`` and
``unit_levels`` columns; others are left out (or answered with 404). The menu gets a
"Biểu đồ" link and each archive's database actions a link to its charts.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

from crawler.charts import CHART_TITLES, coverage_charts
from crawler.export import ExportError, ExportFilters, where_clause
from crawler.report import render_report

PATH = "/-/hbdt-charts"
REQUIRED_COLUMNS = frozenset({"month", "districts", "unit_levels", "published_at", "is_congress"})

PAGE = """{% extends "base.html" %}
{% block title %}Biểu đồ đưa tin{% if only %} — {{ only }}{% endif %}{% endblock %}
{% block extra_head %}<style>
.hbdt-charts figure{margin:1rem 0;overflow-x:auto}.hbdt-charts form{margin:1rem 0}
.hbdt-charts form label{margin-right:1rem}.hbdt-charts .error{color:#9b2c2c}
</style>{% endblock %}
{% block content %}
<div class="hbdt-charts">
<h1>Biểu đồ đưa tin</h1>
<form action="{{ path }}" method="get">
{% if only %}<input type="hidden" name="db" value="{{ only }}">{% endif %}
<label>Từ ngày <input type="date" name="since" value="{{ since or '' }}"></label>
<label>Đến ngày <input type="date" name="until" value="{{ until or '' }}"></label>
<label><input type="checkbox" name="congress" value="1"{% if congress %} checked{% endif %}> Chỉ bài về đại hội Đảng</label>
<input type="submit" value="Vẽ lại">
</form>
{% if error %}<p class="error">{{ error }}</p>{% endif %}
{% if not archives %}<p>Không có kho bài hbdt nào trong các cơ sở dữ liệu đang mở.</p>{% endif %}
{% for name, charts in archives %}
<section class="hbdt-archive" data-database="{{ name }}">
{% if archives|length > 1 %}<h2>{{ name }}</h2>{% endif %}
<p><a class="hbdt-report" href="{{ path }}/{{ name }}/report.html{{ query }}">Tải báo cáo HTML (bản in, xem ngoại tuyến)</a></p>
{% for key, svg in charts %}
<figure id="{{ name }}-{{ key }}" aria-label="{{ titles[key] }}">{{ svg|safe }}
<figcaption><a href="{{ path }}/{{ name }}/{{ key }}.svg{{ query }}">SVG</a></figcaption></figure>
{% endfor %}
</section>
{% endfor %}
</div>
{% endblock %}
"""


def is_archive(conn: sqlite3.Connection) -> bool:
    """True when ``conn``'s database has an hbdt ``articles`` table."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    return REQUIRED_COLUMNS <= columns


def filters_from(args: Any) -> ExportFilters:
    """The chart filters from a request's query string; :class:`ExportError` for bad dates."""
    filters = ExportFilters(
        since=(args.get("since") or "").strip() or None,
        until=(args.get("until") or "").strip() or None,
        congress_only=(args.get("congress") or "") in ("1", "on", "true"),
    )
    where_clause(filters)
    return filters


async def _archives(datasette: Any, request: Any, only: str | None) -> list[str]:
    names = []
    for name, db in datasette.databases.items():
        if name == "_internal" or (only and name != only):
            continue
        allowed = await datasette.permission_allowed(request.actor, "view-database", resource=name, default=True)
        if allowed and await db.execute_fn(is_archive):
            names.append(name)
    return names


async def charts_page(datasette: Any, request: Any) -> Response:
    """The HTML page with every (or one) archive's charts."""
    only = request.args.get("db") or None
    error = None
    try:
        filters = filters_from(request.args)
    except ExportError as exc:
        error, filters = str(exc), ExportFilters()
    names = await _archives(datasette, request, only)
    if only and not names:
        return Response.html(f"No hbdt archive called {only!r}", status=404)
    archives = []
    for name in names:
        prefix = f"{name}-chart"
        charts = await datasette.get_database(name).execute_fn(
            lambda conn, prefix=prefix: coverage_charts(conn, filters, id_prefix=prefix)
        )
        archives.append((name, list(charts.items())))
    query = request.query_string
    html = await datasette.render_template(
        datasette.jinja_env.from_string(PAGE),
        {
            "archives": archives, "only": only, "since": filters.since, "until": filters.until,
            "congress": filters.congress_only, "error": error, "titles": CHART_TITLES,
            "path": datasette.urls.path(PATH), "query": f"?{query}" if query else "",
        },
        request=request,
    )
    return Response.html(html, status=400 if error else 200)


async def _checked_filters(datasette: Any, request: Any, name: str) -> Any:
    """The request's export filters, or the 400/404 response when they or the archive are wrong."""
    try:
        filters = filters_from(request.args)
    except ExportError as exc:
        return Response.text(str(exc), status=400)
    if name not in await _archives(datasette, request, name):
        return Response.text(f"no hbdt archive called {name!r}", status=404)
    return filters


async def chart_svg(datasette: Any, request: Any) -> Response:
    """One chart of one archive as an SVG document."""
    name, key = request.url_vars["database"], request.url_vars["chart"]
    if key not in CHART_TITLES:
        return Response.text(f"unknown chart {key!r}; one of {', '.join(CHART_TITLES)}", status=404)
    checked = await _checked_filters(datasette, request, name)
    if isinstance(checked, Response):
        return checked
    filters = checked
    charts = await datasette.get_database(name).execute_fn(lambda conn: coverage_charts(conn, filters))
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + charts[key],
        content_type="image/svg+xml; charset=utf-8",
    )


async def report_html(datasette: Any, request: Any) -> Response:
    """The self-contained coverage report of one archive, as a file to save."""
    name = request.url_vars["database"]
    checked = await _checked_filters(datasette, request, name)
    if isinstance(checked, Response):
        return checked
    filters = checked
    page = await datasette.get_database(name).execute_fn(lambda conn: render_report(conn, filters))
    response = Response.html(page)
    response.headers["content-disposition"] = f'attachment; filename="hbdt-report-{name}.html"'
    return response


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [
        (r"^/-/hbdt-charts$", charts_page),
        (r"^/-/hbdt-charts/(?P<database>[^/]+)/(?P<chart>[a-z_]+)\.svg$", chart_svg),
        (r"^/-/hbdt-charts/(?P<database>[^/]+)/report\.html$", report_html),
    ]


@hookimpl
def menu_links(datasette: Any, actor: Any, request: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path(PATH), "label": "Biểu đồ đưa tin"}]


@hookimpl
def database_actions(datasette: Any, actor: Any, database: str, request: Any) -> Any:
    async def links() -> list[dict[str, str]]:
        if not await datasette.get_database(database).execute_fn(is_archive):
            return []
        return [{"href": datasette.urls.path(f"{PATH}?db={database}"), "label": "Biểu đồ đưa tin"}]

    return links
