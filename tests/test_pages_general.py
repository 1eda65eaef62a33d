"""General parser rules met on other Vietnamese CMSs (issue 10, parts 1 and 3), on small pages:
related-block headings, related items of any URL shape or host, other outlets' lead tags, and an
organisation in JSON-LD ``author`` never taken for a person."""

from __future__ import annotations

import json

import pytest

from crawler.pages import ArticlePage

URL = "https://baohoabinh.com.vn/11/140123/bai.htm"
BODY = ("<p>Đại hội đã thảo luận, thống nhất các chỉ tiêu phát triển kinh tế - xã hội nhiệm kỳ 2020-2025 và "
        "bầu Ban Chấp hành Đảng bộ gồm 15 đồng chí.</p>"
        "<p>Đồng chí Bùi Văn Cửu phát biểu chỉ đạo đại hội, đề nghị tập trung xây dựng nông thôn mới.</p>"
        "<p>Việt Lâm</p>")


def page(*, lead: str = "(HBĐT) - Sáng 16/10, Đảng bộ xã Văn Nghĩa tổ chức đại hội điểm nhiệm kỳ 2020-2025.",
         related: str = "", head: str = "") -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>Văn Nghĩa tổ chức đại hội điểm</title>{head}</head><body>"
        "<h1>Văn Nghĩa tổ chức đại hội điểm</h1><div class='date'>16/10/2019 08:00</div>"
        f"<div class='detail'><p>{lead}</p>{BODY}</div>{related}"
        "<div class='footer'>Bản quyền thuộc Báo Hòa Bình điện tử</div>"
        "</body></html>"
    ).encode()


ITEMS = [
    ("https://baohoabinh.com.vn/11/140100/Lac-Son-chuan-bi-dai-hoi.htm", "Lạc Sơn chủ động chuẩn bị cho đại hội"),
    ("https://dantri.com.vn/xa-hoi/dai-hoi-dang-bo-cac-cap-20191016.htm", "Đại hội Đảng bộ các cấp tiến tới Đại hội XIII"),
    ("https://baohoabinh.com.vn/11/140090/Kim-Boi-lay-y-kien.htm", "Kim Bôi lấy ý kiến góp ý văn kiện đại hội"),
]


def related_block(heading: str, items=ITEMS) -> str:
    lis = "".join(f"<li><a href='{u}'>{t}</a></li>" for u, t in items)
    return f"<div><h3>{heading}</h3><ul>{lis}</ul></div>"


@pytest.mark.parametrize("heading", ["Các tin khác", "TIN LIÊN QUAN", "Tin liên quan", "Tham khảo thêm",
                                     "Cùng chuyên mục", "Đọc thêm", "Related news", "Bạn có thể quan tâm"])
def test_related_block_under_any_heading_keeps_every_item_in_order(heading):
    record = ArticlePage(page(related=related_block(heading)), url=URL).to_record()
    assert [(r.url, r.title) for r in record.related] == ITEMS
    assert record.body.endswith("đề nghị tập trung xây dựng nông thôn mới.")


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://dantri.com.vn/xa-hoi/dai-hoi-dang-bo-cac-cap-20191016.htm", True),   # another outlet
        ("https://baohoabinh.com.vn/dai-hoi-dang-bo-cac-cap-a12345.html", True),       # another URL shape
        ("https://vnexpress.net/dai-hoi-dang-bo-4003321.html", True),
        ("https://baohoabinh.com.vn/11/page/2/CHINH-TRI.htm", False),                 # a listing page
        ("https://baohoabinh.com.vn/", False),                                        # the home page
    ],
)
def test_related_item_of_any_shape_is_kept_and_never_ends_the_block(url, kept):
    items = [ITEMS[0], (url, "Đại hội Đảng bộ các cấp tiến tới Đại hội XIII của Đảng"), ITEMS[2]]
    record = ArticlePage(page(related=related_block("Các tin khác", items)), url=URL).to_record()
    got = [r.url for r in record.related]
    assert got == ([ITEMS[0][0], url, ITEMS[2][0]] if kept else [ITEMS[0][0], ITEMS[2][0]])


