"""Benchmark: rank features for 1,000,000 titles with repeats (as real data has).

Titles are drawn with a Zipf-like distribution from a pool of synthetic titles built from the
rank tables' own vocabulary (no corpus rows), so a few titles repeat very often and many occur
once. Each distinct title is resolved once (``rank_features`` factorises the column).

Usage::

    python experiments/bench_rank.py [--n 1000000] [--distinct 20000] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from credscore.features.rank import load_rank_table, rank_features

HEADS = (
    "Colonel|Lt. Gen.|U.S. Senator|state representative|Governor|Mayor|Defence Minister|"
    "spokesperson for the Ministry of Defence|CNN host|blogger|Chief Executive|judge|Sergeant|"
    "professor|sources close to the cabinet|an adviser to the President|Social media posting|"
    "columnist|activist"
).split("|")
MODS = ["", "former ", "deputy ", "acting ", "candidate for ", "retired ", "senior "]
TAILS = ["", ", {n}th District", " of the {n}th Battalion", ", Acme {n} Inc.", " from Region {n}"]


def make_titles(n: int, distinct: int, seed: int) -> pd.Series:
    """A column of ``n`` titles drawn Zipf-like from ``distinct`` synthetic titles."""
    rng = np.random.default_rng(seed)
    pool = [
        f"{MODS[i % len(MODS)]}{HEADS[(i // 7) % len(HEADS)]}"
        + TAILS[(i // 133) % len(TAILS)].format(n=i)
        for i in range(distinct)
    ]
    weights = 1.0 / np.arange(1, distinct + 1) ** 1.1
    idx = rng.choice(distinct, size=n, p=weights / weights.sum())
    s = pd.Series(np.array(pool, dtype=object)[idx])
    s[rng.random(n) < 0.05] = None  # missing titles
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--distinct", type=int, nargs="+", default=[20_000, 2_000])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    table = load_rank_table()
    print(f"load rank tables (one-off): {time.perf_counter() - t0:.2f} s")
    for distinct in args.distinct:
        titles = make_titles(args.n, distinct, args.seed)
        print(
            f"titles: {len(titles):,}  distinct: {titles.nunique():,}  "
            f"missing: {titles.isna().sum():,}"
        )
        table.cache.clear()
        for run in ("cold cache", "warm cache"):
            t = time.perf_counter()
            df = rank_features(titles, table)
            dt = time.perf_counter() - t
            print(
                f"  rank_features, {run}: {dt:.2f} s = {len(titles) / dt:,.0f} titles/s "
                f"(known {df['rank_known'].mean():.1%})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
