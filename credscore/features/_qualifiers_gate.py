"""Where the lexicon's trie can match in an ASCII scan copy, from its words (private).

The trie (:class:`._qualifiers_compile.SplitPattern`) is a regex that CPython's ``re`` tries
after every space of the scan copy: about 200 ns an attempt, most of the lexicon scan's time.
Each phrase of the trie starts with a word (a run of ASCII letters and digits, as the learned
model's tokenizer cuts words) or with another character, so a match can only start before a
word that passes a test read off the phrases, all run at once with numpy:

* ``at least`` (a word followed, in the phrase, by something that is not a letter or digit, and
  then a second word that is followed by such a character or closes the phrase): the text's
  word is ``at`` and the next word is ``least`` (64-bit word hashes of the tokenizer);
* a phrase of one word that ends at a word boundary: the text's word is that word;
* a phrase whose end is open (``"boundary": false`` or a ``then`` extension that may go on with
  letters): the text's word, or the next one, starts with the phrase's word (its first four
  letters at most);
* a phrase that starts with any other character: every space followed by that character.

Every test is a necessary condition of a match (hash-table collisions only add positions), so
trying the trie only at these positions gives exactly its matches: property-tested against the
plain scan. Texts with a non-ASCII character are scanned the plain way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from credscore.features._qualifiers_tokens import Tokens, tokenize

__all__ = ["WordGate"]

_BITS = 18
_SHIFT = np.uint64(64 - _BITS)
_MULT = np.uint64(0x9E3779B97F4A7C15)
_CHAIN = np.uint64(0xD6E8FEB86659FD93)
#: Keys of the open-ended tests get the prefix length mixed in, so that one table serves all.
_SALT = {k: np.uint64(k) << np.uint64(40) for k in range(1, 5)}
_MASK = {k: np.uint64((1 << (8 * k)) - 1) for k in range(1, 5)}
_ALNUM = re.compile(r"[a-z0-9]+")
_SEP_START = np.array([re.match(r"[\s\-]", chr(c)) is not None for c in range(256)])


def _slots(keys: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return ((keys * _MULT) >> _SHIFT).astype(np.intp)


def _hash(word: str) -> int:
    return int(tokenize(word).hashes[0])


def _packed(prefix: str) -> int:
    return int.from_bytes(prefix.encode("ascii"), "little")


class WordGate:
    """The positions before which the trie may match (see the module docstring)."""

    def __init__(self, leaves: Iterable[tuple[tuple[str, ...], bool]]) -> None:
        """``leaves``: each phrase's trie tokens and whether its end is open."""
        mask = (1 << 64) - 1
        exact: set[int] = set()  # word hashes and word-pair keys
        opened: set[int] = set()  # (prefix, length) keys of open words, alone or after a word
        open_firsts: set[int] = set()  # hashes of the words before an open word
        #: First two bytes of the open single words (a cheap filter before their tests).
        self.open_heads = np.zeros(1 << 16, dtype=bool)
        self.chars = np.zeros(256, dtype=bool)
        self.prefix_lengths: set[int] = set()
        self.next_prefix_lengths: set[int] = set()
        for tokens, open_end in leaves:
            lit = "".join(tokens)
            if not lit.isascii():
                continue  # a non-ASCII character of the phrase never occurs in an ASCII scan
            if tokens[0] == " ":
                self.chars |= _SEP_START
                continue
            runs = list(_ALNUM.finditer(lit))
            if not runs or runs[0].start() > 0:
                self.chars[ord(lit[0])] = True
                continue
            first = runs[0]
            if first.end() == len(lit) and open_end:
                k = min(len(first.group()), 4)
                opened.add(_packed(first.group()[:k]) | int(_SALT[k]))
                self.prefix_lengths.add(k)
                if k == 1:
                    self.open_heads[ord(lit[0]) :: 256] = True  # any second byte
                else:
                    self.open_heads[_packed(first.group()[:2])] = True
                continue
            h1 = _hash(first.group())
            if len(runs) < 2:
                exact.add(h1)
                continue
            second = runs[1]
            if second.end() == len(lit) and open_end:
                k = min(len(second.group()), 4)
                key = (h1 * int(_CHAIN) + (_packed(second.group()[:k]) | int(_SALT[k]))) & mask
                opened.add(key)
                open_firsts.add(h1)
                self.next_prefix_lengths.add(k)
                continue
            exact.add((h1 * int(_CHAIN) + _hash(second.group())) & mask)
        self.exact = self._table(exact)
        self.opened = self._table(opened)
        self.open_firsts = self._table(open_firsts)

    @staticmethod
    def _table(keys: set[int]) -> np.ndarray:
        table = np.zeros(1 << _BITS, dtype=bool)
        if keys:
            table[_slots(np.array(sorted(keys), dtype=np.uint64))] = True
        return table

    def candidates(self, tokens: Tokens, points: np.ndarray) -> np.ndarray:
        """Sorted scan offsets (of the space before a word) where the trie may match.

        ``tokens`` are the words of the ASCII scan copy whose code points are ``points``
        (``uint8``, starting with the copy's leading space).
        """
        starts, h = tokens.starts, tokens.hashes
        n = len(starts)
        if n:
            nxt = np.zeros(n, dtype=np.uint64)
            nxt[:-1] = h[1:]
            with np.errstate(over="ignore"):
                pair = h * _CHAIN
                ok = self.exact[_slots(h)] | self.exact[_slots(pair + nxt)]
            if self.prefix_lengths or self.next_prefix_lengths:
                ok |= self._open(tokens, points, pair)
            at = starts[ok] - 1
            at = at[points[at] == 32]
        else:
            at = np.zeros(0, dtype=np.intp)
        if self.chars.any() and len(points) > 1:
            spaces = np.flatnonzero(points[:-1] == 32)
            more = spaces[self.chars[points[spaces + 1]]]
            if len(more):
                at = np.union1d(at, more)
        return at

    def _open(self, tokens: Tokens, points: np.ndarray, pair: np.ndarray) -> np.ndarray:
        """Words that pass an open-ended test (alone, or as the word after a given one).

        Only the words that a cheap filter keeps are tested: those whose first two bytes
        start an open word, and those that come before an open word in some phrase.
        """
        starts = tokens.starts
        n = len(starts)
        padded = np.zeros(len(points) + 4, dtype=np.uint8)
        padded[: len(points)] = points
        # The bytes at each word start, read through unaligned little-endian views.
        head4 = np.ndarray((len(points) + 1,), dtype="<u4", buffer=padded, strides=(1,))
        head2 = np.ndarray((len(points) + 3,), dtype="<u2", buffer=padded, strides=(1,))
        length = tokens.ends - starts
        ok = np.zeros(n, dtype=bool)
        if self.prefix_lengths:
            sub = np.flatnonzero(self.open_heads[head2[starts]])
            head = head4[starts[sub]].astype(np.uint64)
            hit = np.zeros(len(sub), dtype=bool)
            for k in self.prefix_lengths:
                hit |= (length[sub] >= k) & self.opened[_slots((head & _MASK[k]) | _SALT[k])]
            ok[sub[hit]] = True
        if self.next_prefix_lengths and n > 1:
            sub = np.flatnonzero(self.open_firsts[_slots(tokens.hashes[:-1])])
            head = head4[starts[sub + 1]].astype(np.uint64)
            hit = np.zeros(len(sub), dtype=bool)
            with np.errstate(over="ignore"):
                for k in self.next_prefix_lengths:
                    key = pair[sub] + ((head & _MASK[k]) | _SALT[k])
                    hit |= (length[sub + 1] >= k) & self.opened[_slots(key)]
            ok[sub[hit]] = True
        return ok
