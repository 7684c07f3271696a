"""Fit the learned qualifier model: word cue probabilities, noisy-OR per sentence.

Shared by ``train_qualifier_model.py`` (the shipped model) and ``qualifiers_eval.py`` (the
cross-validation folds). The design matrix comes from the package's own featurizer
(:func:`credscore.features._qualifiers_model.word_features`), so the weights fitted here are
exactly the ones applied at scoring time.

Loss, for weights ``w`` and word log-odds ``z = Xw + b``:

* words of sentences with cue spans (BioScope, our set): log loss of each word's label
  (1 = inside a gold cue span);
* sentences with a label only (Wikipedia): the noisy-OR likelihood,
  ``P(uncertain) = 1 - prod(1 - sigmoid(z_i))`` over the sentence's words, with weight
  ``bag_weight``;
* ``l2 / 2 * |w|^2`` (bias not penalised). Minimised with L-BFGS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit

from credscore.calibration import logit
from credscore.features._qualifiers_compile import scan_text
from credscore.features._qualifiers_core import lexicon_hits
from credscore.features._qualifiers_lexicon import QUALIFIER_CATEGORIES, Lexicon
from credscore.features._qualifiers_model import word_features

SEP = "\x00 "


@dataclass
class Design:
    """Words of all sentences: sparse features, sentence index, word labels."""

    X: sp.csr_matrix  # words x (2**bits + n_categories)
    doc: np.ndarray  # sentence of each word
    y: np.ndarray  # word label (NaN: the sentence has a label only)
    label: np.ndarray  # sentence label
    bits: int


def design(data: pd.DataFrame, lex: Lexicon, bits: int) -> Design:
    """The design matrix of ``data`` (``text``, ``label``, ``cues``) from one joined scan."""
    texts = [t.replace("\x00", "\x01") for t in data["text"].tolist()]
    joined = SEP.join(texts)
    scan = scan_text(joined)
    hits = lexicon_hits(scan, lex)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths + len(SEP))[:-1]))
    words = word_features(scan, offsets + lengths + 1, hits[:, 0] + 1, bits)
    n, k = words.features.shape
    size = (1 << bits) + len(QUALIFIER_CATEGORIES)
    rows = np.concatenate([np.repeat(np.arange(n), k), words.lexicon_word])
    cols = np.concatenate([words.features.ravel(), (1 << bits) + hits[words.lexicon_span, 2]])
    X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, size))
    X.sum_duplicates()
    y = np.full(n, np.nan)
    start = words.starts - 1 - offsets[words.doc]  # word offsets inside their sentence
    end = words.ends - 1 - offsets[words.doc]
    has_cues = data["cues"].map(lambda c: c is not None).to_numpy()
    y[has_cues[words.doc]] = 0.0
    for j, cues in enumerate(data["cues"].tolist()):
        if not cues:
            continue
        lo, hi = np.searchsorted(words.doc, [j, j + 1])
        for a, b in cues:
            inside = (start[lo:hi] < b) & (end[lo:hi] > a)
            y[lo:hi][inside] = 1.0
    return Design(X, words.doc, y, data["label"].to_numpy(dtype=float), bits)


@dataclass
class Fitted:
    """Weights in the shipped layout: dense hashed table, lexicon weights, bias."""

    hashed: np.ndarray
    lexicon: np.ndarray
    bias: float
    iterations: int


def fit(
    d: Design,
    sentences: np.ndarray,
    *,
    l2: float = 1.0,
    bag_weight: float = 1.0,
    min_count: int = 2,
    max_iter: int = 250,
) -> Fitted:
    """Fit on the sentences whose indices are ``sentences``."""
    keep = np.isin(d.doc, sentences)
    X = d.X[keep]
    doc = d.doc[keep]
    y = d.y[keep]
    hashed_size = 1 << d.bits
    count = np.bincount(X.indices, minlength=X.shape[1])
    used = np.flatnonzero((count >= min_count) | (np.arange(X.shape[1]) >= hashed_size))
    X = X[:, used].tocsr()
    XT = X.T.tocsr()
    u, sent = np.unique(doc, return_inverse=True)
    positive = d.label[u] == 1
    word_level = ~np.isnan(y)
    yw = y[word_level]
    bag_words = ~word_level
    bag_sent = sent[bag_words]
    in_bag = np.zeros(len(u), dtype=bool)
    in_bag[bag_sent] = True
    n_w = X.shape[1]

    def loss_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:n_w], theta[n_w]
        z = X @ w + b
        g = np.empty_like(z)
        zt = z[word_level]
        loss = float(np.sum(np.logaddexp(0.0, zt) - yw * zt))
        g[word_level] = expit(zt) - yw
        zb = z[bag_words]
        total = np.bincount(bag_sent, np.logaddexp(0.0, zb), minlength=len(u))
        safe = np.maximum(total, 1e-12)
        per = np.where(positive, -np.log(-np.expm1(-safe)), total)
        loss += bag_weight * float(per[in_bag].sum())
        coef = np.where(positive, -1.0 / np.expm1(safe), 1.0)
        g[bag_words] = bag_weight * coef[bag_sent] * expit(zb)
        grad = np.empty(n_w + 1)
        grad[:n_w] = XT @ g + l2 * w
        grad[n_w] = g.sum()
        return loss + 0.5 * l2 * float(w @ w), grad

    res = minimize(
        loss_grad,
        np.zeros(n_w + 1),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter},
    )
    full = np.zeros(d.X.shape[1])
    full[used] = res.x[:n_w]
    return Fitted(
        hashed=full[:hashed_size].astype(np.float32),
        lexicon=full[hashed_size:].astype(np.float32),
        bias=float(res.x[n_w]),
        iterations=int(res.nit),
    )


def predict(f: Fitted, d: Design, sentences: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(q per sentence in `sentences`, word log-odds of their words)``."""
    keep = np.isin(d.doc, sentences)
    w = np.concatenate([f.hashed.astype(np.float64), f.lexicon.astype(np.float64)])
    z = d.X[keep] @ w + f.bias
    total = np.bincount(d.doc[keep], np.logaddexp(0.0, z), minlength=len(d.label))
    return -np.expm1(-total[sentences]), z


