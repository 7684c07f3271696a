"""The attribution tagger: BIO labels over source / cue / content tokens, decoded by Viterbi.

Weights are an averaged structured perceptron (Collins 2002) trained on PolNeAR by
``experiments/train_attribution_model.py``; they ship as ``data/attribution_tagger.npz``
(plain arrays, read with ``allow_pickle=False``) described by ``data/attribution_tagger.json``
(version, hashing, cue words, training fingerprint, SHA-256 of the weights). Loading checks
the hash and refuses a file that does not match.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from credscore.exceptions import ArtifactError
from credscore.ingest._tagdoc import TagDoc
from credscore.ingest._tagfeatures import featurize

__all__ = [
    "LABELS",
    "TaggerModel",
    "data_file_hashes",
    "default_tagger",
    "load_tagger",
    "viterbi",
]

LABELS = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON")
N_LABELS = len(LABELS)
FORMAT_VERSION = 1
_WEIGHTS = "data/attribution_tagger.npz"
_META = "data/attribution_tagger.json"
_LINKER = "data/speaker_linker.json"
_NEG = -1e9


def allowed_transitions() -> np.ndarray:
    """``(N_LABELS + 1, N_LABELS)`` mask: row ``N_LABELS`` is the start state; ``I-X``
    follows only ``B-X`` or ``I-X``."""
    ok = np.ones((N_LABELS + 1, N_LABELS), dtype=bool)
    for j, lab in enumerate(LABELS):
        if lab.startswith("I-"):
            ok[:, j] = False
            ok[LABELS.index("B-" + lab[2:]), j] = True
            ok[j, j] = True
    return ok


_ALLOWED = allowed_transitions()


def viterbi(emissions: np.ndarray, lengths: np.ndarray, trans: np.ndarray) -> np.ndarray:
    """Best label sequences of a padded batch.

    Parameters
    ----------
    emissions : ndarray, shape (B, T, L)
    lengths : ndarray, shape (B,)
        Real length of each sequence (>= 1).
    trans : ndarray, shape (L + 1, L)
        Transition scores; the last row scores the first label.

    Returns
    -------
    ndarray, shape (B, T)
        Labels (padding positions hold 0).

    Examples
    --------
    >>> e = np.zeros((1, 2, 7)); e[0, 0, 5] = 1; e[0, 1, 6] = 1
    >>> viterbi(e, np.array([2]), np.zeros((8, 7))).tolist()
    [[5, 6]]
    """
    b, t, n_lab = emissions.shape
    tr = np.where(_ALLOWED, trans, _NEG)
    delta = tr[n_lab][None, :] + emissions[:, 0]
    back = np.zeros((b, t, n_lab), dtype=np.int8)
    step = tr[:n_lab][None, :, :]
    for k in range(1, t):
        cand = delta[:, :, None] + step
        best = cand.argmax(axis=1)
        new = np.take_along_axis(cand, best[:, None, :], axis=1)[:, 0] + emissions[:, k]
        live = (k < lengths)[:, None]
        delta = np.where(live, new, delta)
        back[:, k] = np.where(live, best, 0)
    path = np.zeros((b, t), dtype=np.int64)
    cur = delta.argmax(axis=1)
    rows = np.arange(b)
    for k in range(t - 1, -1, -1):
        on = k <= lengths - 1
        path[:, k] = np.where(on, cur, 0)
        if k > 0:
            cur = np.where(on, back[rows, k, cur], cur)
    return path


@dataclass
class TaggerModel:
    """Weights ``(2**bits, L)``, transitions ``(L + 1, L)`` and the learned cue words."""

    weights: np.ndarray
    trans: np.ndarray
    bits: int
    cue_words: dict[str, int]
    meta: dict

    def features(self, doc: TagDoc, rules: np.ndarray) -> np.ndarray:
        """Bucket matrix of ``doc`` (see :func:`credscore.ingest._tagfeatures.featurize`)."""
        return featurize(doc, self.cue_words, rules, self.bits)

    def emissions(self, feats: np.ndarray) -> np.ndarray:
        """Per-token label scores ``(n, L)``, summed over templates in chunks."""
        out = np.empty((len(feats), N_LABELS), dtype=np.float64)
        for a in range(0, len(feats), 4096):
            out[a : a + 4096] = self.weights[feats[a : a + 4096]].sum(axis=1)
        return out

    def tag(self, doc: TagDoc, rules: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Label index per token of ``doc`` and the ``(n, L)`` label scores."""
        if doc.n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros((0, N_LABELS))
        em = self.emissions(self.features(doc, rules))
        return decode_units(em, doc.units, self.trans), em

    @property
    def threshold(self) -> float:
        """Least content confidence of a statement kept by default (chosen on
        cross-validation folds; ``-inf`` when the metadata has none)."""
        return float(self.meta.get("threshold", -np.inf))


