"""Page objects: one per kind of page, from HTML to typed records.

:class:`ArticlePage` turns an article page into an :class:`~crawler.items.ArticleRecord`;
:class:`ListingPage` turns a category listing into :class:`~crawler.items.ListingItem` and its
pager. Both read the linear blocks of :mod:`crawler.html` and use layered signals:

1. site-specific selectors (class/id names seen on HBĐT-like portals), specific first;
2. textual signals that hold whatever the markup: the ``(HBĐT) - `` lead, the date line near the
   title, the short name alone at the end of the body, the ``Các tin khác`` heading;
3. page metadata (``og:*``, ``article:published_time``, JSON-LD) as the last resort.

Nothing here raises on messy HTML: a field that cannot be found is ``None`` or empty.
The Scrapy spider and ``hbdt parse`` use the same objects, so crawled and parsed records agree.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.bylines import (
    is_photo_credit,
    looks_like_caption,
    parse_byline_text,
    parse_leading_byline,
    split_trailing_byline,
)
from crawler.congress import is_congress
from crawler.dates import DateMatch, looks_like_date_line, parse_date_line, parse_meta_datetime
from crawler.html import Block, Document, parse_document
from crawler.items import ArticleRecord, Byline, Image, ListingItem, RelatedItem
from crawler.text import clean, fold, has_lead_prefix, strip_lead_prefix
from crawler.urls import article_ids, is_article_url, listing_page

logger = logging.getLogger(__name__)

#: Site-specific hints, specific first, generic last (matched on class/id of a block's ancestors).
TITLE_HINT_RE = re.compile(r"lbl-?title|title-?detail|detail-?title|news-?title|article-?title|"
                           r"post-?title|entry-?title|tieu-?de|headline|(?:^|\s)title(?:\s|$)", re.IGNORECASE)
LEAD_HINT_RE = re.compile(r"sapo|lead|summary|teaser|desc|tom-?tat|intro|abstract", re.IGNORECASE)
CAPTION_HINT_RE = re.compile(r"caption|chu-?thich|image|photo|pic|img|figure|tplcaption", re.IGNORECASE)
AUTHOR_HINT_RE = re.compile(r"author|tac-?gia|byline|signature|nguon", re.IGNORECASE)
IMAGE_FILE_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.IGNORECASE)
#: Containers of an article's meta line (author, date, share bar): read even when chrome-classed.
META_HINT_RE = re.compile(r"author|share|meta|info|time|date|byline|tac-?gia", re.IGNORECASE)
#: Portraits and profile pictures (never the article's own images).
AVATAR_RE = re.compile(r"avatar|profile-?(?:pic|photo|img)|gravatar|author-?(?:img|photo|pic)", re.IGNORECASE)

#: Headings that open the related block.
RELATED_HEADING_RE = re.compile(
    r"^(?:cac tin khac|tin khac|cac bai khac|tin lien quan|bai lien quan|cac tin lien quan|"
    r"bai viet lien quan|tin cung chuyen muc|cac tin cung chuyen muc|xem them|"
    r"cac tin da dua|tin da dua|cac tin bai khac|tin bai khac|bai khac|doc them|tin tuc khac|"
    r"cac bai da dang|bai da dang|cac tin da dang|tin da dang|cac tin truoc|tin truoc|bai viet khac|"
    r"tin tuc gan day|tin gan day|lien quan|"
    r"tham khao them|cung chuyen muc|tin tuc lien quan|co the ban quan tam|ban co the quan tam|"
    r"cung muc|tin cung muc|nen doc|tin nen doc|bai nen doc|co the ban muon doc|tin lien quan khac|"
    r"other news|related news|related articles|related stories|related|more news|more stories|"
    r"see also|read more|you may also like)\s*:?$"
    # an event stream ("Dòng sự kiện: Diễn biến chiến sự ...") names its topic after the colon, a
    # section's list its section ("Tin cùng mục Giáo dục - du học")
    r"|^(?:dong su kien|chuoi su kien|su kien lien quan)\s*:?(?:\s.{0,80})?$"
    r"|^(?:tin cung muc|tin cung chuyen muc|cac tin cung chuyen muc)\s*:?\s.{1,40}$"
)
#: A line that starts with a related heading and goes on with the box's other tabs ("Cùng mục Đang hot").
RELATED_PREFIX_RE = re.compile(
    r"^(?:cac tin khac|tin khac|tin lien quan|bai lien quan|cac tin lien quan|bai viet lien quan|"
    r"tin cung chuyen muc|cung chuyen muc|cung muc|tin cung muc|xem them|doc them|nen doc|tham khao them|"
    r"related|other news|more news)\b"
)
#: Containers of related items without a heading of their own (class or id of the item's ancestors).
RELATED_CONTAINER_RE = re.compile(
    r"(?:^|[\s_-])(?:related|relate|relates|lien-?quan|tinlienquan|other-?news|othernews|tin-?khac|tinkhac|"
    r"same-?(?:cat|cate|category|zone)|cung-?chuyen-?muc)(?:$|[\s_\d-])"
    r"|(?-i:Related(?=[A-Z]))",  # CamelCase: "VCObjectBoxRelatedNewsContentWrapper"
    re.IGNORECASE,
)
#: An inline related box between lead and body: the body goes on after it when this much prose follows.
_PROSE_AFTER_BOX = 2
#: A related item's link: an article of the site's shape, or any http(s) page whose link text reads
#: as a headline (several words), wherever it is (another URL shape of the site, another outlet).
_HEADLINE_WORDS = 4
#: Blocks that end the article (footer, comments, date-archive form, other boxes).
END_RE = re.compile(
    r"^(?:xem cac tin da dua ngay|tin trong\s*:|y kien ban doc|gui y kien|binh luan|gui binh luan|"
    r"tin moi nhat|tin doc nhieu|doc nhieu|tin noi bat|tin moi|chia se bai viet|ban quyen|"
    r"latest news|most read|most viewed|hot news|"
    r"bao hoa binh dien tu\b.*(?:giay phep|tong bien tap))"
    # short labels of the boxes under the text: keywords, the readers' feedback form
    r"|^(?:tu khoa|tags?|keywords?|gui phan hoi|phan hoi cua ban|y kien cua ban|viet binh luan|"
    r"gui binh luan cua ban|ban doc binh luan)\s*:?$"
)
#: Headings of the side boxes a page shows ("TIN MỚI", "ĐỌC NHIỀU"): an END_RE match of this kind
#: ends the article only when prose does not follow it (an empty widget inside the text does not).
BOX_HEADING_RE = re.compile(
    r"^(?:tin moi nhat|tin doc nhieu|doc nhieu|tin noi bat|tin moi|latest news|most read|most viewed|hot news)$"
)
#: Chrome lines inside the article column (share bars, counters, print links, copy-link toasts).
CHROME_LINE_RE = re.compile(
    r"^(?:chia se|share|in bai|ban in|gui email|email|facebook|twitter|zalo|luot xem|luot doc|"
    r"copy link|sao chep (?:lien ket|duong dan|link)|da sao chep|dong lai|close|"
    r"quay lai|ve dau trang|len dau trang|tro ve|print|top|font size|co chu|\+|a\+|a-|"
    r"tweet|like|thich)\b[^.]{0,40}$"
)
SITE_NAME_RE = re.compile(r"^(?:bao )?hoa binh(?: dien tu)?$|^hbdt$|^baohoabinh")
TITLE_SUFFIX_RE = re.compile(r"\s*[-|–—:]\s*(?:Báo\s+)?(?:Hòa|Hoà)\s+Bình(?:\s+điện\s+tử)?.*$|\s*[-|–]\s*baohoabinh.*$",
                             re.IGNORECASE)
NOT_FOUND_RE = re.compile(r"khong tim thay|\b404\b|not found|trang ban yeu cau khong ton tai|loi he thong")

MIN_BODY_CHARS = 120
#: Elements that may carry the publication time in an attribute, and those attributes, in order.
_DATE_ATTRS = ("datetime", "data-time", "data-date", "data-published", "data-publish-date", "title", "content")
_ATTR_DATE_XPATH = (
    "//*[@datetime or @data-time or @data-date or @data-published or @data-publish-date"
    " or ((@title or @content) and (contains(@class, 'time') or contains(@class, 'date')))]"
)
_ISO_VALUE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")
#: Inline parts of a meta line: the author's name, the reprint source ("Theo Lao Động").
_AUTHOR_PART_RE = re.compile(r"(?:^|[\s_-])(?:author|tac-?gia|byline|writer|name)(?:$|[\s_-])", re.IGNORECASE)
_SOURCE_PART_RE = re.compile(r"(?:^|[\s_-])(?:source|nguon|origin)(?:$|[\s_-])", re.IGNORECASE)
#: Words an outlet's name starts with, dropped to compare it with a bare name ("Báo điện tử Dân Trí").
_OUTLET_PREFIX_RE = re.compile(r"^(?:bao dien tu|bao|tap chi|trang tin dien tu|dien tu|kenh)\s+")
#: Cheap pre-check before the caption rule: captions name a photo ("Ảnh: ...", "ảnh minh họa").
_CAPTION_WORD_RE = re.compile(r"ảnh|Ảnh|ẢNH|minh họa|minh hoạ|Photo|photo")


@dataclass
class _Layout:
    """Where the anchors of an article page sit in its block list."""

    title: int | None
    date: int | None
    lead: int | None
    related: int | None
    end: int
    boxes: tuple[tuple[int, int], ...] = ()
    """Inline related boxes inside the text, as (heading, end) block ranges: not body, the body goes on."""
    head: int | None = None
    """The headline's first copy (``title`` is the copy the text follows, when it is printed twice)."""


