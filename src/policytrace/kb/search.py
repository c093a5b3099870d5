"""Ranking: the index (FTS5) or a region and date filter finds the candidates; they are ranked by how many
of the query's concepts they cover (in any language, through the glossary), with a plain account of why
each matched."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .glossary import TermGroup, word_regex
from .record import Record
from .store import search_texts
from .tokens import phrase

# A record that answers two of the user's concepts beats one that answers one concept very often:
# coverage first, then where it matched (title over text), then how often to break ties.
_TITLE_HIT, _BODY_HIT, _OCCURRENCE_SHARE = 2.0, 1.0, 1.0
# The word as typed before a related one the glossary adds (光伏 over 风电, its neighbour in "renewables"), and
# with a region asked, that region's own records (and those below it) before the ones above it.
_RELATED, REGION_SHARE = 0.6, 0.5
_RANKED_TEXT = 1000  # characters of a record's text that ranking reads; the opening says what it is about


@dataclass(frozen=True)
class Hit:
    record: Record
    score: float
    why: str


def match_expression(groups: list[TermGroup]) -> str | None:
    """An FTS5 expression: any word of any group (ranking, not the index, rewards covering them all)."""
    phrases = [p for g in groups for p in (phrase(w) for w in g.words) if p]
    return " OR ".join(dict.fromkeys(phrases)) or None


def matching_words(groups: list[TermGroup]) -> list[str]:
    """The fewest words that find the same records: a word containing another of the list adds nothing."""
    words = sorted({w for g in groups for w in g.words}, key=len)
    kept: list[str] = []
    for word in words:
        if not any(k in word for k in kept):
            kept.append(word)
    return kept


def nearer_first(hits: list[Hit], own: Callable[[Record], bool], limit: int | None) -> list[Hit]:
    """`hits` (best first) with `REGION_SHARE` added to those `own` says are of the region asked, best first,
    cut to `limit`."""
    hits = [Hit(h.record, round(h.score + REGION_SHARE, 4), h.why) if own(h.record) else h for h in hits]
    hits.sort(key=lambda h: -h.score)   # stable: ties keep their order
    return hits[:limit] if limit else hits


def rank(candidates: list[tuple[Record, float]], groups: list[TermGroup]) -> list[Hit]:
    """Re-rank the index's candidates as `rank_texts` ranks texts; each hit says which words matched where."""
    if not groups:
        return [Hit(record, 0.0, "filters only") for record, _ in candidates]
    by_row = {row: record for row, (record, _) in enumerate(candidates)}
    texts = [(row, *(t.lower() for t in search_texts(record))) for row, record in by_row.items()]
    ranked = rank_texts(texts, groups)
    hits = [Hit(by_row[row], score, why) for row, score, why in ranked]
    # the index also finds word forms that no substring shows (it reads words, not characters)
    found = {row for row, _, _ in ranked}
    hits += [Hit(record, 0.0, _why([])) for row, record in by_row.items() if row not in found]
    hits.sort(key=lambda h: (-h.score, h.record.start, h.record.id))
    return hits


def rank_texts(rows: list[tuple[int, str, str]], groups: list[TermGroup]) -> list[tuple[int, float, str]]:
    """Rank records from their text: (row, score, why), best first. The score is the groups covered (see
    `score_text`) plus a share for how often their words occur (a related word's at its lower weight).

    Substring tests (`in`, C speed) on the title and the first part of the text, with each group's
    redundant words dropped (新冠 covers 新冠肺炎). One regex of all words over whole texts backtracked
    at every position and took 300 ms on 350 long documents. The index's BM25 had been the share in
    `rank`: it prized a related word said thrice (风电 for 光伏) over the word asked said once.
    """
    lean = [TermGroup(g.typed, _lean(g.words), g.concept) for g in groups]
    scored = []
    for rowid, title, body in rows:
        body = body[:_RANKED_TEXT]
        coverage, reasons = score_text(lean, title, body)
        if reasons:
            occurrences = sum((2 * title.count(w) + body.count(w)) * (1.0 if w == g.typed else _RELATED)
                              for g in lean for w in g.words)
            scored.append((rowid, coverage, occurrences, reasons))
    most = max((o for _, _, o, _ in scored), default=0) or 1
    out = [(rowid, round(c + o / most * _OCCURRENCE_SHARE, 4), _why(r)) for rowid, c, o, r in scored]
    out.sort(key=lambda item: -item[1])
    return out


def _lean(words: tuple[str, ...]) -> tuple[str, ...]:
    """The typed word first, then the others shortest first, without any that contains a kept word."""
    kept: list[str] = []
    for word in (words[0], *sorted(words[1:], key=len)):
        if not any(k in word for k in kept):
            kept.append(word)
    return tuple(kept)


def score_text(groups: list[TermGroup], title: str, body: str) -> tuple[float, list[str]]:
    """Coverage score and reasons: for each group, its first word found, and where (title over text; the
    word as typed over a related one).

    `title` and `body` are lower-case texts.
    """
    score, reasons = 0.0, []
    for group in groups:
        word, where = _first_found(group, title, body)
        if word is None:
            continue
        score += (_TITLE_HIT if where == "title" else _BODY_HIT) * (1.0 if word == group.typed else _RELATED)
        shown = word if word == group.typed else f"{group.typed}≈{word}"
        reasons.append(f"{shown} ({where})")
    return score, reasons


def _why(reasons: list[str]) -> str:
    return "matched: " + ", ".join(reasons) if reasons else "matched a word form of the query"


def _first_found(group: TermGroup, title: str, body: str) -> tuple[str | None, str | None]:
    for where, text in (("title", title), ("text", body)):
        for word in group.words:  # the typed word first, then its synonyms
            if word in text and (not _ASCII_START.match(word) or word_regex(word).search(text)):
                return word, where
    return None, None


_ASCII_START = re.compile(r"[a-z0-9]")