def decode_units(em: np.ndarray, units: list[tuple[int, int]], trans: np.ndarray) -> np.ndarray:
    """Viterbi over every unit, batched by similar length."""
    labels = np.zeros(len(em), dtype=np.int64)
    order = sorted(range(len(units)), key=lambda u: units[u][1] - units[u][0])
    for g in range(0, len(order), 64):
        group = [units[u] for u in order[g : g + 64]]
        lengths = np.array([b - a for a, b in group])
        pad = np.zeros((len(group), int(lengths.max()), em.shape[1]))
        for r, (a, b) in enumerate(group):
            pad[r, : b - a] = em[a:b]
        path = viterbi(pad, lengths, trans)
        for r, (a, b) in enumerate(group):
            labels[a:b] = path[r, : b - a]
    return labels


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_tagger(weights: bytes, meta: dict, where: str = _WEIGHTS) -> TaggerModel:
    """Build a model from the bytes of the weights file and its parsed metadata."""
    if meta.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(
            f"{where}: format version {meta.get('format_version')!r}, this credscore reads "
            f"{FORMAT_VERSION}; reinstall credscore or retrain with "
            "experiments/train_attribution_model.py"
        )
    if _sha256(weights) != meta.get("weights_sha256"):
        raise ArtifactError(
            f"{where}: SHA-256 differs from the one recorded in its metadata; the file was "
            "changed or damaged. Reinstall credscore or retrain with "
            "experiments/train_attribution_model.py"
        )
    with np.load(io.BytesIO(weights), allow_pickle=False) as z:
        w = z["weights"].astype(np.float64) * float(z["scale"])
        trans = z["trans"].astype(np.float64)
    bits = int(meta["bits"])
    if w.shape != (2**bits, N_LABELS) or trans.shape != (N_LABELS + 1, N_LABELS):
        raise ArtifactError(f"{where}: arrays of shape {w.shape}/{trans.shape} do not fit")
    return TaggerModel(w, trans, bits, {k: int(v) for k, v in meta["cue_words"].items()}, meta)


def _data(name: str) -> bytes:
    return resources.files("credscore.ingest").joinpath(name).read_bytes()


@cache
def default_tagger() -> TaggerModel | None:
    """The bundled tagger, or None when the package ships none (rules only)."""
    try:
        weights, meta_bytes = _data(_WEIGHTS), _data(_META)
    except FileNotFoundError:
        return None
    return load_tagger(weights, json.loads(meta_bytes), _WEIGHTS)


def data_file_hashes() -> dict[str, str]:
    """SHA-256 of every ingest data file, for a model manifest.

    Examples
    --------
    >>> "data/lexicon.json" in data_file_hashes()
    True
    """
    out = {}
    for name in ("data/lexicon.json", "data/cues.json", _WEIGHTS, _META, _LINKER):
        try:
            out[name] = _sha256(_data(name))
        except FileNotFoundError:
            continue
    return out