class ArticlePage:
    """An article page. ``to_record()`` gives the complete :class:`ArticleRecord`.

    Example::

        page = ArticlePage(html_bytes, url="https://baohoabinh.com.vn/11/138512/X.htm")
        if page.is_article():
            record = page.to_record()
    """

    def __init__(self, body: bytes | str, url: str | None = None, encoding: str | None = None) -> None:
        self.given_url = url
        self.doc: Document | None = parse_document(body, url=url, encoding=encoding)
        self.url: str | None = self.doc.base_url if self.doc else url
        self._layout: _Layout | None = None
        self._captions: set[int] = set()
        self._body: list[Block] | None = None
        self._caption_cache: dict[tuple[int, int], set[int]] = {}
        self._related_cache: dict[int, tuple[list[tuple[int, RelatedItem]], int]] = {}
        #: set for a photo story, whose text is its captions
        self._captions_are_text = False

    # -- layout -----------------------------------------------------------------------------

    @property
    def blocks(self) -> list[Block]:
        return self.doc.blocks if self.doc else []

    def layout(self) -> _Layout:
        if self._layout is None:
            title = first_title = self._find_title_block()
            if title is not None:
                title = self._title_before_the_text(title)
            related = self._find_related_heading(title)
            lead = self._find_lead_block(title, related)
            date = self._find_date_block(title, lead)
            if date is None and title is not None and title != first_title:
                date = self._find_date_block(first_title, None)  # printed under the headline's first copy
            first_related = related
            boxes: list[tuple[int, int]] = []
            body_start = max([i for i in (title, date, lead) if i is not None], default=-1) + 1
            while related is not None and self._no_prose_before(body_start, related):
                box_end = self._walk_related(related)[1]
                if not self._prose_after(box_end):
                    break
                boxes.append((related, box_end))
                related = self._find_related_heading(box_end - 1)
            end = self._find_end(boxes[-1][1] - 1 if boxes else title, stop=related)
            marks = [i for i in (self.doc.end_marks if self.doc else []) if i > body_start]
            if marks and marks[0] < end:
                end = marks[0]  # an end-of-article marker: what follows is the page's, not the text's
            self._layout = _Layout(title=title, date=date, lead=lead, related=first_related, end=end,
                                   boxes=tuple(boxes), head=first_title)
        return self._layout

    def _title_before_the_text(self, title: int) -> int:
        """The occurrence of the headline that the text follows, when the page prints it twice
        (a head block, then sidebars, then the article with its headline again)."""
        first = self.blocks[title]
        size, folded = len(first.text), first.folded  # (folding keeps the length: compare it first)
        repeats = [b.index for b in self.blocks[title + 1:]
                   if len(b.text) == size and b.folded == folded and not b.chrome]
        if not repeats:
            return title
        return max([title, *repeats], key=lambda i: (self._prose_count(i + 1, i + 40), -i))

    def _prose_count(self, start: int, stop: int) -> int:
        """How many article-prose blocks (long, few links, not chrome) lie in ``[start, stop)``,
        counting until the first block that ends an article."""
        count = 0
        for b in self.blocks[start:stop]:
            if not b.text:
                continue
            if len(b.text) <= 120 and END_RE.match(b.folded):
                break
            if _is_prose(b):
                count += 1
        return count

    def _no_prose_before(self, body_start: int, heading: int) -> bool:
        """Whether no body prose stands between the body's start and the related block at
        ``heading`` (then it may be a box inside the text, between lead and body)."""
        before = sum(len(b.text) for b in self.blocks[body_start:heading]
                     if b.text and b.link_density < 0.3 and not b.chrome and len(b.text) >= 60)
        return before < MIN_BODY_CHARS

    def _prose_after(self, box_end: int) -> bool:
        """Whether article prose follows right after a related block that ends at ``box_end``."""
        prose = 0
        for b in self.blocks[box_end:box_end + 8]:
            if not b.text:
                continue
            if _is_prose(b) and not has_lead_prefix(b.text):
                prose += 1
                if prose >= _PROSE_AFTER_BOX:
                    return True
            elif b.heading or len(b.text) <= 120 and END_RE.match(b.folded):
                return False
        return False

    def _meta_title(self) -> str | None:
        if not self.doc:
            return None
        for key in ("og:title", "twitter:title", "headline"):
            if self.doc.meta.get(key):
                return _strip_title_suffix(self.doc.meta[key])
        for item in self.doc.jsonld:
            headline = item.get("headline")
            if isinstance(headline, str) and headline.strip():
                return _strip_title_suffix(clean(headline))
        if self.doc.title_tag:
            return _strip_title_suffix(self.doc.title_tag)
        return None

    def _find_title_block(self) -> int | None:
        blocks = self.blocks
        meta_title = self._meta_title()
        folded_meta = fold(meta_title) if meta_title else ""
        # 1. a block whose text is the metadata title (any tag), preferring headings
        if folded_meta:
            best: tuple[int, int] | None = None
            for b in blocks:
                if not b.text or b.chrome and not b.heading or len(b.text) > len(meta_title or "") + 60:
                    continue
                ft = b.folded
                if ft == folded_meta or (len(ft) > 20 and (ft in folded_meta or folded_meta in ft)
                                         and abs(len(ft) - len(folded_meta)) < 40):
                    score = (2 if b.heading else 0) + (1 if TITLE_HINT_RE.search(b.attrs) else 0)
                    if b.link_density > 0.5:
                        score -= 2
                    if best is None or score > best[0]:
                        best = (score, b.index)
            if best is not None and best[0] >= 0:
                return best[1]
        # 2. site-specific hints, then the first non-chrome h1, then any heading
        for predicate in (
            lambda b: bool(TITLE_HINT_RE.search(b.attrs)) and not b.chrome and b.link_density < 0.5,
            lambda b: b.tag == "h1" and not b.chrome,
            lambda b: b.tag in ("h1", "h2") and b.link_density < 0.5,
        ):
            for b in blocks:
                if b.text and 8 <= len(b.text) <= 300 and not SITE_NAME_RE.search(b.folded) and predicate(b):
                    return b.index
        return None

    def _find_related_heading(self, title: int | None) -> int | None:
        start = (title or 0) + 1
        for b in self.blocks[start:]:
            if b.text and len(b.text) <= 40 and RELATED_HEADING_RE.match(b.folded):
                return b.index
        return None

    def _find_end(self, title: int | None, stop: int | None = None) -> int:
        """The first block that ends the article after ``title`` (a footer, comments, another
        box), at the latest ``stop`` (the related block's heading), else the page's end."""
        start = (title or 0) + 1
        for b in self.blocks[start:stop]:
            if b.text and len(b.text) <= 120 and END_RE.match(b.folded):
                if BOX_HEADING_RE.match(b.folded) and self._prose_follows(b.index):
                    continue  # an empty "TIN MỚI" widget inside the text: the article goes on
                return b.index
        return len(self.blocks) if stop is None else stop

    def _prose_follows(self, index: int) -> bool:
        """Whether the next text block after ``index`` is article prose (long, few links, not in
        chrome) rather than the box's list of links."""
        for b in self.blocks[index + 1:index + 4]:
            if not b.text:
                continue
            return len(b.text) >= 60 and b.link_density < 0.2 and not b.chrome
        return False

    def _find_lead_block(self, title: int | None, related: int | None) -> int | None:
        blocks = self.blocks
        stop = related if related is not None else len(blocks)
        start = title + 1 if title is not None else 0
        prose = 0
        for b in blocks[start:stop]:
            if b.text and has_lead_prefix(b.text) and b.link_density < 0.5 and not b.chrome \
                    and not RELATED_CONTAINER_RE.search(b.attrs):
                return b.index
            if b.text and _is_prose(b):
                prose += 1
                if prose >= 2:
                    break  # the text has begun: a tagged paragraph further on is a listed item's summary
        # a lead-hinted element right after the title
        window = blocks[start:min(stop, start + 12)]
        for b in window:
            if b.text and LEAD_HINT_RE.search(b.attrs) and not TITLE_HINT_RE.search(b.attrs) \
                    and len(b.text) >= 40 and b.link_density < 0.3 and not looks_like_date_line(b.text):
                return b.index
        # the first paragraph after the title, when the page's description repeats it or it is bold
        first = [b for b in window if b.text and not b.chrome and b.link_density < 0.3 and len(b.text) >= 40
                 and not looks_like_date_line(b.text) and not _CAPTION_WORD_RE.search(b.text[-40:])][:2]
        description = self.doc.meta.get("og:description") or self.doc.meta.get("description") if self.doc else None
        if description and len(description) >= 40:
            probe = fold(description.rstrip(".… "))[:80]
            for b in first:
                if b.folded.startswith(probe):
                    return b.index
        if first and first[0].bold and len(first[0].text) <= 600:
            return first[0].index
        return None

    def _find_date_block(self, title: int | None, lead: int | None) -> int | None:
        blocks = self.blocks
        if title is None:
            return None
        lo = max(0, title - 3)
        hi = min(len(blocks), max(title + 8, (lead or 0) + 2))
        order = list(range(title + 1, hi)) + list(range(title - 1, lo - 1, -1))
        title_el = blocks[title].element
        for i in order:
            b = blocks[i]
            if not b.text or b.link_density >= 0.5 and len(b.text) > 40 or not looks_like_date_line(b.text):
                continue  # (a short date line may link to the day's archive)
            if b.chrome and not META_HINT_RE.search(b.attrs):
                continue  # chrome, unless a meta line's container (share/meta/info/time/author)
            if i < title and not _close_in_tree(b.element, title_el):
                continue  # a date above the title far away in the tree is the header's "today"
            if parse_date_line(b.text):
                return i
        return None

    # -- kind --------------------------------------------------------------------------------

    def is_article(self) -> bool:
        """Whether the page is an article (has a title and a lead or a body), not a listing or error."""
        if self.doc is None or not self.blocks:
            return False
        if listing_page(self.url):
            return False
        lay = self.layout()
        if lay.title is None:
            return False
        title_text = fold(self.blocks[lay.title].text)
        if NOT_FOUND_RE.search(title_text) and len(title_text) < 60:
            return False
        if self._lead_items_count() >= 3:
            return False
        body = self.body_paragraphs()
        return lay.lead is not None or sum(len(p) for p in body) >= MIN_BODY_CHARS

    def _lead_items_count(self) -> int:
        """How many ``(HBĐT)`` leads follow a link to another article before the related block (listings)."""
        lay = self.layout()
        count = 0
        stop = lay.related if lay.related is not None else len(self.blocks)
        for b in self.blocks[:stop]:
            if b.text and has_lead_prefix(b.text) and b.index > 0:
                prev = self._prev_text_block(b.index)
                if prev is not None and prev.links and is_article_url(prev.links[0].url) and prev.link_density > 0.6:
                    count += 1
        return count

    def _prev_text_block(self, index: int) -> Block | None:
        for b in reversed(self.blocks[:index]):
            if b.text:
                return b
        return None

    # -- fields ------------------------------------------------------------------------------

    def title(self) -> str | None:
        lay = self.layout()
        if lay.title is not None:
            return _strip_title_suffix(self.blocks[lay.title].text) or None
        return self._meta_title()

    def lead(self) -> str | None:
        lay = self.layout()
        if lay.lead is not None:
            text = self.blocks[lay.lead].text
            return strip_lead_prefix(text) if has_lead_prefix(text) else text
        return None

    def published(self) -> DateMatch | None:
        lay = self.layout()
        if lay.date is not None:
            found = parse_date_line(self.blocks[lay.date].text)
            if found:
                return found
        return self._meta_date()

    def _meta_date(self) -> DateMatch | None:
        if not self.doc:
            return None
        for key in ("article:published_time", "og:published_time", "datepublished", "pubdate",
                    "publishdate", "dc.date.issued", "dc.date", "date"):
            value = self.doc.meta.get(key)
            if value:
                found = parse_meta_datetime(value)
                if found:
                    return found
        for item in self.doc.jsonld:
            value = item.get("datePublished") or item.get("dateCreated")
            if isinstance(value, str):
                found = parse_meta_datetime(value)
                if found:
                    return found
        lay = self.layout()
        if lay.title is not None:
            # a machine-readable time on an element of the meta line (``<time datetime>``, or a
            # time-classed element whose ``title``/``data-*`` holds it while a script prints the text)
            for el in self.doc.root.xpath(_ATTR_DATE_XPATH):
                for attr in _DATE_ATTRS:
                    value = (el.get(attr) or "").strip()
                    if not _ISO_VALUE_RE.match(value):
                        continue
                    found = parse_meta_datetime(value)
                    if found and self._element_near_title(el, lay.title):
                        return found
        return None

    def _element_near_title(self, el: Any, title: int) -> bool:
        for b in self.blocks[max(0, title - 3): title + 8]:
            node = b.element
            if node is el or any(anc is node for anc in el.iterancestors()) or \
                    any(anc is el for anc in node.iterancestors()):
                return not b.chrome
        return False

    def body_blocks(self) -> list[Block]:
        """Text blocks of the body, captions and chrome removed, byline still included."""
        if self._body is None:
            self._body = self._compute_body_blocks()
        return self._body

    def _compute_body_blocks(self) -> list[Block]:
        out = self._region_body(captions_are_text=False)
        if sum(len(b.text) for b in out) < MIN_BODY_CHARS:
            # a photo story: its text is the run of captions between the photos
            with_captions = self._region_body(captions_are_text=True)
            if sum(len(b.text) for b in with_captions) >= MIN_BODY_CHARS:
                self._captions_are_text = True
                return with_captions
        return out

    def _region_body(self, *, captions_are_text: bool) -> list[Block]:
        lay = self.layout()
        blocks = self.blocks
        start_candidates = [i for i in (lay.title, lay.date, lay.lead) if i is not None]
        start = max(start_candidates) + 1 if start_candidates else 0
        end = lay.end
        region = blocks[start:end]
        root = _content_root(region)
        # the captions of the article's region (the images' one: the same blocks, found once)
        captions = self._caption_indexes(blocks[lay.title if lay.title is not None else 0:end])
        inside = _blocks_in_root(region, root)
        boxed = {i for first, last in lay.boxes for i in range(first, last)}
        out: list[Block] = []
        for b in region:
            if not b.text or b.index in captions and not captions_are_text or b.index in boxed:
                continue
            if b.index not in inside:
                continue
            if _is_chrome_block(b) or looks_like_date_line(b.text) and b.index - start < 3:
                continue
            if has_lead_prefix(b.text) or RELATED_CONTAINER_RE.search(b.attrs):
                continue  # a listed item's "(Soha.vn) - ..." summary, a related box inside the text
            if b.index - start < 3 and b.folded == fold(self.title() or ""):
                continue
            out.append(b)
        return out

    def _caption_indexes(self, region: list[Block]) -> set[int]:
        """Blocks that are photo captions: caption-hinted containers, or short lines after an image."""
        key = (region[0].index, region[-1].index) if region else (0, 0)
        if key in self._caption_cache:
            return self._caption_cache[key]
        found: set[int] = set()
        for pos, b in enumerate(region):
            if not b.text or len(b.text) > 400:
                continue  # a caption is short
            in_caption_el = b.tag in ("figcaption", "caption") or bool(CAPTION_HINT_RE.search(_own_attrs(b)))
            after_image = _previous_nonempty_is_image(region, pos)
            if in_caption_el and not has_lead_prefix(b.text):
                found.add(b.index)
            elif after_image and (b.italic or _centered(b) or _CAPTION_WORD_RE.search(b.text)
                                            and looks_like_caption(b.text) or _alone_in_photo_box(b, region)) \
                    and not has_lead_prefix(b.text):
                found.add(b.index)
            elif _CAPTION_WORD_RE.search(b.text) and looks_like_caption(b.text) \
                    and not is_photo_credit(b.text):  # a lone credit line may close a byline
                found.add(b.index)
        self._captions |= found
        self._caption_cache[key] = found
        return found

    def body_paragraphs(self) -> list[str]:
        return [b.text for b in self.body_blocks()]

    def images(self) -> list[Image]:
        lay = self.layout()
        start = lay.title if lay.title is not None else 0
        region = self.blocks[start:lay.end]
        captions = self._caption_indexes(region)
        out: list[Image] = []
        seen: set[str] = set()
        for pos, b in enumerate(region):
            if not b.image or b.chrome or b.image in seen or _is_decoration(b):
                continue
            caption = None
            el = b.element
            fig = next((a for a in el.iterancestors() if isinstance(a.tag, str) and a.tag in ("figure", "table")), None)
            for nxt in region[pos + 1: pos + 4]:
                if nxt.image:
                    break
                if nxt.text and nxt.index in captions:
                    caption = nxt.text
                    break
                if nxt.text and fig is not None and _inside(nxt.element, fig) and len(nxt.text) <= 400:
                    caption = nxt.text
                    self._captions.add(nxt.index)
                    break
                if nxt.text:
                    break
            seen.add(b.image)
            out.append(Image(url=b.image, caption=caption))
        return out

    def related(self) -> list[RelatedItem]:
        """The related items of every related block (headed, or a related-classed container), in
        page order, each URL once."""
        lay = self.layout()
        if lay.title is None:
            return []
        found: list[tuple[int, RelatedItem]] = []
        heading = self._find_related_heading(lay.head if lay.head is not None else lay.title)
        while heading is not None:
            block_items, stop = self._walk_related(heading)
            found += block_items
            heading = self._find_related_heading(max(stop, heading + 1) - 1)
        found += self._contained_related(lay.title)
        found += self._marked_related(lay.title, lay.end)
        found.sort(key=lambda pair: pair[0])
        items: list[RelatedItem] = []
        seen: dict[str, RelatedItem] = {}
        for _, item in found:
            key = item.url or f"title:{item.title}"
            if key in seen:
                if seen[key].lead is None and item.lead:
                    seen[key].lead = item.lead
                continue
            seen[key] = item
            items.append(item)
        return items

    def _walk_related(self, heading: int) -> tuple[list[tuple[int, RelatedItem]], int]:
        """The items of the related block opened by the heading at ``heading`` (with the block index
        of each), and the index of the block where the block ends."""
        cached = self._related_cache.get(heading)
        if cached is not None:
            return cached
        items: list[tuple[int, RelatedItem]] = []
        index: dict[str, RelatedItem] = {}
        current: RelatedItem | None = None
        current_el: Any = None
        misses = 0
        first_miss: int | None = None
        stop = len(self.blocks)
        for b in self.blocks[heading + 1:]:
            if b.text and len(b.text) <= 120 and END_RE.match(b.folded):
                stop = b.index
                break
            if b.image:
                continue
            article_links = [lk for lk in b.links if _is_item_link(lk.url, lk.text)]
            if article_links:
                misses, first_miss, current_el = 0, None, b.element
                for lk in article_links:
                    if lk.url in index:
                        current = index[lk.url]
                        continue
                    current = RelatedItem(url=lk.url, title=_item_title(lk.text, lk.hint), lead=None)
                    index[lk.url] = current
                    items.append((b.index, current))
                rest = b.text
                for lk in article_links:
                    rest = rest.replace(lk.text, "", 1)
                rest = rest.strip(" -–|:")
                if current is not None and rest and has_lead_prefix(rest):
                    current.lead = strip_lead_prefix(rest)
                continue
            if b.text and current is not None and current.lead is None and not b.links and not b.heading \
                    and (has_lead_prefix(b.text) or len(b.text) >= 40) \
                    and (has_lead_prefix(b.text) or _close_in_tree(b.element, current_el, levels=2)):
                current.lead = strip_lead_prefix(b.text)  # the item's own summary, in its box
                continue
            # in a block whose links are all script placeholders (href="#"), the items keep their titles
            placeholder = _placeholder_title(b) if b.text and not b.links and not index else None
            if placeholder:
                misses, first_miss, current_el = 0, None, b.element
                current = RelatedItem(url=None, title=_item_title(placeholder), lead=None)
                items.append((b.index, current))
                continue
            if b.text and (not b.links and (_looks_like_date_only(b.text) or _RELATIVE_TIME_RE.match(b.text)
                                            or len(b.text) <= 40 and looks_like_date_line(b.text))
                           or len(b.text) <= 12 and not any(ch.isalpha() for ch in b.text)):
                continue  # an item's date, or a counter (comments, views) beside it
            if b.text:
                misses += 1
                if first_miss is None:
                    first_miss = b.index
                # a short line without links after the items is the next box's heading
                if misses > 2 or (items and (b.heading or len(b.text) < 40 and (
                        not b.links or len(b.text.split()) < _HEADLINE_WORDS))):
                    stop = first_miss if misses > 2 else b.index  # the block ends at its first stray line
                    break
        self._related_cache[heading] = (items, stop)
        return items, stop

    def _contained_related(self, title: int) -> list[tuple[int, RelatedItem]]:
        """Items of related containers without a heading of their own: links that read as headlines
        inside an element whose class or id says related (``related``, ``tin-lien-quan``,
        ``other-news``). Only a container's first list counts (the others are its other tabs), and
        a list under another box's title ("MULTIMEDIA PLUS", "Đang hot") is not related."""
        out: list[tuple[int, RelatedItem]] = []
        first_list: dict[Any, Any] = {}
        wanted: dict[Any, bool] = {}
        for b in self.blocks[title + 1:]:
            if not b.links or not RELATED_CONTAINER_RE.search(b.attrs):
                continue
            links = [lk for lk in b.links if _is_item_link(lk.url, lk.text) and lk.url != self.url]
            container = _related_container(b.element) if links else None
            if container is None:
                continue
            in_list = _closest_list(b.element)
            if container not in first_list:
                first_list[container] = in_list
                wanted[container] = not self._other_box_title_before(b.index)
            elif in_list is not None and first_list[container] is not None and in_list is not first_list[container]:
                continue
            if wanted[container]:
                out += [(b.index, RelatedItem(url=lk.url, title=_item_title(lk.text, lk.hint), lead=None))
                        for lk in links]
        return out

    def _marked_related(self, title: int, end: int) -> list[tuple[int, RelatedItem]]:
        """Related links the text itself carries, marked ``>> Title`` or ``» Title`` (between the
        title and the end of the article)."""
        out: list[tuple[int, RelatedItem]] = []
        for b in self.blocks[title + 1:end]:
            for lk in b.links:
                m = _ITEM_MARK_RE.match(lk.text)
                if m and _is_item_link(lk.url, m.group("title")) and lk.url != self.url:
                    out.append((b.index, RelatedItem(url=lk.url, title=_item_title(m.group("title")), lead=None)))
        return out

    def _other_box_title_before(self, index: int) -> bool:
        """Whether the text right before block ``index`` is the title of a box that is not a related
        block (a short line that is no headline and no related heading)."""
        prev = self._prev_text_block(index)
        if prev is None or len(prev.text) > 40:
            return False
        folded = prev.folded
        if RELATED_HEADING_RE.match(folded) or RELATED_PREFIX_RE.match(folded):
            return False
        return len(prev.text.split()) < _HEADLINE_WORDS or prev.heading

    def byline(self) -> tuple[Byline, set[int]]:
        """The byline and the indexes of the body blocks it occupies. The meta parts closing the
        text (``<p class="author">``, ``<p class="source">Theo X</p>``) are the byline's, not the
        body's; a byline without a source takes the source line printed under it, if any."""
        byline, used = self._byline()
        if not (byline.authors or byline.source):
            return byline, used
        body = self.body_blocks()
        source = byline.source
        candidates = [b for b in body[-3:] if b.index not in used]
        if body:
            candidates += [b for b in self.blocks[body[-1].index + 1:body[-1].index + 8] if b.text]
        for b in candidates:
            if len(b.text) > 80:
                continue
            hinted = bool(_SOURCE_PART_RE.search(_own_attrs(b)) or AUTHOR_HINT_RE.search(_own_attrs(b)))
            if not hinted and not b.folded.startswith(("theo ", "nguon:")):
                continue
            parsed = parse_byline_text(b.text) or (parse_byline_text(f"Theo {b.text}") if hinted else None)
            if parsed is None:
                continue
            if parsed.source and not parsed.authors and source is None:
                source = parsed.source
            elif not (set(parsed.authors) & set(byline.authors)):
                continue
            used.add(b.index)
        if source != byline.source:
            byline = Byline(raw=f"{byline.raw or ''} - Theo {source}".strip(" -"), authors=byline.authors,
                            source=source)
        return byline, used

    def _byline(self) -> tuple[Byline, set[int]]:
        body = self.body_blocks()
        lines = [b.text for b in body]
        used: set[int] = set()
        tail = body[-6:]
        split = split_trailing_byline([b.text for b in tail])
        if split:
            kept, byline = split
            j = 0
            for b in tail:  # kept = the tail minus the byline lines (series markers stay)
                if j < len(kept) and b.text == kept[j]:
                    j += 1
                else:
                    used.add(b.index)
            return byline, used
        lead_found = parse_leading_byline(lines[:4])
        if lead_found:
            byline, n = lead_found
            used |= {b.index for b in body[:n]}
            return byline, used
        # Guest author printed between title and lead
        lay = self.layout()
        if lay.title is not None and lay.lead is not None and lay.lead - lay.title > 1:
            top = [b.text for b in self.blocks[lay.title + 1: lay.lead] if b.text and b.index != lay.date]
            lead_found = parse_leading_byline(top)
            if lead_found:
                return lead_found[0], used
        hinted = self._hinted_byline()
        if hinted:
            return hinted, used
        meta_line = self._meta_line_byline()
        if meta_line:
            return meta_line, used
        return Byline(), used

    def _meta_line_byline(self) -> Byline | None:
        """Names printed beside the date on the meta line (``Minh Thu - Thanh Hải | 16/10/2019``)."""
        lay = self.layout()
        if lay.date is None:
            return None
        rest = _without_date(self.blocks[lay.date].text)
        if not rest or len(rest) > 80:
            return None
        parsed = parse_byline_text(rest)
        if not parsed or any(SITE_NAME_RE.search(fold(name)) for name in parsed.authors):
            return None  # "16/10/2019 | Hòa Bình": the site's name, not a person
        return parsed if parsed.authors or parsed.source else None

    def _hinted_byline(self) -> Byline | None:
        lay = self.layout()
        outlets = self._outlet_names()
        for b in self.blocks[(lay.title or 0): lay.end + 3]:
            if b.text and len(b.text) <= 80 and AUTHOR_HINT_RE.search(_own_attrs(b)):
                parsed = parse_byline_text(_without_date(b.text) or b.text) or _meta_parts_byline(b.element)
                if parsed and not any(_is_outlet(name, outlets) for name in [*parsed.authors, parsed.source or ""]
                                      if name):
                    return parsed
        if self.doc:
            for item in self.doc.jsonld:
                author = item.get("author")
                names = author if isinstance(author, list) else [author]
                # an organisation (the publisher, an outlet) is never an author
                collected = [clean(a.get("name")) if isinstance(a, dict) else clean(a) for a in names
                             if isinstance(a, str) or isinstance(a, dict) and not _is_organisation(a)]
                collected = [n for n in collected if n and not SITE_NAME_RE.search(fold(n)) and "bao" not in fold(n)[:4]
                             and fold(n) not in outlets]
                if collected:
                    return Byline(raw=", ".join(collected), authors=collected, source=None)
            meta_author = self.doc.meta.get("author") or self.doc.meta.get("article:author")
            if meta_author and not SITE_NAME_RE.search(fold(meta_author)) and "hoa binh" not in fold(meta_author) \
                    and not _is_outlet(meta_author, outlets):
                return parse_byline_text(meta_author)
        return None

    def _outlet_names(self) -> set[str]:
        """Folded names of the outlet itself (``og:site_name``, JSON-LD publishers): never authors."""
        names: set[str] = set()
        if not self.doc:
            return names
        for key in ("og:site_name", "copyright", "application-name", "apple-mobile-web-app-title", "twitter:site"):
            site = self.doc.meta.get(key)
            if site and len(site) <= 60:
                names.add(fold(clean(site)).lstrip("@"))
        for item in self.doc.jsonld:
            publisher = item.get("publisher")
            for entry in publisher if isinstance(publisher, list) else [publisher]:
                if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    names.add(fold(clean(entry["name"])))
                elif isinstance(entry, str):
                    names.add(fold(clean(entry)))
        names |= {_OUTLET_PREFIX_RE.sub("", name) for name in names}
        names.discard("")
        return names

    def to_record(self, *, entities: bool = True) -> ArticleRecord:
        """The complete record. ``entities=False`` skips units/people/documents extraction."""
        ids = article_ids(self.url)
        title = self.title()
        lead = self.lead()
        published = self.published()
        byline, byline_idx = self.byline()
        paragraphs = [b.text for b in self.body_blocks() if b.index not in byline_idx
                      and (self._captions_are_text or b.index not in self._captions)]
        body = "\n\n".join(paragraphs) or None
        record = ArticleRecord(
            url=self.url,
            article_id=ids[1] if ids else None,
            category_id=ids[0] if ids else None,
            title=title,
            lead=lead,
            body=body,
            published_at=published.iso if published else None,
            published_at_raw=published.raw if published else None,
            byline=byline,
            related=self.related(),
            is_congress=is_congress(title, lead, ids[0] if ids else None),
            images=self.images(),
        )
        if entities:
            _add_entities(record)
        return record


