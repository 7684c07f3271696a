"""Tests of credscore/ingest/_linkfeatures.py: the speaker linker's candidate features."""

from __future__ import annotations

import numpy as np

from credscore.ingest import extract
from credscore.ingest._linkfeatures import CANDIDATE_FEATURES, STATEMENT_CLASSES
from credscore.ingest._linklearn import RecordingLinker

_THREE = (
    "The budget fight went on in the capital on Tuesday.\n"
    "Governor Anna Reed said on Tuesday that the city had failed its schools.\n"
    "Mayor Tom Baker said the schools were fine.\n"
    "She said that the mayor was wrong about the schools."
)


def _col(name: str) -> int:
    """Column of a candidate feature in the records' matrices (every block: a statement
    fills only its own class's block, the others are 0)."""
    return CANDIDATE_FEATURES.index(name)


def _block(r) -> np.ndarray:
    """The filled block of a record's feature matrix."""
    n = len(CANDIDATE_FEATURES)
    nonzero = [k for k in range(len(STATEMENT_CLASSES)) if r.x[:, k * n : (k + 1) * n].any()]
    assert len(nonzero) == 1
    return r.x[:, nonzero[0] * n : (nonzero[0] + 1) * n]


def test_relative_features_mark_the_mention_that_touches_the_cue():
    """Of "Tom Baker" (the subject of "said") and "Anna Reed" (named a sentence earlier),
    only Baker's mention is next to the cue and the nearest person before it."""
    rec = RecordingLinker()
    extract(_THREE, kinds="all", linker=rec)
    r = next(r for r in rec.records if {c.source.name for c in r.candidates} >= {"Tom Baker"})
    names = [c.source.name for c in r.candidates]
    baker, reed = names.index("Tom Baker"), names.index("Anna Reed")
    x = _block(r)
    for f in ("adjacent_before_cue", "rel_nearest_before", "rel_nearest_person_before"):
        assert x[baker, _col(f)] == 1.0 and x[reed, _col(f)] == 0.0, f
    assert x[baker, _col("rel_log_distance_gap")] == 0.0 < x[reed, _col("rel_log_distance_gap")]


def test_she_marks_the_last_female_speaker_not_the_last_speaker():
    """For "She said", the last speaker is Tom Baker (he) but the first compatible one going
    back is Anna Reed: only she gets the pronoun features."""
    rec = RecordingLinker()
    extract(_THREE, kinds="all", linker=rec)
    r = rec.records[-1]
    by_name = {c.source.name: k for k, c in enumerate(r.candidates)}
    assert r.candidates[by_name["Tom Baker"]].prev_rank == 1
    n = len(CANDIDATE_FEATURES)
    assert r.x[:, n:].sum() == 0  # the he/she block is the first
    for f in ("pron_last_compatible_speaker", "pron_first_compatible"):
        assert r.x[:, _col(f)].tolist() == [
            float(k == by_name["Anna Reed"]) for k in range(len(r.candidates))
        ], f


def test_a_possessive_or_prepositional_mention_is_marked():
    """In "Reed's lawyer, Tom Baker, denied ..." Reed is named as a possessive and in
    "... in a letter to Reed" as the object of a preposition; Baker is named plainly."""
    art = (
        "Governor Anna Reed faced questions about the contract on Tuesday.\n"
        "Reed's lawyer, Tom Baker, denied that his client had signed any invoice.\n"
        "Tom Baker said in a letter to Reed that the invoices were forged."
    )
    rec = RecordingLinker()
    extract(art, kinds="all", linker=rec)
    seen = set()
    for r in rec.records:
        x = _block(r)
        names = [c.source.name for c in r.candidates]
        if "Anna Reed" not in names or "Tom Baker" not in names:
            continue
        reed, baker = names.index("Anna Reed"), names.index("Tom Baker")
        assert x[baker, _col("plain_mention")] == 1.0
        assert x[baker, _col("possessive")] == x[baker, _col("after_preposition")] == 0.0
        if r.spans[0][0] < art.index("Tom Baker said"):
            assert x[reed, _col("possessive")] == 1.0
            seen.add("possessive")
        else:
            assert x[reed, _col("after_preposition")] == 1.0
            seen.add("preposition")
    assert seen == {"possessive", "preposition"}