@pytest.mark.parametrize("tag", ["(Dân trí) - ", "(NLĐO)-", "(Chinhphu.vn) - ", "(HBĐT) - ", "(VOV) – "])
def test_other_outlets_lead_tags_are_stripped(tag):
    lead = f"{tag}Sáng 16/10, Đảng bộ xã Văn Nghĩa tổ chức đại hội điểm nhiệm kỳ 2020-2025."
    record = ArticlePage(page(lead=lead), url=URL).to_record()
    assert record.lead == "Sáng 16/10, Đảng bộ xã Văn Nghĩa tổ chức đại hội điểm nhiệm kỳ 2020-2025."


def test_a_parenthesis_that_is_not_an_outlet_tag_stays():
    lead = "(Ảnh minh họa) Sáng 16/10, Đảng bộ xã Văn Nghĩa tổ chức đại hội điểm nhiệm kỳ 2020-2025."
    record = ArticlePage(page(lead=lead), url=URL).to_record()
    assert record.lead is None or record.lead.startswith("(Ảnh minh họa)")


@pytest.mark.parametrize(
    "author",
    [{"@type": "Organization", "name": "Báo Điện tử Dân trí"}, {"@type": "NewsMediaOrganization", "name": "VnExpress"},
     "VnExpress"],
    ids=["organization", "news-media-org", "publisher-name"],
)
def test_an_organisation_in_jsonld_author_is_never_an_author(author):
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Văn Nghĩa tổ chức đại hội điểm",
            "author": author, "publisher": {"@type": "Organization", "name": "VnExpress"}}
    head = f"<script type='application/ld+json'>{json.dumps(data, ensure_ascii=False)}</script>"
    body = page(head=head).replace("<p>Việt Lâm</p>".encode(), b"")
    record = ArticlePage(body, url=URL).to_record()
    names = {"Báo Điện tử Dân trí", "VnExpress"}
    assert not names & set(record.byline.authors)


WIDGETS = {
    "empty-tin-moi-box-inside-the-text": "<div class='box'><div class='title'>TIN MỚI</div></div>",
    "copy-link-toast": "<div class='toast'>Copy link thành công</div>",
    "display-none": "<div style='display: none'>Nội dung ẩn của một hộp quảng cáo, không thuộc bài.</div>",
    "hidden-attribute": "<div hidden>Đăng nhập để bình luận bài viết này</div>",
    "share-bar": "<div class='share'><a href='#'>Facebook</a> <a href='#'>Zalo</a></div>",
    "close-button": "<div class='popup'><span>Đóng lại</span></div>",
}


@pytest.mark.parametrize("widget", list(WIDGETS.values()), ids=list(WIDGETS))
def test_a_widget_inside_the_text_neither_ends_nor_pollutes_the_body(widget):
    first, second, byline = BODY.split("</p>")[:3]
    html = page().replace(BODY.encode(), f"{first}</p>{widget}{second}</p>{byline}</p>".encode())
    record = ArticlePage(html, url=URL).to_record()
    assert record.body.endswith("đề nghị tập trung xây dựng nông thôn mới.")
    assert record.body.count("\n\n") == 1  # the two paragraphs, nothing between them
    assert record.byline.authors == ["Việt Lâm"]


def test_a_long_hidden_continuation_of_the_article_is_kept():
    rest = "Phần còn lại của bài viết được thu gọn, bạn đọc bấm xem thêm để đọc tiếp. " * 4
    html = page().replace("<p>Việt Lâm</p>".encode(), f"<div style='display:none'><p>{rest.strip()}</p></div><p>Việt Lâm</p>".encode())
    record = ArticlePage(html, url=URL).to_record()
    assert "Phần còn lại của bài viết được thu gọn" in record.body