def _add_entities(record: ArticleRecord) -> None:
    try:
        from crawler.entities import extract_entities
    except ImportError:  # the entities package is optional while it is being built
        return
    found = extract_entities(record.title, record.lead, record.body, record.published_at)
    record.units = found.units
    record.people = found.people
    record.documents = found.documents
    record.counts = found.counts
    record.date_mentions = found.date_mentions


class ListingPage:
    """A category listing ``/{cat}/page/{n}/{SLUG}.htm``: items (title, lead, url) and the pager."""

    def __init__(self, body: bytes | str, url: str | None = None, encoding: str | None = None) -> None:
        self.doc = parse_document(body, url=url, encoding=encoding)
        self.url = url or (self.doc.base_url if self.doc else None)

    def items(self) -> list[ListingItem]:
        """Listed articles in page order: a linked title followed by its ``(HBĐT)`` lead.

        Items without a lead (sidebars, menus) are ignored unless the page has no lead at all, in
        which case the article links of the dominant non-chrome container are taken.
        """
        if self.doc is None:
            return []
        blocks = self.doc.blocks
        items: list[ListingItem] = []
        seen: dict[str, ListingItem] = {}
        pending: ListingItem | None = None
        for b in blocks:
            links = [lk for lk in b.links if is_article_url(lk.url) and lk.text and len(lk.text) >= 10]
            if links and b.link_density >= 0.5:
                lk = links[0]
                if lk.url in seen:
                    pending = seen[lk.url] if seen[lk.url].lead is None else None
                    continue
                pending = ListingItem(url=lk.url, title=lk.text)
                ids = article_ids(lk.url)
                if ids:
                    pending.category_id, pending.article_id = ids
                rest = b.text.replace(lk.text, "", 1).strip(" ()[]-|")
                if rest and looks_like_date_line(rest):
                    found = parse_date_line(rest)
                    pending.published_at = found.iso if found else None
                seen[lk.url] = pending
                continue
            if pending is not None and b.text:
                if has_lead_prefix(b.text):
                    pending.lead = strip_lead_prefix(b.text)
                    items.append(pending)
                    pending = None
                elif looks_like_date_line(b.text) and len(b.text) <= 40:
                    found = parse_date_line(b.text)
                    if found:
                        pending.published_at = found.iso
        if items:
            return items
        return [it for it in seen.values() if not _chrome_url(it, blocks)]

    def next_page_url(self) -> str | None:
        """The next (older) listing page: the pager link with page number current + 1."""
        here = listing_page(self.url)
        return self._pager().get((here[1] if here else 1) + 1)

    def _pager(self) -> dict[int, str]:
        """Page number → URL of the listing links of this page's category."""
        if self.doc is None:
            return {}
        here = listing_page(self.url)
        by_page: dict[int, str] = {}
        for b in self.doc.blocks:
            for lk in b.links:
                lp = listing_page(lk.url)
                if lp and (here is None or lp[0] == here[0]):
                    by_page.setdefault(lp[1], lk.url)
        return by_page


