"""The learned qualifier model: per-word cue probabilities and per-text uncertainty (private).

What it is
----------
A linear model over hashed word n-gram features (:mod:`._qualifiers_tokens`) plus one weight
per lexicon category (a lexicon span of that category starts at the word), giving each word a
cue probability ``p_i = sigmoid(z_i)``. A text's uncertainty probability is the noisy-OR of its
words, ``q = 1 - prod(1 - p_i)``: the text carries an uncertainty cue unless none of its words
is one. Trained (``experiments/train_qualifier_model.py``) on word-level cue labels where a
corpus has them (BioScope speculation cues, our annotated set) and on sentence labels through
the noisy-OR likelihood where it has only those (CoNLL-2010 Wikipedia weasel/hedge/peacock).

Optionally (files with the ``sentence_*`` arrays) a sentence-level linear model reads the same
feature indices, counted over the text and divided by the square root of their total, giving a
log-odds ``z``; the text's probability is then ``expit((1 - w) logit(q) + w z)`` with
``w = meta.sentence_weight``. The word probabilities, and so the learned spans, are the word
model's alone. ``experiments/qualifiers_stacking.py`` measures such a component on folds.

The file
--------
``credscore/features/data/qualifier_model.npz``, read with ``allow_pickle=False``:

==========  ===========================================================================
``meta``    JSON text: ``format``, ``version``, ``bits``, ``threshold`` (decision on ``q``),
            ``span_threshold`` (word probability of a learned span), optionally
            ``fallback_threshold`` (see :class:`QualifierModel`), ``lexicon_categories``
            (order of ``lexicon``), training data and cross-validated figures
``index``   int64, indices of the non-zero hashed weights (``< 2**bits``)
``value``   float32, their weights
``lexicon`` float32, one weight per ``lexicon_categories`` entry
``bias``    float64, shape ``(1,)``
==========  ===========================================================================

Optional, all four or none (with ``meta.sentence_weight`` in [0, 1]): ``sentence_index``
(int64) and ``sentence_value`` (float32), the sentence model's non-zero hashed weights;
``sentence_lexicon`` (float32, one weight per ``lexicon_categories`` entry); ``sentence_bias``
(float64, shape ``(1,)``).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from credscore._io import atomic_write_bytes
from credscore.calibration._logistic import expit
from credscore.exceptions import LexiconError
from credscore.features._qualifiers_tokens import (
    Tokens,
    feature_indices,
    tokenize,
    tokenize_codepoints,
)

__all__ = [
    "DEFAULT_MODEL_RESOURCE",
    "QualifierModel",
    "SentenceModel",
    "WordFeatures",
    "WordScores",
    "load_model_file",
    "save_model_file",
    "word_features",
]

#: Bundled learned model, relative to the ``credscore.features`` package.
DEFAULT_MODEL_RESOURCE = "data/qualifier_model.npz"
_FORMAT = 1
_KEYS = {"meta", "index", "value", "lexicon", "bias"}
#: The optional sentence-level component: all of these arrays or none.
_SENTENCE_KEYS = {"sentence_index", "sentence_value", "sentence_lexicon", "sentence_bias"}


@dataclass(frozen=True)
class WordScores:
    """Words of a joined scan copy with their text and cue log-odds (see :meth:`score`)."""

    starts: np.ndarray
    ends: np.ndarray
    doc: np.ndarray
    logit: np.ndarray
    #: Per word, the sentence model's weights of its features and its feature count (None
    #: without a sentence component).
    sentence: np.ndarray | None = None
    n_features: np.ndarray | None = None


@dataclass(frozen=True)
class SentenceModel:
    """The optional sentence-level component (see the module docstring)."""

    weights: np.ndarray = field(repr=False)
    lexicon_weights: dict[str, float] = field(repr=False)
    bias: float
    weight: float


@dataclass(frozen=True)
class WordFeatures:
    """Words of a joined scan copy and their features (see :func:`word_features`)."""

    starts: np.ndarray
    ends: np.ndarray
    doc: np.ndarray
    features: np.ndarray
    lexicon_word: np.ndarray
    lexicon_span: np.ndarray


def word_features(
    scan: str,
    text_ends: np.ndarray,
    lexicon_starts: np.ndarray,
    bits: int,
    scan_points: np.ndarray | None = None,
    tokens: Tokens | None = None,
) -> WordFeatures:
    """Words of a joined scan copy, their text, hashed features and lexicon links.

    ``text_ends`` are the scan offsets where each text ends (increasing); a word belongs to the
    first text ending after its start, and no feature reads across two texts.
    ``lexicon_starts`` are the scan offsets where lexicon cues begin: lexicon span
    ``lexicon_span[k]`` starts at word ``lexicon_word[k]`` (the first word at or after it).
    ``scan_points`` are the scan copy's code points, and ``tokens`` its words, when the
    caller has them already. Training builds its design matrix from this same function.
    """
    if tokens is not None:
        tok = tokens
    else:
        tok = tokenize(scan) if scan_points is None else tokenize_codepoints(scan_points)
    doc = np.searchsorted(text_ends, tok.starts, side="right")
    n = len(doc)
    first = np.ones(n, dtype=bool)
    last = np.ones(n, dtype=bool)
    if n:
        first[1:] = doc[1:] != doc[:-1]
        last[:-1] = first[1:]
    feats = feature_indices(tok.hashes, first, last, bits)
    where = np.searchsorted(tok.starts, lexicon_starts) if n else np.zeros(0, dtype=np.int64)
    span = np.flatnonzero(where < n)
    return WordFeatures(tok.starts, tok.ends, doc, feats, where[span], span)


@dataclass(frozen=True)
class QualifierModel:
    """A loaded learned qualifier model (build it with :func:`load_model_file`).

    Attributes
    ----------
    version, sha256, source : str
        The file's ``meta.version``, the SHA-256 of its bytes, and where it was read from.
    bits : int
        The hashed weight table has ``2**bits`` entries.
    threshold : float
        A text is called uncertain when its ``q_uncertainty`` is at least this.
    span_threshold : float
        A word outside every lexicon span becomes a learned cue span at this probability.
    sentence : SentenceModel or None
        The sentence-level component, when the file has one.
    fallback_threshold : float or None
        A text whose ``q_uncertainty`` is at least this, and that has no hedge, hearsay,
        weasel or peacock span (lexicon or learned), gets its most probable content word
        outside the lexicon spans (not right after one) as a learned hedge span, so that the
        spans (and the category counts built from them) agree with ``q_uncertainty``.
        ``None`` (files without the key): no such span.
    meta : dict
        Everything in the file's ``meta`` (training data, cross-validated figures).
    """

    version: str
    sha256: str
    source: str
    bits: int
    threshold: float
    span_threshold: float
    meta: dict[str, Any] = field(repr=False)
    weights: np.ndarray = field(repr=False)
    lexicon_weights: dict[str, float] = field(repr=False)
    bias: float = field(repr=False)
    fallback_threshold: float | None = None
    sentence: SentenceModel | None = field(default=None, repr=False)

    def word_logits(
        self,
        scan: str,
        text_ends: np.ndarray,
        lexicon_starts: np.ndarray,
        lexicon_cats: np.ndarray,
        scan_points: np.ndarray | None,
        categories: tuple[str, ...],
        tokens: Tokens | None = None,
    ) -> WordScores:
        """Cue log-odds of every word of a joined scan copy (see :func:`word_features`).

        ``lexicon_cats`` gives each lexicon span's category as an index into ``categories``.
        """
        words = word_features(scan, text_ends, lexicon_starts, self.bits, scan_points, tokens)
        kinds = words.features.T
        if self.sentence is None:
            z = _gather_sum(self.weights32, kinds)
        else:  # both tables in one gather: one memory access per feature, not two
            both = _gather_sum(self.pair_table, kinds, np.complex64)
            z, sz = both.real.astype(np.float64), both.imag.astype(np.float64)
        z += self.bias
        cats = np.asarray(lexicon_cats)[words.lexicon_span] if len(words.lexicon_word) else None
        if cats is not None:
            w = np.array([self.lexicon_weights.get(c, 0.0) for c in categories])
            _add_at(z, words.lexicon_word, w[cats])
        if self.sentence is None:
            return WordScores(words.starts, words.ends, words.doc, z)
        n_feat = np.full(len(sz), float(len(kinds)))
        if cats is not None:
            sw = np.array([self.sentence.lexicon_weights.get(c, 0.0) for c in categories])
            _add_at(sz, words.lexicon_word, sw[cats])
            _add_at(n_feat, words.lexicon_word, np.ones(len(cats)))
        return WordScores(words.starts, words.ends, words.doc, z, sz, n_feat)

    @cached_property
    def weights32(self) -> np.ndarray:
        """The weight table as float32 (the float16 values, exactly): faster to gather."""
        return self.weights.astype(np.float32)

    @cached_property
    def pair_table(self) -> np.ndarray:
        """The word and sentence weight tables side by side as one complex64 table (real:
        word, imaginary: sentence), so that one gather reads both. Complex addition adds the
        parts separately in float32, so the sums are those of two float32 gathers, exactly.
        Filled straight from the float16 tables (exact), so no float32 copy of either is
        kept beside it."""
        assert self.sentence is not None
        out = np.empty(len(self.weights), dtype=np.complex64)
        out.real = self.weights
        out.imag = self.sentence.weights
        return out

    def text_probability(self, words: WordScores, n_texts: int) -> np.ndarray:
        """Noisy-OR of the word probabilities per text: ``1 - prod(1 - p_i)``."""
        # softplus(z) = log(1 + e^z), in place (a third of ``np.logaddexp(0, z)``'s time).
        # A word log-odds above 709 (only a user's model with huge weights) overflows to inf,
        # which gives q = 1, as the exact softplus does.
        with np.errstate(over="ignore"):
            soft = np.exp(words.logit)
        np.log1p(soft, out=soft)
        total = np.bincount(words.doc, weights=soft, minlength=n_texts)[:n_texts]
        q = -np.expm1(-total)
        s = self.sentence
        if s is None or words.sentence is None or words.n_features is None or s.weight == 0:
            return q
        sums = np.bincount(words.doc, weights=words.sentence, minlength=n_texts)[:n_texts]
        count = np.bincount(words.doc, weights=words.n_features, minlength=n_texts)[:n_texts]
        has = count > 0  # a text without words keeps q = 0
        zs = sums[has] / np.sqrt(count[has]) + s.bias
        # logit of the noisy-OR: log(q) - log(1 - q) = log(-expm1(-total)) + total
        zq = np.log(q[has]) + total[has]
        out = np.zeros(n_texts)
        out[has] = expit((1.0 - s.weight) * zq + s.weight * zs)
        return out

    def manifest_entry(self) -> dict[str, str]:
        """``{"name", "version", "sha256", "source"}`` of the model file."""
        return {
            "name": "qualifier_model",
            "version": self.version,
            "sha256": self.sha256,
            "source": self.source,
        }


def _gather_sum(table: np.ndarray, kinds: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """Per word, the sum of ``table`` over its feature kinds (rows of ``kinds``), as ``dtype``.

    One contiguous gather per feature kind, summed in the table's precision (float32, or
    complex64 for :attr:`QualifierModel.pair_table`) in kind order (the same sums as a
    row-wise reduction, at half the time: measured).
    """
    total = np.take(table, kinds[0])
    for k in range(1, len(kinds)):
        total += np.take(table, kinds[k])
    return total.astype(dtype, copy=False)


def _add_at(a: np.ndarray, at: np.ndarray, values: np.ndarray) -> None:
    """``a[at] += values`` with repeated indices summed."""
    if len(at) < 2 or bool((at[1:] > at[:-1]).all()):
        a[at] += values  # each word starts at most one span (the usual case)
    else:
        np.add.at(a, at, values)


def _is_number(x: Any) -> bool:
    """An int or float JSON value (not a bool)."""
    return isinstance(x, int | float) and not isinstance(x, bool)


def _err(where: str, msg: str) -> LexiconError:
    return LexiconError(f"qualifier model {where}: {msg}")


def _read(path: str | PathLike[str] | None) -> tuple[bytes, str]:
    if path is None:
        ref = resources.files("credscore.features").joinpath(DEFAULT_MODEL_RESOURCE)
        return ref.read_bytes(), f"<bundled {DEFAULT_MODEL_RESOURCE}>"
    try:
        return Path(path).read_bytes(), str(path)
    except OSError as exc:
        raise _err(str(path), f"cannot be read ({exc}). Pass an existing .npz file.") from exc


def _arrays(raw: bytes, where: str) -> dict[str, np.ndarray]:
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, EOFError) as exc:
        raise _err(
            where,
            f"is not a numpy .npz archive without pickled objects ({exc}). "
            "Write it with experiments/train_qualifier_model.py.",
        ) from exc
    extra = set(arrays) - _KEYS
    if not _KEYS <= set(arrays) or extra not in (set(), _SENTENCE_KEYS):
        raise _err(
            where,
            f"holds arrays {sorted(arrays)}; expected exactly {sorted(_KEYS)}, optionally with "
            f"all of {sorted(_SENTENCE_KEYS)}.",
        )
    return arrays


def _meta(arrays: dict[str, np.ndarray], where: str) -> dict[str, Any]:
    try:
        meta = json.loads(str(arrays["meta"]))
    except json.JSONDecodeError as exc:
        raise _err(where, f"'meta' is not JSON text ({exc}).") from exc
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise _err(where, f"'meta' must be an object with \"format\": {_FORMAT}.")
    need = {"version": str, "bits": int, "threshold": float, "span_threshold": float}
    for key, kind in need.items():
        ok = isinstance(meta.get(key), kind) or (kind is float and isinstance(meta.get(key), int))
        if not ok or isinstance(meta.get(key), bool):
            raise _err(where, f"'meta.{key}' must be a {kind.__name__}.")
    fb = meta.get("fallback_threshold")
    if fb is not None and not (_is_number(fb) and 0.0 < fb < 1.0):
        raise _err(where, "'meta.fallback_threshold' must be a number in (0, 1) or absent.")
    sw: Any = meta.get("sentence_weight")
    if "sentence_index" in arrays and not (_is_number(sw) and 0.0 <= sw <= 1.0):
        raise _err(where, "'meta.sentence_weight' must be a number in [0, 1] (sentence arrays).")
    if not 8 <= meta["bits"] <= 26:
        raise _err(where, f"'meta.bits' is {meta['bits']}; it must be between 8 and 26.")
    cats = meta.get("lexicon_categories")
    if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
        raise _err(where, "'meta.lexicon_categories' must be a list of category names.")
    return meta


def load_model_file(path: str | PathLike[str] | None = None) -> QualifierModel:
    """Load and validate a learned qualifier model (``None``: the bundled one).

    Raises
    ------
    LexiconError
        If the file cannot be read, is not an ``.npz`` of plain arrays, or its arrays or
        metadata are malformed; the message names the file and the fix.

    Examples
    --------
    >>> m = load_model_file()
    >>> len(m.sha256), 0.0 < m.threshold < 1.0
    (64, True)
    """
    raw, where = _read(path)
    arrays = _arrays(raw, where)
    meta = _meta(arrays, where)
    weights, lexicon_weights, bias = _weight_arrays(arrays, "", meta, where)
    return QualifierModel(
        sentence=_sentence(arrays, meta, where),
        version=meta["version"],
        sha256=hashlib.sha256(raw).hexdigest(),
        source=where,
        bits=meta["bits"],
        threshold=float(meta["threshold"]),
        span_threshold=float(meta["span_threshold"]),
        meta=meta,
        weights=weights,
        lexicon_weights=lexicon_weights,
        bias=bias,
        fallback_threshold=(
            None if meta.get("fallback_threshold") is None else float(meta["fallback_threshold"])
        ),
    )


def _weight_arrays(
    arrays: dict[str, np.ndarray], prefix: str, meta: dict[str, Any], where: str
) -> tuple[np.ndarray, dict[str, float], float]:
    """The validated ``(hashed table, lexicon weights, bias)`` stored under ``prefix``
    (``""``: the word model, ``"sentence_"``: the sentence component)."""
    size = 1 << meta["bits"]
    names = [prefix + k for k in ("index", "value", "lexicon", "bias")]
    index, value, lex, bias = (arrays[k] for k in names)
    if (
        index.ndim != 1
        or index.shape != value.shape
        or index.dtype.kind not in "iu"
        or value.dtype.kind != "f"
    ):
        raise _err(
            where, f"'{names[0]}' (integers) and '{names[1]}' (floats) must be 1-d of equal length."
        )
    if len(index) and (index.min() < 0 or index.max() >= size):
        raise _err(where, f"'{names[0]}' holds entries outside [0, 2**{meta['bits']}).")
    if lex.shape != (len(meta["lexicon_categories"]),) or bias.shape != (1,):
        raise _err(
            where, f"'{names[2]}' needs one weight per lexicon category, '{names[3]}' shape (1,)."
        )
    if not (np.isfinite(value).all() and np.isfinite(lex).all() and np.isfinite(bias).all()):
        raise _err(where, "weights must be finite numbers.")
    # float16 halves the table (cache misses dominate the gather); weights are O(1), so the
    # rounding (relative 5e-4) moves a word's log-odds by about 1e-3.
    weights = np.zeros(size, dtype=np.float16)
    weights[index] = value
    cats = dict(zip(meta["lexicon_categories"], map(float, lex), strict=True))
    return weights, cats, float(bias[0])


def _sentence(
    arrays: dict[str, np.ndarray], meta: dict[str, Any], where: str
) -> SentenceModel | None:
    """The sentence component of a file that has one, validated."""
    if "sentence_index" not in arrays:
        return None
    weights, cats, bias = _weight_arrays(arrays, "sentence_", meta, where)
    return SentenceModel(weights, cats, bias, float(meta["sentence_weight"]))


def _part_arrays(
    prefix: str, hashed: np.ndarray, lexicon: np.ndarray, bias: float
) -> dict[str, np.ndarray]:
    """The stored arrays of one part (the inverse of :func:`_weight_arrays`): the non-zero
    entries of the dense ``hashed`` table, the lexicon weights and the bias."""
    index = np.flatnonzero(hashed)
    return {
        prefix + "index": index.astype(np.int64),
        prefix + "value": np.asarray(hashed)[index].astype(np.float32),
        prefix + "lexicon": np.asarray(lexicon, dtype=np.float32),
        prefix + "bias": np.array([bias], dtype=np.float64),
    }


def save_model_file(
    path: str | PathLike[str],
    meta: dict[str, Any],
    hashed: np.ndarray,
    lexicon: np.ndarray,
    bias: float,
    sentence: tuple[np.ndarray, np.ndarray, float] | None = None,
) -> None:
    """Write a model file atomically (used by the training script).

    ``hashed`` is the dense weight table of ``2**meta["bits"]`` entries; only its non-zero
    entries are stored. ``sentence`` is the optional sentence component ``(hashed, lexicon,
    bias)`` in the same layout (``meta`` then needs ``sentence_weight``).
    """
    arrays: dict[str, np.ndarray] = {"meta": np.array(json.dumps(meta, sort_keys=True))}
    arrays |= _part_arrays("", hashed, lexicon, bias)
    if sentence is not None:
        arrays |= _part_arrays("sentence_", *sentence)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
    atomic_write_bytes(path, buf.getvalue())
