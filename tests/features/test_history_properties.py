"""Property tests of the point-in-time history features (hypothesis).

Each invariant is stated in words in its test's docstring. ``reference_history`` below is
the specification written as a plain per-statement loop; the vectorised implementation must
agree with it exactly on counts and rates (and to float tolerance on decayed values and
day counts) on random tables full of ties.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credscore._tables import EVENT_KINDS, RETRACTION_KINDS
from credscore.features.history import HISTORY_COLUMNS, history_features

T0 = pd.Timestamp("2020-01-01", tz="UTC")
DAY = pd.Timedelta(days=1)
PARAMS = {"retraction_prior": 0.2, "false_prior": 0.4, "prior_strength": 3.0, "half_life_days": 2.5}
EXACT = [
    "hist_n_prior",
    "hist_n_retracted",
    "hist_n_confirmed",
    "hist_retraction_rate",
    "hist_n_verdicts",
    "hist_false_rate",
    "hist_has_retraction",
    "hist_n_false",
    "hist_n_known",
    "hist_n_failed",
    "hist_failed_rate",
]
APPROX = ["hist_days_since_retraction", "hist_retracted_decayed", "hist_false_decayed"]


def reference_history(
    statements: pd.DataFrame,
    events: pd.DataFrame,
    *,
    retraction_prior: float,
    false_prior: float,
    prior_strength: float,
    half_life_days: float,
) -> pd.DataFrame:
    """The definitions of the module docstring, one statement at a time (O(n²), no tricks)."""
    a, h = prior_strength, half_life_days
    has_label = "label" in statements.columns
    has_label_at = "label_at" in statements.columns
    recs = list(statements.itertuples(index=False))
    evs = list(events.itertuples(index=False)) if len(events) else []
    rows = []
    for s in recs:
        t = s.made_at
        earlier = [p for p in recs if p.source_id == s.source_id and p.made_at < t]
        n_ret = n_conf = n_verd = n_false = n_known = n_failed = 0
        latest = None
        ret_dec = wsum = fsum = 0.0
        for p in earlier:
            mine = [e for e in evs if e.statement_id == p.statement_id and e.at < t]
            r_times = [e.at for e in mine if e.kind in RETRACTION_KINDS]
            if r_times:
                n_ret += 1
                last = max(r_times)
                ret_dec += 2.0 ** (-((t - last) / DAY) / h)
                latest = last if latest is None or last > latest else latest
            if any(e.kind == "confirmation" for e in mine):
                n_conf += 1
            y = p.label if has_label else math.nan
            verdict_seen = False
            if not math.isnan(y):
                la = p.label_at if has_label_at else pd.NaT
                vt = p.made_at if pd.isna(la) else la
                if vt < t:
                    verdict_seen = True
                    n_verd += 1
                    n_false += y == 0.0
                    w = 2.0 ** (-((t - vt) / DAY) / h)
                    wsum += w
                    fsum += w * (1.0 - y)
            # outcome: the verdict once visible, else failed if walked back, else unknown
            if verdict_seen:
                n_known += 1
                n_failed += y == 0.0
            elif r_times:
                n_known += 1
                n_failed += 1
        n_prior = len(earlier)
        rows.append(
            {
                "hist_n_prior": float(n_prior),
                "hist_n_retracted": float(n_ret),
                "hist_n_confirmed": float(n_conf),
                "hist_retraction_rate": (n_ret + a * retraction_prior) / (n_prior + a),
                "hist_n_verdicts": float(n_verd),
                "hist_false_rate": (n_false + a * false_prior) / (n_verd + a),
                "hist_days_since_retraction": math.nan if latest is None else (t - latest) / DAY,
                "hist_has_retraction": float(latest is not None),
                "hist_retracted_decayed": ret_dec,
                "hist_false_decayed": (fsum + a * false_prior) / (wsum + a),
                "hist_n_false": float(n_false),
                "hist_n_known": float(n_known),
                "hist_n_failed": float(n_failed),
                "hist_failed_rate": (n_failed + a * false_prior) / (n_known + a),
            }
        )
    return pd.DataFrame(rows, index=statements.index, columns=list(HISTORY_COLUMNS), dtype=float)


# ---------------------------------------------------------------- random tables
@st.composite
def tables(draw, max_statements: int = 12, max_events: int = 14):
    """Small tables on a coarse clock (whole days, 0..8) so that ties are everywhere."""
    n = draw(st.integers(0, max_statements))
    n_src = draw(st.integers(1, 3))
    src = draw(st.lists(st.integers(0, n_src - 1), min_size=n, max_size=n))
    made = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    label = draw(st.lists(st.sampled_from([0.0, 1.0, math.nan]), min_size=n, max_size=n))
    lag = draw(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=n, max_size=n))
    statements = pd.DataFrame(
        {
            "statement_id": [f"s{i}" for i in range(n)],
            "source_id": [f"src{k}" for k in src],
            "made_at": pd.DatetimeIndex([T0 + d * DAY for d in made], dtype="datetime64[ns, UTC]"),
            "label": np.array(label, dtype=float),
            "label_at": pd.DatetimeIndex(
                [
                    pd.NaT if g is None else T0 + (d + g) * DAY
                    for d, g in zip(made, lag, strict=True)
                ],
                dtype="datetime64[ns, UTC]",
            ),
        },
        index=pd.Index([f"row{7 * i % 101}" for i in range(n)]),  # not a RangeIndex
    )
    m = draw(st.integers(0, max_events)) if n else 0
    ev = draw(
        st.lists(
            st.tuples(
                st.integers(0, max(n - 1, 0)), st.sampled_from(EVENT_KINDS), st.integers(0, 4)
            ),
            min_size=m,
            max_size=m,
        )
    )
    events = _events([(f"s{i}", kind, made[i] + lag_) for i, kind, lag_ in ev])
    return statements, events


def _events(rows, start: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": [f"e{start + k}" for k in range(len(rows))],
            "statement_id": pd.Series([r[0] for r in rows], dtype=object),
            "kind": pd.Series([r[1] for r in rows], dtype=object),
            "at": pd.Series([T0 + r[2] * DAY for r in rows], dtype="datetime64[ns, UTC]"),
        }
    )


def _assert_agree(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got[EXACT], want[EXACT], check_exact=True)
    pd.testing.assert_frame_equal(
        got[APPROX], want[APPROX], check_exact=False, rtol=1e-9, atol=1e-12
    )


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- invariants
@FAST
@given(tables())
def test_agrees_with_reference_loop(tab):
    """The vectorised features equal the per-statement reference loop on any table:
    exactly for counts and shrunk rates, to 1e-9 relative for decayed values and days."""
    statements, events = tab
    got = history_features(statements, events, **PARAMS)
    assert list(got.columns) == list(HISTORY_COLUMNS)
    assert got.index.equals(statements.index)
    assert (got.dtypes == np.float64).all()
    _assert_agree(got, reference_history(statements, events, **PARAMS))


@FAST
@given(tables(), st.data())
def test_appending_the_future_changes_nothing_before(tab, data):
    """Appending any statements or events dated after a cut-off ``c`` never changes the
    features of the statements made at or before ``c`` (bit for bit)."""
    statements, events = tab
    cut = data.draw(st.integers(0, 9), label="cutoff day")
    k = data.draw(st.integers(1, 6), label="new statements")
    new_made = data.draw(st.lists(st.integers(cut + 1, cut + 5), min_size=k, max_size=k))
    new_src = data.draw(st.lists(st.sampled_from(["src0", "src1", "new"]), min_size=k, max_size=k))
    new_label = data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=k, max_size=k))
    extra = pd.DataFrame(
        {
            "statement_id": [f"n{i}" for i in range(k)],
            "source_id": new_src,
            "made_at": pd.DatetimeIndex(
                [T0 + d * DAY for d in new_made], dtype="datetime64[ns, UTC]"
            ),
            "label": new_label,
            "label_at": pd.DatetimeIndex([pd.NaT] * k, dtype="datetime64[ns, UTC]"),
        },
        index=pd.Index([f"new{i}" for i in range(k)]),
    )
    all_st = pd.concat([statements, extra])
    made_day = {
        sid: int((m - T0) / DAY) for sid, m in zip(all_st.statement_id, all_st.made_at, strict=True)
    }
    targets = data.draw(
        st.lists(st.sampled_from(sorted(made_day)), max_size=6), label="event targets"
    )
    new_ev = [
        (
            sid,
            data.draw(st.sampled_from(EVENT_KINDS)),
            max(made_day[sid], cut + 1) + data.draw(st.integers(0, 3)),
        )
        for sid in targets
    ]
    all_ev = pd.concat([events, _events(new_ev, start=1000)], ignore_index=True)
    before = history_features(statements, events, **PARAMS)
    after = history_features(all_st, all_ev, **PARAMS)
    old = statements.made_at <= T0 + cut * DAY
    pd.testing.assert_frame_equal(
        after.loc[statements.index[old]], before[old], check_exact=True, check_index_type=False
    )


@FAST
@given(tables(), st.data())
def test_own_label_never_enters_own_features(tab, data):
    """Changing a statement's own label (and its verdict time) never changes its own features."""
    statements, events = tab
    if len(statements) == 0:
        return
    i = data.draw(st.integers(0, len(statements) - 1))
    changed = statements.copy()
    changed.iloc[i, changed.columns.get_loc("label")] = data.draw(
        st.sampled_from([0.0, 1.0, math.nan])
    )
    lag = data.draw(st.integers(0, 3))
    changed.iloc[i, changed.columns.get_loc("label_at")] = changed.made_at.iloc[i] + lag * DAY
    a = history_features(statements, events, **PARAMS).iloc[i]
    b = history_features(changed, events, **PARAMS).iloc[i]
    pd.testing.assert_series_equal(a, b, check_exact=True)


