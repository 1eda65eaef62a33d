"""Units, people, documents, counts and date mentions in an article's own text (issue 4).

:func:`extract_entities` is the entry point; the rules of each kind are in its module
(:mod:`.units`, :mod:`.people`, :mod:`.documents`, :mod:`.counts`, :mod:`.date_mentions`) and the
annotation guide the gold set follows is ``tests/gold/entities/ANNOTATION.md``. Place linking
(:mod:`.gazetteer`) imports ``vietnamadminunits`` lazily on the first call that needs it and never
reaches the network.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from crawler.entities.counts import extract_counts
from crawler.entities.date_mentions import extract_dates
from crawler.entities.documents import extract_documents
from crawler.entities.gazetteer import link
from crawler.entities.people import extract_people
from crawler.entities.textutil import prepare
from crawler.entities.units import UnitIndex, extract_units, place_parts, representative
from crawler.items import Count, DateMention, Document, Person, Unit

__all__ = ["Entities", "extract_entities"]

log = logging.getLogger(__name__)


@dataclass
class Entities:
    """Everything found in one article."""

    units: list[Unit] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    date_mentions: list[DateMention] = field(default_factory=list)


def extract_entities(title: str | None, lead: str | None, body: str | None,
                     published_at: str | None = None, *, link_places: bool = True) -> Entities:
    """Everything issue 4 asks for, from the article's own title, lead and body only (the caller
    never passes related items, sidebars or captions). published_at is ISO 8601 (+07:00) or None;
    it supplies the year for "Sáng 26/4".

    Input may be NFC or NFD; results are the same. ``link_places=False`` skips the gazetteer (and
    its import). Never raises on odd input: a failure is logged and gives empty results.
    """
    try:
        doc = prepare(title, lead, body, published_at)
        idx = extract_units(doc)
        people, employer_spans = extract_people(doc, idx)
        documents, issuer_spans = extract_documents(doc, idx)
        counts = extract_counts(doc, idx, employer_spans | issuer_spans)
        dates = extract_dates(doc)
        if link_places:
            _link(idx)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        log.exception("entity extraction failed")
        return Entities()
    return Entities(units=idx.units, people=people, documents=documents, counts=counts, date_mentions=dates)


def _link(idx: UnitIndex) -> None:
    reps = representative(idx)
    for unit in idx.units:
        m = reps.get(unit.name)
        if m is None:
            continue
        parts = place_parts(idx, m)
        if parts is None:
            continue
        unit.place = link(*parts)
