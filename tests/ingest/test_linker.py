"""Tests of credscore/ingest/_linker.py and _linklearn.py: candidates, choice, the data file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from credscore.exceptions import ArtifactError
from credscore.ingest import extract
from credscore.ingest._linker import (
    FEATURES,
    STATEMENT_CLASSES,
    SpeakerLinker,
    default_linker,
    load_linker,
)
from credscore.ingest._linklearn import RecordingLinker, fit_linker

_ARTICLE = (
    "The budget fight went on in the capital on Tuesday.\n"
    "Governor Anna Reed said on Tuesday that Mayor Tom Baker had failed the city and its "
    "schools for years."
)


def _speaker(tables) -> list[str]:
    src = tables.sources.set_index("source_id")["name"]
    return [src[s] for s in tables.statements["source_id"]]


def test_bundled_linker_loads_and_its_hash_is_checked():
    lk = default_linker()
    assert lk is not None and lk.coef.shape == (len(FEATURES),)
    meta = json.loads(lk.to_json())
    assert load_linker(meta).intercept == pytest.approx(lk.intercept)
    tampered = {**meta, "coef": [c + (1.0 if k == 0 else 0.0) for k, c in enumerate(meta["coef"])]}
    with pytest.raises(ArtifactError, match="SHA-256"):
        load_linker(tampered)
    with pytest.raises(ArtifactError, match="feature list"):
        load_linker({**meta, "features": meta["features"][:-1]})


def test_candidates_include_the_cue_subject_and_the_name_in_the_content():
    rec = RecordingLinker()
    extract(_ARTICLE, kinds="all", linker=rec)
    names = {c.source.name for r in rec.records for c in r.candidates}
    assert {"Anna Reed", "Tom Baker"} <= names
    assert all(r.x.shape == (len(r.candidates), len(FEATURES)) for r in rec.records)
    assert all("default" in r.candidates[0].origins for r in rec.records)


def test_bundled_linker_picks_the_cue_subject_over_a_name_in_the_content():
    assert _speaker(extract(_ARTICLE)) == ["Anna Reed"]


_APART = (
    "The budget fight went on in the capital on Tuesday.\n"
    "Governor Anna Reed, speaking on Tuesday, said that Mayor Tom Baker had failed the city "
    "and its schools for years."
)


def test_a_linker_that_prefers_names_inside_the_content_follows_its_weights():
    """The choice is the arg-max of the weights: one that rewards a person named only inside
    the content credits the quote to that person (so the bundled choice is learned, not
    fixed) when the subject does not touch the cue."""
    coef = np.zeros(len(FEATURES))
    for k in STATEMENT_CLASSES:
        coef[FEATURES.index(f"{k}:in_content_x_person")] = 10.0
    assert _speaker(extract(_APART)) == ["Anna Reed"]
    assert _speaker(extract(_APART, linker=SpeakerLinker(coef, 0.0))) == ["Tom Baker"]


def _window_lover() -> SpeakerLinker:
    """Weights that prefer any person named near the statement over the extractor's reading."""
    coef = np.zeros(len(FEATURES))
    for k in STATEMENT_CLASSES:
        coef[FEATURES.index(f"{k}:in_content_x_person")] = 10.0
        coef[FEATURES.index(f"{k}:origin_window")] = 10.0
        coef[FEATURES.index(f"{k}:origin_default")] = -10.0
    return SpeakerLinker(coef, 0.0)


def test_a_subject_that_touches_its_cue_is_kept_whatever_the_weights():
    """ "Governor Anna Reed said", "the city council said", "said Anna Reed": the cue's
    subject is the speaker; weights that prefer another name nearby do not move it (they do
    when the subject is apart from the cue, above)."""
    assert _speaker(extract(_ARTICLE, linker=_window_lover())) == ["Anna Reed"]
    text = (
        "Mayor Lena Holt visited the bridge on Monday.\n"
        "The city council said in a statement that Lena Holt had ignored the engineers."
    )
    assert _speaker(extract(text, linker=_window_lover())) == ["city council"]
    text = '"The schools failed for years," said Anna Reed, with Tom Baker beside her.'
    assert _speaker(extract(text, linker=_window_lover())) == ["Anna Reed"]


def test_the_person_who_opens_an_apposition_is_the_speaker_not_a_body_inside_it():
    """ "Anna Berg of Nordbank, Sweden's oldest savings bank, warned": the reading took the
    bank from the apposition; the speaker is the person whose name opens it. A person who is
    the object of a verb ("quoted Wassim Bouhlel, a shopkeeper, as saying") is not."""
    text = (
        "Anna Berg of Nordbank, Sweden's oldest savings bank, warned that rates could rise "
        "again next year."
    )
    assert _speaker(extract(text)) == ["Anna Berg"]
    text = (
        "The Associated Press quoted Wassim Bouhlel, a local shopkeeper, as saying that the "
        "driver fired a gun."
    )
    assert _speaker(extract(text)) == ["The Associated Press"]