@FAST
@given(tables(), st.randoms(use_true_random=False))
def test_shuffling_rows_only_reorders(tab, rnd):
    """Shuffling the rows of both tables changes nothing but the order: the output follows
    the input order and every value is identical, bit for bit."""
    statements, events = tab
    perm_s = list(range(len(statements)))
    perm_e = list(range(len(events)))
    rnd.shuffle(perm_s)
    rnd.shuffle(perm_e)
    shuffled = history_features(statements.iloc[perm_s], events.iloc[perm_e], **PARAMS)
    base = history_features(statements, events, **PARAMS)
    assert shuffled.index.equals(statements.index[perm_s])
    pd.testing.assert_frame_equal(shuffled, base.iloc[perm_s], check_exact=True)


@FAST
@given(tables(), st.data())
def test_a_new_retraction_never_lowers_the_record(tab, data):
    """Adding a retraction-type event at time τ never lowers ``hist_n_retracted``,
    ``hist_retraction_rate`` or ``hist_retracted_decayed`` of statements made after τ,
    and changes nothing for statements made at or before τ."""
    statements, events = tab
    if len(statements) == 0:
        return
    j = data.draw(st.integers(0, len(statements) - 1))
    kind = data.draw(st.sampled_from(RETRACTION_KINDS))
    day = int((statements.made_at.iloc[j] - T0) / DAY) + data.draw(st.integers(0, 4))
    more = pd.concat(
        [events, _events([(statements.statement_id.iloc[j], kind, day)], start=500)],
        ignore_index=True,
    )
    before = history_features(statements, events, **PARAMS)
    after = history_features(statements, more, **PARAMS)
    later = (statements.made_at > T0 + day * DAY).to_numpy()
    for col in ("hist_n_retracted", "hist_retraction_rate"):
        assert (after[col][later] >= before[col][later]).all(), col
    assert (
        after.hist_retracted_decayed[later] >= before.hist_retracted_decayed[later] - 1e-12
    ).all()
    pd.testing.assert_frame_equal(after[~later], before[~later], check_exact=True)


