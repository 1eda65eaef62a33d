"""Coverage charts as server-side SVG: articles per month, per district × month, per unit level.

No JavaScript and nothing fetched from elsewhere: each chart is one ``<svg>`` element that can be
inlined in an HTML page (``hbdt report``, the datasette charts page) or saved on its own. Charts are
accessible: ``role="img"``, a ``<title>`` and a ``<desc>`` (a sentence with the figures) referenced
by ``aria-labelledby``, axis labels, and a ``<title>`` on every bar or cell (the tooltip). Every bar
or cell carries its figure in ``data-count`` (and its label in ``data-label``), so tests and scripts
can read the numbers back.

The counts use the same filters as the export (:func:`crawler.export.where_clause`): an article is
counted once per month, once per district it names a unit in, once per unit level it names.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crawler.export import ExportFilters, where_clause

SVG_NS = "http://www.w3.org/2000/svg"
NO_DISTRICT = "(không rõ huyện)"
"""The row label for articles that name no unit placed in a district."""

LEVEL_LABELS: dict[str, str] = {
    "trung-uong": "Trung ương",
    "tinh": "Tỉnh",
    "huyen": "Huyện",
    "xa": "Xã",
    "co-so": "Cơ sở",
    "other": "Khác",
}
LEVEL_ORDER: tuple[str, ...] = tuple(LEVEL_LABELS)

BAR_COLOUR = "#2b6cb0"
TEXT_COLOUR = "#1a202c"
GRID_COLOUR = "#cbd5e0"
FONT = "system-ui, 'Noto Sans', 'DejaVu Sans', sans-serif"


@dataclass
class ChartData:
    """Labels and figures of one chart (``rows`` only for the district × month grid)."""

    labels: list[str]
    values: list[int]
    rows: list[str] = field(default_factory=list)
    grid: dict[tuple[str, str], int] = field(default_factory=dict)


def _conn(db: Any) -> sqlite3.Connection:
    """A sqlite3 connection from a connection or a ``sqlite_utils.Database``."""
    return db if isinstance(db, sqlite3.Connection) else db.conn


def _filtered(filters: ExportFilters) -> tuple[str, dict[str, Any]]:
    where, params = where_clause(filters)
    return (" AND " + " AND ".join(where) if where else ""), params


def month_span(first: str, last: str) -> list[str]:
    """Every ``yyyy-mm`` from ``first`` to ``last`` inclusive (empty if they are reversed)."""
    y, m = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months: list[str] = []
    while (y, m) <= end:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def articles_per_month(db: Any, filters: ExportFilters | None = None) -> ChartData:
    """Articles per month, every month between the first and the last (zero months included)."""
    cond, params = _filtered(filters or ExportFilters())
    rows = _conn(db).execute(
        f"SELECT a.month, count(*) FROM articles a WHERE a.month IS NOT NULL{cond} GROUP BY a.month ORDER BY a.month",
        params,
    ).fetchall()
    counts = {str(m): int(n) for m, n in rows}
    months = month_span(min(counts), max(counts)) if counts else []
    return ChartData(months, [counts.get(m, 0) for m in months])


def articles_per_district_month(db: Any, filters: ExportFilters | None = None) -> ChartData:
    """Articles per district (rows, most covered first) and month (columns, every month)."""
    cond, params = _filtered(filters or ExportFilters())
    rows = _conn(db).execute(
        "SELECT coalesce(d.value, :none) AS district, a.month, count(DISTINCT a.id) FROM articles a "
        "LEFT JOIN json_each(CASE WHEN a.districts = '[]' THEN NULL ELSE a.districts END) d "
        f"WHERE a.month IS NOT NULL{cond} GROUP BY 1, 2",
        {**params, "none": NO_DISTRICT},
    ).fetchall()
    grid = {(str(d), str(m)): int(n) for d, m, n in rows}
    months = month_span(min(m for _, m in grid), max(m for _, m in grid)) if grid else []
    totals: dict[str, int] = {}
    for (district, _), n in grid.items():
        totals[district] = totals.get(district, 0) + n
    districts = sorted(totals, key=lambda d: (d == NO_DISTRICT, -totals[d], d))
    return ChartData(months, [sum(grid.get((d, m), 0) for d in districts) for m in months], districts, grid)


def articles_per_level(db: Any, filters: ExportFilters | None = None) -> ChartData:
    """Articles naming a unit of each level (an article counts once under each level it names)."""
    cond, params = _filtered(filters or ExportFilters())
    rows = _conn(db).execute(
        "SELECT l.value, count(DISTINCT a.id) FROM articles a JOIN json_each(a.unit_levels) l "
        f"WHERE 1 = 1{cond} GROUP BY l.value",
        params,
    ).fetchall()
    counts = {str(level): int(n) for level, n in rows}
    levels = sorted(counts, key=lambda lv: (LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else len(LEVEL_ORDER), lv))
    return ChartData([level_label(lv) for lv in levels], [counts[lv] for lv in levels])


def level_label(level: str) -> str:
    """The Vietnamese word for a unit level slug (the slug itself when unknown)."""
    return LEVEL_LABELS.get(level, level)


# -- SVG


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: Any) -> etree._Element:
    node = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}", {k.rstrip("_").replace("_", "-"): str(v)
                                                          for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def _svg(width: int, height: int, title: str, desc: str, chart_id: str) -> etree._Element:
    root = etree.Element(
        f"{{{SVG_NS}}}svg",
        {"width": str(width), "height": str(height), "viewBox": f"0 0 {width} {height}", "role": "img",
         "aria-labelledby": f"{chart_id}-title {chart_id}-desc", "id": chart_id, "class": "hbdt-chart",
         "font-family": FONT, "font-size": "12", "fill": TEXT_COLOUR},
        nsmap={None: SVG_NS},
    )
    _el(root, "title", title, id=f"{chart_id}-title")
    _el(root, "desc", desc, id=f"{chart_id}-desc")
    return root


def axis_ticks(value: int, count: int = 5) -> list[int]:
    """Round tick values from 0 to at least ``value``: steps of 1, 2 or 5 × 10^k, about ``count`` of them."""
    if value <= 0:
        return [0, 1]
    raw = value / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    top = math.ceil(value / step) * step
    return list(range(0, top + 1, step))


def _to_string(root: etree._Element) -> str:
    return etree.tostring(root, encoding="unicode")


def _summary(labels: Sequence[str], values: Sequence[int], unit: str = "bài") -> str:
    total = sum(values)
    if not values or total == 0:
        return f"Không có {unit} nào."
    peak = max(range(len(values)), key=lambda i: values[i])
    return (f"Tổng {total} {unit} trong {len(values)} cột; cao nhất {labels[peak]}: {values[peak]} {unit}. "
            + "; ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True)) + ".")


def bar_chart_svg(
    data: ChartData,
    *,
    title: str,
    x_label: str,
    y_label: str = "Số bài",
    chart_id: str = "chart",
    horizontal: bool = False,
) -> str:
    """A bar chart: vertical bars (months) or horizontal ones (categories such as unit levels)."""
    labels, values = data.labels, data.values
    desc = _summary(labels, values)
    ticks = axis_ticks(max(values, default=0))
    top = ticks[-1]
    if horizontal:
        return _horizontal_bars(labels, values, ticks, title=title, desc=desc, x_label=y_label, y_label=x_label,
                                chart_id=chart_id)
    left, right, upper, lower = 56, 16, 36, 78
    bar_w = 22 if len(values) <= 30 else 12
    plot_w = max(240, bar_w * len(values))
    plot_h = 220
    width, height = left + plot_w + right, upper + plot_h + lower
    root = _svg(width, height, title, desc, chart_id)
    _el(root, "text", title, x=left, y=20, font_size=14, font_weight="bold")
    axis = _el(root, "g", class_="axis")
    for tick in ticks:
        y = upper + plot_h - plot_h * tick / top
        _el(axis, "line", x1=left, x2=left + plot_w, y1=f"{y:.1f}", y2=f"{y:.1f}", stroke=GRID_COLOUR)
        _el(axis, "text", str(tick), x=left - 6, y=f"{y + 4:.1f}", text_anchor="end")
    _el(axis, "text", y_label, x=14, y=upper + plot_h / 2, text_anchor="middle",
        transform=f"rotate(-90 14 {upper + plot_h / 2})", class_="axis-label")
    _el(axis, "text", x_label, x=left + plot_w / 2, y=height - 8, text_anchor="middle", class_="axis-label")
    bars = _el(root, "g", class_="bars")
    slot = plot_w / max(len(values), 1)
    every = max(1, math.ceil(len(values) / 24))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        x = left + i * slot + (slot - bar_w * 0.8) / 2
        rect = _el(bars, "rect", x=f"{x:.1f}", y=f"{upper + plot_h - h:.1f}", width=f"{bar_w * 0.8:.1f}",
                   height=f"{h:.1f}", fill=BAR_COLOUR, class_="bar", data_label=label, data_count=value)
        _el(rect, "title", f"{label}: {value} bài")
        if i % every == 0:
            cx, cy = left + i * slot + slot / 2, upper + plot_h + 12
            _el(axis, "text", label, x=f"{cx:.1f}", y=f"{cy:.1f}", text_anchor="end", font_size=10,
                transform=f"rotate(-60 {cx:.1f} {cy:.1f})")
    return _to_string(root)


def _horizontal_bars(labels: Sequence[str], values: Sequence[int], ticks: list[int], *, title: str, desc: str,
                     x_label: str, y_label: str, chart_id: str) -> str:
    left, right, upper, lower = 120, 48, 46, 48
    row_h, plot_w = 26, 360
    plot_h = max(row_h, row_h * len(values))
    width, height = left + plot_w + right, upper + plot_h + lower
    root = _svg(width, height, title, desc, chart_id)
    _el(root, "text", title, x=8, y=20, font_size=14, font_weight="bold")
    axis = _el(root, "g", class_="axis")
    top = ticks[-1]
    for tick in ticks:
        x = left + plot_w * tick / top
        _el(axis, "line", x1=f"{x:.1f}", x2=f"{x:.1f}", y1=upper, y2=upper + plot_h, stroke=GRID_COLOUR)
        _el(axis, "text", str(tick), x=f"{x:.1f}", y=upper + plot_h + 14, text_anchor="middle")
    _el(axis, "text", x_label, x=left + plot_w / 2, y=height - 8, text_anchor="middle", class_="axis-label")
    _el(axis, "text", y_label, x=8, y=upper - 4, class_="axis-label")
    bars = _el(root, "g", class_="bars")
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = upper + i * row_h + 4
        w = plot_w * value / top
        rect = _el(bars, "rect", x=left, y=y, width=f"{w:.1f}", height=row_h - 8, fill=BAR_COLOUR, class_="bar",
                   data_label=label, data_count=value)
        _el(rect, "title", f"{label}: {value} bài")
        _el(axis, "text", label, x=left - 6, y=y + row_h / 2, text_anchor="end")
        _el(bars, "text", str(value), x=f"{left + w + 4:.1f}", y=y + row_h / 2, font_size=11)
    return _to_string(root)


def heatmap_svg(data: ChartData, *, title: str, chart_id: str = "chart") -> str:
    """Districts (rows) × months (columns), each cell shaded by its article count."""
    months, districts = data.labels, data.rows
    cells = [data.grid.get((d, m), 0) for d in districts for m in months]
    peak = max(cells, default=0)
    totals = [(d, sum(data.grid.get((d, m), 0) for m in months)) for d in districts]
    desc = (f"Số bài theo huyện và tháng: {len(districts)} huyện, {len(months)} tháng, tối đa {peak} bài một ô. "
            + "; ".join(f"{d}: {n} bài" for d, n in totals) + "." if districts else "Không có bài nào.")
    left, upper, lower, right = 170, 46, 78, 16
    cell_w, cell_h = (18 if len(months) <= 40 else 10), 20
    width = left + max(240, cell_w * len(months)) + right
    height = upper + cell_h * max(len(districts), 1) + lower
    root = _svg(width, height, title, desc, chart_id)
    _el(root, "text", title, x=8, y=20, font_size=14, font_weight="bold")
    axis = _el(root, "g", class_="axis")
    grid = _el(root, "g", class_="cells")
    for r, district in enumerate(districts):
        y = upper + r * cell_h
        _el(axis, "text", district, x=left - 6, y=y + cell_h * 0.7, text_anchor="end")
        for c, month in enumerate(months):
            n = data.grid.get((district, month), 0)
            shade = 0.08 + 0.92 * n / peak if n and peak else 0.0
            cell = _el(grid, "rect", x=left + c * cell_w, y=y, width=cell_w - 1, height=cell_h - 1,
                       fill=BAR_COLOUR if n else "#f7fafc", fill_opacity=f"{shade:.2f}" if n else "1",
                       class_="cell", data_label=f"{district} {month}", data_district=district,
                       data_month=month, data_count=n)
            _el(cell, "title", f"{district}, {month}: {n} bài")
    every = max(1, math.ceil(len(months) / 24))
    for c, month in enumerate(months):
        if c % every == 0:
            cx, cy = left + c * cell_w + cell_w / 2, upper + cell_h * len(districts) + 12
            _el(axis, "text", month, x=f"{cx:.1f}", y=f"{cy:.1f}", text_anchor="end", font_size=10,
                transform=f"rotate(-60 {cx:.1f} {cy:.1f})")
    _el(axis, "text", "Tháng", x=left + cell_w * len(months) / 2, y=height - 8, text_anchor="middle",
        class_="axis-label")
    _el(axis, "text", "Huyện", x=8, y=upper - 4, class_="axis-label")
    return _to_string(root)


CHART_TITLES: dict[str, str] = {
    "month": "Số bài theo tháng",
    "district_month": "Số bài theo huyện và tháng",
    "level": "Số bài theo cấp đơn vị",
}


def coverage_charts(db: Any, filters: ExportFilters | None = None, *, id_prefix: str = "hbdt") -> dict[str, str]:
    """The three coverage charts as SVG strings, keyed ``month``, ``district_month``, ``level``."""
    f = filters or ExportFilters()
    return {
        "month": bar_chart_svg(articles_per_month(db, f), title=CHART_TITLES["month"], x_label="Tháng",
                               chart_id=f"{id_prefix}-month"),
        "district_month": heatmap_svg(articles_per_district_month(db, f), title=CHART_TITLES["district_month"],
                                      chart_id=f"{id_prefix}-district-month"),
        "level": bar_chart_svg(articles_per_level(db, f), title=CHART_TITLES["level"], x_label="Cấp đơn vị",
                               chart_id=f"{id_prefix}-level", horizontal=True),
    }
