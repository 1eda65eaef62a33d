"""``hbdt report``: a self-contained HTML coverage report for a date range.

One file that opens offline: inline CSS, the charts of :mod:`crawler.charts` inlined as SVG, no
script, no image, font or stylesheet fetched from anywhere (the only URLs are the links to the
articles themselves). It holds the counts, the units and authors most covered, and the list of
articles with their dates and links. Filters are those of the export
(:func:`crawler.export.where_clause`), so the report and ``hbdt export`` count the same articles.
"""

from __future__ import annotations

import html
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from crawler import __version__
from crawler.charts import (
    CHART_TITLES,
    articles_per_district_month,
    articles_per_month,
    coverage_charts,
    level_label,
)
from crawler.export import ExportFilters, where_clause
from crawler.timeutil import now_iso

TOP = 15
"""How many units and authors the report ranks."""


@dataclass
class ReportCounts:
    articles: int
    congress_articles: int
    undated: int
    authors: int
    units: int
    districts: int
    first_published: str | None
    last_published: str | None


def _conn(db: Any) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def _where(filters: ExportFilters) -> tuple[str, dict[str, Any]]:
    where, params = where_clause(filters)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def counts(db: Any, filters: ExportFilters) -> ReportCounts:
    """The headline figures of the report."""
    conn = _conn(db)
    where, params = _where(filters)
    sub = f"SELECT a.id FROM articles a{where}"
    row = conn.execute(
        "SELECT count(*), coalesce(sum(a.is_congress), 0), sum(a.published_at IS NULL), "
        f"min(a.published_at), max(a.published_at) FROM articles a{where}",
        params,
    ).fetchone()
    authors = conn.execute(
        f"SELECT count(DISTINCT author_id) FROM article_authors WHERE article_id IN ({sub})", params
    ).fetchone()[0]
    units = conn.execute(
        f"SELECT count(DISTINCT unit_id) FROM article_units WHERE article_id IN ({sub})", params
    ).fetchone()[0]
    districts = conn.execute(
        f"SELECT count(DISTINCT d.value) FROM articles a, json_each(a.districts) d{where}", params
    ).fetchone()[0]
    return ReportCounts(int(row[0]), int(row[1]), int(row[2] or 0), int(authors), int(units), int(districts),
                        row[3], row[4])


def top_units(db: Any, filters: ExportFilters, limit: int = TOP) -> list[tuple[str, str, str, int]]:
    """``(name, level word, district, articles)``, most articles first."""
    where, params = _where(filters)
    rows = _conn(db).execute(
        "SELECT u.name, u.level, u.district, count(DISTINCT a.id) AS n FROM articles a "
        "JOIN article_units x ON x.article_id = a.id JOIN units u ON u.id = x.unit_id"
        f"{where} GROUP BY u.id ORDER BY n DESC, u.name LIMIT :top",
        {**params, "top": limit},
    ).fetchall()
    return [(str(n), level_label(lv or ""), d or "", int(c)) for n, lv, d, c in rows]


def top_authors(db: Any, filters: ExportFilters, limit: int = TOP) -> list[tuple[str, int]]:
    """``(name, articles)``, most articles first."""
    where, params = _where(filters)
    rows = _conn(db).execute(
        "SELECT au.name, count(DISTINCT a.id) AS n FROM articles a "
        "JOIN article_authors aa ON aa.article_id = a.id JOIN authors au ON au.id = aa.author_id"
        f"{where} GROUP BY au.id ORDER BY n DESC, au.name LIMIT :top",
        {**params, "top": limit},
    ).fetchall()
    return [(str(n), int(c)) for n, c in rows]


def article_rows(db: Any, filters: ExportFilters) -> list[dict[str, Any]]:
    """The articles of the report, oldest first (undated last)."""
    where, params = _where(filters)
    cur = _conn(db).execute(
        "SELECT a.published_at, a.title, a.url, a.authors, a.districts, a.is_congress FROM articles a"
        f"{where} ORDER BY a.published_at IS NULL, a.published_at, a.id",
        params,
    )
    return [
        {"published_at": p, "title": t, "url": u, "authors": _list(au), "districts": _list(d), "congress": bool(c)}
        for p, t, u, au, d, c in cur
    ]


def _list(value: str | None) -> list[str]:
    try:
        items = json.loads(value or "[]")
    except ValueError:
        return [value] if value else []
    return [str(i) for i in items] if isinstance(items, list) else []