def test_linker_argument_is_checked():
    with pytest.raises(ValueError, match="linker="):
        extract(_ARTICLE, linker="best")
    assert _speaker(extract(_ARTICLE, linker="none")) == ["Anna Reed"]


def test_fit_linker_learns_which_candidate_is_right():
    """With the right candidate always the one that is the cue's subject, the fitted linker
    ranks it first on a group it has not seen."""
    rng = np.random.default_rng(0)
    col = FEATURES.index("direct:origin_subject")
    groups = []
    for _ in range(40):
        x = rng.random((3, len(FEATURES))) * 0.1
        right = int(rng.integers(3))
        x[right, col] = 1.0
        groups.append((x, [k == right for k in range(3)]))
    lk = fit_linker(groups)
    x = rng.random((4, len(FEATURES))) * 0.1
    x[2, col] = 1.0
    assert int(np.argmax(lk.scores(x))) == 2


def test_conditional_logit_gradient_matches_finite_differences():
    from credscore.ingest._linklearn import _neg_log_likelihood

    rng = np.random.default_rng(1)
    x = rng.normal(size=(9, 4))
    right = np.array([1, 0, 0, 0, 1, 1, 0, 0, 1], dtype=float)
    group = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    w = rng.normal(size=4)
    loss, grad = _neg_log_likelihood(w, x, right, group, 3, 0.5)
    eps = 1e-6
    num = [
        (
            _neg_log_likelihood(w + eps * e, x, right, group, 3, 0.5)[0]
            - _neg_log_likelihood(w - eps * e, x, right, group, 3, 0.5)[0]
        )
        / (2 * eps)
        for e in np.eye(4)
    ]
    assert np.allclose(grad, num, atol=1e-5)
    assert loss > 0


def test_fit_linker_ranks_within_statements_not_across_them():
    """The right candidate has the larger value of feature 0 within its statement, but the
    level of feature 0 differs between statements, and feature 1 is high on every candidate
    of the statements that have a right candidate at all: a per-statement ranking fit puts
    weight on feature 0 only, and picks the right one everywhere."""
    rng = np.random.default_rng(2)
    groups = []
    for _ in range(60):
        level = rng.uniform(-3, 3)
        x = np.zeros((3, len(FEATURES)))
        x[:, 0] = level + rng.normal(0, 0.05, 3)
        right = int(rng.integers(3))
        x[right, 0] += 1.0
        x[:, 1] = 1.0
        groups.append((x, [k == right for k in range(3)]))
    lk = fit_linker(groups)
    assert lk.coef[0] > 0 and abs(lk.coef[1]) < 1e-6 and lk.intercept == 0.0
    assert lk.meta["objective"] == "conditional_logit"
    assert all(int(np.argmax(lk.scores(x))) == y.index(True) for x, y in groups)
    with pytest.raises(ValueError, match="inverse L2"):
        fit_linker(groups, c=0.0)


def test_a_file_of_an_older_format_is_refused():
    meta = json.loads(default_linker().to_json())
    with pytest.raises(ArtifactError, match="format version"):
        load_linker({**meta, "format_version": 1})


def test_a_she_statement_never_goes_to_a_man_while_a_woman_is_a_candidate():
    """Weights that reward the nearest mention whatever its gender still cannot give "she
    said" to Tom Baker: a candidate whose given name contradicts the pronoun is excluded."""
    text = (
        "Governor Anna Reed met Mayor Tom Baker on Tuesday.\n"
        "Tom Baker spoke first. The schools would close, she said."
    )
    coef = np.zeros(len(FEATURES))
    for k in STATEMENT_CLASSES:
        coef[FEATURES.index(f"{k}:pron_disagree")] = 50.0
    got = _speaker(extract(text, kinds="all", linker=SpeakerLinker(coef, 0.0)))
    assert "Anna Reed" in got and "Tom Baker" not in got


def test_groups_places_and_laws_are_no_candidate_speakers():
    text = (
        "The Affordable Care Act came up again in South Florida on Tuesday.\n"
        "Wisconsin Republican leaders met. Mayor Tom Baker said the plan would fail."
    )
    rec = RecordingLinker()
    extract(text, kinds="all", linker=rec)
    names = {c.source.name for r in rec.records for c in r.candidates}
    assert "Tom Baker" in names
    assert not names & {"Affordable Care Act", "South Florida", "Wisconsin Republican"}
