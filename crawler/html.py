"""HTML decoding and linearisation: any page becomes an ordered list of text blocks.

The page objects in :mod:`crawler.pages` do not depend on the site's markup (which is unknown):
they read the sequence of blocks produced here (a paragraph, a heading, a list item, a table
cell, a ``<br>``-separated line, an image) and lean on textual signals. Each block remembers the
element it came from, the links and images inside it, whether it sits in site chrome (menus,
sidebars, footers by class/id/tag), and a few formatting hints.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import lxml.etree
from w3lib.encoding import html_to_unicode

from crawler.text import clean, fold, nfc
from crawler.urls import absolute, unwayback

logger = logging.getLogger(__name__)

BLOCK_TAGS: frozenset[str] = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol td th tr table tbody thead tfoot section article header footer "
    "aside nav blockquote figure figcaption dd dt dl pre center form main address caption hr".split()
)
HEADING_TAGS: frozenset[str] = frozenset("h1 h2 h3 h4 h5 h6".split())
DROP_TAGS: tuple[str, ...] = ("script", "style", "noscript", "iframe", "svg", "select", "option",
                              "button", "input", "textarea", "object", "embed", "template", "link", "meta")
_DROPPED: frozenset[str] = frozenset(DROP_TAGS)
#: The elements one pass collects: what the head reading needs, and what the walk drops.
_SCANNED_TAGS: tuple[str, ...] = (*DROP_TAGS, "title", "base")
CHROME_TAGS: frozenset[str] = frozenset({"nav", "aside", "footer"})
CHROME_RE = re.compile(
    r"(?:^|[\s_-])(?:side-?bar|sidebar|menu|nav|navbar|footer|banner|adv?s?|quang-?cao|qc|share|social|"
    r"comment|binh-?luan|breadcrumb|tags?|related|other-?news|othernews|tin-?khac|tinkhac|"
    r"col-?right|right-?col|box-?right|right-?(?:box|side|bar|content|panel)|most|hot-?news|newest|latest|popular|poll|"
    r"widget|toolbar|wm-ipp|header-?top|top-?bar|logo|copyright)(?:$|[\s_\d-])",
    re.IGNORECASE,
)
#: An empty element that marks where the article's text ends (``<span id="article-end">``,
#: ``<div id="end-post-content">``).
END_MARK_RE = re.compile(
    r"(?:^|[\s_-])(?:article-?end|end-?(?:of-?)?article|post-?end|end-?post(?:-?content)?|content-?end|"
    r"end-?content|detail-?end|end-?detail|endcontent|endarticle)(?:$|[\s_-])",
    re.IGNORECASE,
)
BOLD_TAGS: frozenset[str] = frozenset({"b", "strong"})
ITALIC_TAGS: frozenset[str] = frozenset({"i", "em"})


@dataclass
class Link:
    """An anchor: absolute ``url`` (Wayback rewriting undone) and its text."""

    url: str
    text: str
    hint: str = ""
    """The anchor's ``title`` attribute (a listed item's full title, on many CMSs), else ``""``."""


@dataclass(slots=True)
class Block:
    """One linear unit of page text (or one image)."""

    index: int
    text: str
    tag: str
    element: Any
    links: list[Link] = field(default_factory=list)
    image: str | None = None
    image_alt: str | None = None
    chrome: bool = False
    bold: bool = False
    italic: bool = False
    heading: bool = False
    link_chars: int = 0
    attrs: str = ""
    _folded: str | None = field(default=None, repr=False, compare=False)

    @property
    def link_density(self) -> float:
        """Share of the block's characters that sit inside links."""
        return self.link_chars / len(self.text) if self.text else 0.0

    @property
    def folded(self) -> str:
        """The text folded (:func:`crawler.text.fold`), computed once: the rules match on it."""
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded


