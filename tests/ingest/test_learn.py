"""Tests of credscore/ingest/_learn.py: gold labels, cue words, training on a toy corpus."""

from __future__ import annotations

import numpy as np

from credscore.ingest._learn import gold_labels, learn_cue_words, train_tagger
from credscore.ingest._link import link
from credscore.ingest._tagdoc import tag_doc

_NAMES = ["Ann Lee", "Tom Reed", "Mia Holm", "Raj Patel", "Eva Berg", "Jon Kerr"]
_CLAIMS = ["prices will fall", "the bridge is open", "the plant will close", "taxes will rise"]


def _corpus():
    docs, labels = [], []
    for k in range(24):
        who, claim = _NAMES[k % 6], _CLAIMS[k % 4]
        filler = "The weather was mild on the day of the vote."
        text = f"{filler} {who} said {claim}."
        a = text.index(who)
        c = text.index(" said") + 1
        x = text.index(claim)
        att = {"source": [(a, a + len(who))], "cue": [(c, c + 4)], "content": [(x, x + len(claim))]}
        d = tag_doc(text)
        docs.append(d)
        labels.append(gold_labels(d, [att]))
    return docs, labels


def test_gold_labels_are_bio():
    docs, labels = _corpus()
    y = labels[0]
    words = docs[0].words
    assert [w for w, lab in zip(words, y, strict=True) if lab in (1, 2)] == ["Ann", "Lee"]
    assert [w for w, lab in zip(words, y, strict=True) if lab in (3, 4)] == ["said"]
    assert y.tolist().count(5) == 1


def test_cue_words_are_learned():
    docs, labels = _corpus()
    assert learn_cue_words(docs, labels)["said"] == 3


def test_training_learns_a_toy_pattern():
    docs, labels = _corpus()
    rules = [np.zeros(d.n, dtype=np.int64) for d in docs]
    model = train_tagger(docs[:18], labels[:18], rules[:18], bits=14, epochs=20, batch=4)
    test = tag_doc("The weather was mild on the day of the vote. Eva Berg said taxes will rise.")
    labels_out, _ = model.tag(test, np.zeros(test.n, dtype=np.int64))
    (att,) = link(test, labels_out)
    assert [test.words[i] for a, b in att.content for i in range(a, b)] == "taxes will rise".split()
    assert model.meta["margin_scale"] > 0
