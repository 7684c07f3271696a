"""The optional sentence-level component of the learned qualifier model file.

These tests write files from the bundled word model, without a sentence component or with one
whose weights are chosen so that the expected ``q_uncertainty`` can be written down, and check
the combination ``expit((1 - w) logit(q) + w z)`` from outside, through ``scan_qualifiers``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from credscore.exceptions import LexiconError
from credscore.features._qualifiers_model import load_model_file, save_model_file
from credscore.features._qualifiers_tokens import FEATURE_KINDS
from credscore.features.qualifiers import load_lexicon, scan_qualifiers

# Texts without any lexicon cue (the sentence count is then words x kinds), and one empty.
PLAIN = ["The cat sat on the mat.", "Trains leave the station at noon on Mondays.", ""]


def _write(
    path, *, weight=0.5, value=0.0, bias=0.0, lexicon_value=0.0, drop=(), sentence=True, fb=True
):
    shipped = load_model_file()
    meta = {k: v for k, v in shipped.meta.items() if k not in ("sentence_weight", "sentence")}
    if not fb:
        meta.pop("fallback_threshold", None)
    cats = meta["lexicon_categories"]
    table = shipped.weights.astype(np.float32)
    lexicon = np.array([shipped.lexicon_weights[c] for c in cats])
    parts = None
    if sentence:
        meta["sentence_weight"] = weight
        parts = (np.full(table.shape, value, np.float32), np.full(len(cats), lexicon_value), bias)
    save_model_file(path, meta, table, lexicon, shipped.bias, sentence=parts)
    if drop:  # rewrite the archive without some arrays (a malformed file)
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files if k not in drop}
        np.savez_compressed(path, **arrays)
    return path


def _q(path, texts=PLAIN):
    feats, _ = scan_qualifiers(texts, load_lexicon(learned=path))
    return feats["q_uncertainty"].to_numpy()


def _words(text: str) -> int:
    return len(text.replace(".", " ").split())


def _q0(tmp_path, texts=PLAIN):
    """The word model's own probabilities (a file without a sentence component)."""
    path = _write(tmp_path / "words_only.npz", sentence=False)
    assert load_model_file(path).sentence is None
    return _q(path, texts)


def test_the_plain_texts_have_no_lexicon_cue(tmp_path):
    _, spans = scan_qualifiers(PLAIN, load_lexicon(learned=False), spans=True)
    assert spans is not None and len(spans) == 0
    q0 = _q0(tmp_path)
    assert 0.0 < q0[0] < 1.0 and q0[2] == 0.0


def test_the_bundled_file_has_a_sentence_component():
    m = load_model_file()
    assert m.sentence is not None and 0.0 < m.sentence.weight <= 1.0
    assert m.meta["sentence_weight"] == m.sentence.weight


def test_weight_zero_gives_the_word_models_probabilities(tmp_path):
    q0 = _q0(tmp_path)
    q = _q(_write(tmp_path / "w0.npz", weight=0.0, value=3.0, bias=5.0))
    assert np.array_equal(q, q0)


def test_a_constant_sentence_model_shifts_the_log_odds_by_its_bias(tmp_path):
    """Zero weights and bias b: z = b for every text with words, so the text's log-odds is
    (1 - w) logit(q0) + w b exactly; the empty text stays at 0."""
    q0 = _q0(tmp_path)
    w, b = 0.35, -1.25
    q = _q(_write(tmp_path / "b.npz", weight=w, bias=b))
    logit0 = np.log(q0[:2] / (1 - q0[:2]))
    expected = 1 / (1 + np.exp(-((1 - w) * logit0 + w * b)))
    np.testing.assert_allclose(q[:2], expected, rtol=1e-12)
    assert q[2] == 0.0


def test_the_sentence_sum_is_divided_by_the_root_of_its_feature_count(tmp_path):
    """Every hashed weight c (a value float16 holds exactly): z = c * n_features / sqrt(
    n_features) = c * sqrt(words x kinds) for texts without lexicon cues."""
    q0 = _q0(tmp_path)
    w, c = 0.5, 0.125
    q = _q(_write(tmp_path / "c.npz", weight=w, value=c))
    n = np.array([_words(t) * len(FEATURE_KINDS) for t in PLAIN[:2]], dtype=float)
    logit0 = np.log(q0[:2] / (1 - q0[:2]))
    expected = 1 / (1 + np.exp(-((1 - w) * logit0 + w * c * np.sqrt(n))))
    np.testing.assert_allclose(q[:2], expected, rtol=1e-9)


def test_lexicon_cues_count_as_sentence_features(tmp_path):
    """A lexicon cue adds its category's sentence weight and one to the count."""
    text = ["It may rain."]
    base = _q(_write(tmp_path / "l0.npz", weight=1.0, lexicon_value=0.0), text)
    more = _q(_write(tmp_path / "l1.npz", weight=1.0, lexicon_value=2.0), text)
    assert base[0] == pytest.approx(0.5)  # weight 1: expit(0) with zero sentence weights
    assert more[0] > 0.6


def test_the_sentence_model_leaves_the_word_spans_alone(tmp_path):
    """Without the fallback (whose spans follow q by design), the learned spans are the word
    model's whatever the sentence component says."""
    texts = ["Critics suggest the figures were inflated.", "The vote is on Tuesday."]
    words_only = _write(tmp_path / "a.npz", sentence=False, fb=False)
    with_sentence = _write(tmp_path / "b.npz", weight=0.9, bias=4.0, fb=False)
    _, a = scan_qualifiers(texts, load_lexicon(learned=words_only), spans=True)
    _, b = scan_qualifiers(texts, load_lexicon(learned=with_sentence), spans=True)
    assert a is not None and b is not None
    cols = ["row", "start", "end", "category"]
    assert a[cols].equals(b[cols])


def test_sentence_arrays_round_trip(tmp_path):
    m = load_model_file(_write(tmp_path / "r.npz", weight=0.25, value=0.5, bias=0.75))
    assert m.sentence is not None
    assert m.sentence.weight == 0.25 and m.sentence.bias == 0.75
    assert float(m.sentence.weights.max()) == 0.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"drop": ("sentence_bias",)}, "optionally with all of"),
        ({"drop": ("sentence_index", "sentence_value")}, "optionally with all of"),
        ({"weight": 1.5}, "sentence_weight"),
        ({"weight": True}, "sentence_weight"),
        ({"value": float("nan")}, "finite"),
        ({"bias": float("inf")}, "finite"),
    ],
)
def test_a_malformed_sentence_component_names_the_problem(tmp_path, kwargs, message):
    path = _write(tmp_path / "bad.npz", **kwargs)
    with pytest.raises(LexiconError, match=message) as err:
        load_model_file(path)
    assert "bad.npz" in str(err.value)


def test_sentence_arrays_need_a_sentence_weight(tmp_path):
    path = _write(tmp_path / "nw.npz")
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(str(arrays["meta"]))
    del meta["sentence_weight"]
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez_compressed(path, **arrays)
    with pytest.raises(LexiconError, match="sentence_weight"):
        load_model_file(path)