@dataclass
class Document:
    """A decoded, parsed page with its blocks and metadata."""

    root: Any
    blocks: list[Block]
    base_url: str | None
    meta: dict[str, str]
    jsonld: list[dict[str, Any]]
    title_tag: str | None
    end_marks: list[int] = field(default_factory=list)
    """Block indexes where an empty end-of-article marker stood (``<span id="article-end">``)."""


#: Letters only Vietnamese text has (NFC): a decoding that yields many of them is the right one.
_VIET_RE = re.compile(
    "[ăâđêôơưĂÂĐÊÔƠƯ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ]"
)
#: What UTF-8 read as a single-byte code page looks like (``Ä‘`` for đ, ``Ã¡`` for á, ...), and
#: the replacement character.
_MOJIBAKE_RE = re.compile("[ÃÄÆáº][\x80-\xbfŒœŠšŸŽžƒˆ˜–-›€™]|�")
#: Encodings a page of this site family may be in that the bytes can silently be mistaken for.
_SINGLE_BYTE = ("windows-1258", "cp1258", "windows-1252", "cp1252", "iso-8859-1", "latin-1", "latin1",
                "ascii", "us-ascii", "iso-8859-15")


#: Latin letters Vietnamese never uses: a legacy code page read as another one makes them.
_FOREIGN_RE = re.compile("[ÐðÞþßæÆøØåÅñÑçÇäëËïÏöÖüÜÿ]")
#: Two tone marks (NFD) in one word (letters and the non-tone marks between them): a Vietnamese
#: syllable carries at most one.
_TWO_TONES_RE = re.compile(
    "[\u0300\u0301\u0303\u0309\u0323](?:[^\\W\\d_]|[\u0302\u0306\u031b])*[\u0300\u0301\u0303\u0309\u0323]"
)


def _viet_signs(text: str) -> tuple[int, int]:
    """``(Vietnamese letters, bad signs)`` of a decoding: bad signs are mojibake, replacement
    characters, letters Vietnamese never uses, and words with two tone marks (``Mõìi``: a
    windows-1258 page read as windows-1252)."""
    sample = nfc(text[:200_000])
    bad = len(_MOJIBAKE_RE.findall(sample)) + len(_FOREIGN_RE.findall(sample))
    bad += len(_TWO_TONES_RE.findall(unicodedata.normalize("NFD", sample)))
    return len(_VIET_RE.findall(sample)), bad


def _viet_score(text: str) -> int:
    """How Vietnamese a decoding reads: its letters minus (heavily) its bad signs."""
    letters, bad = _viet_signs(text)
    return letters - 4 * bad


def decode(body: bytes | str, declared_encoding: str | None = None) -> str:
    """Decode page bytes honouring the HTTP charset, a BOM, then ``<meta charset>``, and check the
    choice against the text: legacy Vietnamese pages declare ``windows-1258`` and send UTF-8, or
    the reverse, or declare nothing. When the bytes are valid UTF-8 that is what they are; when
    they are not, the decoding (the declared one, UTF-8 with replacements, ``windows-1258``,
    ``windows-1252``) that yields the most Vietnamese letters and the least mojibake wins.
    Undecodable bytes become U+FFFD.
    """
    if isinstance(body, str):
        return body
    content_type = f"text/html; charset={declared_encoding}" if declared_encoding else None
    try:
        chosen, text = html_to_unicode(content_type, body)
    except LookupError:
        logger.warning("unknown declared encoding %r; sniffing instead", declared_encoding)
        chosen, text = html_to_unicode(None, body)
    if body.isascii():
        return text
    name = (chosen or "").lower().replace("_", "-")
    if name in ("utf-8", "utf8") and "\ufffd" not in text:
        return text  # read as UTF-8 without a replacement: the bytes are valid UTF-8
    try:
        as_utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    if as_utf8 is not None:
        if name not in ("utf-8", "utf8") and (name in _SINGLE_BYTE or name.startswith(("windows-", "cp", "iso-8859"))):
            logger.info("page declared %s but is valid UTF-8: read as UTF-8", chosen)
            return as_utf8.lstrip("\ufeff")
        return text
    if _viet_signs(text)[1] == 0:  # the declared (or sniffed) decoding reads clean: keep it
        return text
    candidates = {name: text}
    for encoding in ("utf-8", "windows-1258", "windows-1252"):
        if encoding not in candidates:
            candidates[encoding] = body.decode(encoding, errors="replace")
    best = max(candidates, key=lambda enc: _viet_score(candidates[enc]))
    if best != name and _viet_score(candidates[best]) > _viet_score(text):
        logger.info("page read as %s, not %s: it yields valid Vietnamese", best, chosen)
        return candidates[best]
    return text