def vn_date(published_at: str | None) -> str:
    """``dd/mm/yyyy`` of an ISO timestamp (as Vietnamese readers write dates), or ``""``."""
    if not published_at or len(published_at) < 10:
        return ""
    y, m, d = published_at[:4], published_at[5:7], published_at[8:10]
    return f"{d}/{m}/{y}"


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _href(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


CSS = """
body{font-family:system-ui,'Noto Sans','DejaVu Sans',sans-serif;margin:2rem auto;max-width:1100px;
color:#1a202c;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #cbd5e0}
.meta{color:#4a5568}dl.figures{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
dl.figures dt{font-weight:600}table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid #e2e8f0;padding:.3rem .4rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}figure{margin:1rem 0;overflow-x:auto}svg.hbdt-chart{max-width:none}
@media print{a{color:inherit;text-decoration:none}figure{break-inside:avoid}}
"""


def _range_text(filters: ExportFilters) -> str:
    since = vn_date(filters.since) if filters.since else "đầu"
    until = vn_date(filters.until) if filters.until else "nay"
    return f"Từ {since} đến {until}"


def _chart_tables(db: Any, filters: ExportFilters) -> list[str]:
    """The charts' figures as tables (for screen readers, copying and print)."""
    month = articles_per_month(db, filters)
    grid = articles_per_district_month(db, filters)
    totals = [(d, sum(grid.grid.get((d, m), 0) for m in grid.labels)) for d in grid.rows]
    parts = ['<details id="chart-figures"><summary>Số liệu của biểu đồ</summary>',
             '<table id="figures-month"><caption>Số bài theo tháng</caption><thead><tr><th>Tháng</th>'
             '<th class="n">Số bài</th></tr></thead><tbody>']
    parts += [f'<tr><td>{_e(m)}</td><td class="n">{n}</td></tr>' for m, n in zip(month.labels, month.values,
                                                                                  strict=True)]
    parts.append('</tbody></table><table id="figures-district"><caption>Số bài theo huyện</caption><thead><tr>'
                 '<th>Huyện</th><th class="n">Số bài</th></tr></thead><tbody>')
    parts += [f'<tr><td>{_e(d)}</td><td class="n">{n}</td></tr>' for d, n in totals]
    parts.append("</tbody></table></details>")
    return parts


def render_report(db: Any, filters: ExportFilters, *, generated_at: str | None = None) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    stamp = generated_at or now_iso()
    c = counts(db, filters)
    charts = coverage_charts(db, filters, id_prefix="report")
    units = top_units(db, filters)
    authors = top_authors(db, filters)
    articles = article_rows(db, filters)
    scope = "Chỉ bài về đại hội Đảng" if filters.congress_only else "Mọi bài"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Báo cáo đưa tin HBĐT — {_e(_range_text(filters))}</title>",
        f"<meta name=\"generator\" content=\"hbdt {_e(__version__)}\">",
        f"<style>{CSS}</style></head><body>",
        "<header><h1>Báo cáo đưa tin — Báo Hòa Bình điện tử</h1>",
        f'<p class="meta">{_e(_range_text(filters))}. {_e(scope)}. Lập lúc {_e(stamp)} bằng hbdt {_e(__version__)}.</p>',
        "</header>",
        '<section id="figures"><h2>Số liệu</h2><dl class="figures">',
        f"<dt>Số bài</dt><dd data-figure=\"articles\">{c.articles}</dd>",
        f"<dt>Bài về đại hội Đảng</dt><dd data-figure=\"congress_articles\">{c.congress_articles}</dd>",
        f"<dt>Bài không ghi ngày</dt><dd data-figure=\"undated\">{c.undated}</dd>",
        f"<dt>Tác giả</dt><dd data-figure=\"authors\">{c.authors}</dd>",
        f"<dt>Đơn vị được nêu</dt><dd data-figure=\"units\">{c.units}</dd>",
        f"<dt>Huyện</dt><dd data-figure=\"districts\">{c.districts}</dd>",
        f"<dt>Bài đầu tiên</dt><dd>{_e(vn_date(c.first_published))}</dd>",
        f"<dt>Bài cuối cùng</dt><dd>{_e(vn_date(c.last_published))}</dd>",
        "</dl></section>",
        '<section id="charts"><h2>Biểu đồ</h2>',
    ]
    for key in ("month", "district_month", "level"):
        parts.append(f'<figure id="chart-{key}" aria-label="{_e(CHART_TITLES[key])}">{charts[key]}</figure>')
    parts += _chart_tables(db, filters)
    parts.append("</section>")
    parts.append('<section id="top-units"><h2>Đơn vị được nhắc đến nhiều nhất</h2>')
    parts.append('<table><thead><tr><th>Đơn vị</th><th>Cấp</th><th>Huyện</th><th class="n">Số bài</th></tr></thead><tbody>')
    parts += [f'<tr><td>{_e(n)}</td><td>{_e(lv)}</td><td>{_e(d)}</td><td class="n">{k}</td></tr>' for n, lv, d, k in units]
    parts.append("</tbody></table></section>")
    parts.append('<section id="top-authors"><h2>Tác giả viết nhiều nhất</h2>')
    parts.append('<table><thead><tr><th>Tác giả</th><th class="n">Số bài</th></tr></thead><tbody>')
    parts += [f'<tr><td>{_e(n)}</td><td class="n">{k}</td></tr>' for n, k in authors]
    parts.append("</tbody></table></section>")
    parts.append(f'<section id="articles"><h2>Danh sách bài ({len(articles)})</h2>')
    parts.append("<table><thead><tr><th>Ngày</th><th>Tiêu đề</th><th>Tác giả</th><th>Huyện</th>"
                 "<th>Đại hội</th></tr></thead><tbody>")
    for a in articles:
        href = _href(a["url"])
        title = _e(a["title"] or "(không có tiêu đề)")
        link = f'<a href="{_e(href)}">{title}</a>' if href else title
        parts.append(
            f'<tr class="article"><td><time datetime="{_e(a["published_at"] or "")}">{_e(vn_date(a["published_at"]))}'
            f"</time></td><td>{link}</td><td>{_e('; '.join(a['authors']))}</td>"
            f"<td>{_e('; '.join(a['districts']))}</td><td>{'có' if a['congress'] else 'không'}</td></tr>"
        )
    parts.append("</tbody></table></section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
