"""Term vectors for alignment: character bigrams and subjects, weighted by TF-IDF.

Chinese policy text has no spaces, and the same subject is written with words of
different length (会展经济, 展会, 会展之都), so the terms are character bigrams
within runs of Chinese or Latin letters, plus one term per synonym group a
text mentions (``#会展``). Generic policy verbs (推进, 加快, 提升) are removed
first: they join every task to every other.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from luoshi.extract.align_lexicon import AlignLexicon
from luoshi.text.lazy import lazy

Vector = dict[str, float]

_RUN = lazy(r"[\u3400-\u9fffA-Za-z]+")
# A heading's marker (一、, (三), 第五章, 1.) says where it is, not what it is about.
_MARKER = lazy(
    r"^\s*(?:第[一二三四五六七八九十百零〇两\d]+[篇章节编]|[(（]?[一二三四五六七八九十]+[)）、]"
    r"|\d{1,2}[.、]|[一二三四五六七八九十]是)\s*"
)
CONCEPT = "#"


def terms(text: str, lexicon: AlignLexicon) -> Counter[str]:
    """Bigram and subject counts of ``text``."""
    text = _MARKER.sub("", text)
    out: Counter[str] = Counter(CONCEPT + c for c in lexicon.concepts(text))
    text = lexicon.generic.sub(" ", text)
    for m in _RUN.finditer(text):
        run = m.group()
        if len(run) == 1:
            continue
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


class Weights:
    """Inverse document frequencies over a collection of texts (the parent's parts)."""

    def __init__(self, collection: Iterable[Counter[str]], concept: float = 1.0) -> None:
        df: Counter[str] = Counter()
        n = 0
        for counts in collection:
            n += 1
            df.update(counts.keys())
        self.n = n
        self.idf = {t: math.log((n + 1) / (d + 1)) + 1.0 for t, d in df.items()}
        self.unseen = math.log(n + 1) + 1.0
        # A shared subject says more than a shared pair of characters.
        for t in self.idf:
            if t.startswith(CONCEPT):
                self.idf[t] *= concept

    def vector(self, counts: Counter[str]) -> Vector:
        """Unit-length TF-IDF vector, with sublinear term frequency."""
        v = {t: (1.0 + math.log(c)) * self.idf.get(t, self.unseen) for t, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in v.values()))
        return {t: x / norm for t, x in v.items()} if norm else {}


def blend(parts: Iterable[tuple[Vector, float]]) -> Vector:
    """Weighted sum of unit vectors, normalised again."""
    out: dict[str, float] = {}
    for v, w in parts:
        for t, x in v.items():
            out[t] = out.get(t, 0.0) + w * x
    norm = math.sqrt(sum(x * x for x in out.values()))
    return {t: x / norm for t, x in out.items()} if norm else {}


def shared_words(text: str, a: Vector, b: Vector, n: int = 5) -> list[str]:
    """The stretches of ``text`` whose bigrams ``a`` and ``b`` share, weightiest first
    (城市运行 rather than 城市, 市运, 运行), and the subjects (synonym groups) they share."""
    spans: dict[str, float] = {}
    run: list[str] = []
    gain = 0.0
    for m in _RUN.finditer(text):
        word = m.group()
        for i in range(len(word)):
            t = word[i : i + 2]
            w = a.get(t, 0.0) * b.get(t, 0.0) if len(t) == 2 else 0.0
            if w > 0:
                run.append(t)
                gain += w
                continue
            if run:
                key = run[0] + "".join(x[1] for x in run[1:])
                spans[key] = max(spans.get(key, 0.0), gain)
            run, gain = [], 0.0
    subjects = {
        t.removeprefix(CONCEPT): a[t] * b[t] for t in a.keys() & b.keys() if t.startswith(CONCEPT)
    }
    out: list[str] = []
    for word, _ in sorted({**spans, **subjects}.items(), key=lambda kv: -kv[1]):
        if not any(word in x or x in word for x in out):
            out.append(word)
    return out[:n]


class Index:
    """An inverted index of vectors: the dot products of one query with all of them at once."""

    def __init__(self, vectors: list[Vector]) -> None:
        self.size = len(vectors)
        postings: dict[str, list[tuple[int, float]]] = {}
        for j, v in enumerate(vectors):
            for t, x in v.items():
                postings.setdefault(t, []).append((j, x))
        self.postings = postings

    def dots(self, v: Vector) -> list[float]:
        acc = [0.0] * self.size
        postings = self.postings
        for t, x in v.items():
            found = postings.get(t)
            if found is None:
                continue
            for j, w in found:
                acc[j] += x * w
        return acc