def test_only_the_articles_own_images_are_kept():
    card = (f"<div><h3>Tin liên quan</h3><ul><li><a href='{ITEMS[1][0]}'><img src='https://img.example/card.jpg'></a>"
            f"<a href='{ITEMS[1][0]}'>{ITEMS[1][1]}</a></li></ul></div>")
    html = page(related=card)
    html = html.replace("<p>Việt Lâm</p>".encode(),
                        "<div class='author-box'><img src='https://img.example/portrait.jpg'><span>Việt Lâm</span></div>".encode())
    html = html.replace("<p>Đồng chí".encode(),
                        ("<figure><a href='https://img.example/photo-large.jpg'><img src='https://img.example/photo.jpg'></a>"
                         "<figcaption>Quang cảnh đại hội.</figcaption></figure><p>Đồng chí").encode())
    record = ArticlePage(html, url=URL).to_record()
    assert [(i.url, i.caption) for i in record.images] == [("https://img.example/photo.jpg", "Quang cảnh đại hội.")]
    assert record.byline.authors == ["Việt Lâm"]


def meta_line(cls: str, text: str) -> bytes:
    html = page().replace("<p>Việt Lâm</p>".encode(), b"")
    return html.replace(b"<div class='date'>16/10/2019 08:00</div>", f"<div class='{cls}'>{text}</div>".encode())


@pytest.mark.parametrize("cls", ["author", "meta", "info", "time", "share", "article-meta"])
def test_a_meta_line_in_any_meta_container_gives_date_and_authors(cls):
    html = meta_line(cls, "<span>Minh Thu - Thanh Hải</span> | <span>16/10/2019 08:00</span>")
    record = ArticlePage(html, url=URL).to_record()
    assert record.published_at == "2019-10-16T08:00:00+07:00"
    assert record.byline.authors == ["Minh Thu", "Thanh Hải"]


@pytest.mark.parametrize("text", ["16/10/2019 08:00 | Chính trị", "Thứ tư, 16/10/2019 08:00 (GMT+7)",
                                  "16/10/2019 08:00 | Hòa Bình", "Cập nhật: 16/10/2019 08:00"])
def test_a_meta_line_without_a_name_gives_no_author(text):
    record = ArticlePage(meta_line("meta", text), url=URL).to_record()
    assert record.published_at == "2019-10-16T08:00:00+07:00"
    assert record.byline.authors == []


# -- rules added with the real-page corpus (tests/fixtures/pages_real) --------------------------

def custom(body: str, head: str = "") -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>Văn Nghĩa tổ chức đại hội điểm</title>{head}</head>"
            f"<body><h1>Văn Nghĩa tổ chức đại hội điểm</h1>{body}"
            "<div class='footer'>Bản quyền thuộc Báo Hòa Bình điện tử</div></body></html>").encode()


LEAD = "<p class='sapo'>(HBĐT) - Sáng 16/10, Đảng bộ xã Văn Nghĩa tổ chức đại hội điểm nhiệm kỳ 2020-2025.</p>"
DATE = "<div class='date'>16/10/2019 08:00</div>"
LIS = "".join(f"<li><a href='{u}'>{t}</a></li>" for u, t in ITEMS)


def test_a_related_box_between_lead_and_body_does_not_end_the_article():
    html = custom(DATE + LEAD + f"<div class='box'><div>TIN LIÊN QUAN</div><ul>{LIS}</ul></div>"
                  f"<div class='content'>{BODY}</div>")
    record = ArticlePage(html, url=URL).to_record()
    assert record.body.startswith("Đại hội đã thảo luận")
    assert record.body.endswith("đề nghị tập trung xây dựng nông thôn mới.")
    assert record.byline.authors == ["Việt Lâm"]
    assert [r.title for r in record.related] == [t for _, t in ITEMS]


