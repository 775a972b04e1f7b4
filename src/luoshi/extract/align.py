"""Alignment (对接): which task of the upper-level document does each lower-level task answer?

A district's plan answers its city's work report; a city's annual report answers
the national five-year plan. For each task of the child, the aligner ranks the
parent's candidate headings by the wording and subjects they share (TF-IDF
over character bigrams and synonym groups, see ``align_vectors``):

- a candidate is its heading and the part it covers, and also its best passage
  (a sub-heading's part or a paragraph), since a task often answers one of them;
- section first: a run-in heading's score is taken with its section's;
- a measure sentence is read with its paragraph and headings around it;
- the most specific heading answers a task; a child section is matched with
  parent sections, helped by the votes of the tasks inside it;
- shared indicators (城镇新增就业 on both sides) add to the score.

It proposes at most three, and none when even the best shares too little.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from luoshi.extract.align_lexicon import AlignLexicon, default_lexicon
from luoshi.extract.align_units import AlignUnit, child_units, parent_units
from luoshi.extract.align_vectors import Index, Vector, Weights, blend, shared_words, terms
from luoshi.extract.similarity import indicator_similarity

if TYPE_CHECKING:
    from luoshi.extract.pipeline import Extraction  # a type only: the rules load with it

MAX_PARENTS = 3


@dataclass(frozen=True)
class AlignParams:
    """The weights of the score; one set serves every pair of documents."""

    heading: float = 0.35  # a candidate's heading, beside the whole part it covers
    passage: float = 0.3  # a candidate's best passage, beside its whole text
    group: float = 0.3  # the enclosing section's score, beside a heading's own
    child_heading: float = 0.5  # a child's heading, beside the part it covers
    context: float = 0.15  # the child's enclosing headings
    scope: float = 0.5  # a measure sentence's paragraph
    kids: float = 1.0  # a child section's tasks' votes, beside the section's own text
    concept: float = 1.0  # a synonym group's weight against a character pair's
    indicator: float = 0.05  # each indicator the two share
    evidence: float = 0.02  # the least a parent must share with the task's own words
    abstain: float = 0.045  # below this best score nothing is proposed
    relative: float = 0.5  # a runner-up is proposed only above this share of the best
    baseline: bool = False  # plain bigram TF-IDF of the two texts, for comparison


@dataclass(frozen=True, slots=True)
class ParentMatch:
    """A proposed parent: the candidate heading, its score and why (shared indicators, words)."""

    unit: AlignUnit
    score: float
    indicators: tuple[str, ...]
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Alignment:
    """对接建议: a child task and the parents proposed for it, best first."""

    child: AlignUnit
    parents: tuple[ParentMatch, ...]


class Aligner:
    """Scores child tasks against one parent document's candidate headings."""

    def __init__(
        self,
        raw: str,
        candidates: list[AlignUnit],
        indicators: list[tuple[int, str]],
        lexicon: AlignLexicon | None = None,
        params: AlignParams | None = None,
    ) -> None:
        self.lexicon = lexicon or default_lexicon()
        self.params = params or AlignParams()
        self.candidates = candidates
        bodies = [self._terms(raw[c.body.start : c.body.end]) for c in candidates]
        self.weights = Weights(bodies, self.params.concept)
        self.own = [self._own(c, b) for c, b in zip(candidates, bodies, strict=True)]
        self.own_index = Index(self.own)
        owners = [i for i, c in enumerate(candidates) for _ in c.passages]
        self.passage_owner = owners
        self.passage_index = Index(
            [self._vector(raw[s.start : s.end]) for c in candidates for s in c.passages]
        )
        self._structure(candidates)
        self.indicators = [
            {ind for pos, ind in indicators if c.body.start <= pos < c.body.end} for c in candidates
        ]

    def _structure(self, candidates: list[AlignUnit]) -> None:
        """Sections (candidates with run-in headings under them) and leaves."""
        grouping = {c.group for c in candidates if c.group is not None}
        self.groups = [i for i, c in enumerate(candidates) if i in grouping or c.group is None]
        self.leaves = [i for i in range(len(candidates)) if i not in grouping]
        self.members = {g: [g] for g in self.groups}
        for i, c in enumerate(candidates):
            if c.group in self.members:
                self.members[c.group].append(i)

    def _terms(self, text: str) -> Counter[str]:
        if self.params.baseline:
            return Counter(text[i : i + 2] for i in range(len(text) - 1))
        return terms(text, self.lexicon)

    def _vector(self, text: str) -> Vector:
        return self.weights.vector(self._terms(text))

    def _own(self, c: AlignUnit, body: Counter[str]) -> Vector:
        v = self.weights.vector(body)
        if self.params.baseline:
            return v
        return blend([(v, 1.0), (self._vector(c.text), self.params.heading)])

    def own_vector(self, raw: str, unit: AlignUnit) -> Vector:
        """A child task's own words: its heading and the text it covers."""
        body = self._vector(raw[unit.body.start : unit.body.end])
        if self.params.baseline:
            return body
        return blend([(body, 1.0), (self._vector(unit.text), self.params.child_heading)])

    def child_vector(self, raw: str, unit: AlignUnit, own: Vector) -> Vector:
        """A child task's own words (``own``), with its surroundings and paragraph."""
        p = self.params
        if p.baseline:
            return own
        parts = [(own, 1.0)]
        if unit.context:
            context = " ".join(raw[s.start : s.end] for s in unit.context)
            parts.append((self._vector(context), p.context))
        if unit.scope is not None:
            parts.append((self._vector(raw[unit.scope.start : unit.scope.end]), p.scope))
        return blend(parts)

    def similarities(self, v: Vector) -> list[float]:
        """Cosine of ``v`` with each candidate: its whole text and its best passage."""
        whole = self.own_index.dots(v)
        if self.params.baseline or not self.passage_owner:
            return whole
        best: dict[int, float] = {}
        for owner, d in zip(self.passage_owner, self.passage_index.dots(v), strict=True):
            best[owner] = max(best.get(owner, 0.0), d)
        w = self.params.passage
        return [(x + w * best[i]) / (1 + w) if i in best else x for i, x in enumerate(whole)]

    def align(
        self, raw: str, units: list[AlignUnit], indicators: list[set[str]]
    ) -> list[Alignment]:
        """The parents proposed for each child task of ``raw``."""
        owns = [self.own_vector(raw, u) for u in units]
        vectors = [self.child_vector(raw, u, own) for u, own in zip(units, owns, strict=True)]
        scores = [
            self._scores(self.similarities(v), inds)
            for v, inds in zip(vectors, indicators, strict=True)
        ]
        out = []
        for n, unit in enumerate(units):
            section = unit.level <= 2
            row = self._with_votes(units, n, scores) if section else scores[n]
            # The most specific heading answers a task; a whole section answers a section.
            pool = self.groups if section else self.leaves
            ranked = self._evident(owns[n], sorted(pool, key=lambda i: -row[i]))
            text = raw[unit.body.start : unit.body.end]
            found = self._matches(text, vectors[n], ranked, row, indicators[n])
            out.append(Alignment(unit, found))
        return out

    def _evident(self, own: Vector, ranked: list[int]) -> list[int]:
        """The best candidates that share something with the task's own words.

        A measure sentence is read with its paragraph, but a parent that only
        its neighbours mention is not its parent (a local matter among others).
        """
        floor = self.params.evidence
        head = ranked[: 4 * MAX_PARENTS]
        return [
            i for i in head if sum(x * self.own[i].get(t, 0.0) for t, x in own.items()) >= floor
        ]

    def _scores(self, own: list[float], indicators: set[str]) -> list[float]:
        p = self.params
        if p.baseline:
            return own
        out = []
        for i, c in enumerate(self.candidates):
            s = own[i]
            if c.group is not None:
                s = (s + p.group * own[c.group]) / (1 + p.group)
            if indicators and self.indicators[i]:
                s += p.indicator * len(_shared(indicators, self.indicators[i]))
            out.append(s)
        return out

    def _with_votes(self, units: list[AlignUnit], n: int, scores: list[list[float]]) -> list[float]:
        """A child section's scores, with the votes of the tasks inside it: each
        gives a parent section the score of its best heading there."""
        unit = units[n]
        kids = [
            j
            for j, k in enumerate(units)
            if k.level == 3 and unit.body.start < k.start < unit.body.end
        ]
        w = self.params.kids
        if not kids or not w or self.params.baseline:
            return scores[n]
        row = list(scores[n])
        for g in self.groups:
            members = self.members[g]
            vote = sum(max(scores[j][i] for i in members) for j in kids) / len(kids)
            row[g] = (row[g] + w * vote) / (1 + w)
        return row

    def _matches(
        self, text: str, v: Vector, ranked: list[int], scores: list[float], indicators: set[str]
    ) -> tuple[ParentMatch, ...]:
        p = self.params
        if not ranked or scores[ranked[0]] < p.abstain:
            return ()
        best = scores[ranked[0]]
        out: list[ParentMatch] = []
        for i in ranked[:MAX_PARENTS]:
            if scores[i] < best * p.relative:
                break
            words = tuple(shared_words(text, v, self.own[i]))
            shared = tuple(_shared(indicators, self.indicators[i]))
            out.append(ParentMatch(self.candidates[i], round(scores[i], 4), shared, words))
        return tuple(out)