#: ``huge_tree``: without it libxml2 stops at 256 levels of nesting or a 10 MB text node and the
#: rest of the page is silently lost. The input is bounded elsewhere (the crawl's DOWNLOAD_MAXSIZE,
#: ``hbdt parse``'s size limit).
#: A plain ``lxml.etree`` HTML parser: lxml.html's element classes cost a class lookup for every
#: element touched, and nothing here needs their methods.
_PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
#: Elements nested deeper than this are read as plain text (one block per subtree), not walked
#: (the walk is recursive: Python's stack would overflow near 1,000 levels).
MAX_WALK_DEPTH = 200
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\ufeff\xad]")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)


def parse_document(body: bytes | str, *, url: str | None = None, encoding: str | None = None) -> Document | None:
    """Parse a page into a :class:`Document`; ``None`` when it is not HTML at all."""
    text = _XML_DECL_RE.sub("", nfc(decode(body, encoding)))
    if "\u200b" in text or "\u200c" in text or "\u200d" in text or "\ufeff" in text or "\xad" in text:
        text = _ZERO_WIDTH_RE.sub("", text)
    if not text.strip():
        return None
    try:
        root = lxml.etree.fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        logger.debug("unparsable HTML: %s", exc)
        return None
    if root is None:
        return None
    if any("Excessive depth" in entry.message for entry in _PARSER.error_log):
        logger.warning("%s: HTML nested deeper than the parser's limit (2048 levels): the parser "
                       "stopped there and the rest of the page is lost", url or "page")
    # one pass over the elements the head reading needs and the walk drops (lxml filters by tag)
    found = list(root.iter(*_SCANNED_TAGS))
    meta = _read_meta(el for el in found if el.tag == "meta")
    jsonld = _read_jsonld(el for el in found if el.tag == "script")
    title_tag = None
    titles = [el for el in found if el.tag == "title"]
    if titles:
        title_tag = clean("".join(titles[0].itertext())) or None
    base_url = url
    if not base_url:
        base_url = _canonical_from((el for el in found if el.tag == "link"), meta)
    bases = [el.get("href") for el in found if el.tag == "base" and el.get("href") is not None]
    link_base = base_url
    if bases and not url:
        link_base = absolute(base_url, str(bases[0])) or base_url
    for bad in found:
        if bad.tag in _DROPPED:
            _drop_tree(bad)
    linearizer = _Linearizer(link_base)
    blocks = linearizer.run(root)
    return Document(root=root, blocks=blocks, base_url=base_url, meta=meta, jsonld=jsonld, title_tag=title_tag,
                    end_marks=linearizer.end_marks)


def _drop_tree(el: Any) -> None:
    """Remove ``el`` and its subtree, keeping the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _canonical_from(links: Iterable[Any], meta: dict[str, str]) -> str | None:
    """The page's own URL from ``<link rel=canonical>`` (of ``links``), else ``og:url``."""
    for link in links:
        href = link.get("href")
        if href is None or (link.get("rel") or "").lower() != "canonical":
            continue
        href = str(href).strip()
        if href.startswith(("http://", "https://")):
            return unwayback(href)[0]
    og = meta.get("og:url")
    if og and og.startswith(("http://", "https://")):
        return unwayback(og)[0]
    return None


