"""Decoding and linearisation of pages whatever their markup."""

from __future__ import annotations

import unicodedata

import pytest

from crawler.html import decode, parse_document

TEXT = "Đảng bộ huyện Lạc Sơn có 8.021 đảng viên"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def legacy_1258(text: str) -> bytes:
    """Encode as a legacy windows-1258 page does: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")



@pytest.mark.parametrize(
    ("body", "declared"),
    [
        (f'<meta charset="utf-8"><p>{TEXT}</p>'.encode(), None),
        (legacy_1258(f'<meta http-equiv="Content-Type" content="text/html; charset=windows-1258"><p>{TEXT}</p>'), None),
        (legacy_1258(f"<p>{TEXT}</p>"), "windows-1258"),
        (b"\xef\xbb\xbf" + f"<p>{TEXT}</p>".encode(), None),
        ("<p>&#272;&#7843;ng b&#7897; huy&#7879;n L&#7841;c S&#417;n có 8.021 đảng viên</p>".encode(), "utf-8"),
        (unicodedata.normalize("NFD", f"<p>{TEXT}</p>").encode(), "utf-8"),
    ],
    ids=["meta-utf8", "meta-cp1258", "header-cp1258", "bom", "entities", "nfd"],
)
def test_text_arrives_in_nfc(body: bytes, declared: str | None) -> None:
    doc = parse_document(body, encoding=declared)
    assert doc is not None
    texts = [b.text for b in doc.blocks if b.text]
    assert texts == [TEXT]


def test_decode_unknown_charset_sniffs() -> None:
    assert "Lạc Sơn" in decode("<p>Lạc Sơn</p>".encode(), "x-unknown-charset")


@pytest.mark.parametrize("body", [b"", b"   ", b"<p>", b"\x00\x01", b"<html><body></body></html>"])
def test_messy_input_never_raises(body: bytes) -> None:
    doc = parse_document(body)
    assert doc is None or all(isinstance(b.text, str) for b in doc.blocks)


def test_blocks_links_images_and_chrome() -> None:
    html = """<html><head><title>T</title><link rel="canonical" href="https://baohoabinh.com.vn/11/5/A.htm">
    </head><body><div class="menu"><a href="/">Trang chủ</a></div>
    <div id="content"><h1>Tiêu đề</h1><div>dòng một<br>dòng hai<p>đoạn trong</p>đuôi</div>
    <img src="/web/20191016000000im_/https://ims.baohoabinh.com.vn/a.jpg" alt="ảnh">
    <p><a href="/web/20191016000000/https://baohoabinh.com.vn/11/6/B.htm">Tin B</a></p>
    <script>var x = "không phải chữ";</script><!-- chú thích --></div>
    <div class="sidebar"><p>Tin mới nhất</p></div></body></html>"""
    doc = parse_document(html)
    assert doc is not None
    assert doc.base_url == "https://baohoabinh.com.vn/11/5/A.htm"
    texts = [b.text for b in doc.blocks if b.text]
    assert texts == ["Trang chủ", "Tiêu đề", "dòng một", "dòng hai", "đoạn trong", "đuôi", "Tin B", "Tin mới nhất"]
    by_text = {b.text: b for b in doc.blocks if b.text}
    assert by_text["Trang chủ"].chrome and by_text["Tin mới nhất"].chrome
    assert not by_text["Tiêu đề"].chrome and by_text["Tiêu đề"].heading
    assert by_text["Tin B"].links[0].url == "https://baohoabinh.com.vn/11/6/B.htm"
    assert by_text["Tin B"].link_density == 1.0
    images = [b.image for b in doc.blocks if b.image]
    assert images == ["https://ims.baohoabinh.com.vn/a.jpg"]


def test_bold_and_meta() -> None:
    html = """<html><head><meta property="og:title" content="  Tiêu   đề "><meta name="author" content="Thanh Sơn">
    <script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "datePublished": "2019-10-16"}]}</script>
    <script type="application/ld+json">{broken</script></head>
    <body><p style="text-align:right"><strong>Thanh Sơn</strong></p><p>thường <b>đậm</b></p></body></html>"""
    doc = parse_document(html)
    assert doc is not None
    assert doc.meta["og:title"] == "Tiêu đề"
    assert doc.meta["author"] == "Thanh Sơn"
    assert any(item.get("datePublished") == "2019-10-16" for item in doc.jsonld)
    blocks = [b for b in doc.blocks if b.text]
    assert blocks[0].bold and not blocks[1].bold
