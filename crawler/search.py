"""Vietnamese full-text search over the archive: query parsing, ``đ`` folding, ranking, snippets.

How the index is built (see :mod:`crawler.archive`): ``articles_fts`` is an FTS5 table with
``content="articles"`` over ``title, lead, body, folded_terms`` and the ``unicode61
remove_diacritics 2`` tokenizer. That tokenizer lower-cases and strips every Vietnamese tone and
vowel mark but keeps ``đ`` (it has no Unicode decomposition), so ``Đảng`` is indexed as ``đang``.
``folded_terms`` is the folded copy: the distinct words of title, lead and body that contain
``đ``/``Đ``, with ``đ`` → ``d`` (``dang dai doan``). With it:

* datasette's own search box (which quotes each word: ``"dang" "bo"``) finds ``Đảng bộ`` from
  ``dang bo``, ``Đảng bộ`` and ``ĐẢNG BỘ``: the folded words match ``folded_terms``, the others
  match the original columns;
* ``hbdt search`` folds the user's query (keeping a typed ``đ``) and expands every plain ``d``
  into ``d``/``đ`` against the original columns only (``{title lead body}``), so phrases keep
  their adjacency (:func:`run_search`).

``articles_head_fts`` is a second, small FTS5 index (contentless, same tokenizer) over title and
lead only. ``hbdt search`` ranks there with bm25 (title above lead), which stays cheap when a
syllable occurs in most articles, and walks the full index from the last archived article for those that
match only in the body; see :func:`run_search`.

Every user word is emitted as a double-quoted FTS5 string built from word characters only, so no
input (quotes, ``NEAR(``, ``*``, SQL fragments) can change the structure of the FTS query; the
query itself is always a bound parameter. Snippets are cut in Python from the lead or body, with
the query's words marked wherever they are.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from crawler.text import clean, fold

TOKEN_RE = re.compile(r"[^\W_]+")
"""A word as FTS5's unicode61 tokenizer sees it: a run of letters and digits."""
_EDGE_PUNCT = string.punctuation + "“”‘’…–—«»·"
_QUERY_PART_RE = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
_PARENS_RE = re.compile(r"[()\[\]{}]")
_ELLIPSIS = "…"

FTS_TABLE = "articles_fts"
FTS_COLUMNS: tuple[str, ...] = ("title", "lead", "body", "folded_terms")
"""Columns of ``articles_fts`` in order (the bm25 weights follow it)."""
SEARCH_COLUMNS = "{title lead body}"
"""Column filter used by ``hbdt search``: the original text only."""
BM25_WEIGHTS: tuple[float, ...] = (10.0, 4.0, 1.0, 0.0)
"""bm25 weights per FTS column: title above lead above body; the folded copy does not rank."""
RANK_FUNCTION = "bm25({})".format(", ".join(f"{w:.1f}" for w in BM25_WEIGHTS))

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_PHRASE_VARIANTS = 32
MAX_BIGRAMS = 8
MAX_PHRASE_TOKENS = 8
SNIPPET_CHARS = 160
DEFAULT_MARKS: tuple[str, str] = ("[", "]")


class QueryError(ValueError):
    """The user's query holds nothing to search for (or is too long)."""


@dataclass
class Term:
    """One search term: a word or a phrase (folded tokens), maybe a prefix, maybe negated."""

    tokens: list[str]
    prefix: bool = False
    negated: bool = False
    exact: list[str] = field(default_factory=list)
    """The tokens as typed (NFC, lower case, marks kept), for a search that honours marks."""


@dataclass
class ParsedQuery:
    """A user query: alternatives (``OR``) of clauses whose terms are all required, plus the
    terms to exclude from every result."""

    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def tokens(self) -> list[str]:
        """Every folded token of the positive terms, in order."""
        return [tok for clause in self.clauses for term in clause for tok in term.tokens]


def folded_terms(*texts: str | None) -> str:
    """The folded copy indexed beside the original: distinct words containing ``đ``/``Đ``, folded.

    ``folded_terms("Đảng bộ huyện", "Đại hội Đảng")`` → ``"dang dai"``. Words without ``đ`` are
    left out: the tokenizer already folds their marks, so the original columns match them.
    """
    return folded_terms_of_words(
        chunk for text in texts if text and ("đ" in text or "Đ" in text) for chunk in text.split()
    )