# --------------------------------------------------------------------------- sentence model


def sentence_matrix(d: Design) -> sp.csr_matrix:
    """Feature counts per sentence (the word rows of ``d.X`` summed), divided by the square
    root of their total: the sentence component's input (the scorer computes the same)."""
    n = len(d.label)
    words = sp.csr_matrix(
        (np.ones(len(d.doc)), (d.doc, np.arange(len(d.doc)))), shape=(n, len(d.doc))
    )
    counts = (words @ d.X).tocsr()
    total = np.asarray(counts.sum(axis=1)).ravel()
    return (sp.diags(1.0 / np.sqrt(np.maximum(total, 1.0))) @ counts).tocsr()


@dataclass
class SentenceFit:
    """The sentence component in the shipped layout."""

    hashed: np.ndarray
    lexicon: np.ndarray
    bias: float


def fit_sentence(
    d: Design, S: sp.csr_matrix, sentences: np.ndarray, *, C: float = 4.0, min_count: int = 2
) -> SentenceFit:
    """L2 logistic regression of the sentence labels on ``S`` rows ``sentences``."""
    from sklearn.linear_model import LogisticRegression

    rows = S[sentences]
    used = np.flatnonzero(np.asarray((rows != 0).sum(axis=0)).ravel() >= min_count)
    lr = LogisticRegression(C=C, max_iter=3000).fit(rows[:, used], d.label[sentences])
    full = np.zeros(S.shape[1])
    full[used] = lr.coef_[0]
    size = 1 << d.bits
    return SentenceFit(
        full[:size].astype(np.float32), full[size:].astype(np.float32), float(lr.intercept_[0])
    )


def predict_sentence(f: SentenceFit, S: sp.csr_matrix, sentences: np.ndarray) -> np.ndarray:
    """The sentence component's log-odds of the sentences ``sentences``."""
    w = np.concatenate([f.hashed.astype(np.float64), f.lexicon.astype(np.float64)])
    return S[sentences] @ w + f.bias


def combine(q: np.ndarray, z: np.ndarray, weight: float) -> np.ndarray:
    """``expit((1 - weight) logit(q) + weight z)``, the shipped combination (``q`` clipped to
    [1e-16, 1 - 1e-16] before the logit)."""
    return expit((1.0 - weight) * logit(q, eps=1e-16) + weight * z)