def _read_meta(metas: Iterable[Any]) -> dict[str, str]:
    """``<meta>`` values by lower-cased property/name/itemprop, the first of each."""
    out: dict[str, str] = {}
    for el in metas:
        if el.get("content") is None:
            continue
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and key not in out:
            value = clean(el.get("content"))
            if value:
                out[key] = value
    return out


def _read_jsonld(scripts: Iterable[Any]) -> list[dict[str, Any]]:
    """The JSON-LD objects of ``scripts`` (``@graph`` members included)."""
    out: list[dict[str, Any]] = []
    for script in scripts:
        if script.get("type") != "application/ld+json":
            continue
        raw = script.text or ""
        try:
            data = json.loads(raw)
        except ValueError:
            logger.debug("bad JSON-LD ignored")
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                if "@graph" in item and isinstance(item["@graph"], list):
                    stack.extend(item["@graph"])
                out.append(item)
    return out


def _unwrap(href: str) -> str:
    """An href with any Wayback Machine rewriting undone."""
    return unwayback(href)[0] if "/web/" in href else href


_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


#: A hidden element with this much text or more is kept: a collapsed "read more" continuation of the
#: article, not a widget or a toast.
HIDDEN_TEXT_KEPT = 200


def _hidden(el: Any, style: str | None) -> bool:
    """Whether an element is a hidden widget: hidden by its own markup (``hidden``,
    ``display:none``, ``visibility:hidden``; ``style`` is its style attribute) and holding little text."""
    if el.get("hidden") is None and not (style and _HIDDEN_STYLE_RE.search(style)):
        return False
    return len("".join(el.itertext()).strip()) < HIDDEN_TEXT_KEPT


#: Containers whose ``type`` attribute names their kind on some CMSs (``<div type="RelatedNewsBox">``).
_TYPED_CONTAINERS = frozenset({"div", "section", "aside", "table", "figure"})


def _attrs_of(el: Any) -> str:
    """``class`` and ``id`` of a block element, and the ``type`` a container declares."""
    kind = el.get("type") if el.tag in _TYPED_CONTAINERS else None
    return f"{el.get('class') or ''} {el.get('id') or ''} {kind or ''}".strip()


