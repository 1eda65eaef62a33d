"""Archive measures, as ratios taken in one run (issue 6).

1. Ingest: records per second through :class:`crawler.archive.ArchiveWriter` against a plain
   sqlite-utils ``insert_all`` of the same records into a fresh database with the same storage
   settings (page size, WAL, synchronous=NORMAL) and an FTS5 index over title, lead and body kept
   by triggers, as ``sqlite-utils enable-fts --create-triggers`` makes it (without an index the
   archive would not be searchable, so that is the like-for-like peer). Both sides start from the
   ``ArticleRecord`` objects the crawl produces and stop when everything is committed: the
   baseline turns each into one row with ``to_dict()`` (nested lists left for sqlite-utils to
   JSON-encode); ours hashes the content, builds the folded search copy, looks up existing rows
   (upsert, revisions), indexes six columns and writes authors, units and the child tables
   (about ten rows per article), as the crawl does: batches of the crawl's ``HBDT_BATCH_SIZE``,
   written by the writer's background thread. Also printed: the ratio with the baseline's
   ``to_dict()`` left untimed (rows handed over ready-made), and against an ``insert_all``
   without any full-text index (the first ``--plain-n`` records). The sides take turns every
   10,000 records, so that other load on the machine falls on both alike.
2. Search: median and p95 of ``hbdt search`` (ranked, with snippets, top 20) on a generated
   archive of ``--n`` articles, against a ``LIKE '%word%'`` scan of the same articles for the
   same words (every word in title, lead or body, newest 20), and the database size per article.

The text is generated from a Vietnamese newspaper vocabulary with a fixed seed (Zipf-like word
frequencies), so runs are repeatable. Usage::

    /work/venv/bin/python bench/archive.py            # 200,000 articles, a few minutes on 2 cores
    /work/venv/bin/python bench/archive.py --quick    # 20,000 articles, for a smoke run
    /work/venv/bin/python bench/archive.py --n 50000 --json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.archive import PAGE_SIZE, ArchiveWriter, open_archive  # noqa: E402
from crawler.archive import search as archive_search  # noqa: E402
from crawler.items import (  # noqa: E402
    ArticleRecord,
    Byline,
    Count,
    DateMention,
    Document,
    Image,
    Person,
    Place,
    RelatedItem,
    Unit,
)
from crawler.settings import HBDT_BATCH_SIZE  # noqa: E402

SITE = "https://baohoabinh.com.vn"
DISTRICTS = [
    "Lạc Sơn", "Mai Châu", "Tân Lạc", "Kim Bôi", "Cao Phong", "Đà Bắc", "Lương Sơn", "Lạc Thủy",
    "Yên Thủy", "Kỳ Sơn",
]
COMMUNE_SYLLABLES = [
    "Văn", "Nghĩa", "Tân", "Lập", "Mỹ", "Thành", "Bình", "Hòa", "Phú", "Lương", "Quý", "Hòa", "Chí", "Đạo",
    "Ân", "Vũ", "Bình", "Cảng", "Thượng", "Cốc", "Ngọc", "Lâu", "Hương", "Nhượng", "Yên", "Phú", "Định", "Cư",
    "Đồng", "Tâm", "Tự", "Do", "Xuất", "Hóa", "Miền", "Đồi", "Trung", "Bản", "Khả", "Vân", "Sơn",
]
FAMILY = ["Nguyễn", "Bùi", "Đinh", "Quách", "Hoàng", "Trần", "Lê", "Phạm", "Xa", "Hà", "Đỗ", "Vũ"]
GIVEN = [
    "Văn Hòa", "Đức Dính", "Thị Hằng", "Thanh Sơn", "Việt Lâm", "Đồng Hương", "Minh Tuấn", "Thu Trang",
    "Quang Vinh", "Ngọc Anh", "Hải Yến", "Văn Chiến", "Thị Thúy", "Đức Thắng",
]
AUTHORS = ["Việt Lâm", "Đồng Hương", "Thanh Sơn", "Thu Hằng", "Minh Tuấn", "Hải Yến", "Ngọc Anh",
           "Quang Vinh", "Đức Thắng", "Thu Trang", "Hương Lan", "Mai Anh", "Trường Giang", "Khánh Linh"]
# Words of a provincial paper's political and local news, most frequent first (Zipf weights).
VOCABULARY = """
các của và đã được trong cho với là có những này đến để tại theo về người đồng chí đảng viên
công tác đại hội đảng bộ chi bộ nhiệm kỳ huyện xã tỉnh phát triển kinh tế xã hội thực hiện
nhân dân cán bộ chính quyền năm kế hoạch cơ sở tổ chức lãnh đạo chỉ đạo nhiệm vụ giải pháp
trên địa bàn hiện nay nâng cao chất lượng hiệu quả tập trung đẩy mạnh triển khai kết quả
đánh giá phong trào xây dựng nông thôn mới gia đình hộ nghèo thu nhập bình quân sản xuất
nông nghiệp cây trồng vật nuôi chăn nuôi lúa ngô mía cam bưởi rau an toàn thủy sản rừng
trồng rừng bảo vệ môi trường giao thông đường điện nước sạch trường học giáo dục y tế
văn hóa thể thao du lịch cộng đồng dân tộc Mường Thái Dao Tày bản xóm thôn vùng cao
biên giới an ninh quốc phòng trật tự công an quân sự dân quân tự vệ Mặt trận Tổ quốc
đoàn thể hội nông dân phụ nữ cựu chiến binh đoàn thanh niên công đoàn hội viên đoàn viên
ban chấp hành ban thường vụ bí thư phó bí thư chủ tịch ủy ban hội đồng nhân dân đại biểu
văn kiện báo cáo chính trị dự thảo góp ý nghị quyết chỉ thị thông báo quyết định
bầu cử nhân sự cấp ủy ứng cử đề cử tín nhiệm trúng cử quy hoạch luân chuyển đào tạo
tuyên truyền vận động học tập làm theo tư tưởng đạo đức phong cách Hồ Chí Minh
kiểm tra giám sát kỷ luật khen thưởng thi đua yêu nước điển hình tiên tiến gương sáng
doanh nghiệp hợp tác xã đầu tư vốn vay ngân hàng chính sách tín dụng việc làm lao động
chuyển đổi số cải cách hành chính thủ tục một cửa dịch vụ công trực tuyến
hội nghị sơ kết tổng kết khai mạc bế mạc diễn ra thành công tốt đẹp trang trọng
sáng chiều ngày tháng quý đầu năm cuối năm vừa qua thời gian tới tiếp tục
tích cực chủ động sáng tạo đoàn kết thống nhất dân chủ kỷ cương đổi mới
khó khăn hạn chế tồn tại nguyên nhân bài học kinh nghiệm phương hướng mục tiêu chỉ tiêu
vượt đạt hoàn thành đề ra trước thời hạn cơ bản toàn diện bền vững
""".split()
# The long tail: syllables built from Vietnamese onsets, rhymes and tones (most are real
# syllables, some only plausible), drawn with Zipf frequencies like the rest of the text.
ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "r",
          "s", "t", "th", "tr", "v", "x"]
RHYMES = """
a ai ao au ay am an ang anh ap at ac ach ăm ăn ăng ăp ăt ăc âm ân âng âp ât âc âu ây e eo em en
ep et ê êu êm ên ênh êt êch i ia iu im in inh ip it ich iêm iên iêng iêt iêu o oi om on ong op ot oc
oa oai oan oang oanh oat oe ô ôi ôm ôn ông ôt ôc ơ ơi ơm ơn ơt u ua ui um un ung up ut uc uân uât
uê uy uyên uyêt ư ưa ưng ưt ưc ươi ươm ươn ương ươt ươc ưu
""".split()
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
TAIL_SYLLABLES = 6000
COMMON_SHARE = 0.55
"""Share of the text drawn from the common vocabulary; the rest is tail syllables."""


def _tone_position(rhyme: str) -> int:
    """Index of the vowel that carries the tone mark (the usual modern placement, roughly)."""
    vowels = [i for i, ch in enumerate(rhyme) if ch in "aăâeêioôơuưy"]
    marked = [i for i in vowels if rhyme[i] in "ăâêôơư"]
    if marked:
        return marked[-1]
    if len(vowels) >= 2 and (vowels[-1] < len(rhyme) - 1 or rhyme[: 2] in ("oa", "oe", "uy")):
        return vowels[1]
    return vowels[0]


def make_syllables(seed: int, count: int) -> list[str]:
    """Distinct syllables (NFC), in a seeded random order."""
    out: dict[str, None] = {}
    for onset in ONSETS:
        for rhyme in RHYMES:
            if (onset == "qu" and rhyme[0] in "uư") or (onset == "c" and rhyme[0] in "eêiy"):
                continue
            stop = rhyme[-1] in "ptc" or rhyme.endswith("ch")
            pos = _tone_position(rhyme)
            for tone in TONES:
                if stop and tone not in ("\u0301", "\u0323"):
                    continue
                marked = rhyme[: pos + 1] + tone + rhyme[pos + 1 :]
                out[unicodedata.normalize("NFC", onset + marked)] = None
    syllables = list(out)
    random.Random(seed).shuffle(syllables)
    return syllables[:count]


@dataclasses.dataclass
class Corpus:
    """Deterministic generator of plausible records."""

    seed: int

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.common = list(dict.fromkeys(VOCABULARY))
        self.tail = make_syllables(self.seed + 3, TAIL_SYLLABLES)
        common_cum = self._zipf(len(self.common), 8)
        tail_cum = self._zipf(len(self.tail), 20)
        # one distribution over both: the common words take COMMON_SHARE of the draws
        scale_c, scale_t = COMMON_SHARE / common_cum[-1], (1 - COMMON_SHARE) / tail_cum[-1]
        self.words = self.common + self.tail
        self.cum = [c * scale_c for c in common_cum] + [COMMON_SHARE + t * scale_t for t in tail_cum]
        self.units = self._unit_pool()
        self.titles: list[str] = []

    @staticmethod
    def _zipf(n: int, offset: int) -> list[float]:
        total, cum = 0.0, []
        for rank in range(n):
            total += 1.0 / (rank + offset)  # word frequency ~ 1/rank
            cum.append(total)
        return cum

    def _unit_pool(self) -> list[Unit]:
        rng = random.Random(self.seed + 1)
        pool: list[Unit] = []
        for i, district in enumerate(DISTRICTS):
            place = Place(province="Tỉnh Hòa Bình", district=f"Huyện {district}", province_code="17",
                          district_code=str(148 + i), new_province="Tỉnh Phú Thọ")
            pool.append(Unit(f"Đảng bộ huyện {district}", "dang-bo", "huyen", 1, place))
            pool.append(Unit(f"Huyện ủy {district}", "cap-uy", "huyen", 1, place))
            pool.append(Unit(f"UBND huyện {district}", "nha-nuoc", "huyen", 1, place))
            for j in range(12):
                commune = " ".join(rng.sample(COMMUNE_SYLLABLES, 2))
                cplace = dataclasses.replace(place, commune=f"Xã {commune}", commune_code=f"{i:02d}{j:03d}")
                pool.append(Unit(f"Đảng bộ xã {commune}", "dang-bo", "xa", 1, cplace))
                pool.append(Unit(f"Chi bộ xóm {rng.choice(COMMUNE_SYLLABLES)} {j}", "chi-bo", "co-so", 1, cplace))
        pool.append(Unit("Tỉnh ủy Hòa Bình", "cap-uy", "tinh", 1, Place(province="Tỉnh Hòa Bình")))
        pool.append(Unit("Bộ Chính trị", "cap-uy", "trung-uong", 1, None))
        return pool

    def sentence(self, n: int) -> str:
        text = " ".join(self.rng.choices(self.words, cum_weights=self.cum, k=n))
        return text[:1].upper() + text[1:] + "."

    def record(self, i: int) -> ArticleRecord:
        rng = self.rng
        article_id = 130_000 + i
        units = rng.sample(self.units, rng.randint(0, 4))
        units = [dataclasses.replace(u, mentions=rng.randint(1, 3)) for u in units]
        paragraphs = []
        for _ in range(rng.randint(4, 7)):
            sentences = [self.sentence(rng.randint(12, 24)) for _ in range(rng.randint(2, 4))]
            if units and rng.random() < 0.6:
                sentences.append(f"{rng.choice(units).name} đã {self.sentence(8).lower()}")
            paragraphs.append(" ".join(sentences))
        day = 1 + i * 2200 // 200_000  # about six years of days, in id order
        year, rest = divmod(day, 365)
        month, dom = divmod(rest, 31)
        published = f"{2016 + year:04d}-{min(month, 11) + 1:02d}-{min(dom, 27) + 1:02d}T{7 + i % 12:02d}:{i % 60:02d}:00+07:00"
        person = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        unit_name = units[0].name if units else None
        return ArticleRecord(
            url=f"{SITE}/11/{article_id}/Bai-{article_id}.htm",
            article_id=article_id,
            category_id=rng.choice([11, 11, 11, 16, 40, 220]),
            title=self._title(rng.randint(8, 14)),
            lead=self.sentence(rng.randint(25, 40)),
            body="\n\n".join(paragraphs),
            published_at=published,
            published_at_raw=published[:10],
            byline=Byline(raw=None, authors=rng.sample(AUTHORS, rng.randint(1, 2))),
            units=units,
            related=[
                RelatedItem(f"{SITE}/11/{article_id - rng.randint(1, 500)}/Bai.htm", self.sentence(10), self.sentence(20))
                for _ in range(rng.randint(0, 5))
            ],
            is_congress=rng.random() < 0.4,
            images=[Image(f"https://ims.baohoabinh.com.vn/NewsImg/1_2020/{article_id}_{k}.jpg", self.sentence(8))
                    for k in range(rng.randint(0, 3))],
            people=[Person(person, "Bí thư", unit_name)] if unit_name and rng.random() < 0.5 else [],
            documents=[Document("Kế hoạch", str(rng.randint(1, 300)), f"{rng.randint(1, 300)}-KH/HU", "Huyện ủy", None)]
            if rng.random() < 0.3 else [],
            counts=[Count(rng.randint(10, 9000), "đảng viên", unit_name)] if rng.random() < 0.4 else [],
            date_mentions=[DateMention(f"ngày {published[8:10]}/{published[5:7]}", published[:10], published[:10], "day")],
        )

    def _title(self, n: int) -> str:
        title = self.sentence(n).rstrip(".")
        if len(self.titles) < 5000:
            self.titles.append(title)
        return title

    def records(self, n: int) -> Iterator[ArticleRecord]:
        for i in range(n):
            yield self.record(i)

    def queries(self, count: int) -> list[tuple[str, str]]:
        """``(kind, query)`` pairs, in turn: a unit or place name (``name``), two or three
        neighbouring words of an archived title (``title``), the same typed without
        diacritics (``folded``), and one less common word (``word``). Call after
        :meth:`records` (the titles come from the generated articles)."""
        from crawler.text import fold

        rng = random.Random(self.seed + 2)
        names = [u.name for u in self.units] + [f"huyện {d}" for d in DISTRICTS]
        out: list[tuple[str, str]] = []
        for k in range(count):
            kind = ("name", "title", "folded", "word")[k % 4]
            if kind == "name":
                q = rng.choice(names)
            elif kind == "word":
                q = rng.choice(self.tail[50:2000])
            else:
                words = rng.choice(self.titles).split()
                size = min(len(words), rng.choice((2, 3)))
                start = rng.randrange(len(words) - size + 1)
                q = " ".join(words[start : start + size])
                q = fold(q) if kind == "folded" else q
            out.append((kind, q))
        return out


def flat_row(record: ArticleRecord) -> dict[str, Any]:
    """The record as one flat row for the baseline (nested lists left for sqlite-utils to JSON)."""
    d = record.to_dict()
    byline = d.pop("byline")
    d["byline_raw"], d["byline_authors"], d["byline_source"] = byline["raw"], byline["authors"], byline["source"]
    return d


def fresh_db(path: Path) -> sqlite_utils.Database:
    """A new database with the archive's storage settings (page size, WAL, synchronous)."""
    db = sqlite_utils.Database(path, recreate=True)
    db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def ingest(work: Path, records: list[ArticleRecord], batch_size: int, plain_n: int, chunk: int) -> dict[str, float]:
    """Seconds spent by each side. The sides take turns, ``chunk`` records at a time, so that
    other load on the machine falls on both alike."""
    ours_path = work / "archive.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ours_path}{suffix}").unlink(missing_ok=True)
    ours_db = open_archive(ours_path)
    writer = ArchiveWriter(ours_db, batch_size=batch_size)
    bases: dict[str, sqlite_utils.db.Table] = {}
    for name, fts in (("baseline_fts", True), ("baseline_plain", False)):
        db = fresh_db(work / f"{name}.db")
        table = db.table("articles")
        columns = {k: int if k in ("article_id", "category_id", "is_congress") else str for k in flat_row(records[0])}
        table.create(columns, pk="url")
        if fts:  # as `sqlite-utils enable-fts --create-triggers` makes it
            table.enable_fts(["title", "lead", "body"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")
        bases[name] = table
    spent = {"ours": 0.0, "baseline_fts": 0.0, "baseline_plain": 0.0, "to_rows": 0.0}
    for i in range(0, len(records), chunk):
        part = records[i : i + chunk]
        start = time.perf_counter()
        rows = [flat_row(r) for r in part]  # timed apart: reported with and without it
        spent["to_rows"] += time.perf_counter() - start
        start = time.perf_counter()
        for record in part:
            writer.add(record, fetched_at="2025-01-01T00:00:00+07:00")
        writer.flush()
        spent["ours"] += time.perf_counter() - start
        start = time.perf_counter()
        bases["baseline_fts"].insert_all(rows, batch_size=batch_size)
        spent["baseline_fts"] += time.perf_counter() - start
        if i < plain_n:
            start = time.perf_counter()
            bases["baseline_plain"].insert_all(rows, batch_size=batch_size)
            spent["baseline_plain"] += time.perf_counter() - start
    writer.close()
    ours_db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ours_db.close()
    for table in bases.values():
        table.db.close()
    return spent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def time_search(db: sqlite_utils.Database, queries: list[str]) -> tuple[list[float], list[int]]:
    for q in queries:  # warm the page cache: both sides are then measured warm
        archive_search(db, q)
    times, hits = [], []
    for q in queries:
        start = time.perf_counter()
        results = archive_search(db, q, limit=20)
        times.append(time.perf_counter() - start)
        hits.append(len(results))
    return times, hits


def like_sql(words: int) -> str:
    """Every word in title, lead or body: the whole table is read (LIKE cannot rank, so all
    matches are needed to order them)."""
    cond = " AND ".join(["(title LIKE ? OR lead LIKE ? OR body LIKE ?)"] * words)
    return f"SELECT id FROM articles WHERE {cond}"


def time_like(db: sqlite_utils.Database, queries: list[str]) -> tuple[list[float], list[int]]:
    db.execute(like_sql(1), ["%x%"] * 3).fetchall()  # warm
    times, hits = [], []
    for q in queries:
        words = q.split()
        params = [f"%{w}%" for w in words for _ in range(3)]
        start = time.perf_counter()
        rows = db.execute(like_sql(len(words)), params).fetchall()
        times.append(time.perf_counter() - start)
        hits.append(len(rows))
    return times, hits


def run(args: argparse.Namespace) -> dict[str, Any]:
    n = args.n
    work = Path(args.workdir or tempfile.mkdtemp(prefix="hbdt-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(args.seed)

    t0 = time.perf_counter()
    records = list(corpus.records(n))
    gen_s = time.perf_counter() - t0
    text_bytes = sum(len((r.title or "") + (r.lead or "") + (r.body or "")) for r in records)
    ours_path = work / "archive.db"
    chunk = max(args.batch_size, 10_000)
    spent = ingest(work, records, args.batch_size, args.plain_n, chunk)
    ours_s, base_fts_s, base_s = spent["ours"], spent["baseline_fts"], spent["baseline_plain"]
    base_n = min(n, -(-args.plain_n // chunk) * chunk)

    db = open_archive(ours_path)
    kinds_queries = corpus.queries(args.queries)
    queries = [q for _, q in kinds_queries]
    fts_times, fts_hits = time_search(db, queries)
    by_kind = {
        kind: round(statistics.median(t for (k, _), t in zip(kinds_queries, fts_times, strict=True) if k == kind) * 1000, 3)
        for kind in ("name", "title", "folded", "word")
    }
    # LIKE gets the queries written with diacritics (it cannot fold them), so it finds what it can
    like_queries = [q for k, q in kinds_queries if k != "folded"][: args.like_queries]
    like_times, like_hits = time_like(db, like_queries)
    db.close()
    size = ours_path.stat().st_size
    base_size = (work / "baseline_fts.db").stat().st_size

    result = {
        "n": n,
        "seed": args.seed,
        "generate_seconds": round(gen_s, 2),
        "text_chars_per_article": round(text_bytes / n),
        "ingest": {
            "ours_records_per_s": round(n / ours_s),
            "baseline_fts_records_per_s": round(n / (base_fts_s + spent["to_rows"])),
            "baseline_fts_rows_ready_records_per_s": round(n / base_fts_s),
            "baseline_plain_records_per_s": round(base_n / base_s),
            "baseline_plain_n": base_n,
            # the goal: both sides start from the crawl's records
            "ratio": round((n / ours_s) / (n / (base_fts_s + spent["to_rows"])), 3),
            "ratio_rows_ready": round((n / ours_s) / (n / base_fts_s), 3),
            "ratio_vs_baseline_plain": round((n / ours_s) / (base_n / base_s), 3),
            "ours_seconds": round(ours_s, 2),
            "baseline_fts_seconds": round(base_fts_s, 2),
            "baseline_to_rows_seconds": round(spent["to_rows"], 2),
        },
        "search": {
            "queries": len(queries),
            "fts_median_ms": round(statistics.median(fts_times) * 1000, 3),
            "fts_p95_ms": round(percentile(fts_times, 0.95) * 1000, 3),
            "fts_mean_hits": round(statistics.mean(fts_hits), 1),
            "fts_median_ms_by_kind": by_kind,
            "like_queries": len(like_queries),
            "like_median_ms": round(statistics.median(like_times) * 1000, 1),
            "like_p95_ms": round(percentile(like_times, 0.95) * 1000, 1),
            "like_mean_matches": round(statistics.mean(like_hits), 1),
            "speedup_median": round(statistics.median(like_times) / statistics.median(fts_times), 1),
            "speedup_p95": round(percentile(like_times, 0.95) / percentile(fts_times, 0.95), 1),
        },
        "size": {
            "archive_bytes": size,
            "bytes_per_article": round(size / n),
            "baseline_fts_bytes_per_article": round(base_size / n),
        },
        "workdir": str(work),
    }
    if not args.keep:
        for path in work.glob("*.db*"):
            path.unlink()
        if not args.workdir:
            work.rmdir()
    return result


def print_table(r: dict[str, Any]) -> None:
    ing, se, sz = r["ingest"], r["search"], r["size"]
    rows = [
        ("articles", f"{r['n']:,}", f"{r['text_chars_per_article']:,} chars of text each, seed {r['seed']}"),
        ("ingest: ArchiveWriter", f"{ing['ours_records_per_s']:,} rec/s", f"{ing['ours_seconds']} s"),
        ("ingest: to_dict + insert_all + FTS", f"{ing['baseline_fts_records_per_s']:,} rec/s",
         f"{ing['baseline_fts_seconds']} s + {ing['baseline_to_rows_seconds']} s to_dict"),
        ("ingest ratio (goal >= 0.8)", f"{ing['ratio']}", "both sides from the crawl's records"),
        ("  rows handed to the baseline ready", f"{ing['ratio_rows_ready']}",
         f"{ing['baseline_fts_rows_ready_records_per_s']:,} rec/s"),
        ("  vs insert_all, no FTS", f"{ing['ratio_vs_baseline_plain']}",
         f"{ing['baseline_plain_records_per_s']:,} rec/s, {ing['baseline_plain_n']:,} records, rows ready"),
        ("search median / p95", f"{se['fts_median_ms']} / {se['fts_p95_ms']} ms", f"{se['queries']} queries, top 20 + snippets"),
        ("LIKE scan median / p95", f"{se['like_median_ms']} / {se['like_p95_ms']} ms", f"{se['like_queries']} queries"),
        ("search speed-up (goal >= 100)", f"{se['speedup_median']}x", f"p95: {se['speedup_p95']}x"),
        ("database size per article", f"{sz['bytes_per_article']:,} B", f"baseline with FTS: {sz['baseline_fts_bytes_per_article']:,} B"),
    ]
    w0 = max(len(a) for a, _, _ in rows)
    w1 = max(len(b) for _, b, _ in rows)
    for a, b, c in rows:
        print(f"{a:<{w0}}  {b:>{w1}}  {c}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="articles to generate (default 200,000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20,000 articles, fewer queries")
    parser.add_argument("--queries", type=int, default=60, help="search queries to time")
    parser.add_argument("--like-queries", type=int, default=8, help="LIKE scans to time (each reads everything)")
    parser.add_argument("--plain-n", type=int, default=50_000, help="records for the no-FTS reference baseline")
    parser.add_argument("--batch-size", type=int, default=HBDT_BATCH_SIZE,
                        help=f"records per batch (default: the crawl's, {HBDT_BATCH_SIZE})")
    parser.add_argument("--seed", type=int, default=20191016)
    parser.add_argument("--workdir", help="where to build the databases (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.quick:
        args.n = min(args.n, 20_000)
        args.queries = min(args.queries, 30)
        args.like_queries = min(args.like_queries, 5)
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