@settings(max_examples=25, deadline=None)
@given(tables(max_statements=25, max_events=30), st.floats(0.01, 1000.0))
def test_half_life_any_scale_matches_reference(tab, half_life):
    """For any half-life (minutes to millennia) the decayed features stay finite and agree
    with the reference loop."""
    statements, events = tab
    params = {**PARAMS, "half_life_days": half_life}
    got = history_features(statements, events, **params)
    assert np.isfinite(got.drop(columns="hist_days_since_retraction").to_numpy()).all()
    _assert_agree(got, reference_history(statements, events, **params))


@pytest.mark.parametrize("n_src", [1, 50])
def test_reference_agreement_on_a_larger_random_table(n_src):
    """A denser random table (hundreds of rows, long spans at second resolution) agrees too."""
    rng = np.random.default_rng(n_src)
    n, m = 300, 200
    made = T0 + pd.to_timedelta(rng.integers(0, 400 * 86400, n), unit="s")
    statements = pd.DataFrame(
        {
            "statement_id": [f"s{i}" for i in range(n)],
            "source_id": [f"src{k}" for k in rng.integers(0, n_src, n)],
            "made_at": pd.Series(made, dtype="datetime64[ns, UTC]"),
            "label": rng.choice([0.0, 1.0, np.nan], n),
            "label_at": pd.Series(
                made + pd.to_timedelta(rng.integers(0, 30 * 86400, n), unit="s"),
                dtype="datetime64[ns, UTC]",
            ).where(rng.random(n) < 0.5),
        }
    )
    target = rng.integers(0, n, m)
    events = pd.DataFrame(
        {
            "event_id": [f"e{k}" for k in range(m)],
            "statement_id": statements.statement_id.to_numpy()[target],
            "kind": rng.choice(np.array(EVENT_KINDS, dtype=object), m),
            "at": made[target] + pd.to_timedelta(rng.integers(0, 200 * 86400, m), unit="s"),
        }
    )
    params = {**PARAMS, "half_life_days": 30.0}
    _assert_agree(
        history_features(statements, events, **params),
        reference_history(statements, events, **params),
    )