@pytest.mark.parametrize("marker", ["<span id='article-end'></span>", "<div id='end-post-content' class='x'></div>"])
def test_an_end_of_article_marker_ends_the_body(marker):
    after = ("<div class='popup'><h2>Chọn chúng tôi làm nguồn ưu tiên trên Google Search</h2>"
             "<ul><li>Bước 2: Tại trang web vừa mở, bấm vào ô vuông nằm bên phải để chọn làm nguồn tìm kiếm.</li></ul></div>")
    record = ArticlePage(custom(DATE + LEAD + f"<div class='content'>{BODY}{marker}</div>{after}"), url=URL).to_record()
    assert record.body.endswith("đề nghị tập trung xây dựng nông thôn mới.")
    assert record.byline.authors == ["Việt Lâm"]


def test_a_meta_line_made_of_parts_gives_author_source_and_the_attribute_time():
    meta = ("<div class='author-container'><span class='author'>Hưng Thi</span><span class='source'>Theo Lao Động"
            "</span><span class='time'>• <span title='2019-06-03T11:46:14' class='timeago'></span></span></div>")
    record = ArticlePage(custom(meta + LEAD + f"<div class='content'>{BODY[:-15]}</div>"), url=URL).to_record()
    assert (record.byline.authors, record.byline.source) == (["Hưng Thi"], "Lao Động")
    assert record.published_at == "2019-06-03T11:46:14+07:00"


@pytest.mark.parametrize(("line", "authors", "source"), [
    ("Theo Thanh Xuân - VnEconomy", ["Thanh Xuân"], "VnEconomy"),
    ("Theo TTXVN", [], "TTXVN"),
    ("Tin, ảnh: Vũ Phương Thảo", ["Vũ Phương Thảo"], None),
    ("Hà Thu (tổng hợp)", ["Hà Thu"], None),
])
def test_closing_bylines(line, authors, source):
    body = BODY.replace("<p>Việt Lâm</p>", f"<p style='text-align:right'>{line}</p><p>×</p><p>[Quay lại]</p>")
    record = ArticlePage(custom(DATE + LEAD + f"<div class='content'>{body}</div>"), url=URL).to_record()
    assert (record.byline.authors, record.byline.source) == (authors, source)
    assert record.body.endswith("đề nghị tập trung xây dựng nông thôn mới.")


def test_the_outlets_own_name_is_never_an_author_or_a_source():
    head = "<meta name='author' content='Dân Trí'><meta property='og:site_name' content='Báo điện tử Dân Trí'>"
    body = BODY.replace("<p>Việt Lâm</p>", "")
    record = ArticlePage(custom(DATE + LEAD + f"<div class='content'>{body}</div>", head), url=URL).to_record()
    assert (record.byline.authors, record.byline.source) == ([], None)


def test_marked_links_in_the_text_are_related_items_and_not_body():
    marked = "".join(f"<a href='{u}'>&gt;&gt; {t}</a><br>" for u, t in ITEMS)
    body = BODY + f"<p>{marked}</p><div>Từ khóa</div><div class='tags'><a href='/tag/x'>đại hội</a></div>"
    record = ArticlePage(custom(DATE + LEAD + f"<div class='content'>{body}</div>"), url=URL).to_record()
    assert [r.title for r in record.related] == [t for _, t in ITEMS]
    assert record.body.endswith("đề nghị tập trung xây dựng nông thôn mới.")


def test_an_unheaded_related_container_counts_its_first_list_only_and_not_another_boxs_list():
    other = ITEMS[:1]
    box = (f"<div class='other-news-container'><div class='tabs'><span>Cùng mục</span> <span>Đang hot</span></div>"
           f"<ul>{LIS}</ul><ul>{''.join(f'<li><a href={chr(39)}{u}x{chr(39)}>{t} mới</a></li>' for u, t in other)}</ul></div>"
           "<div class='col'><div class='related-letter'>MULTIMEDIA PLUS</div><ul class='list-related'>"
           "<li><a href='https://baohoabinh.com.vn/radio/so-115-vi-tri-gan-cua-so-d1.html'>Radio số 115: Vị trí gần "
           "cửa sổ</a></li></ul></div>")
    record = ArticlePage(custom(DATE + LEAD + f"<div class='content'>{BODY}</div>{box}"), url=URL).to_record()
    assert [r.title for r in record.related] == [t for _, t in ITEMS]


