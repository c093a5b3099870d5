"""Hybrid ranking: lexical BM25 from the index, re-ranked by how many of the query's concepts a record
covers (in any language, through the glossary), and a plain account of why each record matched."""

from __future__ import annotations

from dataclasses import dataclass

from .glossary import TermGroup
from .record import Record
from .tokens import phrase

# A record that answers two of the user's concepts beats one that answers one concept very often:
# coverage first, then where it matched (title over text), then BM25 to break ties.
_TITLE_HIT, _BODY_HIT, _BM25_SHARE = 2.0, 1.0, 1.0


@dataclass(frozen=True)
class Hit:
    record: Record
    score: float
    why: str


def match_expression(groups: list[TermGroup]) -> str | None:
    """An FTS5 expression: any word of any group (ranking, not the index, rewards covering them all)."""
    phrases = [p for g in groups for p in (phrase(w) for w in g.words) if p]
    return " OR ".join(dict.fromkeys(phrases)) or None


def rank(candidates: list[tuple[Record, float]], groups: list[TermGroup]) -> list[Hit]:
    """Re-rank the index's candidates by concept coverage; each hit says which words matched where."""
    if not groups:
        return [Hit(record, 0.0, "filters only") for record, _ in candidates]
    best_lexical = max((s for _, s in candidates), default=0.0) or 1.0
    hits = []
    for record, lexical in candidates:
        title = " ".join(filter(None, (record.title, record.title_zh))).lower()
        body = " ".join(filter(None, (record.summary, record.key_points, record.issuer, record.doc_number,
                                      record.text))).lower()
        score, reasons = lexical / best_lexical * _BM25_SHARE, []
        for group in groups:
            word, where = _first_found(group, title, body)
            if word is None:
                continue
            score += _TITLE_HIT if where == "title" else _BODY_HIT
            shown = word if word == group.typed else f"{group.typed}≈{word}"
            reasons.append(f"{shown} ({where})")
        why = "matched: " + ", ".join(reasons) if reasons else "matched a word form of the query"
        hits.append(Hit(record, round(score, 4), why))
    hits.sort(key=lambda h: (-h.score, h.record.start, h.record.id))
    return hits


def _first_found(group: TermGroup, title: str, body: str) -> tuple[str | None, str | None]:
    for where, text in (("title", title), ("text", body)):
        for word in group.words:  # the typed word first, then its synonyms
            if word in text:
                return word, where
    return None, None
