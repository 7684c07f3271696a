"""Tests of credscore/ingest/_tagger.py: Viterbi, loading and the bundled model."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.exceptions import ArtifactError
from credscore.ingest._learn import save_tagger
from credscore.ingest._tagdoc import tag_doc
from credscore.ingest._tagger import (
    LABELS,
    N_LABELS,
    allowed_transitions,
    data_file_hashes,
    default_tagger,
    load_tagger,
    viterbi,
)

_OK = allowed_transitions()


def _valid(path: list[int]) -> bool:
    prev = N_LABELS
    for lab in path:
        if not _OK[prev, lab]:
            return False
        prev = lab
    return True


def _score(em: np.ndarray, tr: np.ndarray, path: tuple[int, ...]) -> float:
    prev, total = N_LABELS, 0.0
    for t, lab in enumerate(path):
        total += tr[prev, lab] + em[t, lab]
        prev = lab
    return total


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 10_000))
def test_viterbi_is_the_best_valid_path(n, seed):
    """On short sequences the decoded path is BIO-valid and scores as high as the best valid
    path found by brute force."""
    rng = np.random.default_rng(seed)
    em = rng.normal(size=(n, N_LABELS))
    tr = rng.normal(size=(N_LABELS + 1, N_LABELS))
    got = viterbi(em[None], np.array([n]), tr)[0].tolist()
    assert _valid(got)
    best = max(
        _score(em, tr, p) for p in itertools.product(range(N_LABELS), repeat=n) if _valid(list(p))
    )
    assert _score(em, tr, tuple(got)) == pytest.approx(best)


def test_viterbi_batches_sequences_of_different_lengths():
    rng = np.random.default_rng(0)
    em = rng.normal(size=(3, 6, N_LABELS))
    tr = rng.normal(size=(N_LABELS + 1, N_LABELS))
    lengths = np.array([6, 2, 4])
    batch = viterbi(em, lengths, tr)
    for b, n in enumerate(lengths):
        alone = viterbi(em[b : b + 1, :n], np.array([n]), tr)[0]
        assert batch[b, :n].tolist() == alone.tolist()


def test_bundled_model_loads_and_tags():
    model = default_tagger()
    assert model is not None and model.meta["labels"] == list(LABELS)
    doc = tag_doc('"We will win," Senator Ann Lee said on Monday.')
    labels, em = model.tag(doc, np.zeros(doc.n, dtype=np.int64))
    assert em.shape == (doc.n, N_LABELS) and _valid(labels.tolist())
    assert np.isfinite(model.threshold)
    assert set(data_file_hashes()) >= {
        "data/attribution_tagger.npz",
        "data/attribution_tagger.json",
        "data/cues.json",
        "data/lexicon.json",
    }


def test_tampered_weights_are_refused():
    model = default_tagger()
    weights, meta = save_tagger(model)
    parsed = json.loads(meta)
    assert load_tagger(weights, parsed).bits == model.bits
    broken = bytearray(weights)
    broken[len(broken) // 2] ^= 0xFF
    with pytest.raises(ArtifactError, match="SHA-256"):
        load_tagger(bytes(broken), parsed)
    with pytest.raises(ArtifactError, match="format version"):
        load_tagger(weights, {**parsed, "format_version": 99})