@pytest.mark.parametrize("suffix", ["<span class='mytime'>&nbsp;(9 giờ trước)</span>", " (26/12/2012 08:15)",
                                    "<span class='icon-comments'><img src='cm.png'>10</span>"])
def test_a_time_or_counter_inside_an_items_link_is_not_its_title(suffix):
    lis = "".join(f"<li><a href='{u}' title='{t}'>{t}{suffix}</a></li>" for u, t in ITEMS)
    html = custom(DATE + LEAD + f"<div class='content'>{BODY}</div><div><h3>Các tin khác</h3><ul>{lis}</ul></div>")
    assert [r.title for r in ArticlePage(html, url=URL).to_record().related] == [t for _, t in ITEMS]


@pytest.mark.parametrize(("lead", "expected"), [
    ("(TNO) TAND TP.Đà Nẵng xét xử sơ thẩm vụ án buôn bán trái phép chất ma túy.", "TAND TP.Đà Nẵng"),
    ("TT - Trao đổi với Tuổi Trẻ, ông Hoàng Nam Sơn nói sẽ kiểm điểm nghiêm túc.", "Trao đổi với"),
    ("UBND - cơ quan hành chính nhà nước ở địa phương, tổ chức hội nghị tổng kết.", "UBND - cơ quan"),
])
def test_outlet_tags_without_a_dash_or_parentheses(lead, expected):
    html = custom(DATE + f"<p class='sapo'><b>{lead}</b></p><div class='content'>{BODY}</div>")
    assert ArticlePage(html, url=URL).to_record().lead.startswith(expected)


@pytest.mark.parametrize("line", ["<p class='source'> Nhịp sống thị trường</p>", "<p>Theo Nhịp sống thị trường</p>"])
def test_a_source_line_under_the_byline_gives_the_source(line):
    body = BODY.replace("<p>Việt Lâm</p>", "")
    html = custom(DATE + LEAD + f"<div class='content'>{body}</div><div class='content_source'>"
                  f"<p class='author'>Dương Ngọc</p>{line}</div>")
    record = ArticlePage(html, url=URL).to_record()
    assert (record.byline.authors, record.byline.source) == (["Dương Ngọc"], "Nhịp sống thị trường")


@pytest.mark.parametrize("when", ["23:02 , 06/03/2026", "08:45 AM - 16/10/2019", "16/10/2019 08:45 (GMT+7)"])
def test_related_items_with_a_time_line_under_each_are_all_kept(when):
    lis = "".join(f"<div class='item'><h4><a href='{u}'>{t}</a></h4><div class='time'>{when}</div></div>"
                  for u, t in ITEMS)
    html = custom(DATE + LEAD + f"<div class='content'>{BODY}</div><div><h3>CÙNG CHUYÊN MỤC</h3>{lis}</div>")
    assert [r.title for r in ArticlePage(html, url=URL).to_record().related] == [t for _, t in ITEMS]


def test_a_related_box_inside_the_text_gives_items_and_neither_lead_nor_body():
    box = "".join(f"<tr><td><a href='{u}'>{t}</a></td></tr><tr><td><p class='VCObjectBoxRelatedNewsItemSapo'>"
                  f"(Soha.vn) - Tóm tắt bài liên quan số {i}, không thuộc bài này.</p></td></tr>"
                  for i, (u, t) in enumerate(ITEMS))
    text = BODY.replace("<p>Việt Lâm</p>", f"<table class='VCObjectBoxRelatedNewsContentWrapper'>{box}</table>")
    html = custom(DATE + "<h2 class='description'>Sáng 16/10, Đảng bộ xã Văn Nghĩa tổ chức đại hội điểm nhiệm kỳ "
                  f"2020-2025.</h2><div class='content'>{text}</div>")
    record = ArticlePage(html, url=URL).to_record()
    assert record.lead.startswith("Sáng 16/10, Đảng bộ xã Văn Nghĩa")
    assert record.body.endswith("đề nghị tập trung xây dựng nông thôn mới.")
    assert [r.title for r in record.related] == [t for _, t in ITEMS]


