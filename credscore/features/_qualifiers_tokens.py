"""Vectorised word tokens and hashed n-gram features of a scan copy (private).

The learned qualifier model (:mod:`credscore.features._qualifiers_model`) scores every word of
every text in one pass of numpy operations over the joined scan copy, with no Python loop over
words or texts:

* a *word* is a maximal run of ASCII letters and digits or of non-ASCII letters (any code point
  from U+00C0 outside the punctuation, symbol and CJK-punctuation blocks); apostrophes, hyphens
  and other punctuation split words (``don't`` is ``don`` + ``t``);
* each word gets a 64-bit polynomial hash of its (lower-case) code points, computed for all
  words at once from one cumulative sum;
* the features of word ``i`` are hashes of the word, its neighbours and the n-grams around it
  (see :data:`FEATURE_KINDS`), reduced modulo the size of the weight table.

Training (``experiments/train_qualifier_model.py``) builds its design matrix from the same
functions, so that the weights it learns are exactly the ones applied here.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FEATURE_KINDS", "Tokens", "feature_indices", "tokenize", "tokenize_codepoints"]

_P = 0x100000001B3  # FNV prime, odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 2**64)
_MASK = (1 << 64) - 1

#: The feature kinds of word ``i``, in column order.
FEATURE_KINDS: tuple[str, ...] = (
    "word",  # w[i]
    "prev",  # w[i-1]
    "next",  # w[i+1]
    "left_bigram",  # w[i-1] w[i]
    "right_bigram",  # w[i] w[i+1]
    "left_trigram",  # w[i-2] w[i-1] w[i]
    "right_trigram",  # w[i] w[i+1] w[i+2]
)
#: One odd multiplier per kind: index = (key * multiplier) >> (64 - bits), multiplicative
#: hashing of the word (or n-gram) key; the top bits of the product spread well.
_MULT = np.array(
    [(0x9E3779B97F4A7C15 * (2 * k + 3)) & _MASK | 1 for k in range(len(FEATURE_KINDS))],
    dtype=np.uint64,
)
_CHAIN = np.uint64(0xD6E8FEB86659FD93)  # n-gram key: key(w1 .. wk) = key(w1 .. wk-1) * C + wk
#: Hash standing for "no word" before the first and after the last word of a text.
BOUNDARY = np.uint64(0xB0B0B0B0B0B0B0B1)


def _word_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)
    table[ord("0") : ord("9") + 1] = True
    table[ord("a") : ord("z") + 1] = True
    table[ord("A") : ord("Z") + 1] = True
    table[0xC0:0x2000] = True
    table[[0xD7, 0xF7]] = False
    table[0x2C00:0x2E00] = True
    table[0x3040:0xFE00] = True
    table[0xFF10:0x110000] = True
    table[0xD800:0xE000] = False  # surrogates
    return table


_WORD = _word_table()
_WORD_ASCII = _WORD[:256].copy()  # a small table for uint8 code points: stays in cache
_POW = np.ones(1, dtype=np.uint64)
_POW_INV = np.ones(1, dtype=np.uint64)


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**k`` and ``P**-k`` modulo 2**64 for ``k < n`` (cached, grown by doubling)."""
    global _POW, _POW_INV
    if len(_POW) < n:
        m = max(n, 2 * len(_POW), 1 << 16)
        with np.errstate(over="ignore"):
            pw = np.cumprod(np.full(m - 1, _P, dtype=np.uint64), dtype=np.uint64)
            inv = np.cumprod(np.full(m - 1, _P_INV, dtype=np.uint64), dtype=np.uint64)
        one = np.ones(1, dtype=np.uint64)
        _POW, _POW_INV = np.concatenate((one, pw)), np.concatenate((one, inv))
    return _POW[:n], _POW_INV[:n]


class Tokens:
    """Words of a text: ``starts``, ``ends`` (offsets into it) and 64-bit ``hashes``."""

    __slots__ = ("ends", "hashes", "starts")

    def __init__(self, starts: np.ndarray, ends: np.ndarray, hashes: np.ndarray) -> None:
        self.starts, self.ends, self.hashes = starts, ends, hashes