class _Linearizer:
    """Walks the tree once, emitting a block at every block boundary and ``<br>``."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._links: list[Link] = []
        self._link_chars = 0
        self._bold_chars = 0
        self._italic_chars = 0
        #: the block element the pending text belongs to: (element, chrome, heading, attrs)
        self._owner: tuple[Any, bool, bool, str] | None = None
        #: set once the walk met an element nested deeper than MAX_WALK_DEPTH
        self.too_deep = False
        #: href → absolute URL ("" when it has none): menus repeat the same links
        self._urls: dict[str, str] = {}
        #: block indexes at the empty end-of-article markers met (``<span id="article-end">``)
        self.end_marks: list[int] = []

    def run(self, root: Any) -> list[Block]:
        body = root.find("body")
        self._walk(body if body is not None else root, False, False, False, False, None, "")
        self._flush()
        return self.blocks

    def _flush(self) -> None:
        parts = self._parts
        if not parts:
            return  # links opened so far stay pending for the block their text lands in
        raw = "".join(parts)
        self._parts = []
        links, self._links = self._links, []
        link_chars, self._link_chars = self._link_chars, 0
        bold_chars, self._bold_chars = self._bold_chars, 0
        italic_chars, self._italic_chars = self._italic_chars, 0
        owner = self._owner
        text = " ".join(raw.split())  # the document is already NFC without zero-width characters
        if not text or owner is None:
            self._links = links + self._links  # still pending: their text lands in a later block
            return
        n = len(raw.strip()) or 1
        el, chrome, heading, attrs = owner
        self.blocks.append(Block(len(self.blocks), text, str(el.tag), el, links, None, None, chrome,
                                 bold_chars >= 0.8 * n, italic_chars >= 0.8 * n, heading,
                                 min(link_chars, len(text)), attrs))

    def _add_text(self, text: str, bold: bool, italic: bool, in_link: Link | None) -> None:
        """Add a piece of text (never empty) to the pending block."""
        if not self._parts and text.isspace():
            return  # (whitespace before a block's first text separates nothing: the indentation)
        self._parts.append(text)
        if bold or italic or in_link is not None:
            stripped = len(text.strip())
            if bold:
                self._bold_chars += stripped
            if italic:
                self._italic_chars += stripped
            if in_link is not None:
                self._link_chars += stripped
                in_link.text += text

    def _walk(self, el: Any, chrome: bool, heading: bool, bold: bool, italic: bool,
              in_link: Link | None, attrs: str, depth: int = 0) -> None:
        tag = el.tag
        if tag.__class__ is not str:
            tag = ""
        if depth > MAX_WALK_DEPTH:
            if not self.too_deep:
                logger.warning("page nested deeper than %d levels: the deeper parts are read as plain text",
                               MAX_WALK_DEPTH)
                self.too_deep = True
            self._add_text("".join(el.itertext()) or " ", bold, italic, in_link)
            return
        if tag == "br":
            if self._parts:
                self._flush()
            return
        if tag == "img":
            if self._parts:
                self._flush()
            src = el.get("data-src") or el.get("data-original") or el.get("src")
            url = absolute(self.base_url, _unwrap(src) if src else None)
            if url and not url.startswith("data:"):
                self.blocks.append(Block(index=len(self.blocks), text="", tag="img", element=el,
                                         image=url, image_alt=clean(el.get("alt")) or None,
                                         chrome=chrome, attrs=attrs))
            return
        text = el.text
        if not text and not len(el):
            marker = el.get("id") or el.get("class")
            if marker and END_MARK_RE.search(marker):
                self._flush()
                self.end_marks.append(len(self.blocks))
            return  # an empty element: nothing to read (its tail is the parent's; the parent
            # ends the pending block at an empty block element)
        style = el.get("style")
        if (style or el.get("hidden") is not None) and _hidden(el, style):
            return  # display:none, visibility:hidden, [hidden]: not shown, not the article's text
        saved = self._owner
        is_block = tag in BLOCK_TAGS
        if is_block:
            if self._parts:
                self._flush()
            own_attrs = _attrs_of(el)
            if own_attrs:
                chrome = chrome or tag in CHROME_TAGS or CHROME_RE.search(own_attrs) is not None
                attrs = f"{attrs} {own_attrs}" if attrs else own_attrs
            else:
                chrome = chrome or tag in CHROME_TAGS
            heading = heading or tag in HEADING_TAGS
            self._owner = (el, chrome, heading, attrs)
        elif saved is None:
            self._owner = saved = (el, chrome, heading, attrs)
        link = in_link
        if tag == "a":
            href = el.get("href")
            if href:
                url = self._urls.get(href)
                if url is None:
                    url = self._urls[href] = absolute(self.base_url, _unwrap(href)) or ""
                if url:
                    link = Link(url, "", el.get("title") or "")
                    self._links.append(link)
        b = bold or tag in BOLD_TAGS
        i = italic or tag in ITALIC_TAGS
        if style and not (b and i):
            style = style.replace(" ", "").lower()
            b = b or "font-weight:bold" in style
            i = i or "font-style:italic" in style
        if text:
            self._add_text(text, b, i, link)
        walk, add_text, deeper, owner = self._walk, self._add_text, depth + 1, self._owner
        for child in el:
            walk(child, chrome, heading, b, i, link, attrs, deeper)
            if child.tag in BLOCK_TAGS:  # a block child (even empty or hidden) ends the pending block
                if self._parts:
                    self._flush()
                self._owner = owner  # the text after it is this element's
            tail = child.tail
            if tail:
                add_text(tail, b, i, link)
        if link is not None and link is not in_link:
            link.text = clean(link.text)
            if not link.text and self._links and self._links[-1] is link:
                self._links.pop()  # an image-only link: nothing to attach it to
        if is_block:
            if self._parts:
                self._flush()
            self._owner = saved