def folded_terms_of_words(chunks: Iterable[str]) -> str:
    """:func:`folded_terms` of text already split on whitespace."""
    # split() and strip(): much faster than a regex over long non-ASCII text; punctuation left
    # inside a chunk ("d/c") is split off by the tokenizer anyway
    with_d = dict.fromkeys(c for c in chunks if "đ" in c or "Đ" in c)
    folded = dict.fromkeys(fold(c).strip(_EDGE_PUNCT) for c in with_d)
    folded.pop("", None)
    return " ".join(folded)


def fold_keep_d(text: str) -> str:
    """Lower-case and strip marks like the index does, but keep ``đ``: ``"ĐẢNG Bộ"`` → ``"đang bo"``.

    A query word typed with ``đ`` then matches only ``đ`` words; one typed with ``d`` matches both.
    """
    decomposed = unicodedata.normalize("NFD", clean(text).lower())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _term_from_chunk(text: str, *, prefix: bool, negated: bool) -> Term | None:
    toks = TOKEN_RE.findall(fold_keep_d(text))
    if not toks:
        return None
    typed = TOKEN_RE.findall(unicodedata.normalize("NFC", clean(text).lower()))
    return Term(tokens=toks, prefix=prefix, negated=negated, exact=typed if len(typed) == len(toks) else [])


def parse_query(query: str | None) -> ParsedQuery:
    """Parse a user query into terms; raise :class:`QueryError` if it holds no word to search.

    Grammar (forgiving, never a syntax error), as in FTS5: words are all required; ``OR``
    separates alternatives (``mai chau OR van nghia`` is either pair); ``"a phrase"`` keeps word
    order (an unbalanced quote runs to the end); ``NOT word`` or ``-word`` excludes; ``word*``
    matches a prefix; ``AND`` is implied. Anything that is not a letter or digit only separates
    words (brackets separate chunks; letters joined by other punctuation, as in ``KT-XH``, stay a
    phrase, as the tokenizer indexes them).
    """
    if query is None or not query.strip():
        raise QueryError("empty query")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query longer than {MAX_QUERY_CHARS} characters")
    parsed = ParsedQuery()
    clause: list[Term] = []
    pending_not = False
    count = 0
    for m in _QUERY_PART_RE.finditer(_PARENS_RE.sub(" ", clean(query))):
        phrase, word = m.group("phrase"), m.group("word")
        term: Term | None
        if phrase is not None:
            term = _term_from_chunk(phrase, prefix=False, negated=pending_not)
        else:
            assert word is not None
            if word == "OR":
                if clause:
                    parsed.clauses.append(clause)
                clause = []
                pending_not = False
                continue
            if word == "AND":
                continue
            if word == "NOT":
                pending_not = True
                continue
            negated = pending_not
            if word.startswith("-") and len(word) > 1:
                negated, word = True, word.lstrip("-")
            term = _term_from_chunk(word, prefix=word.endswith("*"), negated=negated)
        pending_not = False
        if term is None:
            continue
        count += 1
        if count > MAX_TERMS:
            raise QueryError(f"query has more than {MAX_TERMS} terms")
        (parsed.excluded if term.negated else clause).append(term)
    if clause:
        parsed.clauses.append(clause)
    if not parsed.clauses:
        raise QueryError(
            "query only excludes words; add a word to search for"
            if parsed.excluded
            else "query has no word to search for"
        )
    return parsed


def d_variants(token: str) -> list[str]:
    """Spellings of a folded token in the index: each plain ``d`` may have been ``đ``.

    ``"dang"`` → ``["dang", "đang"]``; a token with many ``d`` is capped at ``MAX_PHRASE_VARIANTS``.
    """
    positions = [i for i, ch in enumerate(token) if ch == "d"]
    if not positions:
        return [token]
    out: list[str] = []
    for mask in range(min(2 ** len(positions), MAX_PHRASE_VARIANTS)):
        chars = list(token)
        for bit, pos in enumerate(positions):
            if mask >> bit & 1:
                chars[pos] = "đ"
        out.append("".join(chars))
    return out


def _quote(tokens_: list[str], prefix: bool) -> str:
    return '"' + " ".join(tokens_) + '"' + ("*" if prefix else "")


