"""Hostile-page benchmark: parse time against page size for a page full of dates, deeply nested
markup and one huge text run; and, as the peer, the same pages parsed by lxml alone (the floor
of any parser built on it), measured in the same run.

For each kind it prints the size, hbdt's time, lxml's time, hbdt/lxml, and the growth of hbdt's
time when the page grows 4x (linear work: about 4; the quadratic date scan of before: about 16).
Each page must also keep the paragraph after the hostile part (``kept``).

Run: python bench/hostile.py [--scale 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402

from crawler.pages import ArticlePage  # noqa: E402

HEAD = ("<html><head><meta charset='utf-8'><title>T</title></head><body><h1>Đảng bộ huyện Lạc Sơn chuẩn bị "
        "đại hội</h1><div class='date'>16/10/2019 08:00</div><p>(HBĐT) - Mở đầu bài viết.</p>")
TAIL = "<p>Đoạn cuối cùng của bài viết.</p><p>Việt Lâm</p></body></html>"


def dates(n: int) -> bytes:
    return (HEAD + "".join(
        f"<p>Ngày {d % 28 + 1}/{d % 12 + 1}/20{10 + d % 10}, lúc {d % 24}:{d % 60:02d} ngày {d % 28 + 1} tháng "
        f"{d % 12 + 1} năm 2019, Đảng bộ xã họp.</p>" for d in range(n)) + TAIL).encode()


def nesting(n: int) -> bytes:
    return (HEAD + "<div>" * n + "<p>Đoạn sâu.</p>" + "</div>" * n + TAIL).encode()


def text_run(n: int) -> bytes:
    return (HEAD + "<p>" + "Đảng bộ huyện Lạc Sơn lãnh đạo " * n + "</p>" + TAIL).encode()


KINDS: dict[str, tuple[Callable[[int], bytes], int]] = {
    "page full of dates": (dates, 6_000),
    "nested <div>": (nesting, 500),
    "one text run": (text_run, 90_000),
}


def hbdt(body: bytes) -> tuple[float, bool]:
    start = time.perf_counter()
    record = ArticlePage(body, url="https://baohoabinh.com.vn/11/140123/bai.htm").to_record()
    return time.perf_counter() - start, (record.body or "").endswith("Đoạn cuối cùng của bài viết.")


def lxml_only(body: bytes) -> float:
    start = time.perf_counter()
    lxml.html.document_fromstring(body, parser=lxml.html.HTMLParser(huge_tree=True))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every page size")
    args = parser.parse_args()
    print(f"{'kind':20} {'size':>9} {'hbdt':>8} {'lxml':>8} {'hbdt/lxml':>9} {'x4 growth':>9}  kept")
    for name, (make, base) in KINDS.items():
        previous = None
        for factor in (1, 4):
            body = make(int(base * args.scale * factor))
            took, kept = hbdt(body)
            floor = lxml_only(body)
            growth = f"{took / previous:9.1f}" if previous else f"{'':9}"
            print(f"{name:20} {len(body) / 1e6:8.2f}M {took:7.2f}s {floor:7.3f}s {took / floor:9.0f} {growth}  {kept}")
            previous = took


if __name__ == "__main__":
    main()