def tokenize(text: str) -> Tokens:
    """Words of ``text`` (lower-case it first: hashes are case-sensitive), in order.

    Examples
    --------
    >>> t = tokenize("it may rain; it may")
    >>> t.starts.tolist(), t.ends.tolist()
    ([0, 3, 7, 13, 16], [2, 6, 11, 15, 19])
    >>> bool(t.hashes[1] == t.hashes[4]), bool(t.hashes[0] == t.hashes[1])
    (True, False)
    """
    if text.isascii():
        cp = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    else:
        cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return tokenize_codepoints(cp)


def tokenize_codepoints(cp: np.ndarray) -> Tokens:
    """:func:`tokenize` of a text given as its code points (``uint8`` or ``uint32``)."""
    n = len(cp)
    word = np.zeros(n + 2, dtype=bool)
    # np.take on the 256-entry table: uint8 indices through [] are converted first (2x slower)
    word[1:-1] = np.take(_WORD_ASCII, cp) if cp.dtype == np.uint8 else _WORD[cp]
    edges = np.flatnonzero(word[1:] != word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    pw, inv = _powers(n + 1)
    with np.errstate(over="ignore"):
        cum = np.empty(n + 1, dtype=np.uint64)
        cum[0] = 0
        # the terms cp[i] * P**i written straight into cum, then summed in place
        np.multiply(cp, pw[:n], out=cum[1:])
        np.cumsum(cum[1:], dtype=np.uint64, out=cum[1:])
        hashes = (cum[ends] - cum[starts]) * inv[starts]
    return Tokens(starts, ends, hashes)


def _shift(x: np.ndarray, by: int, cut: np.ndarray, fill: np.uint64) -> np.ndarray:
    """``x`` moved ``by`` places (``out[i] = x[i - by]``), ``fill`` where ``cut`` is set."""
    out = np.full(len(x), fill, dtype=np.uint64)
    if by > 0:
        out[by:] = x[:-by]
    else:
        out[:by] = x[-by:]
    out[cut] = fill
    return out


def feature_indices(
    hashes: np.ndarray, first: np.ndarray, last: np.ndarray, bits: int
) -> np.ndarray:
    """Feature indices ``(n_words, len(FEATURE_KINDS))`` into a table of ``2**bits`` weights.

    ``first``/``last`` flag the first and last word of each text: neighbours beyond them are
    :data:`BOUNDARY`, so no feature reads across two texts.

    Examples
    --------
    >>> h = tokenize("a b c").hashes
    >>> f = feature_indices(h, np.array([1, 0, 0], bool), np.array([0, 0, 1], bool), 20)
    >>> f.shape, bool((f < 2**20).all())
    ((3, 7), True)
    """
    n = len(hashes)
    # Filled kind by kind (rows of the transposed array are contiguous), in place: the
    # multiply and shift write straight into the row (3.46 -> 2.56 ms on the 210,705 words
    # of the distinct LIAR statements, measured). Returned as the (n_words, n_kinds) int64
    # view, whose columns the scorer gathers one at a time; every index is below 2**bits,
    # so the unsigned row reads as the same int64.
    raw = np.empty((len(FEATURE_KINDS), n), dtype=np.uint64)
    out = raw.view(np.int64)
    if not n:
        return out.T
    shift = np.uint64(64 - bits)
    prev = _shift(hashes, 1, first, BOUNDARY)
    with np.errstate(over="ignore"):
        left = prev * _CHAIN  # key of (w[i-1], w[i])
        left += hashes
        left3 = _shift(left, 1, first, BOUNDARY)
        left3 *= _CHAIN
        left3 += hashes
        # Position i's right n-grams are the left n-grams ending at i+1 / i+2.
        penult = np.zeros(n, dtype=bool)
        penult[:-1] = last[1:]
        keys = (
            hashes,
            prev,
            _shift(hashes, -1, last, BOUNDARY),
            left,
            _shift(left, -1, last, BOUNDARY),
            left3,
            _shift(left3, -2, last | penult, BOUNDARY),
        )
        for k, key in enumerate(keys):
            np.multiply(key, _MULT[k], out=raw[k])
            np.right_shift(raw[k], shift, out=raw[k])
    return out.T