def _term_expr(term: Term) -> str:
    per_token = [d_variants(tok) for tok in term.tokens]
    total = 1
    for variants in per_token:
        total *= len(variants)
    if total <= MAX_PHRASE_VARIANTS:
        phrases = [
            _quote(list(combo), term.prefix) for combo in itertools.product(*per_token)
        ]
        return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"
    # Too many spellings to enumerate as phrases: keep every word, drop adjacency.
    parts = []
    for i, variants in enumerate(per_token):
        is_last = i == len(per_token) - 1
        alts = [_quote([v], term.prefix and is_last) for v in variants]
        parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    return "(" + " AND ".join(parts) + ")"


def _bigrams(clause: list[Term]) -> list[Term]:
    """Adjacent pairs of the clause's plain words, as phrases (``lac son`` → ``"lac son"``).

    Vietnamese words are written as space-separated syllables, so a pair of query syllables that
    also stands side by side in the text is most likely the same word: ``Lạc Sơn`` rather than
    ``Sơn La ... Lạc Thủy``.
    """
    pairs: list[Term] = []
    for a, b in itertools.pairwise(clause):
        if not (a.prefix or b.prefix):
            pairs.append(Term(tokens=[a.tokens[-1], b.tokens[0]]))
    return pairs[:MAX_BIGRAMS]


def _clause_expr(clause: list[Term]) -> str:
    exprs = [_term_expr(t) for t in clause]
    pairs = _bigrams(clause)
    if pairs:
        # Always true when the clause matches (its first term is required), so the results do
        # not change; bm25 counts the pairs found and ranks those articles higher.
        exprs.append("(" + " OR ".join([_term_expr(p) for p in pairs] + [exprs[0]]) + ")")
    return exprs[0] if len(exprs) == 1 else "(" + " AND ".join(exprs) + ")"


def _positive_expr(parsed: ParsedQuery) -> str:
    clauses = [_clause_expr(c) for c in parsed.clauses]
    return clauses[0] if len(clauses) == 1 else " OR ".join(clauses)


def _scoped(columns: str | None, expr: str, excluded: list[Term]) -> str:
    """``expr`` within ``columns``, minus the articles holding an excluded term anywhere."""
    out = f"{columns} : ({expr})" if columns else expr
    if excluded:
        minus = " OR ".join(_term_expr(t) for t in excluded)
        out = f"({out}) NOT ({SEARCH_COLUMNS} : ({minus}))"
    return out


def build_match(query: str | ParsedQuery, *, columns: str | None = SEARCH_COLUMNS) -> str:
    """The FTS5 MATCH expression for a user query (see :func:`parse_query`): every article
    matching it, in ``columns`` (an FTS5 column filter; default title, lead and body).

    Raises :class:`QueryError` for a query with nothing to search.
    """
    parsed = parse_query(query) if isinstance(query, str) else query
    return _scoped(columns, _positive_expr(parsed), parsed.excluded)


def _letter_classes() -> dict[str, str]:
    """For each base letter, a regex class of every Latin letter that folds to it (both cases);
    ``đ`` keeps its own class, and ``d`` also stands for ``đ``."""
    variants: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn").lower()
        if len(base) == 1 and base.isascii() and base.isalpha():
            variants.setdefault(base, set()).update({ch, ch.lower(), ch.upper()})
    variants["đ"] = {"đ", "Đ"}
    variants["d"] |= variants["đ"]
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in variants.items()}


_LETTER_CLASSES = _letter_classes()


def _token_re(token: str) -> str:
    return "".join(_LETTER_CLASSES.get(ch, re.escape(ch)) for ch in token)


def _highlight_re(parsed: ParsedQuery, *, exact: bool = False) -> re.Pattern[str] | None:
    """A regex over the original text matching the query's words whatever their marks and case
    (a typed ``đ`` only as ``đ``; a plain ``d`` also as ``đ``); with ``exact``, only with the
    marks typed (case still ignored)."""
    alternatives = set()
    for clause in parsed.clauses:
        for term in clause:
            typed = term.exact if exact and term.exact else None
            for i, tok in enumerate(term.tokens):
                open_end = term.prefix and i == len(term.tokens) - 1
                word = re.escape(typed[i]) if typed else _token_re(tok)
                alternatives.add(word + ("" if open_end else r"\b"))
    if not alternatives:
        return None
    # \b first: the alternatives are only tried where a word starts
    flags = re.IGNORECASE if exact else 0
    return re.compile(r"\b(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + ")", flags)