def test_a_short_date_line_linking_to_the_days_archive_is_the_date():
    html = custom("<div class='note'><a href='/date/d16/m10/y2019.chn'>16/10/2019 - 08:45</a></div>" + LEAD
                  + f"<div class='content'>{BODY}</div>")
    assert ArticlePage(html, url=URL).to_record().published_at == "2019-10-16T08:45:00+07:00"


@pytest.mark.parametrize("heading", ["Các bài đã đăng", "Bài viết khác", "Cùng mục"])
def test_more_related_headings(heading):
    record = ArticlePage(page(related=related_block(heading)), url=URL).to_record()
    assert [(r.url, r.title) for r in record.related] == ITEMS


@pytest.mark.parametrize(("line", "authors", "source"), [
    ("Theo Minh Nguyễn/Vcamp.vn", ["Minh Nguyễn"], "Vcamp.vn"),
    ("Minh Anh/TTXVN", ["Minh Anh"], "TTXVN"),
])
def test_writer_and_outlet_joined_by_a_slash(line, authors, source):
    body = BODY.replace("<p>Việt Lâm</p>", f"<p style='text-align:right'><i>{line}</i></p>")
    record = ArticlePage(custom(DATE + LEAD + f"<div class='content'>{body}</div>"), url=URL).to_record()
    assert (record.byline.authors, record.byline.source) == (authors, source)


def test_a_headline_printed_twice_anchors_the_text_after_its_second_copy():
    sidebar = "<div class='sidebar'><h3>Đọc nhiều nhất</h3><ul>" + LIS + "</ul></div>"
    html = custom("<div class='subheader'>Xã hội | Cập nhật thứ hai, ngày 24/12/12 11:05 tối</div>"
                  f"{LEAD}{sidebar}<div class='content_document'><h1>Văn Nghĩa tổ chức đại hội điểm</h1>"
                  f"{LEAD}{BODY}</div>")
    record = ArticlePage(html, url=URL).to_record()
    assert record.body.startswith("Đại hội đã thảo luận")
    assert record.published_at == "2012-12-24T23:05:00+07:00"
    assert record.byline.authors == ["Việt Lâm"]


@pytest.mark.parametrize(("line", "iso"), [
    ("24/12/2012 11:05 tối", "2012-12-24T23:05:00+07:00"),
    ("25/12/2012 2:10 chiều", "2012-12-25T14:10:00+07:00"),
    ("25/12/2012 10:25 sáng", "2012-12-25T10:25:00+07:00"),
    ("Cập nhật thứ hai, ngày 24/12/12 10:00 đêm", "2012-12-24T22:00:00+07:00"),
])
def test_times_of_day_in_words(line, iso):
    html = custom(f"<div class='date'>{line}</div>" + LEAD + f"<div class='content'>{BODY}</div>")
    assert ArticlePage(html, url=URL).to_record().published_at == iso


def test_a_typed_related_box_inside_the_text_is_read_and_not_body():
    box = f"<div class='VCSortableInPreviewMode' type='RelatedNewsBox'><ul>{LIS}</ul></div>"
    text = BODY.replace("<p>Đồng chí", box + "<p>Đồng chí")
    record = ArticlePage(custom(DATE + LEAD + f"<div class='content'>{text}</div>"), url=URL).to_record()
    assert [r.title for r in record.related] == [t for _, t in ITEMS]
    assert "Lạc Sơn chủ động" not in record.body


