"""Model selection on a subsample (``selection_rows``) against selection on every row.

Builds the benchmark's LIAR-derived tables (``bench_score.realistic_tables``: distinct spliced
texts, LIAR titles, half the statements labelled), fits ``CredibilityModel`` on the labelled
statements made before the 80% time quantile with ``selection_rows=None`` (every row) and with
smaller caps, and scores the later labelled statements with every earlier verdict as history.
Prints per setting: the chosen pair, fit CPU seconds and held-out log loss, beside the base
rate's. Usage: ``python experiments/selection_subsample.py [--n 400000] [--caps 20000 50000]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_score import load, machine, realistic_tables

import credscore


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400_000)
    ap.add_argument("--caps", type=int, nargs="+", default=[20_000, 50_000])
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    tables = realistic_tables(args.n, seed=11)
    st = tables.statements
    cut = st["made_at"].quantile(0.8)
    early = st[st["made_at"] < cut]
    late = st[(st["made_at"] >= cut) & st["label"].notna()]
    train = credscore.Tables(
        early,
        tables.sources,
        tables.events[tables.events["statement_id"].isin(early["statement_id"])],
    )
    history = credscore.Tables(st[st["made_at"] < cut], tables.sources, train.events)
    y = late["label"].to_numpy().astype(int)
    base = float(early["label"].mean())
    ll_base = -np.mean(y * np.log(base) + (1 - y) * np.log(1 - base))
    print(machine(), f"load {load()}")
    print(
        f"{len(st):,} statements; train {int(early['label'].notna().sum()):,} labelled "
        f"before {cut.date()}, "
        f"test {len(late):,} labelled after; base rate log loss {ll_base:.4f}"
    )
    for cap in [None, *args.caps]:
        t0 = time.process_time()
        m = credscore.CredibilityModel(selection_rows=cap, verbose=0).fit(train)
        cpu = time.process_time() - t0
        p = np.clip(
            m.score(late.drop(columns=["label"]), history=history, explain=False)[
                "p_reliable"
            ].to_numpy(),
            1e-6,
            1 - 1e-6,
        )
        ll = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        sel = m.classifier_.selection_
        print(
            f"selection_rows={cap}: {sel['base']} + {sel['calibrator']} "
            f"(selected on {sel['n_rows']:,} rows), "
            f"fit {cpu:.1f} s CPU, held-out log loss {ll:.4f} (load {load()})",
            flush=True,
        )


if __name__ == "__main__":
    main()