def has_marks(query: str) -> bool:
    """Whether ``query`` carries any Vietnamese tone or vowel mark (``Đảng`` yes; ``đang``,
    ``dang`` no): such a query is searched with the marks as typed (see :func:`run_search`)."""
    return any(unicodedata.category(ch) == "Mn" for ch in unicodedata.normalize("NFD", query))


def _exact_term_re(term: Term) -> re.Pattern[str] | None:
    if not term.exact:
        return None
    words = r"\W+".join(re.escape(tok) for tok in term.exact)
    return re.compile(r"(?<!\w)" + words + ("" if term.prefix else r"(?!\w)"), re.IGNORECASE)


def _exact_phrase_re(parsed: ParsedQuery) -> re.Pattern[str] | None:
    """The query's words side by side with their marks as typed (see :func:`whole_phrase`)."""
    phrase = whole_phrase(parsed)
    if phrase is None:
        return None
    terms = parsed.clauses[0]
    if not all(t.exact for t in terms):
        return None
    phrase.exact = [tok for t in terms for tok in t.exact]
    return _exact_term_re(phrase)


def exact_filter(parsed: ParsedQuery) -> Callable[[str], bool]:
    """A test of an article's text (title, lead and body joined): does some clause of the query
    occur in it with every word's marks as typed (case ignored)?"""
    clauses = [[_exact_term_re(t) for t in clause] for clause in parsed.clauses]

    def matches(text: str) -> bool:
        return any(all(p is None or p.search(text) for p in patterns) for patterns in clauses)

    return matches