def test_a_quoted_persons_attribution_closing_the_text_is_not_a_byline():
    body = BODY.replace("<p>Việt Lâm</p>", "<p>Cô Lê Ngọc Diệp - Trưởng phòng GD tiểu học Sở GD-ĐT</p><p>Theo Thanh Niên</p>")
    record = ArticlePage(custom(DATE + LEAD + f"<div class='content'>{body}</div>"), url=URL).to_record()
    assert (record.byline.authors, record.byline.source) == ([], "Thanh Niên")
    assert record.body.endswith("Cô Lê Ngọc Diệp - Trưởng phòng GD tiểu học Sở GD-ĐT")


def test_related_items_dated_with_a_label_and_a_box_before_the_headline():
    dated = "".join(f"<li><a href='{u}'>{t}</a><span class='time'>Ngày 22/10/2012</span></li>" for u, t in ITEMS)
    side = f"<div class='same_topic'><h3>Liên quan</h3><ul>{LIS}</ul></div>"
    html = custom(DATE + LEAD + f"<div class='content'>{BODY}</div><div><p>Bạn có thể quan tâm</p><ul>{dated}</ul></div>")
    assert [r.title for r in ArticlePage(html, url=URL).to_record().related] == [t for _, t in ITEMS]
    twice = custom(DATE + LEAD + side + f"<div class='doc'><h1>Văn Nghĩa tổ chức đại hội điểm</h1>{LEAD}{BODY}</div>")
    assert [r.title for r in ArticlePage(twice, url=URL).to_record().related] == [t for _, t in ITEMS]


def test_a_photo_storys_captions_are_its_text():
    photos = "".join(f"<img src='https://baohoabinh.com.vn/img/{i}.jpg'><p><em>Ảnh {i}: đại biểu dự đại hội điểm của "
                     f"Đảng bộ xã Văn Nghĩa, nhiệm kỳ 2020-2025, biểu quyết thông qua nghị quyết.</em></p>" for i in range(3))
    html = custom(DATE + LEAD + f"<div class='content'>{photos}</div><div class='nguontin'>Theo Sầm Hoa "
                  "(Vietnamnet/Reuters)</div>")
    record = ArticlePage(html, url=URL).to_record()
    assert record.body and record.body.count("biểu quyết thông qua nghị quyết") == 3
    assert (record.byline.authors, record.byline.source) == (["Sầm Hoa"], "Vietnamnet/Reuters")


def test_a_sections_list_named_after_its_section_is_related():
    heading = ("<h3><a href='https://baohoabinh.com.vn/'>Tin</a> cùng mục "
               "<a href='https://baohoabinh.com.vn/11/page/1/CHINH-TRI.htm'>Chính trị</a></h3>")
    html = custom(DATE + LEAD + f"<div class='content'>{BODY}</div><div>{heading}<ul>{LIS}</ul></div>")
    assert [r.title for r in ArticlePage(html, url=URL).to_record().related] == [t for _, t in ITEMS]


def test_a_related_block_of_script_placeholder_links_keeps_its_titles():
    items = "".join(f"<article><h3><a href='#'>{t}</a></h3><div class='excerpt'><a href='#'>Tóm tắt của bài "
                    f"liên quan số {i}, đủ dài để là một đoạn tóm tắt.</a></div><div class='time'>{i + 1} giờ trước</div>"
                    "</article>" for i, (_, t) in enumerate(ITEMS))
    record = ArticlePage(custom(DATE + LEAD + f"<div class='content'>{BODY}</div><div><div>Tin liên quan</div>{items}"
                                "</div>"), url=URL).to_record()
    assert [(r.url, r.title) for r in record.related] == [(None, t) for _, t in ITEMS]
    assert record.related[0].lead.startswith("Tóm tắt của bài liên quan số 0")


def test_a_block_with_real_items_takes_no_placeholder_line_for_an_item():
    menu = "".join(f"<p><a href='javascript:void(0)'>Chuyên mục thứ {i} của trang báo điện tử</a></p>" for i in range(3))
    record = ArticlePage(page(related=related_block("Các tin khác") + menu), url=URL).to_record()
    assert [(r.url, r.title) for r in record.related] == ITEMS