# -- helpers ---------------------------------------------------------------------------------------

_DATE_ONLY_RE = re.compile(
    r"^[\s(\[]*(?:\d{1,2}[:h]\d{2}(?:\s*(?:AM|PM))?\s*[|,-]?\s*)?\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?"
    r"(?:\s*[|,-]?\s*\d{1,2}[:h]\d{2}(?:\s*(?:AM|PM))?)?(?:\s*\(?GMT\s*\+\s*7\)?)?[)\]\s]*$",
    re.IGNORECASE,
)


def _looks_like_date_only(text: str) -> bool:
    return bool(_DATE_ONLY_RE.match(text))


def _without_date(text: str) -> str:
    """``text`` minus the date/time it prints, and the separators left around it."""
    found = parse_date_line(text)
    if found is None or found.raw not in text:
        return text.strip()
    rest = text.replace(found.raw, " ", 1)
    return " ".join(rest.split()).strip(" |·•-–—,;:/")


def _is_organisation(entry: dict[str, Any]) -> bool:
    """Whether a JSON-LD author entry is an organisation (an outlet, the publisher), not a person."""
    kind = entry.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and ("Organization" in k or k in ("NewsMediaOrganization", "Corporation"))
               for k in kinds)


def _is_item_link(url: str, text: str) -> bool:
    """Whether a link in a related block is one of its items: the site's article shape, or an
    http(s) page (any shape, any host: kept as a related row, fetched only when on the site) whose
    text reads as a headline. Section, listing and home links ("Xem thêm", "Chính trị") are not."""
    if not text:
        return False
    if len(text) <= 40 and RELATED_HEADING_RE.match(fold(text)):
        return False  # "Các tin bài khác" linking to the section: the block's heading, not an item
    if is_article_url(url):
        return True
    return _page_url(url) and len(text.split()) >= _HEADLINE_WORDS and len(text) >= 15