def make_snippet(
    text: str | None, pattern: re.Pattern[str] | None, marks: tuple[str, str] = DEFAULT_MARKS
) -> tuple[str, int]:
    """The passage of ``text`` (about ``SNIPPET_CHARS``) holding the most distinct query words,
    with them between ``marks`` (neighbours merged: ``[Đảng bộ]``), and the number of words
    marked. Without a match: the start of the text and 0."""
    if not text:
        return "", 0
    spans = [m.span() for m in pattern.finditer(text)] if pattern else []
    if not spans:
        cut = _cut(text, 0, SNIPPET_CHARS)
        return cut[0] + (_ELLIPSIS if cut[1] < len(text) else ""), 0
    best, best_score = 0, -1
    for i, (start, _) in enumerate(spans):
        words = set()
        for a, b in itertools.islice(spans, i, None):  # spans are in order: stop past the window
            if a >= start + SNIPPET_CHARS:
                break
            words.add(text[a:b].lower())
        if len(words) > best_score:
            best, best_score = i, len(words)
    first = spans[best][0]
    begin = max(0, first - SNIPPET_CHARS // 5)
    if begin:  # start at a word
        space = text.find(" ", begin, first)
        begin = space + 1 if space >= 0 else first
    _, end = _cut(text, begin, SNIPPET_CHARS)
    inside = [(a, b) for a, b in spans if a >= begin and b <= end]
    merged: list[list[int]] = []
    for a, b in inside:
        if merged and not text[merged[-1][1] : a].strip():
            merged[-1][1] = b
        else:
            merged.append([a, b])
    out, pos = [], begin
    for a, b in merged:
        out += [text[pos:a], marks[0], text[a:b], marks[1]]
        pos = b
    out.append(text[pos:end])
    snippet = "".join(out).strip()
    return (_ELLIPSIS if begin > 0 else "") + snippet + (_ELLIPSIS if end < len(text) else ""), len(inside)


def _cut(text: str, begin: int, size: int) -> tuple[str, int]:
    """``text[begin:]`` cut after about ``size`` characters at a space; returns (piece, end)."""
    end = begin + size
    if end >= len(text):
        return text[begin:], len(text)
    space = text.rfind(" ", begin, end)
    end = space if space > begin else end
    return text[begin:end], end


def _pick_snippet(
    lead: str | None, body: str | None, pattern: re.Pattern[str] | None, marks: tuple[str, str]
) -> str:
    """The body's or the lead's passage, whichever marks more query words (the body on a tie);
    with no mark, the start of the lead (or body). A title-only match marks nothing here: the
    title is shown beside the snippet."""
    body_snip, body_hits = make_snippet(body, pattern, marks)
    lead_snip, lead_hits = make_snippet(lead, pattern, marks)
    if body_hits or lead_hits:
        return body_snip if body_hits >= lead_hits else lead_snip
    return lead_snip or body_snip


HEAD_TABLE = "articles_head_fts"
"""The small FTS5 index over title and lead only (contentless, kept by triggers; see
:mod:`crawler.archive`): its doclists are about an eighth of the full index's, so ranking there is
cheap even for the most common syllables."""
HEAD_RANK_FUNCTION = "bm25({:.1f}, {:.1f})".format(*BM25_WEIGHTS[:2])
HEAD_CANDIDATES = 1000
"""When more title/lead matches exist, bm25 ranks only the last archived this many of them (bm25 costs a
pass over every match, which for a syllable found in most articles is most of a search's time)."""

HEAD_PROBE_SQL = f"""
select rowid from {HEAD_TABLE} where {HEAD_TABLE} match :match order by rowid desc limit 1 offset :skip
"""
HEAD_SQL = f"""
select rowid, rank from {HEAD_TABLE}
where {HEAD_TABLE} match :match and rowid > :lowest and rank match :rank{{excluded}}
order by rank
limit :limit
"""
EXCLUDED_SQL = f" and rowid not in (select rowid from {FTS_TABLE} where {FTS_TABLE} match :minus)"
BODY_SQL = f"""
select rowid from {FTS_TABLE} where {FTS_TABLE} match :match order by rowid desc limit :limit
"""


@dataclass
class Tier:
    """One level of precision of a search: its MATCH expression for the title/lead index (ranked
    by bm25) and for the full index (the articles matching only in the body, last archived first)."""

    head: str
    body: str


def whole_phrase(parsed: ParsedQuery) -> Term | None:
    """The query's words as one phrase, when it is a plain run of words (one clause, two or
    more terms, no prefix, at most ``MAX_PHRASE_TOKENS`` tokens); else ``None``."""
    if len(parsed.clauses) != 1:
        return None
    clause = parsed.clauses[0]
    tokens_ = [tok for term in clause for tok in term.tokens]
    if len(clause) < 2 or len(tokens_) > MAX_PHRASE_TOKENS or any(t.prefix for t in clause):
        return None
    return Term(tokens=tokens_)


def _plain_expr(parsed: ParsedQuery) -> str:
    """Every match of the positive terms, without the bigram group (which only serves bm25)."""
    clauses = [" AND ".join(_term_expr(t) for t in clause) for clause in parsed.clauses]
    return clauses[0] if len(clauses) == 1 else " OR ".join(f"({c})" for c in clauses)


def search_tiers(parsed: ParsedQuery) -> list[Tier]:
    """The tiers of a search, from the most to the least precise; the last one is every match.

    For a run of words: the words side by side, then all the words anywhere; otherwise one tier.
    The head expressions carry no column filter and no exclusion (the excluded words are
    checked against the full index, see :func:`run_search`).
    """
    tiers = []
    phrase = whole_phrase(parsed)
    if phrase is not None:
        quoted = _term_expr(phrase)
        tiers.append(Tier(head=quoted, body=_scoped(SEARCH_COLUMNS, quoted, parsed.excluded)))
    tiers.append(
        Tier(head=_positive_expr(parsed), body=_scoped(SEARCH_COLUMNS, _plain_expr(parsed), parsed.excluded))
    )
    return tiers


def _head_hits(conn: sqlite3.Connection, match: str, minus: str, limit: int) -> list[tuple[int, float]]:
    """Title/lead matches ranked by bm25 (title above lead), among the last archived
    ``HEAD_CANDIDATES`` when there are more; ``minus`` (a MATCH expression, or ``""``) excludes."""
    row = conn.execute(HEAD_PROBE_SQL, {"match": match, "skip": HEAD_CANDIDATES}).fetchone()
    sql = HEAD_SQL.format(excluded=EXCLUDED_SQL if minus else "")
    params = {"match": match, "lowest": row[0] if row else 0, "rank": HEAD_RANK_FUNCTION, "limit": limit}
    if minus:
        params["minus"] = minus
    return [(rowid, rank) for rowid, rank in conn.execute(sql, params)]


EXACT_CANDIDATES = 4000
"""Most matches (ignoring marks) a search with marks looks through for those with the marks typed."""


def run_search(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 20,
    marks: tuple[str, str] = DEFAULT_MARKS,
    exact_marks: bool = False,
) -> list[dict[str, Any]]:
    """Search the archive; best first. Each hit: url, title, published_at, snippet, rank.

    Raises :class:`QueryError` for a query with nothing to search. The snippet comes from the
    body, else the lead, with the matched words between ``marks``.

    Order: for each tier (see :func:`search_tiers`: for a run of words, the words side by side,
    then all of them anywhere), first the articles matching in their title or lead, ranked by
    bm25 with the title weighted above the lead (``rank``, lower is better), then those matching
    only in the body, last archived first (``rank`` is ``None``). Vietnamese words are runs of
    syllables, so an article holding ``Lạc Sơn`` side by side comes before one holding ``Sơn La
    ... Lạc Thủy``. Speed: bm25 runs on the small title/lead index only, and over at most
    ``HEAD_CANDIDATES`` (the last archived) matches; the full index is only walked from the last archived article until
    the page is full, so a search costs about the same whatever share of the archive matches.

    With ``exact_marks`` and a query that carries marks (:func:`has_marks`), only articles holding
    the words with the marks as typed are kept (``Đảng bộ`` finds no ``đang ... bộ``); a query
    typed without marks still matches every spelling. The index ignores marks, so up to
    ``EXACT_CANDIDATES`` matches are looked through, in the same order.
    """
    parsed = parse_query(query)
    limit = max(0, int(limit))
    exact = exact_marks and has_marks(query)
    if not exact:
        found = _ranked(conn, parsed, limit)
        rows = _article_rows(conn, found)
    else:
        keep = exact_filter(parsed)
        side_by_side = _exact_phrase_re(parsed)
        ask = max(limit * 4, 50)
        while True:
            candidates = _ranked(conn, parsed, ask)
            rows = _article_rows(conn, candidates)
            texts = {a: " \n".join(part or "" for part in rows[a][1:2] + rows[a][3:]) for a, _ in candidates}
            found = [(article, rank) for article, rank in candidates if keep(texts[article])]
            if len(found) >= limit or len(candidates) < ask or ask >= EXACT_CANDIDATES:
                break
            ask = min(ask * 4, EXACT_CANDIDATES)
        if side_by_side is not None:  # the index's phrase tier ignores marks: "Đảng bờ" is no "Đảng bộ"
            found.sort(key=lambda item: side_by_side.search(texts[item[0]]) is None)  # stable
        found = found[:limit]
    pattern = _highlight_re(parsed, exact=exact)
    hits = []
    for article, rank in found:
        url, title, published_at, lead, body = rows[article]
        snippet = _pick_snippet(lead, body, pattern, marks)
        hits.append({"url": url, "title": title, "published_at": published_at, "snippet": snippet, "rank": rank})
    return hits


def _ranked(conn: sqlite3.Connection, parsed: ParsedQuery, limit: int) -> list[tuple[int, float | None]]:
    """Up to ``limit`` matching article ids with their bm25 rank (``None`` for body-only
    matches), best first; see :func:`run_search`."""
    minus = " OR ".join(_term_expr(t) for t in parsed.excluded)
    found: list[tuple[int, float | None]] = []
    seen: set[int] = set()

    def take(rows: Iterable[tuple[int, float | None]]) -> None:
        for article, rank in rows:
            if article not in seen and len(found) < limit:
                seen.add(article)
                found.append((article, rank))

    for tier in search_tiers(parsed):
        if len(found) >= limit:
            break
        # ask for enough rows to skip those an earlier tier found
        take(_head_hits(conn, tier.head, minus, limit - len(found) + len(seen)))
        if len(found) >= limit:
            break
        params = {"match": tier.body, "limit": limit - len(found) + len(seen)}
        take((article, None) for (article,) in conn.execute(BODY_SQL, params))
    return found


def _article_rows(conn: sqlite3.Connection, found: list[tuple[int, float | None]]) -> dict[int, tuple[Any, ...]]:
    """``id`` → (url, title, published_at, lead, body) of the articles found."""
    rows: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(found), 500):
        chunk = [article for article, _ in found[i : i + 500]]
        sql = f"select id, url, title, published_at, lead, body from articles where id in ({', '.join('?' for _ in chunk)})"
        rows.update((row[0], tuple(row[1:])) for row in conn.execute(sql, chunk))
    return rows


def matching_ids_sql(param: str = "match") -> str:
    """SQL fragment selecting the ids of articles matching ``:param`` (a :func:`build_match`)."""
    return f"select rowid from {FTS_TABLE} where {FTS_TABLE} match :{param}"
