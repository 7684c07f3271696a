"""The feature-family protocol (credscore/features/_family.py), shown with a family written
here: one module's worth of code plus one registration line is all a new family needs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from credscore import CredibilityModel, load_model, save_model
from credscore.features import (
    DEFAULT_FAMILIES,
    FAMILY_CLASSES,
    Column,
    FamilyOutput,
    FeatureExtractor,
    FeatureFamily,
    Slice,
    register_family,
)
from credscore.report._slices import builtin_slices, slice_labels


def _shouting_labels(frame: pd.DataFrame) -> np.ndarray:
    return np.where(frame["shout_marks"].to_numpy() > 0, "shouts", "calm").astype(object)


class ShoutingFamily(FeatureFamily):
    """Exclamation marks in the statement: declared never to raise reliability."""

    name = "shouting"
    groups = ("shouting",)
    slices = (
        Slice("shouting", "whether the statement shouts", ("shout_marks",), _shouting_labels),
    )

    def __init__(self) -> None:
        pass

    def _columns(self):
        return [Column("shout_marks", "shouting", monotone=-1)]

    def _transform(self, tables, rows, details):
        text = tables.statements["text"].iloc[rows].reset_index(drop=True)
        return FamilyOutput(pd.DataFrame({"shout_marks": text.str.count("!").astype(float)}))

    def describe(self, group, output, rows):
        marks = output.frame["shout_marks"].to_numpy()[rows]
        return [f"shouts with {int(m)} exclamation mark(s)" for m in marks]


@pytest.fixture
def shouting():
    register_family(ShoutingFamily)
    yield ShoutingFamily
    del FAMILY_CLASSES["shouting"]


@pytest.fixture
def loud_tables(sim_tables):
    """The simulated corpus where unreliable statements shout more."""
    tables, _ = sim_tables
    st = tables.statements.copy()
    rng = np.random.default_rng(0)
    loud = (st["label"].to_numpy() == 0) & (rng.random(len(st)) < 0.6)
    st.loc[loud, "text"] = st.loc[loud, "text"] + "!!!"
    return type(tables)(statements=st, sources=tables.sources, events=tables.events)


def test_a_new_family_flows_through_every_stage(shouting, loud_tables, tmp_path):
    """Columns, monotone constraint, reasons, report slice and artifacts all follow the
    declaration, with no other code changed."""
    fams = (*DEFAULT_FAMILIES, "shouting")
    model = CredibilityModel(families=fams, base_learners=("logistic",), cv=3).fit(loud_tables)
    assert model.feature_names_[-1] == "shout_marks"  # after the families registered before
    assert model.extractor_.monotone_constraints()["shout_marks"] == -1
    coef = model.classifier_.members_[0][0].clf_.coef_[0]
    assert coef[model.classifier_.members_[0][0].numeric_.index("shout_marks")] < 0
    loud_row = loud_tables.statements.index[loud_tables.statements["text"].str.endswith("!!!")][0]
    sample = loud_tables.statements.iloc[[loud_row]]
    table = model.explain(sample, history=loud_tables)
    words = table.set_index("group").loc["shouting", "description"]
    assert words == "shouts with 3 exclamation mark(s)"
    assert "shouting" in builtin_slices()
    feats = model.features(sample, history=loud_tables)
    assert slice_labels("shouting", feats, sample).tolist() == ["shouts"]
    save_model(model, tmp_path / "m")
    again = load_model(tmp_path / "m")
    pd.testing.assert_frame_equal(
        again.score(sample, history=loud_tables), model.score(sample, history=loud_tables)
    )


class _Broken(ShoutingFamily):
    name = "broken"

    def _transform(self, tables, rows, details):
        return FamilyOutput(pd.DataFrame({"something_else": np.zeros(len(rows))}))


def test_a_family_that_breaks_its_declaration_fails_loudly(small_tables):
    register_family(_Broken)
    try:
        ext = FeatureExtractor(families=("broken",))
        with pytest.raises(RuntimeError, match="'broken' returned columns"):
            ext.fit_transform(small_tables)
    finally:
        del FAMILY_CLASSES["broken"]


class _Twin(ShoutingFamily):
    name = "twin"


def test_two_families_cannot_declare_one_column(shouting, small_tables):
    register_family(_Twin)
    try:
        with pytest.raises(ValueError, match="both declare the column 'shout_marks'"):
            FeatureExtractor(families=("shouting", "twin")).fit(small_tables)
    finally:
        del FAMILY_CLASSES["twin"]


def test_unfitted_family_says_so(small_tables):
    from credscore.exceptions import NotFittedError
    from credscore.schema import validate_tables

    with pytest.raises(NotFittedError, match="'shouting' feature family is not fitted"):
        ShoutingFamily().transform(validate_tables(small_tables), np.arange(2))
