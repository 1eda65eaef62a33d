"""Issue 12 item 3: coverage charts (SVG read back with lxml), ``hbdt report``, the datasette page."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner, Result
from datasette.app import Datasette
from lxml import etree

from crawler import archive, charts, cli_report
from crawler.export import ExportFilters
from crawler.items import ArticleRecord, Byline, Place, Unit

SITE = "https://baohoabinh.com.vn"
SVG = "{http://www.w3.org/2000/svg}"
DISTRICTS = ["Huyện Lạc Sơn", "Huyện Mai Châu", "Huyện Đà Bắc"]
LEVELS = ["tinh", "huyen", "xa", "co-so"]


def unit_for(i: int) -> list[Unit]:
    """Articles name 0-2 units of various districts and levels (some with no district)."""
    units = []
    for k in range(i % 3):
        district = DISTRICTS[(i + k) % len(DISTRICTS)]
        level = LEVELS[(i + 2 * k) % len(LEVELS)]
        place = None if level == "tinh" else Place(province="Tỉnh Hòa Bình", district=district)
        name = "Tỉnh ủy Hòa Bình" if level == "tinh" else f"Đảng bộ {level} {district.removeprefix('Huyện ')}"
        units.append(Unit(name, "dang-bo", level, 1, place))
    return units


def record(i: int) -> ArticleRecord:
    month = [1, 2, 2, 4, 4, 4, 7][i % 7]  # gaps in March, May, June
    year = 2019 if i < 40 else 2020
    published = None if i % 17 == 16 else f"{year}-{month:02d}-{1 + i % 27:02d}T{i % 24:02d}:15:00+07:00"
    return ArticleRecord(
        url=f"{SITE}/11/{160_000 + i}/bai-{i}.htm", article_id=160_000 + i, category_id=11,
        title=f"Bài số {i}: Đại hội Đảng bộ <b>& \"trích dẫn\"</b>", lead="Tin đại hội.", body=f"Nội dung {i}.",
        published_at=published, byline=Byline(raw=None, authors=[["Việt Lâm", "Thu Hằng", "Đồng Hương"][i % 3]]),
        units=unit_for(i), is_congress=i % 2 == 0,
    )


N = 60


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("charts") / "archive.db"
    db = archive.open_archive(path)
    with archive.ArchiveWriter(db) as writer:
        for i in range(N):
            writer.add(record(i))
    db.close()
    return path


@pytest.fixture
def conn(db_path: Path) -> Any:
    c = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    yield c
    c.close()


def expected_counts(filters: ExportFilters) -> tuple[Counter[str], Counter[tuple[str, str]], Counter[str]]:
    """The figures computed from the records themselves (not from SQL)."""
    month: Counter[str] = Counter()
    grid: Counter[tuple[str, str]] = Counter()
    level: Counter[str] = Counter()
    for i in range(N):
        r = record(i)
        if filters.congress_only and not r.is_congress:
            continue
        day = (r.published_at or "")[:10]
        if (filters.since or filters.until) and not day:
            continue
        if filters.since and day < filters.since or filters.until and day > filters.until:
            continue
        levels = {u.level for u in r.units}
        for lv in levels:
            level[charts.level_label(lv)] += 1
        if not day:
            continue
        m = day[:7]
        month[m] += 1
        districts = {u.place.district for u in r.units if u.place and u.place.district}
        for d in districts or {charts.NO_DISTRICT}:
            grid[(d, m)] += 1
    return month, grid, level


def parse(svg: str) -> etree._Element:
    root = etree.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    return root


def marks(root: etree._Element, cls: str) -> list[etree._Element]:
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == cls]


FILTERS = [
    ExportFilters(),
    ExportFilters(congress_only=True),
    ExportFilters(since="2019-02-01", until="2019-12-31"),
    ExportFilters(since="2020-01-01", congress_only=True),
]


@pytest.mark.parametrize("filters", FILTERS)
def test_month_bars_match_the_archive(conn: Any, filters: ExportFilters) -> None:
    month, _, _ = expected_counts(filters)
    root = parse(charts.coverage_charts(conn, filters)["month"])
    bars = marks(root, "bar")
    got = {b.get("data-label"): int(b.get("data-count")) for b in bars}
    assert {k: v for k, v in got.items() if v} == dict(month)
    labels = [b.get("data-label") for b in bars]
    assert labels == charts.month_span(min(month), max(month))  # every month, zeros included
    heights = {b.get("data-label"): float(b.get("height")) for b in bars}
    peak = max(month, key=lambda m: month[m])
    assert all(heights[m] <= heights[peak] for m in heights)
    assert all((heights[m] == 0) == (month[m] == 0) for m in heights)


@pytest.mark.parametrize("filters", FILTERS)
def test_district_month_cells_match_the_archive(conn: Any, filters: ExportFilters) -> None:
    _, grid, _ = expected_counts(filters)
    root = parse(charts.coverage_charts(conn, filters)["district_month"])
    cells = marks(root, "cell")
    got = {(c.get("data-district"), c.get("data-month")): int(c.get("data-count")) for c in cells}
    assert {k: v for k, v in got.items() if v} == dict(grid)
    rows = list(dict.fromkeys(c.get("data-district") for c in cells))
    assert rows[-1] == charts.NO_DISTRICT or charts.NO_DISTRICT not in rows
    assert all(c.find(f"{SVG}title") is not None for c in cells)


@pytest.mark.parametrize("filters", FILTERS)
def test_level_bars_match_the_archive(conn: Any, filters: ExportFilters) -> None:
    _, _, level = expected_counts(filters)
    root = parse(charts.coverage_charts(conn, filters)["level"])
    got = [(b.get("data-label"), int(b.get("data-count"))) for b in marks(root, "bar")]
    assert dict(got) == dict(level)
    order = [charts.level_label(lv) for lv in charts.LEVEL_ORDER]
    assert [label for label, _ in got] == [lv for lv in order if lv in level]  # Tỉnh, Huyện, Xã, Cơ sở


@pytest.mark.parametrize("key", ["month", "district_month", "level"])
def test_charts_are_accessible(conn: Any, key: str) -> None:
    root = parse(charts.coverage_charts(conn, id_prefix="t")[key])
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == charts.CHART_TITLES[key]
    assert re.search(r"\d", desc.text or "")
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Tháng", "Huyện", "Số bài", "Cấp đơn vị"} & texts  # axis labels in Vietnamese
    assert all(m.find(f"{SVG}title") is not None for m in root.iter(f"{SVG}rect") if m.get("data-count"))
    assert not list(root.iter(f"{SVG}script")) and "http" not in etree.tostring(root).decode().replace(
        "http://www.w3.org/2000/svg", "")


def test_empty_archive_charts(tmp_path: Path) -> None:
    db = archive.open_archive(tmp_path / "empty.db")
    try:
        svgs = charts.coverage_charts(db)
    finally:
        db.close()
    for svg in svgs.values():
        root = parse(svg)
        assert marks(root, "bar") == [] and marks(root, "cell") == []
        assert "Không có" in (root.find(f"{SVG}desc").text or "")


@pytest.mark.parametrize(
    ("value", "ticks"),
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]), (72, [0, 20, 40, 60, 80]),
     (1293, [0, 500, 1000, 1500]), (20_000, [0, 5000, 10_000, 15_000, 20_000])],
)
def test_axis_ticks(value: int, ticks: list[int]) -> None:
    assert charts.axis_ticks(value) == ticks


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("2019-11", "2020-02", ["2019-11", "2019-12", "2020-01", "2020-02"]), ("2020-02", "2019-11", []),
     ("2019-05", "2019-05", ["2019-05"])],
)
def test_month_span(first: str, last: str, expected: list[str]) -> None:
    assert charts.month_span(first, last) == expected


# -- hbdt report


def run_report(*args: str) -> Result:
    return CliRunner().invoke(cli_report.report, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("args", "filters"),
    [([], ExportFilters()), (["--congress-only", "--since", "2019-02-01", "--until", "2019-12-31"],
                             ExportFilters(since="2019-02-01", until="2019-12-31", congress_only=True))],
)
def test_report_is_self_contained(db_path: Path, tmp_path: Path, args: list[str], filters: ExportFilters) -> None:
    out = tmp_path / "report.html"
    result = run_report("--db", str(db_path), "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    doc = lxml.html.fromstring(text)
    # nothing loaded from anywhere: no script, no external resource; the only URLs are article links
    assert doc.xpath("//script") == [] and doc.xpath("//link") == [] and doc.xpath("//img") == []
    assert doc.xpath("//iframe|//object|//embed|//video|//audio|//source") == []
    assert not [e for e in doc.iter() if isinstance(e.tag, str) and (e.get("src") or e.get("srcset"))]
    assert not re.search(r"url\(|@import", "".join(doc.xpath("//style/text()")))
    hrefs = doc.xpath("//a/@href")
    assert hrefs and all(h.startswith(f"{SITE}/") for h in hrefs)
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?!https://baohoabinh\.com\.vn/)(?:https?:)?//", text)
    # the charts, with the same figures as the archive
    month, grid, level = expected_counts(filters)
    svgs = doc.xpath("//*[local-name()='svg']")
    assert len(svgs) == 3
    bars = {e.get("data-label"): int(e.get("data-count")) for e in svgs[0].iter() if e.get("class") == "bar"}
    assert {k: v for k, v in bars.items() if v} == dict(month)
    cells = {(e.get("data-district"), e.get("data-month")): int(e.get("data-count"))
             for e in svgs[1].iter() if e.get("class") == "cell"}
    assert {k: v for k, v in cells.items() if v} == dict(grid)
    assert {e.get("data-label"): int(e.get("data-count")) for e in svgs[2].iter() if e.get("class") == "bar"} == dict(level)
    # the articles, with dates and links; titles escaped
    rows = doc.xpath("//tr[@class='article']")
    kept = [record(i) for i in range(N) if (not filters.congress_only or record(i).is_congress)
            and (not filters.since or (record(i).published_at or "")[:10] >= filters.since)
            and (not filters.until or (record(i).published_at or "9")[:10] <= filters.until)]
    assert len(rows) == len(kept)
    assert doc.xpath("//dd[@data-figure='articles']/text()") == [str(len(kept))]
    links = {r.xpath(".//a/@href")[0]: r for r in rows}
    for rec in kept:
        row = links[rec.url]
        assert row.xpath(".//a/text()") == [rec.title]
        day = (rec.published_at or "")[:10]
        assert row.xpath(".//time/text()") == ([f"{day[8:10]}/{day[5:7]}/{day[:4]}"] if day else [])
    assert "&lt;b&gt;&amp; &quot;trích dẫn&quot;&lt;/b&gt;" in text and "<b>&" not in text
    assert doc.xpath("//html/@lang") == ["vi"]


def test_report_figure_tables(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert run_report("--db", str(db_path), "--out", str(out), "--congress-only").exit_code == 0
    doc = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    month, grid, _ = expected_counts(ExportFilters(congress_only=True))
    rows = {r.xpath("td[1]/text()")[0]: int(r.xpath("td[2]/text()")[0]) for r in doc.xpath("//table[@id='figures-month']//tbody/tr")}
    assert {k: v for k, v in rows.items() if v} == dict(month) and len(rows) == len(charts.month_span(min(month), max(month)))
    districts = {r.xpath("td[1]/text()")[0]: int(r.xpath("td[2]/text()")[0]) for r in doc.xpath("//table[@id='figures-district']//tbody/tr")}
    expected: Counter[str] = Counter()
    for (d, _), n in grid.items():
        expected[d] += n
    assert districts == dict(expected)


def test_report_top_units_and_authors(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert run_report("--db", str(db_path), "--out", str(out)).exit_code == 0
    doc = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    authors = [(r.xpath("td[1]/text()")[0], int(r.xpath("td[2]/text()")[0]))
               for r in doc.xpath("//section[@id='top-authors']//tbody/tr")]
    assert sorted(authors) == sorted([("Việt Lâm", 20), ("Thu Hằng", 20), ("Đồng Hương", 20)])
    units = doc.xpath("//section[@id='top-units']//tbody/tr")
    counts = [int(r.xpath("td[4]/text()")[0]) for r in units]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    assert set(r.xpath("td[2]/text()")[0] for r in units) <= {"Tỉnh", "Huyện", "Xã", "Cơ sở"}


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--since", "2019-13-01"], "--since"), (["--since", "2020-01-01", "--until", "2019-01-01"], "after --until")],
)
def test_report_bad_options(db_path: Path, tmp_path: Path, args: list[str], needle: str) -> None:
    out = tmp_path / "r.html"
    result = run_report("--db", str(db_path), "--out", str(out), *args)
    assert result.exit_code == 2 and needle in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_report_never_over_the_archive(db_path: Path, tmp_path: Path) -> None:
    link = tmp_path / "report.html"
    link.symlink_to(db_path)
    size = db_path.stat().st_size
    for out in (db_path, link):
        result = run_report("--db", str(db_path), "--out", str(out))
        assert result.exit_code == 2 and "refusing to write over" in result.stderr
    assert db_path.stat().st_size == size and db_path.read_bytes()[:16] == b"SQLite format 3\x00"


# -- datasette plugin (in-process client, no server)


def get(db_path: Path, path: str) -> Any:
    async def go() -> Any:
        ds = Datasette([str(db_path)])
        await ds.invoke_startup()
        return await ds.client.get(path)

    return asyncio.run(go())


def test_datasette_charts_page(db_path: Path) -> None:
    response = get(db_path, "/-/hbdt-charts?since=2019-02-01&until=2019-12-31&congress=1")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.text)
    svgs = doc.xpath("//section[@data-database='archive']//*[local-name()='svg']")
    assert len(svgs) == 3
    month, _, _ = expected_counts(ExportFilters(since="2019-02-01", until="2019-12-31", congress_only=True))
    bars = {e.get("data-label"): int(e.get("data-count")) for e in svgs[0].iter() if e.get("class") == "bar"}
    assert {k: v for k, v in bars.items() if v} == dict(month)
    assert not [s for s in doc.xpath("//script/@src") if "//" in s]  # no JS from any CDN


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/-/hbdt-charts/archive/month.svg", 200, "image/svg+xml"),
        ("/-/hbdt-charts/archive/level.svg?congress=1", 200, "image/svg+xml"),
        ("/-/hbdt-charts/archive/pie.svg", 404, "text/plain"),
        ("/-/hbdt-charts/other/month.svg", 404, "text/plain"),
        ("/-/hbdt-charts/archive/month.svg?since=2019-99-01", 400, "text/plain"),
        ("/-/hbdt-charts?since=yesterday", 400, "text/html"),
        ("/-/hbdt-charts?db=other", 404, "text/html"),
    ],
)
def test_datasette_chart_routes(db_path: Path, path: str, status: int, content_type: str) -> None:
    response = get(db_path, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(content_type)
    if status == 200:
        root = parse(response.text.split("\n", 1)[1])
        assert marks(root, "bar")


def test_datasette_report_download(db_path: Path, tmp_path: Path) -> None:
    response = get(db_path, "/-/hbdt-charts/archive/report.html?congress=1&since=2019-01-01")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="hbdt-report-archive.html"'
    doc = lxml.html.fromstring(response.text)
    assert doc.xpath("//script") == [] and len(doc.xpath("//*[local-name()='svg']")) == 3
    kept = [record(i) for i in range(N) if record(i).is_congress and record(i).published_at]
    assert doc.xpath("//dd[@data-figure='articles']/text()") == [str(len(kept))]
    page = get(db_path, "/-/hbdt-charts?congress=1&since=2019-01-01")
    assert "/-/hbdt-charts/archive/report.html?congress=1&amp;since=2019-01-01" in page.text


def test_datasette_month_svg_matches(db_path: Path) -> None:
    root = parse(get(db_path, "/-/hbdt-charts/archive/month.svg").text.split("\n", 1)[1])
    month, _, _ = expected_counts(ExportFilters())
    assert {b.get("data-label"): int(b.get("data-count")) for b in marks(root, "bar") if b.get("data-count") != "0"} == dict(month)


def test_datasette_links(db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    c = sqlite3.connect(other)
    c.execute("create table notes (t text)")
    c.commit()
    c.close()

    async def go() -> tuple[str, str, str]:
        ds = Datasette([str(db_path), str(other)])
        await ds.invoke_startup()
        home = await ds.client.get("/")
        arch = await ds.client.get("/archive")
        notes = await ds.client.get("/notes")
        return home.text, arch.text, notes.text

    home, arch, notes = asyncio.run(go())
    assert "/-/hbdt-charts" in home  # the menu link
    assert "/-/hbdt-charts?db=archive" in arch
    assert "hbdt-charts?db=notes" not in notes  # not an hbdt archive: no link


# -- rendered in a real browser (headless Chromium from Debian), where installed

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)

PROBE = """<script>
document.body.setAttribute('data-probe', JSON.stringify(
  Array.from(document.querySelectorAll('svg.hbdt-chart')).map(function (svg) {
    var box = svg.getBoundingClientRect();
    var marks = Array.from(svg.querySelectorAll('rect.bar, rect.cell')).filter(function (r) {
      var b = r.getBBox(); return b.width > 0 && b.height > 0 && Number(r.dataset.count) > 0; });
    return {id: svg.id, width: box.width, height: box.height, drawn: marks.length};
  })));
</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_report_charts_render_in_chromium(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert run_report("--db", str(db_path), "--out", str(out)).exit_code == 0
    probe = tmp_path / "probe.html"  # a copy with a measuring script; the report itself has none
    probe.write_text(out.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    assert CHROMIUM is not None
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1366,900"]
    dom = subprocess.run([*base, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    body = lxml.html.fromstring(dom).xpath("//body")[0]
    charts_seen = json.loads(body.get("data-probe"))
    month, grid, level = expected_counts(ExportFilters())
    assert [c["id"] for c in charts_seen] == ["report-month", "report-district-month", "report-level"]
    assert all(c["width"] > 200 and c["height"] > 100 for c in charts_seen)
    assert [c["drawn"] for c in charts_seen] == [len(month), len(grid), len(level)]  # every non-zero mark drawn
    shot = tmp_path / "report.png"  # kept as an artefact of the run
    subprocess.run([*base, f"--screenshot={shot}", out.as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