def _page_url(url: str) -> bool:
    """An http(s) URL of some page that is not a listing or a home page (any host, any shape)."""
    # a root-relative path stays relative on a page whose own URL is unknown
    if not url.startswith(("http://", "https://", "/")) or listing_page(url):
        return False
    return len(urlsplit(url).path) > 1


#: A time printed after a listed title, inside its link: "(9 giờ trước)", "(26/12/2012)", "- 08:15".
_ITEM_TIME_RE = re.compile(
    r"\s*(?:\(\s*(?:\d+\s+(?:giây|phút|giờ|ngày|tuần|tháng|năm)\s+trước|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?"
    r"(?:\s*[-,]?\s*\d{1,2}[:h]\d{2})?|\d{1,2}[:h]\d{2}(?:\s*[-,]?\s*\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?)?)\s*\)"
    r"|[-–|]\s*\d+\s+(?:phút|giờ|ngày)\s+trước)\s*$",
    re.IGNORECASE,
)


#: A related link the text carries: ``>> Title``, ``» Title``, ``► Title``.
_ITEM_MARK_RE = re.compile(r"^\s*(?:>>|»|►|▶|→)\s*(?P<title>\S.*)$")


#: A relative time printed beside a listed item: "5 giờ trước", "2 ngày trước".
_RELATIVE_TIME_RE = re.compile(r"^\d+\s+(?:giây|phút|giờ|ngày|tuần|tháng|năm)\s+trước$", re.IGNORECASE)


