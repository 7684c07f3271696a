"""Training the attribution tagger: gold BIO labels from character spans, learned cue words,
and an averaged structured perceptron over paragraphs (mini-batches decoded by Viterbi).

Used by ``experiments/train_attribution_model.py`` (the shipped model, on every PolNeAR
training article) and ``experiments/attribution_eval.py`` (cross-validation folds).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Sequence

import numpy as np

from credscore.ingest._tagdoc import TagDoc
from credscore.ingest._tagfeatures import featurize
from credscore.ingest._tagger import (
    FORMAT_VERSION,
    LABELS,
    N_LABELS,
    TaggerModel,
    _sha256,
    decode_units,
    viterbi,
)

__all__ = ["gold_labels", "learn_cue_words", "save_tagger", "train_tagger"]

Span = tuple[int, int]
_ROLE_B = {"source": 1, "cue": 3, "content": 5}


def gold_labels(doc: TagDoc, attributions: Sequence[dict[str, list[Span]]]) -> np.ndarray:
    """BIO label per token from character spans (``{"source": [...], "cue": [...],
    "content": [...]}`` per attribution); a token takes the first role that overlaps it.

    Examples
    --------
    >>> from credscore.ingest._tagdoc import tag_doc
    >>> d = tag_doc("Smith said prices rose.")
    >>> gold_labels(d, [{"source": [(0, 5)], "cue": [(6, 10)], "content": [(11, 22)]}]).tolist()
    [1, 3, 5, 6, 0]
    """
    lab = np.zeros(doc.n, dtype=np.int64)
    piece = np.full(doc.n, -1, dtype=np.int64)
    k = 0
    for att in attributions:
        for role, b_code in _ROLE_B.items():
            for x, y in att.get(role, []):
                lo = int(np.searchsorted(doc.ends, x, side="right"))
                hi = int(np.searchsorted(doc.starts, y, side="left"))
                if hi <= lo:
                    continue
                free = lab[lo:hi] == 0
                lab[lo:hi][free] = b_code
                piece[lo:hi][free] = k
                k += 1
    out = lab.copy()
    for i in range(doc.n):
        if lab[i] and i > 0 and piece[i - 1] == piece[i]:
            out[i] = lab[i] + 1
    return out


def learn_cue_words(docs: Sequence[TagDoc], labels: Sequence[np.ndarray]) -> dict[str, int]:
    """Cue-likeness level of each word seen as (part of) a cue at least 3 times:
    3 when at least half its uses are cues, 2 from 15%, 1 from 3%."""
    seen: Counter[str] = Counter()
    cue: Counter[str] = Counter()
    for d, y in zip(docs, labels, strict=True):
        for w, lab in zip(d.words, y.tolist(), strict=True):
            low = w.lower()
            seen[low] += 1
            if lab in (3, 4):
                cue[low] += 1
    out = {}
    for w, c in cue.items():
        if c < 3:
            continue
        p = c / seen[w]
        level = 3 if p >= 0.5 else 2 if p >= 0.15 else 1 if p >= 0.03 else 0
        if level:
            out[w] = level
    return dict(sorted(out.items()))


def _transition_counts(y: np.ndarray) -> np.ndarray:
    t = np.zeros((N_LABELS + 1, N_LABELS))
    if len(y):
        t[N_LABELS, y[0]] += 1
        np.add.at(t, (y[:-1], y[1:]), 1)
    return t


def train_tagger(
    docs: Sequence[TagDoc],
    labels: Sequence[np.ndarray],
    rules: Sequence[np.ndarray],
    *,
    bits: int = 18,
    epochs: int = 8,
    batch: int = 16,
    seed: int = 0,
) -> TaggerModel:
    """Fit the tagger with an averaged structured perceptron.

    Parameters
    ----------
    docs, labels, rules : sequences of equal length
        Tokenised articles, their gold labels (:func:`gold_labels`) and rule codes.
    bits : int
        Hash buckets ``2**bits``.
    epochs, batch, seed : int
        Passes over the paragraphs, paragraphs decoded per update, shuffling seed.
    """
    cue_words = learn_cue_words(docs, labels)
    feats = [
        featurize(d, cue_words, r, bits).astype(np.int32) for d, r in zip(docs, rules, strict=True)
    ]
    units = [(k, a, b) for k, d in enumerate(docs) for a, b in d.units]
    w = np.zeros((2**bits, N_LABELS))
    wu = np.zeros_like(w)
    tr = np.zeros((N_LABELS + 1, N_LABELS))
    tru = np.zeros_like(tr)
    rng = np.random.default_rng(seed)
    c = 1.0
    n_templates = feats[0].shape[1] if feats else 0
    for _ in range(epochs):
        order = rng.permutation(len(units))
        for g in range(0, len(order), batch):
            group = [units[u] for u in order[g : g + batch]]
            lengths = np.array([b - a for _, a, b in group])
            pad = np.zeros((len(group), int(lengths.max()), N_LABELS))
            for r, (k, a, b) in enumerate(group):
                pad[r, : b - a] = w[feats[k][a:b]].sum(axis=1)
            path = viterbi(pad, lengths, tr)
            for r, (k, a, b) in enumerate(group):
                gold = labels[k][a:b]
                pred = path[r, : b - a]
                wrong = np.flatnonzero(gold != pred)
                if not len(wrong):
                    continue
                rows = feats[k][a:b][wrong].ravel()
                g_lab = np.repeat(gold[wrong], n_templates)
                p_lab = np.repeat(pred[wrong], n_templates)
                np.add.at(w, (rows, g_lab), 1.0)
                np.add.at(w, (rows, p_lab), -1.0)
                np.add.at(wu, (rows, g_lab), c)
                np.add.at(wu, (rows, p_lab), -c)
                d_tr = _transition_counts(gold) - _transition_counts(pred)
                tr += d_tr
                tru += c * d_tr
            c += 1.0
    w_avg = w - wu / c
    tr_avg = tr - tru / c
    # confidence is a content-vs-outside margin in units of the model's typical margin, so
    # that a threshold chosen with fold models carries over to a model trained on all data
    sample = [feats[k] for k in range(0, len(feats), max(1, len(feats) // 100))]
    margins = [np.abs(_margin(w_avg[f].sum(axis=1))) for f in sample]
    scale = float(np.concatenate(margins).mean()) if margins else 1.0
    meta = {
        "format_version": FORMAT_VERSION,
        "labels": list(LABELS),
        "bits": bits,
        "epochs": epochs,
        "batch": batch,
        "seed": seed,
        "cue_words": cue_words,
        "margin_scale": scale or 1.0,
    }
    return TaggerModel(w_avg, tr_avg, bits, cue_words, meta)


def _margin(em: np.ndarray) -> np.ndarray:
    return np.maximum(em[:, 5], em[:, 6]) - em[:, 0]


def save_tagger(model: TaggerModel, extra_meta: dict | None = None) -> tuple[bytes, bytes]:
    """Serialise a model: the weights as int16 with one scale (``.npz``), and its metadata
    JSON holding the weights' SHA-256. Returns ``(weights_bytes, meta_bytes)``."""
    scale = float(np.abs(model.weights).max() / 32767) or 1.0
    q = np.round(model.weights / scale).astype(np.int16)
    buf = io.BytesIO()
    np.savez_compressed(buf, weights=q, trans=model.trans, scale=np.array(scale))
    weights = buf.getvalue()
    meta = dict(model.meta)
    meta.update(extra_meta or {})
    meta["weights_sha256"] = _sha256(weights)
    return weights, (json.dumps(meta, indent=1, sort_keys=True) + "\n").encode("utf-8")


def predict_labels(model: TaggerModel, doc: TagDoc, rules: np.ndarray) -> np.ndarray:
    """Labels of one article (as :meth:`TaggerModel.tag`)."""
    if doc.n == 0:
        return np.zeros(0, dtype=np.int64)
    return decode_units(model.emissions(model.features(doc, rules)), doc.units, model.trans)