def _shared(a: set[str], b: set[str]) -> list[str]:
    """Indicators of ``a`` that one of ``b`` names too (one contains the other)."""
    return sorted(x for x in a if any(indicator_similarity(x, y, 4) >= 1.0 for y in b))


def unit_indicators(x: Extraction, units: list[AlignUnit]) -> list[set[str]]:
    """The indicators of the quantities stated in each unit's text."""
    found = [(q.start, q.indicator) for q in x.quantities if q.indicator]
    return [{ind for pos, ind in found if u.body.start <= pos < u.body.end} for u in units]


def aligner_for(
    parent: Extraction, lexicon: AlignLexicon | None = None, params: AlignParams | None = None
) -> Aligner:
    """An aligner over the candidate headings of the ``parent`` document."""
    assert parent.outline is not None
    lexicon = lexicon or default_lexicon()
    candidates = parent_units(parent.outline, lexicon)
    found = [(q.start, q.indicator) for q in parent.quantities if q.indicator]
    return Aligner(parent.doc.raw, candidates, found, lexicon, params)


def align_documents(
    child: Extraction,
    parent: Extraction,
    lexicon: AlignLexicon | None = None,
    params: AlignParams | None = None,
) -> list[Alignment]:
    """Align every task of ``child`` with the candidate headings of ``parent``."""
    assert child.outline is not None
    units = child_units(child.outline)
    aligner = aligner_for(parent, lexicon, params)
    return aligner.align(child.doc.raw, units, unit_indicators(child, units))


def _heading_record(u: AlignUnit) -> dict[str, Any]:
    return {"start": u.start, "end": u.end, "level": u.level, "text": u.text}


def alignment_record(child_doc: str, parent_doc: str, a: Alignment) -> dict[str, Any]:
    """One JSON record per child task, as eval/SPEC.md "Alignment" describes."""
    return {
        "child": {"doc": child_doc, **_heading_record(a.child)},
        "parent_doc": parent_doc,
        "parents": [
            {
                **_heading_record(m.unit),
                "score": m.score,
                "reason": {"indicators": list(m.indicators), "words": list(m.words)},
            }
            for m in a.parents
        ],
    }
