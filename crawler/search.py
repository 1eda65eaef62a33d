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
  into ``d``/``đ`` against the original columns only (``{title lead body}``), so phrases keep their adjacency, ranking weighs
  title above lead above body, and snippets highlight the original words.

Every user word is emitted as a double-quoted FTS5 string built from word characters only, so no
input (quotes, ``NEAR(``, ``*``, SQL fragments) can change the structure of the FTS query; the query
itself is always a bound parameter.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from crawler.text import clean, fold

TOKEN_RE = re.compile(r"[^\W_]+")
"""A word as FTS5's unicode61 tokenizer sees it: a run of letters and digits."""
_QUERY_PART_RE = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
_PARENS_RE = re.compile(r"[()\[\]{}]")
_ELLIPSIS = "…"
_MARK_START = "\x02"
_MARK_END = "\x03"
_HIGHLIGHT_RE = re.compile("\x02([^\x03]*)\x03")

FTS_TABLE = "articles_fts"
FTS_COLUMNS: tuple[str, ...] = ("title", "lead", "body", "folded_terms")
"""Columns of ``articles_fts`` in order (bm25 weights and snippet column numbers follow it)."""
SEARCH_COLUMNS = "{title lead body}"
"""Column filter used by ``hbdt search``: the original text only."""
BM25_WEIGHTS: tuple[float, ...] = (10.0, 4.0, 1.0, 0.0)
"""bm25 weights per FTS column: title above lead above body; the folded copy does not rank."""
RANK_FUNCTION = "bm25({})".format(", ".join(f"{w:.1f}" for w in BM25_WEIGHTS))

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_PHRASE_VARIANTS = 32
MAX_BIGRAMS = 8
SNIPPET_TOKENS = 24
DEFAULT_MARKS: tuple[str, str] = ("[", "]")


class QueryError(ValueError):
    """The user's query holds nothing to search for (or is too long)."""


@dataclass
class Term:
    """One search term: a word or a phrase (folded tokens), maybe a prefix, maybe negated."""

    tokens: list[str]
    prefix: bool = False
    negated: bool = False


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


def tokens(text: str | None) -> list[str]:
    """Words of ``text`` as the FTS tokenizer splits them (NFC, case and marks kept)."""
    return TOKEN_RE.findall(clean(text)) if text else []


def folded_terms(*texts: str | None) -> str:
    """The folded copy indexed beside the original: distinct words containing ``đ``/``Đ``, folded.

    ``folded_terms("Đảng bộ huyện", "Đại hội Đảng")`` → ``"dang dai"``. Words without ``đ`` are
    left out: the tokenizer already folds their marks, so the original columns match them.
    """
    seen: dict[str, None] = {}
    for text in texts:
        if not text or ("đ" not in text and "Đ" not in text):
            continue
        for word in TOKEN_RE.findall(text):
            if "đ" in word or "Đ" in word:
                seen.setdefault(fold(word), None)
    return " ".join(seen)


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
    return Term(tokens=toks, prefix=prefix, negated=negated)


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


def build_match(query: str | ParsedQuery, *, columns: str | None = SEARCH_COLUMNS) -> str:
    """The FTS5 MATCH expression for a user query (see :func:`parse_query`).

    Raises :class:`QueryError` for a query with nothing to search. ``columns`` is an FTS5 column
    filter (default: title, lead and body) or ``None`` for all columns.
    """
    parsed = parse_query(query) if isinstance(query, str) else query
    clauses = [_clause_expr(c) for c in parsed.clauses]
    expr = clauses[0] if len(clauses) == 1 else " OR ".join(clauses)
    if parsed.excluded:
        expr = "(" + expr + ") NOT (" + " OR ".join(_term_expr(t) for t in parsed.excluded) + ")"
    return f"{columns} : ({expr})" if columns else expr


def _highlighted_words(snippet: str | None) -> int:
    return sum(len(span.split()) for span in _HIGHLIGHT_RE.findall(snippet or ""))


def _pick_snippet(body_snippet: str | None, lead_snippet: str | None, marks: tuple[str, str]) -> str:
    """The body or lead snippet that highlights more words (the body on a tie); without a
    highlight, the start of the lead (or body).

    (A match in the title only highlights nothing here: the title is shown beside the snippet.)
    """
    body_hits = _highlighted_words(body_snippet)
    lead_hits = _highlighted_words(lead_snippet)
    if body_hits or lead_hits:
        chosen = body_snippet if body_hits >= lead_hits else lead_snippet
    else:
        chosen = lead_snippet or body_snippet
    chosen = chosen or ""
    return chosen.replace(_MARK_START, marks[0]).replace(_MARK_END, marks[1])


SEARCH_SQL = f"""
select a.id, a.url, a.title, a.published_at, {FTS_TABLE}.rank as rank,
       snippet({FTS_TABLE}, 2, :m1, :m2, :ell, :n) as s_body,
       snippet({FTS_TABLE}, 1, :m1, :m2, :ell, :n) as s_lead
from {FTS_TABLE} join articles a on a.id = {FTS_TABLE}.rowid
where {FTS_TABLE} match :match and {FTS_TABLE}.rank match :rank
order by {FTS_TABLE}.rank
limit :limit
"""


def run_search(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 20,
    marks: tuple[str, str] = DEFAULT_MARKS,
) -> list[dict[str, Any]]:
    """Search the archive; best first. Each hit: url, title, published_at, snippet, rank.

    Raises :class:`QueryError` for a query with nothing to search. ``rank`` is the bm25 score
    (lower is better); the snippet comes from the body, else the lead, with the matched words
    between ``marks``.
    """
    match = build_match(query)
    params = {
        "match": match,
        "rank": RANK_FUNCTION,
        "limit": max(0, int(limit)),
        "m1": _MARK_START,
        "m2": _MARK_END,
        "ell": _ELLIPSIS,
        "n": SNIPPET_TOKENS,
    }
    results = []
    for row in conn.execute(SEARCH_SQL, params):
        _id, url, title, published_at, rank, s_body, s_lead = row
        results.append(
            {
                "url": url,
                "title": title,
                "published_at": published_at,
                "snippet": _pick_snippet(s_body, s_lead, marks),
                "rank": rank,
            }
        )
    return results


def matching_ids_sql(param: str = "match") -> str:
    """SQL fragment selecting the ids of articles matching ``:param`` (a :func:`build_match`)."""
    return f"select rowid from {FTS_TABLE} where {FTS_TABLE} match :{param}"