def _is_prose(b: Block) -> bool:
    """Whether a (text) block reads as article prose: long, few links, not in chrome."""
    return len(b.text) >= 80 and b.link_density < 0.2 and not b.chrome


def _is_placeholder_href(href: str | None) -> bool:
    """A link a script fills in: no href, ``#...`` or ``javascript:``."""
    href = (href or "").strip().lower()
    return not href or href.startswith(("#", "javascript:"))


def _placeholder_title(b: Block) -> str | None:
    """The title of a listed item whose only link is a script placeholder (``href="#"``,
    ``javascript:``): the block's whole text is that link's text and reads as a headline."""
    anchors = [a for a in b.element.iter("a") if _is_placeholder_href(a.get("href"))]
    if len(anchors) != 1:
        return None
    text = clean("".join(anchors[0].itertext()))
    if text != b.text or len(text.split()) < _HEADLINE_WORDS or len(text) < 15 or len(text) > 200:
        return None
    return text


def _item_title(text: str, hint: str = "") -> str:
    """A related item's title without what is printed after it inside the link: a time ("(9 giờ
    trước)"), or a counter ("... tiếng dân 10") when the link's ``title`` attribute is the title."""
    hint = clean(hint)
    if hint and text != hint and text.startswith(hint) and len(text) - len(hint) <= 12 \
            and not any(ch.isalpha() for ch in text[len(hint):]):
        return hint
    return _ITEM_TIME_RE.sub("", text).strip() or text


