"""Forgiving matching: correct misspelt title words to table words (private).

A word is corrected only when it is not itself a table word, has five letters or more, starts
with the same letter as its correction, and is within a bounded edit distance (optimal string
alignment: insertions, deletions, substitutions and adjacent transpositions): 1 for words of
five to seven letters, 2 from eight letters on. Candidates come from a deletion index of the
table's vocabulary (every word with up to one or two letters deleted), so a lookup costs a few
dictionary probes instead of a scan of the vocabulary. Words listed in the table's
``fuzzy.exclude`` (names such as "Marshall") are never corrected.

The resolver (``_rank_resolve``) keeps a correction only when the title read exactly resolves
to nothing, or when the corrected word completes a longer phrase with words read exactly
("Lieutenant Colonol" -> "lieutenant colonel"): a correct exact reading is never replaced.
"""

from __future__ import annotations

from collections.abc import Iterable

MIN_LEN = 5
#: Words of this many letters or more may be two edits away from their correction.
TWO_EDITS_FROM = 8


def _bound(n: int) -> int:
    return 2 if n >= TWO_EDITS_FROM else 1


def _deletes(word: str, k: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(k):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, or ``limit + 1`` once it exceeds ``limit``.

    Examples
    --------
    >>> osa_distance("marshall", "marshal", 2), osa_distance("sergaent", "sergeant", 2)
    (1, 1)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class FuzzyIndex:
    """Deletion index of a vocabulary (the correction targets); :meth:`correct` gives the
    nearest word or None. ``known`` words (every surface form of the table) are never
    corrected."""

    def __init__(
        self, vocabulary: Iterable[str], exclude: Iterable[str] = (), known: Iterable[str] = ()
    ):
        self.vocab = frozenset(vocabulary)
        self.known = self.vocab | frozenset(known)  # words never corrected (read exactly)
        self.exclude = frozenset(exclude)
        self.index: dict[str, list[str]] = {}
        for w in self.vocab:
            if len(w) >= MIN_LEN and w.isalpha():
                for d in _deletes(w, _bound(len(w))):
                    self.index.setdefault(d, []).append(w)
        self.cache: dict[str, str | None] = {}

    def correct(self, token: str) -> str | None:
        """The table word ``token`` is a misspelling of, or None.

        Examples
        --------
        >>> FuzzyIndex(["sergeant", "marshal", "major"]).correct("seargent")
        'sergeant'
        >>> FuzzyIndex(["major"], exclude=["mayor"]).correct("mayor") is None
        True
        """
        if token in self.cache:
            return self.cache[token]
        best: tuple[int, str] | None = None
        if (
            len(token) >= MIN_LEN
            and token not in self.known
            and token not in self.exclude
            and token.isalpha()
        ):
            k = _bound(len(token))
            seen: set[str] = set()
            for d in _deletes(token, k):
                for w in self.index.get(d, ()):
                    if w in seen or w[0] != token[0]:
                        continue
                    seen.add(w)
                    limit = min(k, _bound(len(w)))
                    dist = osa_distance(token, w, limit)
                    if dist <= limit and (best is None or (dist, w) < best):
                        best = (dist, w)
        out = best[1] if best is not None else None
        if len(self.cache) < 100_000:
            self.cache[token] = out
        return out
