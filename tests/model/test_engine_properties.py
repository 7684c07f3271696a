"""Property tests of scoring with a fitted model (hypothesis).

Invariants, in words:

* every score, and both ends of its interval, lie in [0, 1], with p_low <= p <= p_high;
* one output row per input row, in the input order, whatever subset and order is scored;
* scoring is deterministic: the same input gives bit-identical output;
* point-in-time: appending statements (and their events) dated after t never changes the
  features of the statements made at or before t (bit for bit), nor their scores (beyond the
  last bits of floating-point arithmetic done in batches of another size);
* the reasons are never empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credscore import Tables, validate_tables

SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(data=st.data())
def test_rows_order_range_and_determinism(fitted_model, sim_tables, data):
    tables, _ = sim_tables
    n = len(tables.statements)
    rows = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=40, unique=True))
    subset = tables.statements.iloc[rows]
    out = fitted_model.score(subset, history=tables)
    assert out["statement_id"].tolist() == subset["statement_id"].tolist()
    p, lo, hi = (out[c].to_numpy() for c in ("p_reliable", "p_low", "p_high"))
    assert np.all((lo >= 0) & (hi <= 1) & (lo <= p + 1e-12) & (p <= hi + 1e-12))
    assert out["reasons"].str.len().gt(0).all()
    again = fitted_model.score(subset, history=tables)
    pd.testing.assert_frame_equal(out, again)


@SETTINGS
@given(q=st.floats(0.2, 0.8))
def test_appending_the_future_changes_no_earlier_score(fitted_model, sim_tables, q):
    tables, _ = sim_tables
    st_ = tables.statements
    cut = st_["made_at"].quantile(q)
    past_st = st_[st_["made_at"] <= cut]
    past_ev = tables.events[tables.events["statement_id"].isin(past_st["statement_id"])]
    past_ev = past_ev[pd.to_datetime(past_ev["at"], utc=True) <= cut]
    past = Tables(statements=past_st, sources=tables.sources, events=past_ev)
    before = fitted_model.score(past, explain=False)
    everything = fitted_model.score(tables, explain=False).set_index("statement_id")
    after = everything.loc[before["statement_id"]]
    np.testing.assert_allclose(before["p_reliable"], after["p_reliable"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(before["p_high"], after["p_high"], rtol=0, atol=1e-12)
    f_before = fitted_model.features(past)
    f_all = fitted_model.features(tables).loc[f_before.index]
    pd.testing.assert_frame_equal(f_before, f_all)


@SETTINGS
@given(data=st.data())
def test_score_one_is_the_batch_row(fitted_model, sim_tables, data):
    """Scoring one statement alone (its record as history) gives bit for bit the
    probability, interval and reasons the batch gives that statement."""
    tables, _ = sim_tables
    st_ = tables.statements
    batch = fitted_model.score(tables)
    i = data.draw(st.integers(0, len(st_) - 1))
    row = st_.iloc[i]
    src = tables.sources[tables.sources["source_id"] == row["source_id"]]
    one = fitted_model.score_one(row.to_dict(), src, history=tables)
    want = batch.iloc[i]
    assert one["statement_id"] == want["statement_id"]
    for col in ("p_reliable", "p_low", "p_high"):
        assert one[col] == want[col]
    assert one["reasons"] == want["reasons"]


@SETTINGS
@given(data=st.data())
def test_the_scored_sources_history_gives_what_the_whole_history_gives(
    fitted_model, sim_tables, data, monkeypatch
):
    """Scoring reads only the scored sources' part of ``history`` (history_for): the
    features, scores and reasons are those of the whole history, bit for bit, whether the
    scored statements are in the history too or not."""
    import credscore.model._scoring as scoring

    tables, _ = sim_tables
    st_ = tables.statements
    sources = sorted(st_["source_id"].unique())
    few = data.draw(st.lists(st.sampled_from(sources), min_size=1, max_size=3, unique=True))
    pick = st_[st_["source_id"].isin(few)]
    rows = data.draw(st.lists(st.integers(0, len(pick) - 1), min_size=1, max_size=8, unique=True))
    scored = pick.iloc[rows]
    if data.draw(st.booleans()):  # the scored statements are not in the history
        others = ~st_["statement_id"].isin(scored["statement_id"])
        keep = st_[others]["statement_id"]
        history = Tables(
            statements=st_[others],
            sources=tables.sources,
            events=tables.events[tables.events["statement_id"].isin(keep)],
        )
    else:
        history = tables
    if data.draw(st.booleans()):  # validated once, as a service would: the indexed path
        history = validate_tables(history)
    sub = fitted_model.score(scored, tables.sources, history=history)
    f_sub = fitted_model.features(scored, tables.sources, history=history)
    with monkeypatch.context() as m:
        m.setattr(scoring, "history_for", lambda scored, history: history)
        whole = fitted_model.score(scored, tables.sources, history=history)
        f_whole = fitted_model.features(scored, tables.sources, history=history)
    pd.testing.assert_frame_equal(f_sub, f_whole)
    pd.testing.assert_frame_equal(sub, whole)