def _related_container(el: Any) -> Any | None:
    """The nearest element holding ``el`` (itself included) whose class or id says related."""
    for node in (el, *el.iterancestors()):
        attrs = f"{node.get('class') or ''} {node.get('id') or ''} {node.get('type') or ''}"
        if attrs.strip() and RELATED_CONTAINER_RE.search(attrs):
            return node
    return None


def _closest_list(el: Any) -> Any | None:
    """The nearest ``<ul>``/``<ol>`` holding ``el`` (itself included), or ``None``."""
    node = el
    for _ in range(8):
        if node is None:
            return None
        if node.tag in ("ul", "ol"):
            return node
        node = node.getparent()
    return None


def _is_outlet(name: str, outlets: set[str]) -> bool:
    """Whether ``name`` is the outlet's own name (``"Dân Trí"`` for ``"Báo điện tử Dân Trí"``)."""
    folded = _OUTLET_PREFIX_RE.sub("", fold(clean(name)))
    return bool(folded) and folded in outlets


def _meta_parts_byline(el: Any) -> Byline | None:
    """The byline of a meta line read from its parts: the element classed as the author's name
    and the one classed as the source (``<span class="author">Hưng Thi</span><span
    class="source">Theo Lao Động</span><span class="time">...``)."""
    authors: list[str] = []
    sources: list[str] = []
    for part in el.iterdescendants():
        attrs = f"{part.get('class') or ''} {part.get('id') or ''}".strip() if isinstance(part.tag, str) else ""
        if not attrs or AVATAR_RE.search(attrs):
            continue
        is_author, is_source = bool(_AUTHOR_PART_RE.search(attrs)), bool(_SOURCE_PART_RE.search(attrs))
        if not (is_author or is_source):
            continue
        text = clean("".join(part.itertext()))
        if not text or len(text) > 60:
            continue
        parsed = parse_byline_text(text)
        if parsed is None and is_source:
            parsed = parse_byline_text(f"Theo {text}")
        if parsed:
            authors += [a for a in parsed.authors if a not in authors]
            if parsed.source and parsed.source not in sources:
                sources.append(parsed.source)
    if not authors and not sources:
        return None
    raw = " ".join([", ".join(authors), *(f"Theo {s}" for s in sources)]).strip()
    return Byline(raw=raw, authors=authors, source=", ".join(sources) or None)


