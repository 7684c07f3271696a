"""Benchmark of ``credscore.features.history.history_features``.

Generates a synthetic table (default: 1,000,000 statements by 100,000 sources, 300,000
events; seeded), times ``history_features`` end to end (input checks included, best of
``--repeat`` runs) and its parts (the one validation pass, ``check_history_inputs``; the
conversion of the validated tables to arrays, ``history_arrays``; the computation,
``compute_history``), measures its peak memory with ``tracemalloc`` in a
separate run, and compares with the reference per-statement loop of the tests on a small
table. Every time is the best wall time with the CPU time (``time.process_time``) of that
run and the 1-minute load average: on a shared machine a wall time well above its CPU time
means the process waited for a core.

Usage::

    python experiments/bench_history.py                       # full size
    python experiments/bench_history.py --statements 100000   # quicker
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from credscore import validate_tables
from credscore._tables import EVENT_KINDS
from credscore.features._history_compute import compute_history
from credscore.features.history import check_history_inputs, history_arrays, history_features

PARAMS = {
    "retraction_prior": 0.1,
    "false_prior": 0.4,
    "prior_strength": 5.0,
    "half_life_days": 365.0,
}
ROOT = Path(__file__).resolve().parents[1]


def make_tables(n: int, n_sources: int, n_events: int, seed: int = 0):
    """A seeded synthetic corpus: heavy-tailed source sizes, 10 years at second resolution,
    60% labelled (half of them with a later ``label_at``), events 0-2 years after their
    statement."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2015-01-01", tz="UTC").value
    span = 10 * 365 * 86_400
    weights = rng.pareto(1.5, n_sources) + 1.0
    src = rng.choice(n_sources, size=n, p=weights / weights.sum())
    made = t0 + rng.integers(0, span, n) * 10**9
    label = np.where(rng.random(n) < 0.6, (rng.random(n) < 0.55).astype(float), np.nan)
    lag = rng.integers(0, 90 * 86_400, n) * 10**9
    label_at = np.where(~np.isnan(label) & (rng.random(n) < 0.5), made + lag, np.iinfo("i8").min)
    statements = pd.DataFrame(
        {
            "statement_id": pd.Index(np.arange(n)).map("s{:07d}".format),
            "source_id": pd.Index(np.arange(n_sources)).map("src{:06d}".format)[src],
            "made_at": pd.to_datetime(made, utc=True),
            "label": label,
            "label_at": pd.to_datetime(label_at, utc=True),
        }
    )
    target = rng.integers(0, n, n_events)
    kinds = np.array(EVENT_KINDS, dtype=object)[
        rng.choice(len(EVENT_KINDS), n_events, p=[0.35, 0.25, 0.1, 0.1, 0.2])
    ]
    events = pd.DataFrame(
        {
            "event_id": pd.Index(np.arange(n_events)).map("e{:07d}".format),
            "statement_id": statements.statement_id.to_numpy()[target],
            "kind": kinds,
            "at": pd.to_datetime(
                made[target] + rng.integers(0, 2 * 365 * 86_400, n_events) * 10**9, utc=True
            ),
        }
    )
    return statements, events


def time_best(fn, repeat: int) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs, and the CPU time of that run."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        if wall < best:
            best, best_cpu = wall, cpu
    return best, best_cpu


def timed(label: str, fn, repeat: int) -> float:
    """Print ``label: wall, CPU (best of repeat; load)`` and return the wall time."""
    wall, cpu = time_best(fn, repeat)
    print(
        f"{label}: {wall:.3f} s wall, {cpu:.3f} s CPU "
        f"(best of {repeat}; load average {os.getloadavg()[0]:.1f})"
    )
    return wall


def load_reference():
    path = ROOT / "tests" / "features" / "test_history_properties.py"
    spec = importlib.util.spec_from_file_location("_history_reference", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.reference_history


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--statements", type=int, default=1_000_000)
    ap.add_argument("--sources", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--loop-statements", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    statements, events = make_tables(args.statements, args.sources, args.events, args.seed)
    print(
        f"table: {len(statements):,} statements, {statements.source_id.nunique():,} sources, "
        f"{len(events):,} events (largest source: {statements.source_id.value_counts().iloc[0]:,})"
    )
    history_features(statements, events, **PARAMS)  # warm up
    secs = timed(
        "history_features", lambda: history_features(statements, events, **PARAMS), args.repeat
    )
    validated = validate_tables(statements.assign(text=""), events=events)
    arrays = history_arrays(validated)
    prior_r, prior_f, strength, half_life = (
        PARAMS[k] for k in ("retraction_prior", "false_prior", "prior_strength", "half_life_days")
    )
    timed("  validation", lambda: check_history_inputs(statements, events), args.repeat)
    timed("  arrays", lambda: history_arrays(validated), args.repeat)
    timed(
        "  computation",
        lambda: compute_history(arrays, prior_r, prior_f, strength, half_life),
        args.repeat,
    )
    tracemalloc.start()
    history_features(statements, events, **PARAMS)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak traced memory {peak / 2**20:.0f} MiB; process max RSS {rss:.0f} MiB")
    print(f"throughput: {len(statements) / secs / 1e6:.2f} M statements/s")

    # Speed-up over the reference loop of the tests, on a table that loop can do.
    n = args.loop_statements
    ratio = args.statements / n
    small_st, small_ev = make_tables(
        n, max(int(args.sources / ratio), 1), int(args.events / ratio), args.seed + 1
    )
    reference = load_reference()
    t = time.perf_counter()
    ref = reference(small_st, small_ev, **PARAMS)
    t_ref = time.perf_counter() - t
    t_vec, _ = time_best(lambda: history_features(small_st, small_ev, **PARAMS), args.repeat)
    got = history_features(small_st, small_ev, **PARAMS)
    ok = np.allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-9, atol=1e-12, equal_nan=True)
    print(
        f"reference loop on {n:,} statements / {len(small_ev):,} events: {t_ref:.2f} s; "
        f"vectorised {t_vec * 1e3:.1f} ms; speed-up {t_ref / t_vec:,.0f}x; agree: {ok}"
    )


if __name__ == "__main__":
    main()