def _strip_title_suffix(text: str) -> str:
    return TITLE_SUFFIX_RE.sub("", text).strip()


def _own_attrs(b: Block) -> str:
    el = b.element
    parts = [f"{el.get('class') or ''} {el.get('id') or ''}"]
    parent = el.getparent()
    if parent is not None:
        parts.append(f"{parent.get('class') or ''} {parent.get('id') or ''}")
    return " ".join(parts)


def _centered(b: Block) -> bool:
    el = b.element
    style = (el.get("style") or "").replace(" ", "").lower()
    return "text-align:center" in style or (el.get("align") or "").lower() == "center" or b.tag == "center"


def _previous_nonempty_is_image(region: list[Block], pos: int) -> bool:
    for prev in reversed(region[max(0, pos - 3):pos]):
        if prev.image:
            return True
        if prev.text:
            return False
    return False


def _is_decoration(b: Block) -> bool:
    el = b.element
    src = (b.image or "").lower()
    if any(word in src for word in ("logo", "banner", "icon", "/ads", "quangcao", "spacer", "blank.gif", "button")):
        return True
    for attr in ("width", "height"):
        value = el.get(attr) or ""
        if value.isdigit() and int(value) < 60:
            return True
    if AVATAR_RE.search(f"{el.get('class') or ''} {el.get('id') or ''} {src}"):
        return True
    # an author box's portrait: an image whose near container is an author/byline box
    for anc in list(el.iterancestors())[:3]:
        if isinstance(anc.tag, str) and AVATAR_RE.search(f"{anc.get('class') or ''} {anc.get('id') or ''}"):
            return True
        if isinstance(anc.tag, str) and AUTHOR_HINT_RE.search(anc.get("class") or "") and anc.tag not in ("body", "article"):
            return True
    parent = el.getparent()
    # a related card's thumbnail: an image linking to another article (any URL shape)
    href = parent.get("href") if parent is not None and parent.tag == "a" else None
    if not href or IMAGE_FILE_RE.search(urlsplit(str(href)).path):
        return False  # no link, or a link to the picture itself (a larger copy): the article's own
    return is_article_url(href) or _page_url(str(href))


def _is_chrome_block(b: Block) -> bool:
    if len(b.text) <= 3 and not any(ch.isalnum() for ch in b.text):
        return True  # a lone "×" (close button), "+" or "|": a control, not text
    # the first 80 characters, folded ("[Quay lại]" is "quay lai"); a long paragraph is not folded whole
    folded = (b.folded if len(b.text) <= 80 else fold(b.text[:80])).strip("[]()<>«» ")
    if CHROME_LINE_RE.match(folded) or BOX_HEADING_RE.match(folded):
        return True
    if b.link_density > 0.6 and len(b.text) < 200 or b.link_density > 0.85:
        return True
    return b.chrome and b.link_density > 0.3


def _inside(el: Any, root: Any) -> bool:
    if el is root:
        return True
    return any(anc is root for anc in el.iterancestors())


def _content_root(region: list[Block]) -> Any | None:
    """The element holding most of the prose in ``region`` (readability-style scoring).

    Each non-chrome, non-link block adds its length to its parent and half to its grandparent.
    Returns ``None`` when the region has too little text to judge (the caller keeps all blocks).
    """
    scores: dict[Any, float] = defaultdict(float)
    total = 0
    for b in region:
        if not b.text or b.chrome or b.link_density > 0.5 or len(b.text) < 25:
            continue
        total += len(b.text)
        el = b.element
        weight = 1.0
        for anc in [el, *list(el.iterancestors())[:3]]:
            scores[anc] += len(b.text) * weight
            weight /= 2
    if total < 200 or not scores:
        return None
    best = max(scores.items(), key=lambda kv: kv[1])[0]
    # one long paragraph is not the body's container when other prose sits beside it
    prose = [b for b in region if b.text and not b.chrome and b.link_density <= 0.5 and len(b.text) >= 25]
    if any(b.element is best for b in prose) and best.getparent() is not None and any(
            b.element is not best and _inside(b.element, best.getparent()) for b in prose):
        best = best.getparent()
    # climb while the root misses much of the prose (paragraphs split across sibling containers)
    while _prose_under(best, region) < 0.6 * total:
        parent = best.getparent()
        if parent is None:
            break
        best = parent
    return best


def _alone_in_photo_box(b: Block, region: list[Block]) -> bool:
    """The block is the only text of the small box (table, figure, div...) that also holds the
    image just before it: the smallest ancestor of both, within four levels."""
    pos = next((k for k, x in enumerate(region) if x is b), None)
    if pos is None:
        return False
    image = next((x for x in reversed(region[max(0, pos - 3):pos]) if x.image), None)
    if image is None:
        return False
    box = next((a for a in list(b.element.iterancestors())[:4] if _inside(image.element, a)), None)
    if b.element is not image.element and _inside(image.element, b.element):
        box = b.element
    if box is None:
        return False
    texts = [x for x in region if x.text and _inside(x.element, box)]
    return sum(len(x.text) for x in texts) == len(b.text)


def _close_in_tree(el: Any, other: Any, levels: int = 2) -> bool:
    """Whether ``el`` lies under one of the ``levels`` nearest ancestors of ``other``."""
    for anc in list(other.iterancestors())[:levels]:
        if _inside(el, anc):
            return True
    return False


def _blocks_in_root(region: list[Block], root: Any | None) -> set[int]:
    """Indexes of the region's blocks that belong to the body: those inside ``root``, plus up to
    three short blocks right before or after them inside ``root``'s parent (a byline paragraph or
    a guest author's lines set beside the text container)."""
    if root is None:
        return {b.index for b in region}
    inside = [b for b in region if b.text and _inside(b.element, root)]
    if not inside:
        return set()
    out = {b.index for b in inside}
    parent = root.getparent()
    if parent is None:
        return out
    first, last = inside[0].index, inside[-1].index
    after = [b for b in region if b.index > last and b.text][:3]
    before = [b for b in region if b.index < first and b.text][-3:]
    for group in (after, reversed(before)):
        for b in group:
            if len(b.text) > 120 or b.chrome or b.link_density > 0.5 or not _inside(b.element, parent):
                break
            out.add(b.index)
    return out


def _prose_under(el: Any, region: list[Block]) -> int:
    return sum(len(b.text) for b in region
               if b.text and not b.chrome and b.link_density <= 0.5 and _inside(b.element, el))


def _chrome_url(item: ListingItem, blocks: list[Block]) -> bool:
    for b in blocks:
        if any(lk.url == item.url for lk in b.links):
            return b.chrome
    return False
